export {
  createStateChangeEvent,
  type BbStateChangeEvent,
  type BbStateChangeDetail,
} from './bb-state-change.js';
export { createErrorEvent, type BbErrorEvent, type BbErrorDetail } from './bb-error.js';
export { createLeaveEvent, type BbLeaveEvent, type BbLeaveDetail } from './bb-leave.js';
export {
  createRecordingChangeEvent,
  type BbRecordingChangeEvent,
  type BbRecordingChangeDetail,
} from './bb-recording-change.js';
