import type { RecordingRecord } from './metadata-db.js';
import type { RecordingStatus, StoredRecording } from './types.js';

/** A frozen public copy of a record, with its status as seen from outside. */
export function toStoredRecording(
  record: RecordingRecord,
  status: RecordingStatus,
): StoredRecording {
  return Object.freeze({
    id: record.id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    mimeType: record.mimeType,
    chunkCount: record.chunkCount,
    byteLength: record.byteLength,
    status,
    ...(record.endReason === undefined ? {} : { endReason: record.endReason }),
    events: Object.freeze(record.events.map((event) => Object.freeze({ ...event }))),
  });
}

/**
 * The status of a record given whether its writer's lock is held: a record still marked
 * `recording` whose lock is free lost its writer.
 */
export function statusOf(record: RecordingRecord, lockHeld: boolean): RecordingStatus {
  if (record.status === 'complete') {
    return 'complete';
  }
  return lockHeld ? 'recording' : 'interrupted';
}
