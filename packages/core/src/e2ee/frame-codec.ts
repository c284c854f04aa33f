/**
 * The encrypted frame format, one frame at a time:
 *
 *   clear header | AES-256-GCM ciphertext and 16-byte tag | 12-byte IV | 1 byte: header length
 *
 * The clear header is the part of the codec's bitstream the RTP packetiser and the
 * receiver's depacketiser read before any decoder runs: the VP8 frame tag, 3 bytes, plus
 * on a key frame the start code and dimensions, 10 bytes in all (RFC 6386 section 9.1);
 * the Opus TOC byte (RFC 6716 section 3.1). It is authenticated as additional data
 * together with the trailer, so changing a header byte, the IV or the length fails the
 * frame. The IV is a 32-bit salt chosen at random per worker, then a 64-bit counter
 * (NIST SP 800-38D section 8.2.1, deterministic construction): unique per frame for as
 * long as one worker encrypts with one key, and each direction has its own key.
 *
 * The receiver keeps no replay window: a frame recorded earlier in the session opens again.
 */
export interface FrameCodec {
  /** Bytes the trailer adds: the IV and the header length. */
  readonly trailerBytes: number;
  /** How many leading bytes stay in clear for a frame of this kind. */
  clearBytes(frame: FrameDescription): number;
  /** The 12-byte IV for `counter` (a safe integer) under `salt` (32 bits). */
  frameIv(salt: number, counter: number): Uint8Array<ArrayBuffer>;
  /** Encrypts `data` after its first `clear` bytes. */
  seal(
    key: CryptoKey,
    data: Uint8Array<ArrayBuffer>,
    clear: number,
    iv: Uint8Array<ArrayBuffer>,
  ): Promise<Uint8Array<ArrayBuffer>>;
  /** Decrypts a sealed frame; undefined for anything malformed or not authentic. */
  open(key: CryptoKey, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | undefined>;
}

/** What the codec needs to know about one encoded frame. */
export interface FrameDescription {
  readonly kind: 'audio' | 'video';
  /** `key`, `delta` or `empty` for video (RTCEncodedVideoFrameType); undefined for audio. */
  readonly type: string | undefined;
  /** The codec's MIME type when the browser reports it, for example `video/VP8`. */
  readonly mimeType: string | undefined;
}

/**
 * Builds the codec. The function refers to nothing outside itself, because the frame
 * worker runs its source text (see worker-source.ts); only globals of both window and
 * worker scopes (`crypto`, typed arrays) are used.
 */
export function createFrameCodec(): FrameCodec {
  const IV_BYTES = 12;
  const TAG_BYTES = 16;
  const TRAILER_BYTES = IV_BYTES + 1;

  function clearBytes(frame: FrameDescription): number {
    const mime = (frame.mimeType ?? '').toLowerCase();
    if (frame.kind === 'audio') {
      return mime === '' || mime === 'audio/opus' ? 1 : 0;
    }
    if (mime === '' || mime === 'video/vp8') {
      return frame.type === 'key' ? 10 : 3;
    }
    return 0;
  }

  function frameIv(salt: number, counter: number): Uint8Array<ArrayBuffer> {
    const iv = new Uint8Array(IV_BYTES);
    const view = new DataView(iv.buffer);
    view.setUint32(0, salt >>> 0, false);
    view.setUint32(4, Math.floor(counter / 0x100000000), false);
    view.setUint32(8, counter >>> 0, false);
    return iv;
  }

  function additionalData(header: Uint8Array, iv: Uint8Array, clear: number) {
    const aad = new Uint8Array(header.length + TRAILER_BYTES);
    aad.set(header, 0);
    aad.set(iv, header.length);
    aad[aad.length - 1] = clear;
    return aad;
  }

  async function seal(
    key: CryptoKey,
    data: Uint8Array<ArrayBuffer>,
    clear: number,
    iv: Uint8Array<ArrayBuffer>,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const kept = Math.min(clear, data.length, 255);
    const header = data.subarray(0, kept);
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: additionalData(header, iv, kept), tagLength: 128 },
        key,
        data.subarray(kept),
      ),
    );
    const out = new Uint8Array(kept + sealed.length + TRAILER_BYTES);
    out.set(header, 0);
    out.set(sealed, kept);
    out.set(iv, kept + sealed.length);
    out[out.length - 1] = kept;
    return out;
  }

  async function open(
    key: CryptoKey,
    data: Uint8Array<ArrayBuffer>,
  ): Promise<Uint8Array<ArrayBuffer> | undefined> {
    if (data.length < TAG_BYTES + TRAILER_BYTES) {
      return undefined;
    }
    const kept = data[data.length - 1] as number;
    const sealedEnd = data.length - TRAILER_BYTES;
    if (kept > sealedEnd - TAG_BYTES) {
      return undefined;
    }
    const header = data.subarray(0, kept);
    const iv = data.slice(sealedEnd, sealedEnd + IV_BYTES);
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: additionalData(header, iv, kept), tagLength: 128 },
        key,
        data.subarray(kept, sealedEnd),
      );
    } catch {
      return undefined;
    }
    const out = new Uint8Array(kept + plain.byteLength);
    out.set(header, 0);
    out.set(new Uint8Array(plain), kept);
    return out;
  }

  return { trailerBytes: TRAILER_BYTES, clearBytes, frameIv, seal, open };
}
