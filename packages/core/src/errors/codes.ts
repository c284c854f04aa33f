/**
 * The one registry of error codes for the whole SDK: browser, widget and server.
 *
 * A code is stable: once published it keeps its meaning and is never reused, even
 * after the condition it names can no longer happen. docs/errors.md lists every code
 * with what to do about it; a unit test keeps the two in step.
 */
export const ERROR_CODES = {
  // Arguments and configuration
  BB_ERR_INVALID_ARGUMENT: 'An argument has the wrong type, length or range.',
  BB_ERR_CONFIG_INVALID: 'A configuration value is missing or malformed.',

  // Session links
  BB_ERR_LINK_MALFORMED: 'The session link is not a URL or has no key in its fragment.',
  BB_ERR_LINK_KEY_INVALID: 'The key in the session link is not 32 bytes of base64url.',
  BB_ERR_LINK_FOREIGN: 'The session link belongs to another site than this one.',
  BB_ERR_KEY_STORE_UNAVAILABLE: 'The browser could not open or write its store of link keys.',

  // HTTP API
  BB_ERR_BAD_REQUEST: 'The request body is not valid JSON or does not match its schema.',
  BB_ERR_UNAUTHORIZED: 'The integrator API key is missing or wrong.',
  BB_ERR_ORIGIN_FORBIDDEN: 'The request or upgrade came from an Origin that is not allowed.',
  BB_ERR_NOT_FOUND: 'The requested resource does not exist.',
  BB_ERR_ROOM_UNKNOWN: 'No session is registered for this room id.',
  BB_ERR_ROOM_CONFLICT: 'This room id is already registered with a different proof.',
  BB_ERR_PROOF_INVALID: 'The proof does not match the session link registered for this room.',
  BB_ERR_PAYLOAD_TOO_LARGE: 'The request body is larger than the server accepts.',
  BB_ERR_RATE_LIMITED: 'Too many requests or messages; slow down and retry.',
  BB_ERR_INTERNAL: 'The server failed unexpectedly; nothing was changed.',

  // Therapist accounts and client profiles
  BB_ERR_PASSWORD_REJECTED: 'The password does not meet the password policy.',
  BB_ERR_PASSWORD_BREACHED: 'The password appears in a known data breach.',
  BB_ERR_BREACH_CHECK_UNAVAILABLE: 'The breached-password service could not be asked.',
  BB_ERR_LOGIN_FAILED: 'The email address or password is wrong.',
  BB_ERR_EMAIL_TAKEN: 'An account with this email address exists.',
  BB_ERR_SESSION_REQUIRED: 'Log in first: the session is missing or has ended.',
  BB_ERR_CONFIDENTIAL_ID_REJECTED: 'The confidential ID is empty, too long, or contact details.',

  // Tickets and the signalling socket
  BB_ERR_TICKET_MISSING: 'The signalling connection carried no ticket.',
  BB_ERR_TICKET_INVALID: 'The ticket is malformed or its signature does not verify.',
  BB_ERR_TICKET_EXPIRED: 'The ticket was not used in time, or its session has ended.',
  BB_ERR_TICKET_IN_USE: 'The ticket is already held by another live connection.',
  BB_ERR_PEER_ID_MISMATCH: 'The connection asked for a peer id other than the ticket names.',
  BB_ERR_ROOM_FULL: 'This role in the session is already taken by another participant.',
  BB_ERR_TOO_MANY_CONNECTIONS: 'Too many signalling connections from one address.',
  BB_ERR_MESSAGE_INVALID: 'A signalling message is not valid JSON or has an unknown shape.',
  BB_ERR_DESTINATION_FORBIDDEN: 'A signalling message was addressed to a peer outside the session.',
  BB_ERR_FRAME_TOO_LARGE: 'A signalling frame exceeded the size limit.',
  BB_ERR_HEARTBEAT_TIMEOUT: 'The signalling connection sent no heartbeat in time.',
  BB_ERR_SERVER_SHUTTING_DOWN: 'The signalling server is shutting down; reconnect shortly.',
  BB_ERR_SLOW_RECEIVER: 'The browser did not read its signalling messages in time; reconnect.',
  BB_ERR_PEER_KEY_INVALID: 'The PeerJS key in the signalling URL is not the one this server uses.',

  // Calls in the browser
  BB_ERR_SIGNAL_UNREACHABLE: 'The signalling server could not be reached.',
  BB_ERR_SIGNAL_REFUSED: 'The signalling server refused this participant.',
  BB_ERR_MEDIA_PERMISSION_DENIED: 'Camera or microphone access was denied.',
  BB_ERR_MEDIA_UNAVAILABLE: 'No camera or microphone could be opened.',
  BB_ERR_PEER_CONNECTION_FAILED: 'The connection to the other participant failed.',
  BB_ERR_CALL_STATE: 'The call cannot do this in its current state.',
  BB_ERR_SIGNAL_RESPONSE_INVALID:
    'The signalling server answered with a body that does not match the protocol.',
  BB_ERR_RELAY_UNAVAILABLE: 'A relay-only call was asked for, but no TURN server is available.',
  BB_ERR_VERIFICATION_FAILED:
    'The other side did not prove it holds the session link and the certificates seen here.',
  BB_ERR_FRAME_ENCRYPTION_FAILED:
    'Frame encryption could not be set up on a media connection, so it was closed unsent.',

  // Screen sharing
  BB_ERR_SHARE_BUSY: 'A screen is already being shared in this session; one share at a time.',
  BB_ERR_SHARE_UNSUPPORTED: 'This browser cannot share what was asked for.',
  BB_ERR_SHARE_CANCELLED: 'The screen share was cancelled or not allowed; the call continues.',
  BB_ERR_SHARE_FAILED: 'The screen could not be captured or sent; the call continues.',

  // Local recording storage and export
  BB_ERR_RECORDING_UNSUPPORTED:
    'This browser lacks what local recording needs (private file storage, IndexedDB or Web Crypto).',
  BB_ERR_RECORDING_NO_SPACE: 'There is not enough storage space for the recording.',
  BB_ERR_RECORDING_STORAGE_FAILED: 'The browser failed to read or write the stored recording.',
  BB_ERR_RECORDING_CORRUPT:
    'A stored recording chunk was changed, reordered or cut off; it does not decrypt.',
  BB_ERR_RECORDING_NOT_FOUND: 'No stored recording has this id, or its key is gone.',
  BB_ERR_RECORDING_BUSY: 'The recording is still being written, in this tab or another.',
  BB_ERR_RECORDING_CLOSED: 'The recording writer has finished or stopped; nothing more is added.',
  BB_ERR_RECORDING_EXPORT_FAILED: 'The recording could not be turned into a playable file.',
  BB_ERR_RECORDING_EXPORT_CANCELLED: 'The save dialog was closed; nothing was saved.',

  // Recording a session with consent
  BB_ERR_RECORDING_CONSENT_REQUIRED: 'Recording needs the client to accept a request first.',
  BB_ERR_RECORDING_DECLINED: 'The client declined to be recorded; nothing was recorded.',
  BB_ERR_RECORDING_CANCELLED:
    'The recording request ended before the client answered; nothing was recorded.',
  BB_ERR_RECORDING_IN_PROGRESS: 'A recording is already requested or running in this session.',
  BB_ERR_RECORDING_NOT_ALLOWED: 'Only the host records, and only the client answers a request.',
  BB_ERR_RECORDING_CAPTURE_UNSUPPORTED:
    'This browser cannot compose and record the session (MediaRecorder, canvas or Web Audio).',
  BB_ERR_RECORDING_FAILED:
    'The recorder could not start or stopped on an error; what it wrote is kept.',
} as const;

/** A stable error code, for example `BB_ERR_LINK_MALFORMED`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `value` is a code from the registry. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
