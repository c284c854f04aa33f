export { SessionCall, SIGNAL_OPEN_TIMEOUT_MS } from './session-call.js';
export type { SessionCallOptions } from './options.js';
export type { ConnectionPath } from './connection-path.js';
export { CALL_STATES, canTransition, isFinalState, type CallState } from './state-machine.js';
export type {
  SessionCallEventMap,
  SessionCallEventName,
  SessionCallListener,
  CallStateChange,
  CallStateReason,
  CallEndReason,
  MediaEnabledState,
} from './events.js';
export type { ScreenShareOptions, ShareSurface } from './screen-share-options.js';
export type { ScreenShareState, ScreenShareChange } from './screen-share.js';
export type { SecuritySummary, FrameEncryptionState } from '../verification/index.js';
export type { FrameTransformKind } from '../e2ee/support.js';
export { PROOF_TIMEOUT_MS } from '../verification/index.js';
export { elementCaptureApi, type ElementCaptureApi } from './element-capture.js';
export type {
  RecordingConsent,
  RecordingState,
  RecordingChange,
  RecordingChangeReason,
  RecordingFinished,
  RecordingMedia,
} from '../recording/consent.js';
export type { RecordingOptions, RecordingLayout } from '../recording/recording-options.js';
