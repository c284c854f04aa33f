import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import {
  chunkAad,
  chunkFileName,
  CHUNK_OVERHEAD,
  decodeChunkFile,
  encodeChunkFile,
  parseChunkFileName,
  plaintextLength,
} from '../src/recording/chunk-format.js';
import {
  decodeEndMarker,
  encodeEndMarker,
  generateRecordingKey,
  openChunk,
  sealChunk,
} from '../src/recording/chunk-crypto.js';
import { ChunkIndex } from '../src/recording/chunk-index.js';
import { estimateRecordingBytes, requiredBytes } from '../src/recording/quota.js';
import { checkRecordingEvent, checkRecordingId } from '../src/recording/validate.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('recording chunk layout', () => {
  it('binds label, recording id, kind and big-endian index into the associated data', () => {
    const label = hex(new TextEncoder().encode('bilateral-base recording chunk v1'));
    const id = hex(new TextEncoder().encode(ID));
    expect(hex(chunkAad(ID, 0x01020304, 'media'))).toBe(`${label}00${id}00` + '01' + '01020304');
    expect(hex(chunkAad(ID, 7, 'end'))).toBe(`${label}00${id}00` + '02' + '00000007');
  });

  it('gives each index, kind and recording different associated data', () => {
    const seen = new Set([
      hex(chunkAad(ID, 1, 'media')),
      hex(chunkAad(ID, 2, 'media')),
      hex(chunkAad(ID, 1, 'end')),
      hex(chunkAad('BAAAAAAAAAAAAAAAAAAAAA', 1, 'media')),
    ]);
    expect(seen.size).toBe(4);
  });

  it('rejects indexes outside 0..2^32-1', () => {
    expect(() => chunkAad(ID, -1, 'media')).toThrow(RangeError);
    expect(() => chunkAad(ID, 2 ** 32, 'media')).toThrow(RangeError);
    expect(() => chunkFileName(1.5)).toThrow(RangeError);
  });

  it('names chunk files so they sort by index, and parses only those names', () => {
    expect(chunkFileName(0)).toBe('chunk-00000000.bin');
    expect(chunkFileName(3599)).toBe('chunk-00003599.bin');
    expect(parseChunkFileName('chunk-00003599.bin')).toBe(3599);
    expect(parseChunkFileName('chunk-3599.bin')).toBeUndefined();
    expect(parseChunkFileName('notes.txt')).toBeUndefined();
  });

  it('lays a file out as magic, IV, ciphertext and splits it back', () => {
    const iv = Uint8Array.from({ length: 12 }, (_, i) => i);
    const file = encodeChunkFile(iv, Uint8Array.of(9, 9, 9));
    expect(hex(file)).toBe('42425231' + hex(iv) + '090909');
    expect(decodeChunkFile(new Uint8Array(CHUNK_OVERHEAD - 1))).toBeUndefined();
    const padded = encodeChunkFile(iv, new Uint8Array(16));
    expect(hex(decodeChunkFile(padded)!.iv)).toBe(hex(iv));
    padded[0] = 0x1a;
    expect(decodeChunkFile(padded)).toBeUndefined();
    expect(() => encodeChunkFile(new Uint8Array(8), new Uint8Array(16))).toThrow(RangeError);
    expect(plaintextLength(CHUNK_OVERHEAD + 100)).toBe(100);
  });
});

