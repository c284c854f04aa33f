import { describe, expect, it } from 'vitest';
import { frameWorkerSource } from '../src/e2ee/worker-source.js';

interface FakeFrame {
  data: ArrayBuffer;
  readonly type?: string;
  getMetadata(): { mimeType?: string };
}

type Listener = (event: unknown) => void;

/**
 * Runs the worker's source text (exactly what the Blob URL carries) against a stand-in
 * for the worker's global scope: the test plays the browser's part of dispatching
 * `rtctransform` events with a transformer's streams.
 */
function startWorker() {
  const listeners = new Map<string, Listener>();
  const posted: unknown[] = [];
  const scope = {
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
    postMessage: (message: unknown) => posted.push(message),
  };
  new Function('self', frameWorkerSource())(scope);
  async function transform(
    side: 'send' | 'receive',
    key: CryptoKey,
    frames: FakeFrame[],
  ): Promise<FakeFrame[]> {
    const out: FakeFrame[] = [];
    const readable = new ReadableStream<FakeFrame>({
      start(controller) {
        frames.forEach((frame) => controller.enqueue(frame));
        controller.close();
      },
    });
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const writable = new WritableStream<FakeFrame>({
      write: (frame) => void out.push(frame),
      close: () => finished(),
    });
    listeners.get('rtctransform')?.({
      transformer: { readable, writable, options: { side, key } },
    });
    await done;
    return out;
  }
  return { posted, transform };
}

function videoFrame(bytes: number[], type = 'delta'): FakeFrame {
  return { data: Uint8Array.from(bytes).buffer, type, getMetadata: () => ({}) };
}

function key(fill: number): Promise<CryptoKey> {
  const raw = new Uint8Array(32).fill(fill);
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

const bytes = (frame: FakeFrame) => Array.from(new Uint8Array(frame.data));

describe('frame worker source', () => {
  it('runs on its own and says it is ready', () => {
    const { posted } = startWorker();
    expect(posted).toEqual([{ type: 'ready' }]);
  });

  it('encrypts every sent frame with a fresh IV and decrypts them in order', async () => {
    const worker = startWorker();
    const sendKey = await key(5);
    const plain = [
      videoFrame([0x50, 0x2e, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 9, 9, 9], 'key'),
      videoFrame([0x31, 0x02, 0x00, 7, 7, 7]),
      videoFrame([0x31, 0x02, 0x00, 7, 7, 7]),
    ];
    const expected = plain.map(bytes);
    const sealed = await worker.transform('send', sendKey, plain);
    expect(sealed).toHaveLength(3);
    // Clear VP8 headers: 10 bytes on the key frame, 3 on delta frames.
    expect(bytes(sealed[0]!).slice(0, 10)).toEqual(expected[0]!.slice(0, 10));
    expect(bytes(sealed[1]!).slice(0, 3)).toEqual(expected[1]!.slice(0, 3));
    expect(bytes(sealed[1]!)).not.toEqual(bytes(sealed[2]!));
    const ivs = sealed.map((frame) => bytes(frame).slice(-13, -1).join(','));
    expect(new Set(ivs).size).toBe(3);

    const opened = await worker.transform('receive', sendKey, sealed);
    expect(opened.map(bytes)).toEqual(expected);
  });

  it('drops and counts frames that do not decrypt, never passing them on', async () => {
    const worker = startWorker();
    const sealed = await worker.transform('send', await key(5), [videoFrame([1, 2, 3, 4, 5])]);
    const forged = videoFrame([0x31, 0x02, 0x00, ...new Array(40).fill(0), 3]);
    const received = await worker.transform('receive', await key(6), [...sealed, forged]);
    expect(received).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(worker.posted.at(-1)).toEqual({
      type: 'counts',
      encrypted: 1,
      decrypted: 0,
      rejected: 2,
    });
  });

  it('passes empty frames through untouched', async () => {
    const worker = startWorker();
    const empty = videoFrame([], 'empty');
    expect(await worker.transform('receive', await key(5), [empty])).toEqual([empty]);
  });
});
