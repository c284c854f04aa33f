/**
 * `@bilateral-base/core/recording`: encrypted, crash-safe local storage of session
 * recordings in the browser, and their export to a seekable file. See docs/recording.md.
 */
export { RecordingStore } from './store.js';
export type { RecordingWriter } from './recording-writer.js';
export { estimateRecordingBytes } from './quota.js';
export {
  RECORDING_EVENT_TYPES,
  type ExportSummary,
  type RecordingEndReason,
  type RecordingEvent,
  type RecordingEventType,
  type RecordingRole,
  type RecordingStatus,
  type StoragePreparation,
  type StoredRecording,
} from './types.js';
