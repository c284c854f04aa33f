import { BbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import type { FrameKeys } from './frame-keys.js';
import type {
  EncodedStreamsMessage,
  FrameSide,
  FrameTransformOptions,
  FrameWorkerReport,
} from './frame-worker.js';
import { frameTransformKind, type FrameTransformKind } from './support.js';
import { startFrameWorker } from './worker-source.js';

/** How long the worker may take to start before frame encryption counts as unavailable. */
export const FRAME_WORKER_START_MS = 3_000;

/** What the worker has done with frames so far, across every connection it served. */
export interface FrameCounts {
  readonly encrypted: number;
  readonly decrypted: number;
  /** Received frames that did not authenticate and were dropped. */
  readonly rejected: number;
}

/** `RTCRtpScriptTransform` (W3C WebRTC Encoded Transform, section 4), missing from TS's DOM. */
type ScriptTransformConstructor = new (worker: Worker, options: FrameTransformOptions) => object;

/** The legacy `createEncodedStreams()` of Chromium's insertable streams. */
interface EncodedStreamsEndpoint {
  createEncodedStreams?(): { readable: ReadableStream; writable: WritableStream };
  transform?: object | null;
}

/** Codecs whose frame headers the frame format keeps in clear, and their helpers. */
const CLEAR_HEADER_VIDEO = ['video/vp8', 'video/rtx', 'video/red', 'video/ulpfec'];

const log = createLogger('core:e2ee');

function attachFailed(cause: unknown): BbError {
  return new BbError(
    'BB_ERR_FRAME_ENCRYPTION_FAILED',
    'Frame encryption could not be set up on a media connection',
    { cause },
  );
}

/**
 * Frame encryption for every media connection of one call. One worker serves all of
 * them, so the frame counter that makes each IV unique is shared by every sender (see
 * frame-codec.ts). `start` probes the worker once per call; `useKeys` takes the keys of
 * each passed proof; `protect` sets a transform on every sender and receiver of a
 * connection before any frame flows: its senders exist as soon as PeerJS placed or
 * answered the call, and each receiver is caught by the `track` event, which fires
 * while the remote description is applied, before media can arrive.
 */
export class FrameProtection {
  private worker: Worker | undefined;
  private kindFound: FrameTransformKind | undefined;
  private keys: { readonly send: CryptoKey; readonly receive: CryptoKey } | undefined;
  private readonly attached = new WeakSet<RTCRtpSender | RTCRtpReceiver>();
  private latest: FrameCounts = { encrypted: 0, decrypted: 0, rejected: 0 };
  private closed = false;

  constructor(private readonly onFailure: (error: BbError) => void) {}

  /** The API frames are transformed with, once `start` found a working one. */
  get kind(): FrameTransformKind | undefined {
    return this.kindFound;
  }

  /** True while keys are set: media connections are then encrypted. */
  get active(): boolean {
    return this.keys !== undefined;
  }

  get counts(): FrameCounts {
    return this.latest;
  }

  /**
   * Starts the worker and waits for its first message. Resolves to the API in use, or
   * undefined when the browser has no encoded transforms or the page forbids the worker
   * (a Content-Security-Policy without `worker-src blob:`).
   */
  async start(timeoutMs = FRAME_WORKER_START_MS): Promise<FrameTransformKind | undefined> {
    const kind = frameTransformKind();
    if (kind === undefined || this.worker !== undefined) {
      return this.kindFound;
    }
    let worker: Worker;
    try {
      worker = startFrameWorker();
    } catch (cause) {
      log.warn('frame worker refused', { reason: cause instanceof Error ? cause.name : 'unknown' });
      return undefined;
    }
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      worker.addEventListener('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      worker.addEventListener('message', (event: MessageEvent<FrameWorkerReport>) => {
        if (event.data.type === 'ready') {
          clearTimeout(timer);
          resolve(true);
        } else if (event.data.type === 'counts') {
          const { encrypted, decrypted, rejected } = event.data;
          this.latest = Object.freeze({ encrypted, decrypted, rejected });
        }
      });
    });
    if (!ready || this.closed) {
      worker.terminate();
      if (!ready) {
        log.warn('frame worker did not start; frame encryption is unavailable');
      }
      return undefined;
    }
    this.worker = worker;
    this.kindFound = kind;
    return kind;
  }

  /**
   * Takes the keys of a passed proof, or none (frame encryption off for this proof). The
   * raw bytes are imported as non-extractable AES-GCM keys and then overwritten.
   */
  async useKeys(keys: FrameKeys | undefined): Promise<void> {
    this.keys = undefined;
    if (keys === undefined || this.worker === undefined) {
      return;
    }
    const usage: KeyUsage[] = ['encrypt', 'decrypt'];
    const load = (raw: Uint8Array) =>
      crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, usage);
    const [send, receive] = await Promise.all([load(keys.send), load(keys.receive)]);
    keys.send.fill(0);
    keys.receive.fill(0);
    this.keys = { send, receive };
  }

  /** Forgets the keys: the connections they protected are closed. */
  clearKeys(): void {
    this.keys = undefined;
  }

  /**
   * Encrypts every sender and decrypts every receiver of `pc`, now and as receivers are
   * added. Does nothing while no keys are set. Throws `BB_ERR_FRAME_ENCRYPTION_FAILED`
   * when a transform cannot be set, so the caller closes the connection rather than send
   * clear frames.
   */
  protect(pc: RTCPeerConnection): void {
    const keys = this.keys;
    if (keys === undefined) {
      return;
    }
    pc.addEventListener('track', (event) => {
      try {
        preferClearHeaderCodecs(event.transceiver);
        this.attach(event.receiver, 'receive', keys.receive);
      } catch (error) {
        this.onFailure(attachFailed(error));
      }
    });
    try {
      for (const transceiver of pc.getTransceivers()) {
        preferClearHeaderCodecs(transceiver);
      }
      for (const sender of pc.getSenders()) {
        this.attach(sender, 'send', keys.send);
      }
      for (const receiver of pc.getReceivers()) {
        this.attach(receiver, 'receive', keys.receive);
      }
    } catch (error) {
      throw attachFailed(error);
    }
  }

  /** Stops the worker; the call is over. */
  close(): void {
    this.closed = true;
    this.keys = undefined;
    this.worker?.terminate();
    this.worker = undefined;
  }

  private attach(endpoint: RTCRtpSender | RTCRtpReceiver, side: FrameSide, key: CryptoKey): void {
    const worker = this.worker;
    if (worker === undefined || this.attached.has(endpoint)) {
      return;
    }
    this.attached.add(endpoint);
    const target = endpoint as unknown as EncodedStreamsEndpoint;
    if (this.kindFound === 'script-transform') {
      const Transform = (globalThis as { RTCRtpScriptTransform?: ScriptTransformConstructor })
        .RTCRtpScriptTransform as ScriptTransformConstructor;
      target.transform = new Transform(worker, { side, key });
      return;
    }
    const streams = target.createEncodedStreams?.();
    if (streams === undefined) {
      throw new TypeError('createEncodedStreams is missing');
    }
    const message: EncodedStreamsMessage = { type: 'streams', side, key, ...streams };
    worker.postMessage(message, [streams.readable, streams.writable]);
  }
}

/**
 * Restricts a video transceiver to VP8, whose header bytes the frame format keeps in
 * clear. H.264 and AV1 packetisers parse the whole frame (NAL units, OBUs), which
 * ciphertext would break, so they are left out. Applied on the answering side this
 * limits the answer, and so both directions, to VP8 (RFC 8829 section 5.3.1).
 */
function preferClearHeaderCodecs(transceiver: RTCRtpTransceiver): void {
  const kind = transceiver.receiver.track.kind;
  if (kind !== 'video' || typeof transceiver.setCodecPreferences !== 'function') {
    return;
  }
  const codecs = (RTCRtpReceiver.getCapabilities?.('video')?.codecs ?? []).filter((codec) =>
    CLEAR_HEADER_VIDEO.includes(codec.mimeType.toLowerCase()),
  );
  if (codecs.some((codec) => codec.mimeType.toLowerCase() === 'video/vp8')) {
    transceiver.setCodecPreferences(codecs);
  }
}
