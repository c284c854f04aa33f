import type { MediaConnection, Peer } from 'peerjs';
import { BbError, isBbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { stopStream } from '../media/index.js';
import type { Role } from '../protocol/index.js';
import type { ControlMessage } from './control-channel.js';
import { elementCaptureApi, narrowToElement, type ElementCaptureApi } from './element-capture.js';
import { resolveShareOptions, type ScreenShareOptions } from './screen-share-options.js';

/**
 * Who shares, and whether the share is paused: `local` and `local-paused` for this side's
 * share, `remote` and `remote-paused` for the other participant's.
 */
export type ScreenShareState = 'none' | 'local' | 'local-paused' | 'remote' | 'remote-paused';

/** The payload of the `screenshare` event: the new state and the stream it shows. */
export interface ScreenShareChange {
  readonly state: ScreenShareState;
  /** The shared stream: this side's while sharing, the other's while receiving. */
  readonly stream?: MediaStream;
}

/** The metadata a screen call carries, to tell it from the camera call. */
export const SCREEN_CALL_METADATA = Object.freeze({ kind: 'screen' });

/** What the share needs from its call while the session is connected. */
export interface ShareLink {
  readonly peer: Peer;
  readonly remotePeerId: string;
  readonly role: Role;
  send(message: ControlMessage): void;
}

export interface ScreenShareHooks {
  /** The connected session, or undefined while it is not connected. */
  link(): ShareLink | undefined;
  onChange(change: ScreenShareChange): void;
  /**
   * Holds a screen call to the fingerprint the session proved; resolves true once its
   * remote certificate is checked. A mismatch closes the call and fails the session.
   */
  vet(call: MediaConnection): Promise<boolean>;
}

const log = createLogger('core:screen-share');

/** True when a PeerJS media call is a screen call by its metadata. */
export function isScreenCall(call: MediaConnection): boolean {
  const metadata: unknown = call.metadata;
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    (metadata as { kind?: unknown }).kind === SCREEN_CALL_METADATA.kind
  );
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error || error instanceof DOMException ? error.name : undefined;
}

/** Maps a `getDisplayMedia` rejection (Screen Capture, section 5.2) to a coded error. */
export function mapDisplayMediaError(error: unknown): BbError {
  if (isBbError(error)) {
    return error;
  }
  const name = errorName(error);
  if (name === 'NotAllowedError') {
    return new BbError('BB_ERR_SHARE_CANCELLED', 'Screen sharing was cancelled or not allowed', {
      cause: error,
    });
  }
  if (name === 'NotSupportedError') {
    return new BbError('BB_ERR_SHARE_UNSUPPORTED', 'This browser cannot share this', {
      cause: error,
    });
  }
  return new BbError('BB_ERR_SHARE_FAILED', 'The screen could not be captured', { cause: error });
}

/**
 * One screen share at a time, in either direction, beside the camera call. The sharer
 * places a second PeerJS media call (its own RTCPeerConnection) with `SCREEN_CALL_METADATA`
 * and tells the other side over the control channel when it starts, pauses, resumes and
 * stops. When both start at once, the host's share wins and the client's stops.
 */
export class ScreenShare {
  private current: ScreenShareState = 'none';
  private starting = false;
  private local: MediaStream | undefined;
  private outgoing: MediaConnection | undefined;
  private incoming: MediaConnection | undefined;
  private remote: MediaStream | undefined;
  private remotePaused = false;
  private capture: ElementCaptureApi | undefined;
  private detached: { sender: RTCRtpSender; track: MediaStreamTrack }[] = [];

  constructor(private readonly hooks: ScreenShareHooks) {}

  get state(): ScreenShareState {
    return this.current;
  }

  get localStream(): MediaStream | undefined {
    return this.local;
  }

  get remoteStream(): MediaStream | undefined {
    return this.remote;
  }

