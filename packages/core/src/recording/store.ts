import { BbError, isBbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { randomBytes } from '../util/random.js';
import { toBase64Url } from '../util/base64url.js';
import { encodeEndMarker, generateRecordingKey, openChunk, sealChunk } from './chunk-crypto.js';
import { planExport } from './export-plan.js';
import { heldRecordingIds, takeLock, type HeldLock } from './locks.js';
import {
  createRecording,
  deleteRecording,
  getAllRecords,
  getKey,
  getRecord,
  openMetadataDb,
  putRecord,
  type RecordingRecord,
} from './metadata-db.js';
import {
  dirEntries,
  ensureRecordingDir,
  exportsRoot,
  listChunkFiles,
  readChunkFile,
  recordingDir,
  recordingsRoot,
  removeChunkFile,
  removeDir,
  storageFailed,
  writeChunkFile,
} from './opfs.js';
import { prepareStorage } from './quota.js';
import { exportMetadataJson, remuxRecording, type SeekableSink } from './remux.js';
import { canPickSaveFile, downloadFile, pickSaveFile, safeFileName } from './save-target.js';
import { statusOf, toStoredRecording } from './stored-recording.js';
import { OpfsRecordingWriter, type RecordingWriter } from './recording-writer.js';
import type { ExportSummary, StoragePreparation, StoredRecording } from './types.js';
import { checkRecordingId } from './validate.js';

const log = createLogger('core:recording');

/** Scratch export files older than this are removed when a store opens. */
const SCRATCH_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Encrypted, crash-safe local storage of session recordings, and their export to a
 * seekable file. Media chunks go to the Origin Private File System as they are recorded,
 * each encrypted with AES-256-GCM under a non-extractable key kept in IndexedDB, one key
 * per recording. Nothing here sends anything over the network. See docs/recording.md.
 */
export class RecordingStore {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly root: FileSystemDirectoryHandle,
  ) {}

  /**
   * Opens the store: the recordings folder in the Origin Private File System and the
   * IndexedDB database of metadata and keys. Removes leftovers of deletes and exports that
   * a closed tab did not finish. Throws `BB_ERR_RECORDING_UNSUPPORTED` where the browser
   * lacks any of OPFS writable streams, IndexedDB, Web Crypto or Web Locks, or the page is
   * not a secure context.
   */
  static async open(): Promise<RecordingStore> {
    const missing = missingFeature();
    if (missing !== undefined) {
      throw new BbError(
        'BB_ERR_RECORDING_UNSUPPORTED',
        `Local recording needs ${missing}, which this browser or page does not offer.`,
      );
    }
    let root: FileSystemDirectoryHandle;
    try {
      root = await recordingsRoot();
    } catch (cause) {
      throw new BbError(
        'BB_ERR_RECORDING_UNSUPPORTED',
        'The private file system is not available (private browsing or storage blocked).',
        { cause },
      );
    }
    const store = new RecordingStore(await openMetadataDb(), root);
    await store.sweep().catch((error: unknown) => {
      log.warn('could not clean up leftovers', { code: isBbError(error) ? error.code : 'unknown' });
    });
    return store;
  }

  /**
   * Asks for persistent storage (so the browser does not evict recordings under storage
   * pressure) and checks that `estimatedBytes`, plus a margin, fits in what the origin
   * may still use. Throws `BB_ERR_RECORDING_NO_SPACE` when it does not. Persistence
   * refused is not an error: `persisted` says so, and the app may warn the therapist.
   * `estimateRecordingBytes()` turns a length and bitrate into an estimate.
   */
  prepare(estimatedBytes: number): Promise<StoragePreparation> {
    return prepareStorage(estimatedBytes);
  }

  /**
   * Starts a new recording in `init.mimeType` (the MediaRecorder's `mimeType`) and returns
   * its writer, which holds the recording's Web Lock until it finishes or aborts.
   */
  async begin(init: { mimeType: string }): Promise<RecordingWriter> {
    if (typeof init !== 'object' || init === null || typeof init.mimeType !== 'string') {
      throw new TypeError('RecordingStore.begin: init.mimeType must be a string');
    }
    if (!/^(video|audio)\/[\w.+-]+(;.*)?$/.test(init.mimeType) || init.mimeType.length > 200) {
      throw new RangeError('RecordingStore.begin: init.mimeType must be a video or audio type');
    }
    const id = toBase64Url(randomBytes(16));
    const lock = await takeLock(id);
    if (lock === undefined) {
      throw new BbError('BB_ERR_RECORDING_BUSY', 'A fresh recording id was already locked.');
    }
    try {
      const key = await generateRecordingKey();
      const now = Date.now();
      const record: RecordingRecord = {
        id,
        createdAt: now,
        updatedAt: now,
        mimeType: init.mimeType,
        chunkCount: 0,
        byteLength: 0,
        status: 'recording',
        events: [],
      };
      await createRecording(this.db, record, key);
      const dir = await ensureRecordingDir(this.root, id);
      log.info('recording started', { recordingId: id });
      return new OpfsRecordingWriter({
        db: this.db,
        root: this.root,
        dir,
        key,
        record,
        lock,
      });
    } catch (error) {
      await deleteRecording(this.db, id).catch(() => undefined);
      await removeDir(this.root, id).catch(() => undefined);
      lock.release();
      throw storageFailed('start the recording', error);
    }
  }

  /**
   * Every stored recording, newest first, including those being written (`recording`)
   * and those whose tab died (`interrupted`: offer `recover()`).
   */
  async list(): Promise<StoredRecording[]> {
    const [records, held] = await Promise.all([getAllRecords(this.db), heldRecordingIds()]);
    return records
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((record) => toStoredRecording(record, statusOf(record, held.has(record.id))));
  }

  /** One stored recording; `BB_ERR_RECORDING_NOT_FOUND` when there is none with this id. */
  async get(id: string): Promise<StoredRecording> {
    checkRecordingId(id, 'RecordingStore.get: id');
    const record = await this.record(id);
    const held = await heldRecordingIds();
    return toStoredRecording(record, statusOf(record, held.has(id)));
  }

  /**
   * Makes an interrupted recording exportable, up to the last whole chunk: chunks written
   * after the last metadata update are kept when they decrypt, anything after them is
   * removed, and the end marker is written. A complete recording is returned as it is;
   * one still being written is `BB_ERR_RECORDING_BUSY`.
   */
  async recover(id: string): Promise<StoredRecording> {
    checkRecordingId(id, 'RecordingStore.recover: id');
    const lock = await this.lockOrBusy(id);
    try {
      const record = await this.record(id);
      if (record.status === 'complete') {
        return toStoredRecording(record, 'complete');
      }
      const key = await this.key(id);
      const dir = await ensureRecordingDir(this.root, id);
      const files = await listChunkFiles(dir);
      let count = record.chunkCount;
      let bytes = record.byteLength;
      for (let file = files.get(count); file !== undefined; file = files.get(count)) {
        try {
          const plaintext = await openChunk(
            key,
            { recordingId: id, index: count, kind: 'media' },
            await readChunkFile(file),
          );
          count += 1;
          bytes += plaintext.length;
        } catch (error) {
          if (!isBbError(error, 'BB_ERR_RECORDING_CORRUPT')) {
            throw error;
          }
          break;
        }
      }
      for (const index of files.keys()) {
        if (index >= count) {
          await removeChunkFile(dir, index);
        }
      }
      const marker = await sealChunk(
        key,
        { recordingId: id, index: count, kind: 'end' },
        encodeEndMarker({ chunkCount: count, byteLength: bytes }),
      );
      await writeChunkFile(dir, count, marker);
      const recovered: RecordingRecord = {
        ...record,
        chunkCount: count,
        byteLength: bytes,
        status: 'complete',
        endReason: 'recovered',
        updatedAt: Date.now(),
      };
      await putRecord(this.db, recovered);
      log.info('recording recovered', { recordingId: id, chunkCount: count });
      return toStoredRecording(recovered, 'complete');
    } finally {
      lock.release();
    }
  }

  /**
   * Saves a recording where the therapist chooses: the browser's save dialog where there
   * is one (`showSaveFilePicker`; call this from a click handler), a download otherwise.
   * An interrupted recording is recovered first. Returns what was written; closing the
   * dialog is `BB_ERR_RECORDING_EXPORT_CANCELLED`.
   *
   * The download path first writes the decrypted file to the private file system and
   * hands the browser that disk-backed file; it is removed when a store next opens after
   * an hour, since the download may still be reading it.
   */
  async export(id: string, options: { suggestedName?: string } = {}): Promise<ExportSummary> {
    checkRecordingId(id, 'RecordingStore.export: id');
    if (options.suggestedName !== undefined && typeof options.suggestedName !== 'string') {
      throw new TypeError('RecordingStore.export: options.suggestedName must be a string');
    }
    const record = await this.record(id);
    const { mimeType, extension } = exportTypeOf(record.mimeType);
    const name = safeFileName(
      options.suggestedName ?? `session-recording-${isoDate(record.createdAt)}`,
      extension,
    );
    if (canPickSaveFile()) {
      const writable = await pickSaveFile(name, mimeType, extension);
      return this.exportTo(id, writable);
    }
    const { summary, file } = await this.exportToScratch(id, true);
    downloadFile(file, name);
    return summary;
  }

  /**
   * Writes the exported file to `target`, chunk by chunk. A `FileSystemWritableFileStream`
   * is written in place and committed only when the whole export has been checked: a
   * corrupt chunk aborts it and leaves the file as it was. Any other `WritableStream`
   * cannot seek, so the file is first built in the private file system, checked, then
   * streamed to `target` and removed. The target is closed at the end, or aborted on
   * failure.
   */
  async exportTo(
    id: string,
    target: WritableStream<Uint8Array> | FileSystemWritableFileStream,
  ): Promise<ExportSummary> {
    checkRecordingId(id, 'RecordingStore.exportTo: id');
    if (!(target instanceof WritableStream)) {
      throw new TypeError('RecordingStore.exportTo: target must be a WritableStream');
    }
    if (isFileStream(target)) {
      try {
        const summary = await this.exportWith(id, {
          write: (chunk) => target.write(chunk),
        });
        await target.close();
        return summary;
      } catch (error) {
        await target.abort(error).catch(() => undefined);
        throw wrapExportError(error);
      }
    }
    let scratch: Awaited<ReturnType<RecordingStore['exportToScratch']>> | undefined;
    try {
      scratch = await this.exportToScratch(id, false);
      await scratch.file.stream().pipeTo(target);
      return scratch.summary;
    } catch (error) {
      await target.abort(error).catch(() => undefined);
      throw wrapExportError(error);
    } finally {
      await scratch?.remove();
    }
  }

  /**
   * The metadata of a recording as the JSON text the export writes into the file's
   * comment tag: consent, start and stop moments with times and roles, nothing else.
   * Offer it as a sidecar file where the player cannot show tags.
   */
  async exportMetadata(id: string): Promise<string> {
    checkRecordingId(id, 'RecordingStore.exportMetadata: id');
    const record = await this.record(id);
    return JSON.stringify(exportMetadataJson(metadataOf(record)), null, 2);
  }

  /**
   * Deletes a recording: its chunk files, its metadata and its key. The key and metadata
   * go first, in one transaction, so even if removing the files is cut short what is left
   * can no longer be decrypted (and the next `open()` removes it). A recording still being
   * written is `BB_ERR_RECORDING_BUSY`: abort its writer instead.
   */
  async delete(id: string): Promise<void> {
    checkRecordingId(id, 'RecordingStore.delete: id');
    const lock = await this.lockOrBusy(id);
    try {
      const record = await getRecord(this.db, id);
      const dir = await recordingDir(this.root, id, false);
      if (record === undefined && dir === undefined) {
        throw notFound(id);
      }
      await deleteRecording(this.db, id);
      await removeDir(this.root, id);
      log.info('recording deleted', { recordingId: id });
    } finally {
      lock.release();
    }
  }

  /** Closes the database connection. The store cannot be used afterwards. */
  close(): void {
    this.db.close();
  }

  /** Remuxes into a scratch file in the private file system and returns it, committed. */
  private async exportToScratch(
    id: string,
    keep: boolean,
  ): Promise<{ summary: ExportSummary; file: File; remove(): Promise<void> }> {
    const record = await this.record(id);
    const scratchDir = await exportsRoot();
    const name = `${id}-${Date.now()}.${exportTypeOf(record.mimeType).extension}`;
    const remove = () => scratchDir.removeEntry(name).catch(() => undefined);
    let writable: FileSystemWritableFileStream | undefined;
    try {
      const handle = await scratchDir.getFileHandle(name, { create: true });
      writable = await handle.createWritable();
      const sink = writable;
      const summary = await this.exportWith(id, { write: (chunk) => sink.write(chunk) });
      await writable.close();
      const file = await handle.getFile();
      log.info('recording exported to a scratch file', { recordingId: id, keep });
      return { summary, file, remove };
    } catch (error) {
      await writable?.abort().catch(() => undefined);
      await remove();
      throw error;
    }
  }

  /** The export proper: holds the lock, checks the chunks, remuxes into `sink`. */
  private async exportWith(id: string, sink: SeekableSink): Promise<ExportSummary> {
    let record = await this.record(id);
    if (record.status !== 'complete') {
      if ((await heldRecordingIds()).has(id)) {
        throw busy(id);
      }
      await this.recover(id);
    }
    const lock = await this.lockOrBusy(id);
    try {
      record = await this.record(id);
      const key = await this.key(id);
      const dir = await recordingDir(this.root, id, false);
      if (dir === undefined) {
        throw new BbError('BB_ERR_RECORDING_CORRUPT', `Recording ${id}: its chunks are gone.`);
      }
      const source = await planExport(record, key, dir);
      const result = await remuxRecording(source, record.mimeType, metadataOf(record), sink);
      await source.verifyRest();
      log.info('recording exported', { recordingId: id, chunkCount: source.index.count });
      return Object.freeze({ id, ...result, chunkCount: source.index.count });
    } finally {
      lock.release();
    }
  }

  private async record(id: string): Promise<RecordingRecord> {
    const record = await getRecord(this.db, id);
    if (record === undefined) {
      throw notFound(id);
    }
    return record;
  }

  private async key(id: string): Promise<CryptoKey> {
    const key = await getKey(this.db, id);
    if (key === undefined) {
      throw new BbError('BB_ERR_RECORDING_NOT_FOUND', `Recording ${id} has no key any more.`);
    }
    return key;
  }

  private async lockOrBusy(id: string): Promise<HeldLock> {
    const lock = await takeLock(id);
    if (lock === undefined) {
      throw busy(id);
    }
    return lock;
  }

  /**
   * Removes recording folders with no metadata (a delete cut short after the key was
   * gone) and scratch export files older than an hour.
   */
  private async sweep(): Promise<void> {
    const known = new Set((await getAllRecords(this.db)).map((record) => record.id));
    const held = await heldRecordingIds();
    const orphans: string[] = [];
    for await (const [name, handle] of dirEntries(this.root)) {
      if (handle.kind === 'directory' && !known.has(name) && !held.has(name)) {
        orphans.push(name);
      }
    }
    for (const name of orphans) {
      await removeDir(this.root, name);
    }
    const scratchDir = await exportsRoot();
    const stale: string[] = [];
    for await (const [name, handle] of dirEntries(scratchDir)) {
      const madeAt = Number(/-(\d+)\.\w+$/.exec(name)?.[1] ?? 0);
      if (handle.kind === 'file' && Date.now() - madeAt > SCRATCH_MAX_AGE_MS) {
        stale.push(name);
      }
    }
    for (const name of stale) {
      await scratchDir.removeEntry(name).catch(() => undefined);
    }
  }
}

