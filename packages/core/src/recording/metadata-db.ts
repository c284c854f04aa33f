import { BbError } from '../errors/index.js';
import type { RecordingEndReason, RecordingEvent } from './types.js';

/**
 * The IndexedDB side of recording storage: one record of metadata and one non-extractable
 * key per recording. Media never goes here; it lives in the Origin Private File System.
 */

const DB_NAME = 'bb-recordings';
const DB_VERSION = 1;
const RECORDS = 'recordings';
const KEYS = 'keys';

/** The metadata record as stored. `status` is `recording` until the writer closes it. */
export interface RecordingRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
  mimeType: string;
  chunkCount: number;
  byteLength: number;
  status: 'recording' | 'complete';
  endReason?: RecordingEndReason;
  events: RecordingEvent[];
}

/** Opens (creating on first use) the recordings database. */
export function openMetadataDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(RECORDS, { keyPath: 'id' });
      db.createObjectStore(KEYS);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageFailed('open the recordings database', request.error));
    request.onblocked = () =>
      reject(storageFailed('open the recordings database (an older tab blocks it)', null));
  });
}

/** The database name, for tests and docs. */
export const METADATA_DB_NAME = DB_NAME;

/** Reads one record, or undefined. */
export function getRecord(db: IDBDatabase, id: string): Promise<RecordingRecord | undefined> {
  return run(db, [RECORDS], 'readonly', (tx) => tx.objectStore(RECORDS).get(id));
}

/** Reads every record. */
export function getAllRecords(db: IDBDatabase): Promise<RecordingRecord[]> {
  return run(db, [RECORDS], 'readonly', (tx) => tx.objectStore(RECORDS).getAll());
}

/** Reads a recording's key, or undefined when it was deleted. */
export function getKey(db: IDBDatabase, id: string): Promise<CryptoKey | undefined> {
  return run(db, [KEYS], 'readonly', (tx) => tx.objectStore(KEYS).get(id));
}

/** Writes a record (insert or replace). */
export async function putRecord(db: IDBDatabase, record: RecordingRecord): Promise<void> {
  await run(db, [RECORDS], 'readwrite', (tx) => tx.objectStore(RECORDS).put(record));
}

/** Writes a new record and its key in one transaction, so neither exists without the other. */
export async function createRecording(
  db: IDBDatabase,
  record: RecordingRecord,
  key: CryptoKey,
): Promise<void> {
  await run(db, [RECORDS, KEYS], 'readwrite', (tx) => {
    tx.objectStore(KEYS).add(key, record.id);
    return tx.objectStore(RECORDS).add(record);
  });
}

/** Deletes a record and its key in one transaction. */
export async function deleteRecording(db: IDBDatabase, id: string): Promise<void> {
  await run(db, [RECORDS, KEYS], 'readwrite', (tx) => {
    tx.objectStore(KEYS).delete(id);
    return tx.objectStore(RECORDS).delete(id);
  });
}

/**
 * Runs one request in a transaction and resolves with its result once the transaction has
 * committed (IndexedDB 3.0, section 2.7: a request's success does not mean its transaction
 * is durable; `complete` does).
 */
function run<T>(
  db: IDBDatabase,
  stores: string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => IDBRequest,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction(stores, mode, { durability: 'strict' });
    } catch (cause) {
      reject(storageFailed('start a database transaction', cause));
      return;
    }
    const request = body(tx);
    tx.oncomplete = () => resolve(request.result as T);
    tx.onabort = () => reject(storageFailed('write the recording metadata', tx.error));
  });
}

function storageFailed(what: string, cause: unknown): BbError {
  if (cause instanceof DOMException && cause.name === 'QuotaExceededError') {
    return new BbError('BB_ERR_RECORDING_NO_SPACE', `No space left to ${what}.`, { cause });
  }
  return new BbError('BB_ERR_RECORDING_STORAGE_FAILED', `The browser could not ${what}.`, {
    cause,
  });
}