  /** The API that narrowed the current local share to an element, if it is one. */
  get elementCapture(): ElementCaptureApi | undefined {
    return this.capture;
  }

  async start(options?: ScreenShareOptions): Promise<void> {
    const resolved = resolveShareOptions(options);
    if (this.hooks.link() === undefined) {
      throw new BbError('BB_ERR_CALL_STATE', 'A screen can be shared only during a connected call');
    }
    this.assertFree();
    const api = resolved.element === undefined ? undefined : elementCaptureApi();
    if (resolved.element !== undefined && api === undefined) {
      throw new BbError(
        'BB_ERR_SHARE_UNSUPPORTED',
        'This browser cannot share a single element of the page; share a tab or window instead',
      );
    }
    const devices = globalThis.navigator?.mediaDevices;
    if (typeof devices?.getDisplayMedia !== 'function') {
      throw new BbError('BB_ERR_SHARE_UNSUPPORTED', 'This browser cannot share a screen');
    }
    this.starting = true;
    let stream: MediaStream;
    try {
      // The request carries Screen Capture members TypeScript's DOM library lacks.
      stream = await devices.getDisplayMedia(resolved.request as DisplayMediaStreamOptions);
    } catch (error) {
      throw mapDisplayMediaError(error);
    } finally {
      this.starting = false;
    }
    try {
      if (resolved.element !== undefined && api !== undefined) {
        await narrowToElement(stream, resolved.element, api);
      }
      this.send(stream, api);
    } catch (error) {
      stopStream(stream);
      throw mapDisplayMediaError(error);
    }
  }

  /** Stops sending frames: the sender's track is replaced by none, the preview goes black. */
  async pause(): Promise<void> {
    if (this.current !== 'local') {
      return;
    }
    this.setState('local-paused');
    this.hooks.link()?.send({ type: 'share-paused' });
    await this.setSending(false);
  }

  async resume(): Promise<void> {
    if (this.current !== 'local-paused') {
      return;
    }
    await this.setSending(true);
    this.setState('local');
    this.hooks.link()?.send({ type: 'share-resumed' });
  }

  /** Ends this side's share and tells the other side. Does nothing without one. */
  stop(): void {
    if (this.local === undefined) {
      return;
    }
    this.releaseLocal();
    this.hooks.link()?.send({ type: 'share-stopped' });
    this.setState('none');
  }

  /** The host asks the client to stop and stops showing the client's share at once. */
  requestRemoteStop(): void {
    const link = this.hooks.link();
    if (link?.role !== 'host') {
      throw new BbError('BB_ERR_CALL_STATE', 'Only the host, while connected, can stop a share');
    }
    if (this.incoming === undefined && this.remote === undefined) {
      return;
    }
    link.send({ type: 'share-stop-request' });
    this.releaseRemote();
    this.setState('none');
  }

  /** Answers a screen call from the partner (the caller checked who placed it). */
  acceptCall(call: MediaConnection): void {
    const role = this.hooks.link()?.role;
    if (this.local !== undefined || this.starting) {
      if (role === 'host') {
        call.close();
        return;
      }
      // Both started at once: the host's share wins.
      this.stop();
    }
    this.releaseRemote();
    this.incoming = call;
    this.remotePaused = false;
    call.answer();
    const vetted = this.hooks.vet(call);
    call.on('stream', (stream) => {
      void vetted.then((passed) => {
        if (!passed || this.incoming !== call || this.remote === stream) {
          return;
        }
        this.remote = stream;
        this.setState(this.remotePaused ? 'remote-paused' : 'remote');
      });
    });
    call.on('close', () => this.onRemoteClosed(call));
    call.on('error', () => this.onRemoteClosed(call));
  }

