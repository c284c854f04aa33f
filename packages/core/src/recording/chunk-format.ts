/**
 * The byte layout of one stored recording chunk, and the associated data that binds it to
 * its place. Pure functions, no browser APIs, so the layout is unit-tested on its own.
 *
 * A chunk file is `MAGIC (4) | IV (12) | AES-256-GCM ciphertext with its 16-byte tag`.
 * The associated data (NIST SP 800-38D, section 5.2.1.1: authenticated, not encrypted) is
 * `AAD_LABEL | 0x00 | recording id | 0x00 | kind (1) | index (4, big-endian)`, so a chunk
 * moved to another index, another recording or from media to end marker fails to
 * authenticate. The end marker (kind `end`) is written at index `chunkCount` and holds the
 * count, so chunks cut off the end are detected too.
 */

/** Marks a file as a Bilateral Base recording chunk, format version 1. Not EBML. */
export const CHUNK_MAGIC = Uint8Array.of(0x42, 0x42, 0x52, 0x31);
/** 96-bit IVs, the size GCM is specified for (SP 800-38D, section 8.2). */
export const IV_BYTES = 12;
/** The GCM tag length Web Crypto uses by default. */
export const TAG_BYTES = 16;
/** Bytes a chunk file holds on top of its plaintext. */
export const CHUNK_OVERHEAD = CHUNK_MAGIC.length + IV_BYTES + TAG_BYTES;
/** Highest chunk index: four bytes of index, and one-second chunks last 136 years. */
export const MAX_CHUNK_INDEX = 0xffff_ffff;

const AAD_LABEL = new TextEncoder().encode('bilateral-base recording chunk v1');
const CHUNK_NAME = /^chunk-(\d{8})\.bin$/;

/** What a chunk holds: recorded media, or the end marker written by `finish()`. */
export type ChunkKind = 'media' | 'end';

const KIND_BYTE: Readonly<Record<ChunkKind, number>> = { media: 1, end: 2 };

/** The associated data for the chunk at `index` of recording `recordingId`. */
export function chunkAad(recordingId: string, index: number, kind: ChunkKind): Uint8Array {
  checkIndex(index);
  const id = new TextEncoder().encode(recordingId);
  const aad = new Uint8Array(AAD_LABEL.length + 1 + id.length + 1 + 1 + 4);
  let at = 0;
  aad.set(AAD_LABEL, at);
  at += AAD_LABEL.length + 1;
  aad.set(id, at);
  at += id.length + 1;
  aad[at] = KIND_BYTE[kind];
  new DataView(aad.buffer).setUint32(at + 1, index, false);
  return aad;
}

/** The OPFS file name of chunk `index`: fixed width, so names sort in index order. */
export function chunkFileName(index: number): string {
  checkIndex(index);
  return `chunk-${String(index).padStart(8, '0')}.bin`;
}

/** The index in a chunk file name, or undefined for any other name. */
export function parseChunkFileName(name: string): number | undefined {
  const match = CHUNK_NAME.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** Joins the parts of a chunk file. */
export function encodeChunkFile(iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (iv.length !== IV_BYTES) {
    throw new RangeError(`encodeChunkFile: iv must be ${IV_BYTES} bytes, got ${iv.length}`);
  }
  const file = new Uint8Array(CHUNK_MAGIC.length + IV_BYTES + ciphertext.length);
  file.set(CHUNK_MAGIC, 0);
  file.set(iv, CHUNK_MAGIC.length);
  file.set(ciphertext, CHUNK_MAGIC.length + IV_BYTES);
  return file;
}

/** Splits a chunk file, or returns undefined when it is too short or lacks the magic. */
export function decodeChunkFile(
  file: Uint8Array,
): { iv: Uint8Array; ciphertext: Uint8Array } | undefined {
  if (file.length < CHUNK_OVERHEAD) {
    return undefined;
  }
  for (let i = 0; i < CHUNK_MAGIC.length; i++) {
    if (file[i] !== CHUNK_MAGIC[i]) {
      return undefined;
    }
  }
  const ivEnd = CHUNK_MAGIC.length + IV_BYTES;
  return { iv: file.subarray(CHUNK_MAGIC.length, ivEnd), ciphertext: file.subarray(ivEnd) };
}

/** The plaintext length of a chunk file of `fileBytes` bytes (GCM adds only the tag). */
export function plaintextLength(fileBytes: number): number {
  return Math.max(0, fileBytes - CHUNK_OVERHEAD);
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_CHUNK_INDEX) {
    throw new RangeError(`chunk index must be an integer from 0 to ${MAX_CHUNK_INDEX}`);
  }
}
