import { BbError } from '../errors/index.js';
import { chunkFileName, parseChunkFileName } from './chunk-format.js';

/**
 * The Origin Private File System side of recording storage: one folder per recording,
 * one file per chunk.
 *
 * Why one file per chunk and not one append-only file: a file written through
 * `createWritable()` changes only when its stream closes (File System Standard, "create a
 * new FileSystemWritableFileStream": writes go to a swap file), so every chunk file is
 * whole or absent after a crash, with no torn tail to detect and cut. The main thread
 * cannot append in place anyway (sync access handles are for workers only), and
 * rewriting one growing file through `keepExistingData` would copy it for every chunk.
 */

/** Top-level folder of stored recordings in the origin's private file system. */
export const RECORDINGS_DIR = 'bb-recordings';
/** Top-level folder of decrypted files made while exporting to a plain stream or download. */
export const EXPORTS_DIR = 'bb-recordings-export';

/** The recordings folder, created on first use. */
export async function recordingsRoot(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(RECORDINGS_DIR, { create: true });
}

/** The export scratch folder, created on first use. */
export async function exportsRoot(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(EXPORTS_DIR, { create: true });
}

/** A recording's folder; undefined when it does not exist and `create` is false. */
export async function recordingDir(
  root: FileSystemDirectoryHandle,
  id: string,
  create: boolean,
): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    return await root.getDirectoryHandle(id, { create });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'NotFoundError') {
      return undefined;
    }
    throw storageFailed('open the recording folder', cause);
  }
}

/**
 * The entries of a folder. Directory handles are async iterable (File System Standard,
 * section 2.3.3), but TypeScript's DOM library types that only in `DOM.AsyncIterable`.
 */
export function dirEntries(
  dir: FileSystemDirectoryHandle,
): AsyncIterable<[string, FileSystemHandle]> {
  return (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
}

/** A recording's folder, created when missing. */
export async function ensureRecordingDir(
  root: FileSystemDirectoryHandle,
  id: string,
): Promise<FileSystemDirectoryHandle> {
  try {
    return await root.getDirectoryHandle(id, { create: true });
  } catch (cause) {
    throw storageFailed('create the recording folder', cause);
  }
}

/** The chunk files of a folder by index (other names are ignored). */
export async function listChunkFiles(
  dir: FileSystemDirectoryHandle,
): Promise<Map<number, FileSystemFileHandle>> {
  const chunks = new Map<number, FileSystemFileHandle>();
  for await (const [name, handle] of dirEntries(dir)) {
    const index = parseChunkFileName(name);
    if (index !== undefined && handle.kind === 'file') {
      chunks.set(index, handle as FileSystemFileHandle);
    }
  }
  return chunks;
}

/**
 * Writes a chunk file whole or not at all. On failure the file entry is removed again, so
 * a later recovery never meets an empty or half file; a full disk becomes
 * `BB_ERR_RECORDING_NO_SPACE`.
 */
export async function writeChunkFile(
  dir: FileSystemDirectoryHandle,
  index: number,
  data: Uint8Array<ArrayBuffer>,
): Promise<void> {
  const name = chunkFileName(index);
  let writable: FileSystemWritableFileStream | undefined;
  try {
    const handle = await dir.getFileHandle(name, { create: true });
    writable = await handle.createWritable();
    await writable.write(data);
    await writable.close();
  } catch (cause) {
    await writable?.abort().catch(() => undefined);
    await dir.removeEntry(name).catch(() => undefined);
    throw storageFailed(`write chunk ${index}`, cause);
  }
}

/** Reads a whole chunk file. */
export async function readChunkFile(handle: FileSystemFileHandle): Promise<Uint8Array> {
  try {
    const file = await handle.getFile();
    return new Uint8Array(await file.arrayBuffer());
  } catch (cause) {
    throw storageFailed(`read ${handle.name}`, cause);
  }
}

/** Removes a chunk file if it exists. */
export async function removeChunkFile(
  dir: FileSystemDirectoryHandle,
  index: number,
): Promise<void> {
  try {
    await dir.removeEntry(chunkFileName(index));
  } catch (cause) {
    if (!(cause instanceof DOMException && cause.name === 'NotFoundError')) {
      throw storageFailed(`remove chunk ${index}`, cause);
    }
  }
}

/** Removes a folder and everything in it, if it exists. */
export async function removeDir(parent: FileSystemDirectoryHandle, name: string): Promise<void> {
  try {
    await parent.removeEntry(name, { recursive: true });
  } catch (cause) {
    if (!(cause instanceof DOMException && cause.name === 'NotFoundError')) {
      throw storageFailed(`remove ${name}`, cause);
    }
  }
}

/** A coded error for a failed storage call: no space, or any other failure. */
export function storageFailed(what: string, cause: unknown): BbError {
  if (cause instanceof BbError) {
    return cause;
  }
  if (cause instanceof DOMException && cause.name === 'QuotaExceededError') {
    return new BbError(
      'BB_ERR_RECORDING_NO_SPACE',
      `The disk or the site's storage quota is full: could not ${what}.`,
      { cause },
    );
  }
  return new BbError('BB_ERR_RECORDING_STORAGE_FAILED', `The browser could not ${what}.`, {
    cause,
  });
}