  /** Handles the share messages of the control channel; ignores the others. */
  onControlMessage(message: ControlMessage): void {
    const role = this.hooks.link()?.role;
    switch (message.type) {
      case 'share-started':
        if (role === 'client' && this.local !== undefined) {
          this.stop();
        }
        this.remotePaused = false;
        break;
      case 'share-paused':
        this.remotePaused = true;
        if (this.current === 'remote') {
          this.setState('remote-paused');
        }
        break;
      case 'share-resumed':
        this.remotePaused = false;
        if (this.current === 'remote-paused') {
          this.setState('remote');
        }
        break;
      case 'share-stopped':
        this.releaseRemote();
        if (this.current === 'remote' || this.current === 'remote-paused') {
          this.setState('none');
        }
        break;
      case 'share-stop-request':
        if (role === 'client') {
          this.stop();
        }
        break;
      default:
        break;
    }
  }

  /** Drops both directions without telling anyone: the session itself went away. */
  reset(): void {
    this.releaseLocal();
    this.releaseRemote();
    this.setState('none');
  }

  private assertFree(): void {
    if (this.starting || this.current !== 'none') {
      throw new BbError(
        'BB_ERR_SHARE_BUSY',
        this.current.startsWith('remote')
          ? 'The other person is sharing; one share at a time'
          : 'A screen share is already running or starting',
      );
    }
  }

  private send(stream: MediaStream, api: ElementCaptureApi | undefined): void {
    const link = this.hooks.link();
    if (link === undefined) {
      throw new BbError('BB_ERR_CALL_STATE', 'The call ended while the screen was being chosen');
    }
    this.assertFree();
    const call = link.peer.call(link.remotePeerId, stream, { metadata: SCREEN_CALL_METADATA });
    void this.hooks.vet(call);
    this.outgoing = call;
    this.local = stream;
    this.capture = api;
    call.on('close', () => {
      if (this.outgoing === call) {
        this.stop();
      }
    });
    call.on('error', () => {
      if (this.outgoing === call) {
        log.warn('screen call failed');
        this.stop();
      }
    });
    // The browser's own "Stop sharing" button ends the track (Screen Capture, 5.1).
    for (const track of stream.getTracks()) {
      track.addEventListener('ended', () => {
        if (this.local === stream) {
          this.stop();
        }
      });
    }
    link.send({ type: 'share-started' });
    this.setState('local');
  }

  /**
   * Pausing detaches the tracks from their senders (`replaceTrack(null)`), so no frame at
   * all leaves this side, and disables them, so the preview shows what is sent: nothing.
   * Resuming puts each track back on the sender it was taken from.
   */
  private async setSending(sending: boolean): Promise<void> {
    for (const track of this.local?.getTracks() ?? []) {
      track.enabled = sending;
    }
    if (!sending) {
      const senders = this.outgoing?.peerConnection?.getSenders() ?? [];
      this.detached = senders.flatMap((sender) =>
        sender.track === null ? [] : [{ sender, track: sender.track }],
      );
      await Promise.all(this.detached.map(({ sender }) => sender.replaceTrack(null)));
      return;
    }
    const detached = this.detached;
    this.detached = [];
    await Promise.all(detached.map(({ sender, track }) => sender.replaceTrack(track)));
  }

  private releaseLocal(): void {
    const call = this.outgoing;
    const stream = this.local;
    this.outgoing = undefined;
    this.local = undefined;
    this.capture = undefined;
    this.detached = [];
    call?.close();
    stopStream(stream);
  }

  private releaseRemote(): void {
    const call = this.incoming;
    this.incoming = undefined;
    this.remote = undefined;
    this.remotePaused = false;
    call?.close();
  }

  private onRemoteClosed(call: MediaConnection): void {
    if (this.incoming !== call) {
      return;
    }
    this.releaseRemote();
    this.setState('none');
  }

  private setState(next: ScreenShareState): void {
    if (next === this.current) {
      return;
    }
    this.current = next;
    const stream = next.startsWith('local') ? this.local : this.remote;
    log.info('screen share', { state: next });
    this.hooks.onChange(stream === undefined ? { state: next } : { state: next, stream });
  }
}
