import { BbError } from '../errors/index.js';
import type { StoragePreparation } from './types.js';

/** Room asked for on top of the estimate: 10 %, and at least 16 MiB for metadata and slack. */
const MARGIN_RATIO = 0.1;
const MARGIN_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Bytes a recording of `durationSeconds` at `bitsPerSecond` (video plus audio, as given
 * to MediaRecorder) takes in storage, before the margin `prepare()` adds.
 */
export function estimateRecordingBytes(durationSeconds: number, bitsPerSecond: number): number {
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
    throw new RangeError('estimateRecordingBytes: durationSeconds must be a positive number');
  }
  if (!Number.isFinite(bitsPerSecond) || bitsPerSecond <= 0) {
    throw new RangeError('estimateRecordingBytes: bitsPerSecond must be a positive number');
  }
  return Math.ceil((durationSeconds * bitsPerSecond) / 8);
}

/** The bytes `prepare()` requires free for an estimate. */
export function requiredBytes(estimatedBytes: number): number {
  return Math.ceil(estimatedBytes + Math.max(estimatedBytes * MARGIN_RATIO, MARGIN_MIN_BYTES));
}

/** See `RecordingStore.prepare`. */
export async function prepareStorage(estimatedBytes: number): Promise<StoragePreparation> {
  if (typeof estimatedBytes !== 'number') {
    throw new TypeError('RecordingStore.prepare: estimatedBytes must be a number');
  }
  if (!Number.isFinite(estimatedBytes) || estimatedBytes < 0) {
    throw new RangeError('RecordingStore.prepare: estimatedBytes must be zero or more');
  }
  let persisted: boolean;
  try {
    persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  } catch {
    // Persistence is a request the browser may refuse or not support; recording goes on.
    persisted = false;
  }
  let availableBytes: number;
  try {
    const { quota = 0, usage = 0 } = await navigator.storage.estimate();
    availableBytes = Math.max(0, quota - usage);
  } catch (cause) {
    throw new BbError(
      'BB_ERR_RECORDING_STORAGE_FAILED',
      'The browser would not say how much storage is free.',
      { cause },
    );
  }
  const required = requiredBytes(estimatedBytes);
  if (availableBytes < required) {
    throw new BbError(
      'BB_ERR_RECORDING_NO_SPACE',
      `The recording needs about ${megabytes(required)} MB of storage and ` +
        `${megabytes(availableBytes)} MB is free: free disk space or delete old recordings.`,
    );
  }
  return Object.freeze({ persisted, availableBytes, requiredBytes: required });
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(0);
}
