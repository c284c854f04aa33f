import { openChunk } from './chunk-crypto.js';
import type { ChunkIndex } from './chunk-index.js';
import { readChunkFile } from './opfs.js';

/** Decrypted chunks kept at once while exporting; MediaRecorder chunks are about 1 s each. */
const CACHED_CHUNKS = 4;

/**
 * Random access to the decrypted recording, for the remuxer: `read(start, end)` decrypts
 * only the chunks the range touches and keeps the last few, so reading the stream front
 * to back decrypts each chunk once and memory stays a few chunks whatever the length.
 * Every chunk decrypted is remembered, so the exporter can prove it authenticated all.
 */
export class DecryptedRecordingSource {
  /** Chunk indexes that decrypted and authenticated at least once. */
  readonly verified = new Set<number>();
  private readonly cache = new Map<number, Uint8Array>();

  constructor(
    private readonly recordingId: string,
    private readonly key: CryptoKey,
    private readonly handles: readonly FileSystemFileHandle[],
    readonly index: ChunkIndex,
  ) {}

  /** Total bytes of the decrypted stream. */
  get size(): number {
    return this.index.byteLength;
  }

  /** Bytes `start` up to (not including) `end`. */
  async read(start: number, end: number): Promise<Uint8Array> {
    const out = new Uint8Array(end - start);
    let at = start;
    while (at < end) {
      const chunkIndex = this.index.chunkAt(at);
      const plaintext = await this.chunk(chunkIndex);
      const from = at - this.index.startOf(chunkIndex);
      const take = Math.min(plaintext.length - from, end - at);
      out.set(plaintext.subarray(from, from + take), at - start);
      at += take;
    }
    return out;
  }

  /** Decrypts chunk `chunkIndex` (or takes it from the cache). */
  async chunk(chunkIndex: number): Promise<Uint8Array> {
    const cached = this.cache.get(chunkIndex);
    if (cached !== undefined) {
      this.cache.delete(chunkIndex);
      this.cache.set(chunkIndex, cached);
      return cached;
    }
    const handle = this.handles[chunkIndex];
    if (handle === undefined) {
      throw new RangeError(`DecryptedRecordingSource: no chunk ${chunkIndex}`);
    }
    const file = await readChunkFile(handle);
    const plaintext = await openChunk(
      this.key,
      { recordingId: this.recordingId, index: chunkIndex, kind: 'media' },
      file,
    );
    this.verified.add(chunkIndex);
    this.cache.set(chunkIndex, plaintext);
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= CACHED_CHUNKS) {
        break;
      }
      this.cache.delete(oldest);
    }
    return plaintext;
  }

  /** Decrypts every chunk not yet seen, so an export never ends on unchecked data. */
  async verifyRest(): Promise<void> {
    for (let chunkIndex = 0; chunkIndex < this.handles.length; chunkIndex++) {
      if (!this.verified.has(chunkIndex)) {
        await this.chunk(chunkIndex);
      }
    }
  }
}
