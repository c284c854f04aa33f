/**
 * Maps byte offsets of the decrypted recording (the WebM or MP4 stream MediaRecorder
 * produced) to the chunks that hold them, so the exporter can read any byte range while
 * decrypting only the chunks it touches.
 */
export class ChunkIndex {
  /** `starts[i]` is the offset of chunk i's first byte; the last entry is the total. */
  private readonly starts: number[];

  constructor(plaintextLengths: readonly number[]) {
    this.starts = [0];
    let total = 0;
    for (const [index, length] of plaintextLengths.entries()) {
      if (!Number.isInteger(length) || length < 0) {
        throw new RangeError(`ChunkIndex: length of chunk ${index} must be a whole number`);
      }
      total += length;
      this.starts.push(total);
    }
  }

  /** Number of chunks. */
  get count(): number {
    return this.starts.length - 1;
  }

  /** Total bytes of all chunks. */
  get byteLength(): number {
    return this.starts.at(-1) ?? 0;
  }

  /** Offset of the first byte of chunk `index`. */
  startOf(index: number): number {
    const start = this.starts[index];
    if (start === undefined || index >= this.count) {
      throw new RangeError(`ChunkIndex: no chunk ${index}`);
    }
    return start;
  }

  /** The chunk holding byte `offset` (binary search; empty chunks are skipped). */
  chunkAt(offset: number): number {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.byteLength) {
      throw new RangeError(`ChunkIndex: offset ${offset} is outside 0..${this.byteLength - 1}`);
    }
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((this.starts[middle] ?? Infinity) <= offset) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }
}
