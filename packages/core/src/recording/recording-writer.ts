import { BbError, isBbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { MAX_CHUNK_INDEX } from './chunk-format.js';
import { encodeEndMarker, sealChunk } from './chunk-crypto.js';
import type { HeldLock } from './locks.js';
import { putRecord, type RecordingRecord } from './metadata-db.js';
import { removeDir, writeChunkFile } from './opfs.js';
import { toStoredRecording } from './stored-recording.js';
import { checkRecordingEvent } from './validate.js';
import type { RecordingEvent, StoredRecording } from './types.js';
import { deleteRecording } from './metadata-db.js';

const log = createLogger('core:recording');

/** Writes one recording, chunk by chunk. Made by `RecordingStore.begin()`. */
export interface RecordingWriter {
  /** The recording's id, for `list()`, `export()` and `delete()` later. */
  readonly id: string;
  /**
   * Encrypts and stores one MediaRecorder chunk (a `dataavailable` blob) as its own file,
   * then records the new count, so a crash loses at most the chunk being written. Calls
   * are queued and run one at a time in call order; the promise settles when this chunk
   * is on disk. Empty blobs are skipped. When the disk or quota is full this rejects with
   * `BB_ERR_RECORDING_NO_SPACE` and the writer finishes itself, keeping every chunk
   * written: stop the MediaRecorder and tell the therapist.
   */
  append(chunk: Blob): Promise<void>;
  /** Adds a consent, start or stop moment to the metadata (times and roles only). */
  note(event: RecordingEvent): Promise<void>;
  /**
   * Writes the end marker, marks the recording complete and releases it. Call it after
   * the MediaRecorder's last `dataavailable`. Calling it again, or after a stop for lack of
   * space, returns the same recording.
   */
  finish(): Promise<StoredRecording>;
  /**
   * Discards the recording: removes its chunks, metadata and key. For a recording that
   * must not be kept (consent declined before anything useful, a failed start). To stop
   * and keep, call `finish()`.
   */
  abort(reason: string): Promise<void>;
}

/** What the writer needs from the store. */
export interface WriterParts {
  readonly db: IDBDatabase;
  readonly root: FileSystemDirectoryHandle;
  readonly dir: FileSystemDirectoryHandle;
  readonly key: CryptoKey;
  readonly record: RecordingRecord;
  readonly lock: HeldLock;
}

type WriterState = 'open' | 'finished' | 'aborted';

/** The writer `RecordingStore.begin()` returns. */
export class OpfsRecordingWriter implements RecordingWriter {
  readonly id: string;
  private readonly parts: WriterParts;
  private readonly record: RecordingRecord;
  private queue: Promise<unknown> = Promise.resolve();
  private state: WriterState = 'open';

  constructor(parts: WriterParts) {
    this.parts = parts;
    this.record = parts.record;
    this.id = parts.record.id;
  }

  append(chunk: Blob): Promise<void> {
    if (!(chunk instanceof Blob)) {
      return Promise.reject(new TypeError('RecordingWriter.append: chunk must be a Blob'));
    }
    return this.enqueue(async () => {
      this.checkOpen('append');
      if (chunk.size === 0) {
        return;
      }
      const index = this.record.chunkCount;
      if (index >= MAX_CHUNK_INDEX) {
        throw new BbError('BB_ERR_RECORDING_CLOSED', 'The recording has reached its chunk limit.');
      }
      const plaintext = new Uint8Array(await chunk.arrayBuffer());
      const file = await sealChunk(
        this.parts.key,
        { recordingId: this.id, index, kind: 'media' },
        plaintext,
      );
      try {
        await writeChunkFile(this.parts.dir, index, file);
        this.record.chunkCount = index + 1;
        this.record.byteLength += plaintext.length;
        this.record.updatedAt = Date.now();
        await putRecord(this.parts.db, this.record);
      } catch (error) {
        if (isBbError(error, 'BB_ERR_RECORDING_NO_SPACE')) {
          await this.stopForLackOfSpace();
        }
        throw error;
      }
    });
  }

  note(event: RecordingEvent): Promise<void> {
    try {
      checkRecordingEvent(event, 'RecordingWriter.note: event');
    } catch (error) {
      return Promise.reject(error);
    }
    const copy: RecordingEvent = {
      type: event.type,
      at: event.at,
      role: event.role,
      ...(event.reason === undefined ? {} : { reason: event.reason }),
    };
    return this.enqueue(async () => {
      this.checkOpen('note');
      this.record.events.push(copy);
      this.record.updatedAt = Date.now();
      await putRecord(this.parts.db, this.record);
    });
  }

  finish(): Promise<StoredRecording> {
    return this.enqueue(async () => {
      if (this.state === 'aborted') {
        throw new BbError('BB_ERR_RECORDING_CLOSED', 'The recording was aborted and deleted.');
      }
      if (this.state === 'open') {
        await this.close('finished');
      }
      return toStoredRecording(this.record, 'complete');
    });
  }

  abort(reason: string): Promise<void> {
    if (typeof reason !== 'string') {
      return Promise.reject(new TypeError('RecordingWriter.abort: reason must be a string'));
    }
    return this.enqueue(async () => {
      if (this.state === 'aborted') {
        return;
      }
      this.state = 'aborted';
      log.info('recording aborted', { recordingId: this.id, reason: reason.slice(0, 200) });
      try {
        await deleteRecording(this.parts.db, this.id);
        await removeDir(this.parts.root, this.id);
      } finally {
        this.parts.lock.release();
      }
    });
  }

  /** Runs `task` after every earlier call, whatever their outcome. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private checkOpen(method: string): void {
    if (this.state !== 'open') {
      throw new BbError(
        'BB_ERR_RECORDING_CLOSED',
        `RecordingWriter.${method}: the recording has ${this.state === 'aborted' ? 'been aborted' : 'ended'}.`,
      );
    }
  }

  /** Writes the end marker and the final record, then releases the lock. */
  private async close(reason: 'finished' | 'no-space'): Promise<void> {
    this.state = 'finished';
    try {
      const marker = await sealChunk(
        this.parts.key,
        { recordingId: this.id, index: this.record.chunkCount, kind: 'end' },
        encodeEndMarker({
          chunkCount: this.record.chunkCount,
          byteLength: this.record.byteLength,
        }),
      );
      await writeChunkFile(this.parts.dir, this.record.chunkCount, marker);
      this.record.status = 'complete';
      this.record.endReason = reason;
      this.record.updatedAt = Date.now();
      await putRecord(this.parts.db, this.record);
      log.info('recording closed', {
        recordingId: this.id,
        chunkCount: this.record.chunkCount,
        reason,
      });
    } finally {
      // Released even when the end marker could not be written: the recording is then
      // "interrupted" and recover() can still make it exportable.
      this.parts.lock.release();
    }
  }

  private async stopForLackOfSpace(): Promise<void> {
    log.warn('recording stopped: no space left', {
      recordingId: this.id,
      chunkCount: this.record.chunkCount,
    });
    await this.close('no-space').catch((error: unknown) => {
      log.error('could not close the recording after running out of space', {
        recordingId: this.id,
        code: isBbError(error) ? error.code : 'unknown',
      });
    });
  }
}
