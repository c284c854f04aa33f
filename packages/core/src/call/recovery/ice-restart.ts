import type { DataConnection, MediaConnection, Peer } from 'peerjs';
import { createLogger } from '../../log/index.js';

type PeerConnectionOwner = MediaConnection | DataConnection;

const log = createLogger('core:recovery');

/**
 * ICE restarts over PeerJS's signalling.
 *
 * PeerJS 1.5 cannot renegotiate: an OFFER for a connection id it already knows closes
 * that connection and starts a new one. Its ANSWER handler, though, applies whatever
 * description it carries to the existing connection (`setRemoteDescription`) and
 * nothing else, and bb-signal relays an ANSWER whose description is an offer, as the
 * PeerJS server does. So a restart offer travels as an ANSWER frame, and the reply, a
 * real answer, as another. Candidates travel as usual (see `hardenConnection`).
 *
 * Only the host offers restarts, so the two sides never offer at once (no glare), and
 * only the client answers them. Every description applied this way is still held to
 * the proven certificate by the guards of verification/.
 */
export async function offerIceRestart(
  connection: PeerConnectionOwner,
  peer: Peer,
): Promise<boolean> {
  const pc = connection.peerConnection as RTCPeerConnection | null | undefined;
  if (pc === null || pc === undefined || pc.connectionState === 'closed' || !peer.open) {
    return false;
  }
  try {
    if (pc.signalingState === 'have-local-offer') {
      // An earlier restart offer was never answered (the other side had no signalling).
      await pc.setLocalDescription({ type: 'rollback' });
    }
    if (pc.signalingState !== 'stable') {
      return false;
    }
    pc.restartIce();
    const offer = await pc.createOffer({ iceRestart: true });
    await pc.setLocalDescription(offer);
    sendDescription(connection, peer, pc.localDescription);
    log.info('ice restart offered', { kind: connection.type });
    return true;
  } catch (error) {
    log.warn('ice restart could not be offered', { kind: connection.type, error: String(error) });
    return false;
  }
}

/**
 * Answers restart offers on an established connection (client side). The first
 * negotiation is PeerJS's own; only an offer that arrives after the connection was
 * once `stable` is a restart.
 */
export function answerIceRestarts(connection: PeerConnectionOwner, peer: Peer): void {
  const pc = connection.peerConnection as RTCPeerConnection | null | undefined;
  if (pc === null || pc === undefined) {
    return;
  }
  let established = pc.signalingState === 'stable' && pc.remoteDescription !== null;
  pc.addEventListener('signalingstatechange', () => {
    if (pc.signalingState === 'stable') {
      established = true;
    } else if (established && pc.signalingState === 'have-remote-offer') {
      void answerRestart(connection, peer, pc);
    }
  });
}

async function answerRestart(
  connection: PeerConnectionOwner,
  peer: Peer,
  pc: RTCPeerConnection,
): Promise<void> {
  try {
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    sendDescription(connection, peer, pc.localDescription);
    log.info('ice restart answered', { kind: connection.type });
  } catch (error) {
    log.warn('ice restart could not be answered', { kind: connection.type, error: String(error) });
  }
}

/**
 * Gives an established connection new ICE servers (RTCPeerConnection.setConfiguration,
 * W3C webrtc-pc 4.4.1.6); the next gathering, such as an ICE restart's, uses them. Every
 * other setting, the certificate included, must stay as it was.
 */
export function applyIceServers(
  pc: RTCPeerConnection | null | undefined,
  servers: readonly RTCIceServer[],
): void {
  if (pc === null || pc === undefined || pc.connectionState === 'closed') {
    return;
  }
  try {
    pc.setConfiguration({ ...pc.getConfiguration(), iceServers: servers.map((s) => ({ ...s })) });
  } catch (error) {
    log.warn('ICE servers could not be replaced', { error: String(error) });
  }
}

function sendDescription(
  connection: PeerConnectionOwner,
  peer: Peer,
  description: RTCSessionDescription | null,
): void {
  if (description === null) {
    return;
  }
  peer.socket.send({
    type: 'ANSWER',
    payload: {
      sdp: { type: description.type, sdp: description.sdp },
      type: connection.type,
      connectionId: connection.connectionId,
    },
    dst: connection.peer,
  });
}