/** The first missing platform feature local recording needs, or undefined. */
function missingFeature(): string | undefined {
  if (typeof globalThis.isSecureContext === 'boolean' && !globalThis.isSecureContext) {
    return 'a secure context (HTTPS)';
  }
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') {
    return 'the Origin Private File System';
  }
  if (
    typeof FileSystemFileHandle === 'undefined' ||
    typeof FileSystemFileHandle.prototype.createWritable !== 'function'
  ) {
    return 'writable streams on private files (FileSystemFileHandle.createWritable)';
  }
  if (typeof indexedDB === 'undefined') {
    return 'IndexedDB';
  }
  if (typeof crypto === 'undefined' || typeof crypto.subtle === 'undefined') {
    return 'Web Crypto';
  }
  if (typeof navigator.locks?.request !== 'function') {
    return 'Web Locks';
  }
  return undefined;
}

function isFileStream(
  target: WritableStream<Uint8Array> | FileSystemWritableFileStream,
): target is FileSystemWritableFileStream {
  return (
    typeof FileSystemWritableFileStream !== 'undefined' &&
    target instanceof FileSystemWritableFileStream
  );
}

function exportTypeOf(recordedMimeType: string): {
  mimeType: 'video/webm' | 'video/mp4';
  extension: 'webm' | 'mp4';
} {
  return /^(video|audio)\/mp4/i.test(recordedMimeType)
    ? { mimeType: 'video/mp4', extension: 'mp4' }
    : { mimeType: 'video/webm', extension: 'webm' };
}

function metadataOf(record: RecordingRecord) {
  return {
    recordingId: record.id,
    createdAt: record.createdAt,
    endReason: record.endReason ?? 'finished',
    events: record.events,
  };
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace(':', '-');
}

function notFound(id: string): BbError {
  return new BbError('BB_ERR_RECORDING_NOT_FOUND', `No stored recording has the id ${id}.`);
}

function busy(id: string): BbError {
  return new BbError(
    'BB_ERR_RECORDING_BUSY',
    `Recording ${id} is still being written or exported, in this tab or another.`,
  );
}

function wrapExportError(error: unknown): unknown {
  if (isBbError(error)) {
    return error;
  }
  return new BbError('BB_ERR_RECORDING_EXPORT_FAILED', 'The export could not be written.', {
    cause: error,
  });
}
