import { BbError } from '../errors/index.js';
import { CHUNK_OVERHEAD, plaintextLength } from './chunk-format.js';
import { decodeEndMarker, openChunk } from './chunk-crypto.js';
import { ChunkIndex } from './chunk-index.js';
import { DecryptedRecordingSource } from './decrypted-source.js';
import type { RecordingRecord } from './metadata-db.js';
import { listChunkFiles, readChunkFile } from './opfs.js';

/**
 * Checks that a finished recording is whole before export reads it: chunk files 0 to
 * n-1 are all there and the end marker at n decrypts and names n chunks. Chunks cut off
 * the end, or a marker moved, fail here; a changed or swapped chunk fails when it is
 * decrypted during the export.
 */
export async function planExport(
  record: RecordingRecord,
  key: CryptoKey,
  dir: FileSystemDirectoryHandle,
): Promise<DecryptedRecordingSource> {
  const files = await listChunkFiles(dir);
  const count = record.chunkCount;
  const endHandle = files.get(count);
  if (endHandle === undefined) {
    throw new BbError(
      'BB_ERR_RECORDING_CORRUPT',
      `Recording ${record.id}: the end marker after chunk ${count - 1} is missing; ` +
        'chunks were removed or the recording was not finished.',
    );
  }
  const marker = decodeEndMarker(
    await openChunk(
      key,
      { recordingId: record.id, index: count, kind: 'end' },
      await readChunkFile(endHandle),
    ),
    record.id,
    count,
  );
  const handles: FileSystemFileHandle[] = [];
  const lengths: number[] = [];
  for (let index = 0; index < count; index++) {
    const handle = files.get(index);
    if (handle === undefined) {
      throw new BbError(
        'BB_ERR_RECORDING_CORRUPT',
        `Recording ${record.id}: chunk ${index} is missing.`,
      );
    }
    const size = (await handle.getFile()).size;
    if (size < CHUNK_OVERHEAD) {
      throw new BbError(
        'BB_ERR_RECORDING_CORRUPT',
        `Recording ${record.id}: chunk ${index} is cut short.`,
      );
    }
    handles.push(handle);
    lengths.push(plaintextLength(size));
  }
  const index = new ChunkIndex(lengths);
  if (index.byteLength !== marker.byteLength) {
    throw new BbError(
      'BB_ERR_RECORDING_CORRUPT',
      `Recording ${record.id}: the chunks hold ${index.byteLength} bytes, ` +
        `the end marker says ${marker.byteLength}.`,
    );
  }
  if (count === 0 || index.byteLength === 0) {
    throw new BbError('BB_ERR_RECORDING_EXPORT_FAILED', `Recording ${record.id} holds no media.`);
  }
  return new DecryptedRecordingSource(record.id, key, handles, index);
}
