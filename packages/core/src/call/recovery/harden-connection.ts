import type { DataConnection, MediaConnection, Peer } from 'peerjs';

type PeerConnectionOwner = MediaConnection | DataConnection;

/**
 * Replaces the ICE handlers PeerJS puts on a connection's RTCPeerConnection with ones
 * that let the connection survive a network blink.
 *
 * PeerJS 1.5 closes a connection as soon as its ICE state is `failed`, and stops
 * sending local candidates once the state is `completed`. Both rule out an ICE restart
 * (RFC 8445 section 9): `failed` is exactly when a restart is worth trying, and a
 * restart gathers new candidates that must reach the other side. Here `failed` is only
 * reported, and every candidate is sent. A `closed` connection still closes.
 */
export function hardenConnection(connection: PeerConnectionOwner, peer: Peer): void {
  const pc = connection.peerConnection as RTCPeerConnection | null | undefined;
  if (pc === null || pc === undefined) {
    return;
  }
  const remotePeerId = connection.peer;
  pc.onicecandidate = (event) => {
    // The end-of-candidates marker (null, or an empty candidate string) is not relayed,
    // as PeerJS does not relay it either.
    if (event.candidate === null || event.candidate.candidate === '') {
      return;
    }
    peer.socket.send({
      type: 'CANDIDATE',
      payload: {
        candidate: event.candidate,
        type: connection.type,
        connectionId: connection.connectionId,
      },
      dst: remotePeerId,
    });
  };
  pc.oniceconnectionstatechange = () => {
    const state = pc.iceConnectionState;
    if (state === 'closed') {
      connection.close();
    }
    // Typed by PeerJS as the event a connection raises for its own ICE changes.
    (connection as MediaConnection).emit('iceStateChanged', state);
  };
}
