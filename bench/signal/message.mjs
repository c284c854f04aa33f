// The relayed message of the signal benchmark, shared by the load client and the report.

/** Relayed messages are this many bytes on the wire, about a PeerJS ICE candidate. */
export const MESSAGE_BYTES = 350;

/**
 * The message a browser sends for one ICE candidate, as PeerJS 1.5 builds it, with a
 * `sentAt` field the servers relay untouched (both treat payload objects as open). The
 * candidate line is padded so the whole frame is MESSAGE_BYTES long.
 */
export function messageBuilder(dst) {
  const build = (line, sentAt) =>
    '{"type":"CANDIDATE","payload":{"candidate":{"candidate":"' +
    line +
    '","sdpMLineIndex":0,"sdpMid":"0","usernameFragment":"q8Zt"},"type":"media",' +
    `"connectionId":"mc_4f9e2c7a1b3d","sentAt":${sentAt}},"dst":"${dst}"}`;
  const base =
    'candidate:3442447574 1 udp 2122260223 192.0.2.23 54321 typ host generation 0 ' +
    'ufrag q8Zt network-id 1 network-cost 10';
  const room = MESSAGE_BYTES - build(base, '12345.678').length;
  const line = room >= 0 ? base.padEnd(base.length + room, ' ') : base.slice(0, room);
  return (sentAt) => build(line, sentAt.toFixed(3));
}
