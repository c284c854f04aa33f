import { BbError, isBbError, isErrorCode, type ErrorCode } from '../errors/index.js';

/**
 * PeerJS `PeerErrorType` values (peerjs 1.5). `peer-unavailable` is not here: it means
 * the server answered EXPIRE because the other participant is not connected yet, which
 * is the normal way into `waiting`, not an error.
 */
const PEER_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  'server-error': 'BB_ERR_SIGNAL_REFUSED',
  'unavailable-id': 'BB_ERR_SIGNAL_REFUSED',
  'invalid-id': 'BB_ERR_SIGNAL_REFUSED',
  'invalid-key': 'BB_ERR_SIGNAL_REFUSED',
  network: 'BB_ERR_SIGNAL_UNREACHABLE',
  'socket-error': 'BB_ERR_SIGNAL_UNREACHABLE',
  'socket-closed': 'BB_ERR_SIGNAL_UNREACHABLE',
  'ssl-unavailable': 'BB_ERR_SIGNAL_UNREACHABLE',
  disconnected: 'BB_ERR_SIGNAL_UNREACHABLE',
  webrtc: 'BB_ERR_PEER_CONNECTION_FAILED',
  'browser-incompatible': 'BB_ERR_PEER_CONNECTION_FAILED',
  'negotiation-failed': 'BB_ERR_PEER_CONNECTION_FAILED',
  'connection-closed': 'BB_ERR_PEER_CONNECTION_FAILED',
};

const PEER_ERROR_MESSAGES: Readonly<Partial<Record<string, string>>> = {
  'server-error': 'The signalling server refused this participant',
  'unavailable-id': 'This participant is already connected from another tab or device',
  network: 'The connection to the signalling server was lost',
  'socket-error': 'The signalling server could not be reached',
};

/** True for the PeerJS error that means "the other participant is not connected". */
export function isPeerUnavailable(error: unknown): boolean {
  return peerErrorType(error) === 'peer-unavailable';
}

function peerErrorType(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'type' in error) {
    const { type } = error;
    return typeof type === 'string' ? type : undefined;
  }
  return undefined;
}

/**
 * bb-signal writes its code at the start of the text of an ERROR frame
 * (`BB_ERR_TICKET_EXPIRED: …`), the only part PeerJS passes on (for ID-TAKEN it
 * substitutes its own text). Recover it so the cause of `BB_ERR_SIGNAL_REFUSED` says why
 * the server refused.
 */
function serverRefusal(error: unknown): BbError | undefined {
  const text = error instanceof Error ? error.message : '';
  const match = /^(BB_ERR_[A-Z0-9_]+): ?(.*)$/s.exec(text);
  if (match === null || !isErrorCode(match[1])) {
    return undefined;
  }
  return new BbError(match[1], match[2] || undefined, { cause: error });
}

/**
 * Maps a PeerJS `PeerError` (or anything else it emits) to a coded error. When the
 * server named its reason, the cause is a `BbError` with the server's code.
 */
export function mapPeerError(error: unknown): BbError {
  if (isBbError(error)) {
    return error;
  }
  const type = peerErrorType(error) ?? 'unknown';
  const code = PEER_ERROR_CODES[type] ?? 'BB_ERR_PEER_CONNECTION_FAILED';
  const refusal = code === 'BB_ERR_SIGNAL_REFUSED' ? serverRefusal(error) : undefined;
  const message = PEER_ERROR_MESSAGES[type] ?? `The call failed (${type})`;
  return new BbError(code, refusal ? `${message} (${refusal.code})` : message, {
    cause: refusal ?? error,
  });
}
