import type { MediaConnection } from 'peerjs';
import { BbError } from '../errors/index.js';
import { observedFingerprints, remoteDescriptionPresents } from './fingerprints.js';

/**
 * What the guard needs of a PeerJS connection: a media call, or the control channel
 * once proven, whose ICE restarts carry new remote descriptions too.
 */
export type GuardedConnection = Pick<MediaConnection, 'peerConnection' | 'close'>;

/** How long a media connection may take to show its remote certificate. */
export const MEDIA_CHECK_TIMEOUT_MS = 20_000;

/**
 * Holds a media connection (camera or screen call, and every re-offer on it) to the
 * fingerprint the control channel proved. Each remote description must name exactly
 * that fingerprint, checked as soon as it is applied: on the answering side before the
 * answer is even created, on the offering side before the DTLS handshake can finish,
 * since the browser then accepts no other certificate (RFC 8842 section 5). The returned
 * promise resolves true only once getStats shows the negotiated remote certificate is
 * the proven one; until then the caller must not show the remote stream.
 */
export function guardMediaConnection(
  call: GuardedConnection,
  expected: string,
  onViolation: (error: BbError) => void,
): Promise<boolean> {
  const pc = call.peerConnection;
  let violated = false;
  const violate = (message: string) => {
    if (!violated) {
      violated = true;
      call.close();
      onViolation(new BbError('BB_ERR_VERIFICATION_FAILED', message));
    }
  };
  if (pc === undefined) {
    violate('A media connection started without a peer connection to check');
    return Promise.resolve(false);
  }
  const checkDescription = () => {
    if (pc.remoteDescription !== null && !remoteDescriptionPresents(pc, expected)) {
      violate('A media connection was offered a certificate other than the proven one');
    }
  };
  pc.addEventListener('signalingstatechange', checkDescription);
  checkDescription();
  const deadline = Date.now() + MEDIA_CHECK_TIMEOUT_MS;
  return observedFingerprints(pc, deadline, (seen) => seen.remote === expected).then((observed) => {
    if (violated || pc.connectionState === 'closed') {
      return false;
    }
    if (observed?.remote !== expected) {
      violate('A media connection presented a certificate other than the proven one');
      return false;
    }
    return true;
  });
}
