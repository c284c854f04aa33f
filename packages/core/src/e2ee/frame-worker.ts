import type { FrameCodec } from './frame-codec.js';

/** Which way a transform runs: encrypting a sender's frames or decrypting a receiver's. */
export type FrameSide = 'send' | 'receive';

/** The options each transform carries to the worker (structured-cloned, key included). */
export interface FrameTransformOptions {
  readonly side: FrameSide;
  readonly key: CryptoKey;
}

/** The legacy path's message: the encoded streams of one sender or receiver. */
export interface EncodedStreamsMessage extends FrameTransformOptions {
  readonly type: 'streams';
  readonly readable: ReadableStream;
  readonly writable: WritableStream;
}

/** What the worker tells the page: that it runs, and its frame counts now and then. */
export type FrameWorkerReport =
  | { readonly type: 'ready' }
  | {
      readonly type: 'counts';
      readonly encrypted: number;
      readonly decrypted: number;
      readonly rejected: number;
    };

/** The parts of a worker's global scope this code uses. */
export interface FrameWorkerScope {
  addEventListener(type: string, listener: (event: MessageEvent & RtcTransformEvent) => void): void;
  postMessage(message: FrameWorkerReport): void;
}

interface RtcTransformEvent {
  readonly transformer?: {
    readonly readable: ReadableStream;
    readonly writable: WritableStream;
    readonly options?: FrameTransformOptions;
  };
}

interface EncodedFrame {
  data: ArrayBuffer;
  readonly type?: string;
  getMetadata?(): { mimeType?: string };
}

/**
 * The frame worker's whole program. Like `createFrameCodec` it refers to nothing outside
 * itself (worker-source.ts runs its source text), and takes the codec as an argument.
 *
 * Both APIs end in the same pipe: `rtctransform` events of RTCRtpScriptTransform (W3C
 * WebRTC Encoded Transform, section 3) and the readable and writable pair the legacy
 * `createEncodedStreams()` hands over in a message. Sent frames are sealed in order with
 * one counter for every sender of the worker. A received frame that does not open is
 * dropped and counted, never passed on: the decoder sees only authentic frames.
 */
export function runFrameWorker(scope: FrameWorkerScope, codec: FrameCodec): void {
  const salt = crypto.getRandomValues(new Uint32Array(1))[0] as number;
  const counts = { encrypted: 0, decrypted: 0, rejected: 0 };
  let counter = 0;
  let reportPending = false;

  function report(): void {
    if (reportPending) {
      return;
    }
    reportPending = true;
    setTimeout(() => {
      reportPending = false;
      scope.postMessage({ type: 'counts', ...counts });
    }, 250);
  }

  function describe(frame: EncodedFrame) {
    const metadata = typeof frame.getMetadata === 'function' ? frame.getMetadata() : {};
    return {
      kind: typeof frame.type === 'string' ? ('video' as const) : ('audio' as const),
      type: frame.type,
      mimeType: metadata.mimeType,
    };
  }

  function pipe(
    readable: ReadableStream,
    writable: WritableStream,
    options: FrameTransformOptions,
  ): void {
    const { side, key } = options;
    const transform = new TransformStream<EncodedFrame, EncodedFrame>({
      async transform(frame, controller) {
        const data = new Uint8Array(frame.data);
        if (data.length === 0) {
          controller.enqueue(frame);
          return;
        }
        if (side === 'send') {
          counter += 1;
          const iv = codec.frameIv(salt, counter);
          const sealed = await codec.seal(key, data, codec.clearBytes(describe(frame)), iv);
          frame.data = sealed.buffer as ArrayBuffer;
          counts.encrypted += 1;
          controller.enqueue(frame);
        } else {
          const opened = await codec.open(key, data);
          if (opened === undefined) {
            counts.rejected += 1;
          } else {
            frame.data = opened.buffer as ArrayBuffer;
            counts.decrypted += 1;
            controller.enqueue(frame);
          }
        }
        report();
      },
    });
    readable
      .pipeThrough(transform)
      .pipeTo(writable)
      .catch(() => undefined);
  }

  scope.addEventListener('rtctransform', (event) => {
    const transformer = event.transformer;
    if (transformer?.options !== undefined) {
      pipe(transformer.readable, transformer.writable, transformer.options);
    }
  });
  scope.addEventListener('message', (event) => {
    const message = event.data as Partial<EncodedStreamsMessage> | null;
    const { readable, writable, side, key } = message ?? {};
    if (message?.type === 'streams' && readable && writable && side && key) {
      pipe(readable, writable, { side, key });
    }
  });
  scope.postMessage({ type: 'ready' });
}
