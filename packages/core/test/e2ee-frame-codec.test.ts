import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFrameCodec } from '../src/e2ee/frame-codec.js';

const codec = createFrameCodec();
const RAW_KEY = new Uint8Array(32).fill(0x11);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function importKey(raw = RAW_KEY): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** A VP8 key frame's first bytes: frame tag, start code 9d 01 2a, 640x480, then payload. */
const VP8_KEY_FRAME = Uint8Array.from([
  0x50, 0x2e, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02,
]);

/** The sealed frame built by Node's AES-256-GCM from the format's definition. */
function nodeSeal(data: Uint8Array, clear: number, iv: Uint8Array): string {
  const header = data.subarray(0, clear);
  const cipher = createCipheriv('aes-256-gcm', RAW_KEY, iv);
  cipher.setAAD(Buffer.concat([header, iv, Buffer.from([clear])]));
  const body = Buffer.concat([cipher.update(data.subarray(clear)), cipher.final()]);
  return hex(Buffer.concat([header, body, cipher.getAuthTag(), iv, Buffer.from([clear])]));
}

describe('frame format', () => {
  it('keeps the codec headers in clear: VP8 10 or 3 bytes, Opus 1, others none', () => {
    const video = (type: string, mimeType?: string) => ({ kind: 'video' as const, type, mimeType });
    expect(codec.clearBytes(video('key'))).toBe(10);
    expect(codec.clearBytes(video('delta'))).toBe(3);
    expect(codec.clearBytes(video('key', 'video/VP8'))).toBe(10);
    expect(codec.clearBytes(video('key', 'video/H264'))).toBe(0);
    const audio = (mimeType?: string) => ({ kind: 'audio' as const, type: undefined, mimeType });
    expect(codec.clearBytes(audio())).toBe(1);
    expect(codec.clearBytes(audio('audio/opus'))).toBe(1);
    expect(codec.clearBytes(audio('audio/PCMU'))).toBe(0);
  });

  it('builds the IV from a 32-bit salt and a 64-bit counter, big-endian', () => {
    expect(hex(codec.frameIv(0x01020304, 5))).toBe('010203040000000000000005');
    expect(hex(codec.frameIv(0xfffffffe, 2 ** 32 + 7))).toBe('fffffffe0000000100000007');
    expect(hex(codec.frameIv(0, Number.MAX_SAFE_INTEGER))).toBe('00000000001fffffffffffff');
  });

  it('seals exactly as AES-256-GCM over the definition, with the header authenticated', async () => {
    const key = await importKey();
    const iv = codec.frameIv(0xa1b2c3d4, 42);
    const sealed = await codec.seal(key, VP8_KEY_FRAME, 10, iv);
    expect(hex(sealed)).toBe(nodeSeal(VP8_KEY_FRAME, 10, iv));
    expect(hex(sealed.subarray(0, 10))).toBe(hex(VP8_KEY_FRAME.subarray(0, 10)));
    expect(sealed.length).toBe(VP8_KEY_FRAME.length + 16 + codec.trailerBytes);
    // A fixed vector, so a change to the format cannot pass unnoticed.
    expect(hex(sealed)).toBe(
      '502e009d012a8002e001097b6585071317456a37690006b61ae4f9cb23b02dfba1b2c3d4000000000000002a0a',
    );
  });

  it('opens what it sealed and nothing altered', async () => {
    const key = await importKey();
    const sealed = await codec.seal(key, VP8_KEY_FRAME, 10, codec.frameIv(7, 1));
    expect(hex((await codec.open(key, sealed))!)).toBe(hex(VP8_KEY_FRAME));
    const altered = (index: number) => {
      const copy = sealed.slice();
      copy[index] = (copy[index] as number) ^ 0x01;
      return copy;
    };
    const header = 0;
    const body = 12;
    const iv = sealed.length - 5;
    const length = sealed.length - 1;
    for (const index of [header, body, iv, length]) {
      expect(await codec.open(key, altered(index))).toBeUndefined();
    }
    const otherKey = await importKey(new Uint8Array(32).fill(0x22));
    expect(await codec.open(otherKey, sealed)).toBeUndefined();
    expect(await codec.open(key, sealed.slice(0, 20))).toBeUndefined();
    expect(await codec.open(key, VP8_KEY_FRAME.slice())).toBeUndefined();
  });

  it('handles frames shorter than their header and empty payloads', async () => {
    const key = await importKey();
    const tiny = Uint8Array.from([0x31, 0x02]);
    const sealed = await codec.seal(key, tiny, 3, codec.frameIv(1, 1));
    expect(sealed[sealed.length - 1]).toBe(2);
    expect(hex((await codec.open(key, sealed))!)).toBe(hex(tiny));
  });

  it('gives two frames with the same content different ciphertexts', async () => {
    const key = await importKey();
    const first = await codec.seal(key, VP8_KEY_FRAME, 3, codec.frameIv(9, 1));
    const second = await codec.seal(key, VP8_KEY_FRAME, 3, codec.frameIv(9, 2));
    expect(hex(first.subarray(3, 19))).not.toBe(hex(second.subarray(3, 19)));
  });
});
