import type { MediaConnection } from 'peerjs';

/** What the owner of a `RemoteMedia` hears about the current media call. */
export interface RemoteMediaHooks {
  /** A new remote stream arrived on the current call. */
  onStream(stream: MediaStream): void;
  /** The ICE state of the current call's RTCPeerConnection changed. */
  onIceState(state: RTCIceConnectionState): void;
}

/**
 * Holds the one media call of a session (PeerJS MediaConnection) and its remote stream.
 * Only the current call's events are passed on; a replaced or closed call is silent.
 */
export class RemoteMedia {
  private current: MediaConnection | undefined;
  private held: MediaConnection | undefined;
  private remote: MediaStream | undefined;

  constructor(private readonly hooks: RemoteMediaHooks) {}

  get stream(): MediaStream | undefined {
    return this.remote;
  }

  /** The current media call, if any. */
  get connection(): MediaConnection | undefined {
    return this.current;
  }

  /** The RTCPeerConnection of the current call, which PeerJS creates and owns. */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.current?.peerConnection;
  }

  /** Keeps an offer that arrived before the call was ready for it; replaces an older one. */
  hold(call: MediaConnection): void {
    this.held?.close();
    this.held = call;
  }

  /** The held offer, if any, which the caller now owns. */
  takeHeld(): MediaConnection | undefined {
    const call = this.held;
    this.held = undefined;
    return call;
  }

  /**
   * Makes `call` the current media call, closing any previous one. Its stream is passed
   * on only once `vetted` resolves true: media may arrive before the connection's
   * certificate can be checked, and it must not be shown before.
   */
  watch(call: MediaConnection, vetted: Promise<boolean>): void {
    if (this.current !== undefined && this.current !== call) {
      this.current.close();
    }
    this.current = call;
    call.on('stream', (stream) => {
      void vetted.then((passed) => {
        // PeerJS fires `stream` once per track with the same MediaStream; re-assigning it
        // to a video element would abort the pending play().
        if (!passed || this.current !== call || this.remote === stream) {
          return;
        }
        this.remote = stream;
        this.hooks.onStream(stream);
      });
    });
    call.on('iceStateChanged', (state) => {
      if (this.current === call) {
        this.hooks.onIceState(state);
      }
    });
    call.on('close', () => {
      if (this.current === call) {
        this.current = undefined;
        this.remote = undefined;
      }
    });
  }

  /** Closes the held and the current call. */
  close(): void {
    this.held?.close();
    this.held = undefined;
    const call = this.current;
    this.current = undefined;
    this.remote = undefined;
    call?.close();
  }
}