describe('recording chunk encryption', () => {
  const place = { recordingId: ID, index: 3, kind: 'media' as const };

  it('round-trips with a fresh IV per chunk and no plaintext in the file', async () => {
    const key = await generateRecordingKey();
    expect(key.extractable).toBe(false);
    const plaintext = new TextEncoder().encode('\x1aE\xdf\xa3 webm header and media');
    const first = await sealChunk(key, place, plaintext);
    const second = await sealChunk(key, place, plaintext);
    expect(first.length).toBe(plaintext.length + CHUNK_OVERHEAD);
    expect(hex(first.subarray(4, 16))).not.toBe(hex(second.subarray(4, 16)));
    expect(Buffer.from(first).includes(Buffer.from('webm'))).toBe(false);
    expect(new TextDecoder().decode(await openChunk(key, place, first))).toBe(
      new TextDecoder().decode(plaintext),
    );
  });

  it('fails with BB_ERR_RECORDING_CORRUPT on a flipped byte, another index, kind or key', async () => {
    const key = await generateRecordingKey();
    const file = await sealChunk(key, place, new Uint8Array(64).fill(7));
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (isBbError(error) ? error.code : String(error)),
      );
    for (const at of [5, 20, file.length - 1]) {
      const flipped = file.slice();
      flipped[at]! ^= 1;
      expect(await codeOf(openChunk(key, place, flipped))).toBe('BB_ERR_RECORDING_CORRUPT');
    }
    expect(await codeOf(openChunk(key, { ...place, index: 4 }, file))).toBe(
      'BB_ERR_RECORDING_CORRUPT',
    );
    expect(await codeOf(openChunk(key, { ...place, kind: 'end' }, file))).toBe(
      'BB_ERR_RECORDING_CORRUPT',
    );
    expect(await codeOf(openChunk(await generateRecordingKey(), place, file))).toBe(
      'BB_ERR_RECORDING_CORRUPT',
    );
    expect(await codeOf(openChunk(key, place, file.subarray(0, 20)))).toBe(
      'BB_ERR_RECORDING_CORRUPT',
    );
  });

  it('reads an end marker only where it names the chunks before it', () => {
    const marker = encodeEndMarker({ chunkCount: 5, byteLength: 1234 });
    expect(decodeEndMarker(marker, ID, 5)).toEqual({ chunkCount: 5, byteLength: 1234 });
    expect(() => decodeEndMarker(marker, ID, 4)).toThrow(/names 5 chunks/);
    expect(() => decodeEndMarker(new TextEncoder().encode('{'), ID, 5)).toThrow(/not readable/);
  });
});

describe('ChunkIndex', () => {
  it('maps stream offsets to chunks, skipping empty chunks', () => {
    const index = new ChunkIndex([10, 0, 5, 20]);
    expect(index.count).toBe(4);
    expect(index.byteLength).toBe(35);
    expect(index.chunkAt(0)).toBe(0);
    expect(index.chunkAt(9)).toBe(0);
    expect(index.chunkAt(10)).toBe(2);
    expect(index.chunkAt(14)).toBe(2);
    expect(index.chunkAt(15)).toBe(3);
    expect(index.chunkAt(34)).toBe(3);
    expect(index.startOf(3)).toBe(15);
    expect(() => index.chunkAt(35)).toThrow(RangeError);
    expect(() => index.startOf(4)).toThrow(RangeError);
    expect(() => new ChunkIndex([1, -1])).toThrow(RangeError);
  });
});

describe('recording arguments', () => {
  it('checks ids and events and names the parameter', () => {
    expect(() => checkRecordingId(ID, 'id')).not.toThrow();
    expect(() => checkRecordingId(42, 'id')).toThrow(TypeError);
    expect(() => checkRecordingId('../etc', 'id')).toThrow(/id is not a recording id/);
    const event = { type: 'consent-given', at: 1_700_000_000_000, role: 'client' };
    expect(() => checkRecordingEvent(event, 'event')).not.toThrow();
    expect(() => checkRecordingEvent({ ...event, type: 'paused' }, 'event')).toThrow(/event.type/);
    expect(() => checkRecordingEvent({ ...event, role: 'therapist' }, 'event')).toThrow(
      /event.role/,
    );
    expect(() => checkRecordingEvent({ ...event, at: Number.NaN }, 'event')).toThrow(/event.at/);
    expect(() => checkRecordingEvent({ ...event, reason: 'x'.repeat(201) }, 'event')).toThrow(
      RangeError,
    );
  });

  it('estimates bytes from length and bitrate, and adds a margin', () => {
    expect(estimateRecordingBytes(3600, 2_500_000)).toBe(1_125_000_000);
    expect(requiredBytes(1_000_000_000)).toBe(1_100_000_000);
    expect(requiredBytes(0)).toBe(16 * 1024 * 1024);
    expect(() => estimateRecordingBytes(0, 1)).toThrow(RangeError);
  });
});
