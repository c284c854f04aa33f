import { BbError } from '../errors/index.js';
import {
  chunkAad,
  decodeChunkFile,
  encodeChunkFile,
  IV_BYTES,
  type ChunkKind,
} from './chunk-format.js';

/**
 * A fresh AES-256-GCM key for one recording. Non-extractable: the page can use it but
 * never read its bytes, and IndexedDB's structured clone keeps it so (WebCrypto, section
 * 14.4 "CryptoKey" serialization), so deleting the stored key destroys the recording.
 */
export function generateRecordingKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Where a chunk belongs: what its associated data binds it to. */
export interface ChunkPlace {
  readonly recordingId: string;
  readonly index: number;
  readonly kind: ChunkKind;
}

/**
 * Encrypts one chunk into the bytes of its file. The IV is random for every chunk, not
 * derived from the index: a chunk rewritten after a failed write then never reuses an IV
 * under the same key, which would break GCM (SP 800-38D, section 8). 96 random bits stay
 * well inside the 2^32 invocations per key that section 8.3 allows.
 */
export async function sealChunk(
  key: CryptoKey,
  place: ChunkPlace,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    {
      name: 'AES-GCM',
      iv,
      additionalData: bytes(chunkAad(place.recordingId, place.index, place.kind)),
    },
    key,
    plaintext,
  );
  return bytes(encodeChunkFile(iv, new Uint8Array(ciphertext)));
}

/**
 * Decrypts a chunk file expected at `place`. A changed byte, a chunk from another index or
 * recording, or a file that is not a chunk at all throws `BB_ERR_RECORDING_CORRUPT`.
 */
export async function openChunk(
  key: CryptoKey,
  place: ChunkPlace,
  file: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const parts = decodeChunkFile(file);
  if (parts === undefined) {
    throw corrupt(place, 'is not a recording chunk');
  }
  try {
    const plaintext = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: bytes(parts.iv),
        additionalData: bytes(chunkAad(place.recordingId, place.index, place.kind)),
      },
      key,
      bytes(parts.ciphertext),
    );
    return new Uint8Array(plaintext);
  } catch (cause) {
    throw corrupt(place, 'does not decrypt (changed, moved or from another recording)', cause);
  }
}

/** What the end marker holds: the count and total plaintext size of the media chunks. */
export interface EndMarker {
  readonly chunkCount: number;
  readonly byteLength: number;
}

/** The plaintext of the end marker. */
export function encodeEndMarker(marker: EndMarker): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(marker));
}

/** Reads an end marker's plaintext, checking that it names `expectedCount` chunks. */
export function decodeEndMarker(
  plaintext: Uint8Array,
  recordingId: string,
  expectedCount: number,
): EndMarker {
  let marker: unknown;
  try {
    marker = JSON.parse(new TextDecoder().decode(plaintext));
  } catch (cause) {
    throw new BbError('BB_ERR_RECORDING_CORRUPT', 'The end marker is not readable.', { cause });
  }
  const { chunkCount, byteLength } = (marker ?? {}) as Partial<EndMarker>;
  if (chunkCount !== expectedCount || typeof byteLength !== 'number') {
    throw new BbError(
      'BB_ERR_RECORDING_CORRUPT',
      `Recording ${recordingId}: the end marker names ${String(chunkCount)} chunks, ` +
        `but it sits after ${expectedCount}.`,
    );
  }
  return { chunkCount, byteLength };
}

function corrupt(place: ChunkPlace, what: string, cause?: unknown): BbError {
  const name = place.kind === 'end' ? 'end marker' : `chunk ${place.index}`;
  return new BbError(
    'BB_ERR_RECORDING_CORRUPT',
    `Recording ${place.recordingId}: ${name} ${what}.`,
    { cause },
  );
}

/** Web Crypto wants ArrayBuffer-backed views; copies only when given anything else. */
function bytes(view: Uint8Array): Uint8Array<ArrayBuffer> {
  return view.buffer instanceof ArrayBuffer
    ? (view as Uint8Array<ArrayBuffer>)
    : new Uint8Array(view);
}
