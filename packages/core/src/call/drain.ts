import type { DataConnection } from 'peerjs';

/** How long a goodbye may take to drain before the connection is closed anyway. */
const DRAIN_LIMIT_MS = 1_000;
const DRAIN_POLL_MS = 20;
/** Time for the last SCTP packet to leave after the send buffer is empty. */
const GRACE_MS = 100;

/**
 * Closes a data connection once what was sent on it has left the send buffer (bounded).
 * Destroying the Peer closes its RTCPeerConnections, which tears the SCTP association
 * down at once, so a last message still in the buffer could be lost.
 */
export async function drainThenClose(connection: DataConnection | undefined): Promise<void> {
  if (connection === undefined) {
    return;
  }
  const channel = connection.dataChannel as RTCDataChannel | null | undefined;
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  while (channel !== null && channel !== undefined && channel.bufferedAmount > 0) {
    if (Date.now() > deadline) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
  connection.close();
}
