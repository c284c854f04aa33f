import type { Page } from 'playwright-core';

// Watches what two pages send while they record: the chunks their MediaRecorders emit,
// every RTCDataChannel message, every request body and WebSocket frame, and a detector
// that says whether a payload may carry recording data (see test/e2e/recording.test.ts).

/** One message a page sent on any RTCDataChannel. */
export interface ChannelEntry {
  label: string;
  kind: 'string' | 'binary' | 'blob';
  size: number;
  /** The whole payload in hex when it is at most 64 KiB, else its first 64 KiB. */
  hex: string;
}

/**
 * Installed before the page's own script: keeps every MediaRecorder the page creates and
 * samples of every chunk it emits (24 bytes at four offsets, in hex), and logs every
 * RTCDataChannel message with its payload. Behaviour is unchanged: the real classes and
 * methods are called with the same arguments.
 */
export const INSTRUMENT = `
  (() => {
    const hexOf = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    const NativeRecorder = window.MediaRecorder;
    window.__bbRecorders = [];
    window.__bbChunkSamples = [];
    window.__bbChunks = [];
    window.MediaRecorder = class extends NativeRecorder {
      constructor(...args) {
        super(...args);
        window.__bbRecorders.push(this);
        this.addEventListener('dataavailable', async (event) => {
          if (event.data.size === 0) return;
          window.__bbChunks.push(event.data);
          const bytes = new Uint8Array(await event.data.arrayBuffer());
          for (const fraction of [0, 0.25, 0.5, 0.75]) {
            const at = Math.min(Math.floor(bytes.length * fraction), Math.max(0, bytes.length - 24));
            if (bytes.length >= 24) window.__bbChunkSamples.push(hexOf(bytes.subarray(at, at + 24)));
          }
        });
      }
    };
    window.__bbChannelLog = [];
    window.__bbControlChannels = [];
    const nativeSend = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) {
      const entry = { label: this.label, kind: 'binary', size: 0, hex: '' };
      if (typeof data === 'string') {
        entry.kind = 'string';
        const bytes = new TextEncoder().encode(data);
        entry.size = bytes.length;
        entry.hex = hexOf(bytes.subarray(0, 65536));
      } else if (data instanceof Blob) {
        entry.kind = 'blob';
        entry.size = data.size;
        data.slice(0, 65536).arrayBuffer().then((buffer) => { entry.hex = hexOf(new Uint8Array(buffer)); });
      } else {
        const bytes = data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        entry.size = bytes.length;
        entry.hex = hexOf(bytes.subarray(0, 65536));
      }
      window.__bbChannelLog.push(entry);
      if (this.label === 'bb-control' && !window.__bbControlChannels.includes(this)) {
        window.__bbControlChannels.push(this);
      }
      return nativeSend.call(this, data);
    };
  })();
`;

/** A payload a page sent: a data channel message, a request body or a WebSocket frame. */
export interface Outgoing {
  readonly where: string;
  readonly size: number;
  /** The payload, or its first 64 KiB, in hex. */
  readonly hex: string;
}

/** Container signatures: EBML header and Cluster (WebM), `ftyp` and `moof` (MP4), OggS. */
const MEDIA_SIGNATURES = ['1a45dfa3', '1f43b675', '66747970', '6d6f6f66', '4f676753'];
/** The largest control message seen is well under 1 KiB; a media chunk is far bigger. */
const MAX_CONTROL_BYTES = 2048;

/**
 * Why `payload` may carry recording data, or undefined when it cannot: it holds a
 * container signature or a sample of a chunk the recorder emitted, or it is a data channel
 * message that is not a small JSON control message.
 */
export function recordingDataIn(
  payload: Outgoing,
  chunkSamples: readonly string[],
): string | undefined {
  const signature = MEDIA_SIGNATURES.find((magic) => evenIndexOf(payload.hex, magic));
  if (signature !== undefined) {
    return `container signature ${signature}`;
  }
  if (chunkSamples.some((sample) => evenIndexOf(payload.hex, sample))) {
    return 'bytes of a recorded chunk';
  }
  if (payload.where.startsWith('data channel')) {
    if (payload.size > MAX_CONTROL_BYTES) {
      return `a ${payload.size}-byte data channel message`;
    }
    const text = Buffer.from(payload.hex, 'hex').toString('utf8');
    try {
      const message: unknown = JSON.parse(text);
      const type = (message as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || !/^[a-z0-9-]+$/.test(type)) {
        return 'a data channel message without a control type';
      }
    } catch {
      return 'a data channel message that is not JSON';
    }
  }
  return undefined;
}

/** Whether `needle` occurs in `hex` at a byte boundary. */
function evenIndexOf(hex: string, needle: string): boolean {
  for (let at = hex.indexOf(needle); at !== -1; at = hex.indexOf(needle, at + 1)) {
    if (at % 2 === 0) {
      return true;
    }
  }
  return false;
}

/** Records every request body and WebSocket frame a page sends, from playwright's side. */
export function captureNetwork(page: Page, into: Outgoing[], name: string): void {
  page.on('request', (request) => {
    const body = request.postDataBuffer();
    into.push({
      where: `${name} ${request.method()} ${new URL(request.url()).pathname}`,
      size: body?.byteLength ?? 0,
      hex: body === null ? '' : body.subarray(0, 65536).toString('hex'),
    });
  });
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
      into.push({
        where: `${name} websocket frame`,
        size: bytes.byteLength,
        hex: bytes.subarray(0, 65536).toString('hex'),
      });
    });
  });
}

/** Every data channel message `page` sent so far, as logged by `INSTRUMENT`. */
export async function channelMessages(page: Page, name: string): Promise<Outgoing[]> {
  const log = await page.evaluate(
    () => (window as unknown as { __bbChannelLog: ChannelEntry[] }).__bbChannelLog,
  );
  return log.map((entry) => ({
    where: `data channel ${name} ${entry.label} ${entry.kind}`,
    size: entry.size,
    hex: entry.hex,
  }));
}
