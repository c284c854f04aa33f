import type { BbError } from '../errors/index.js';
import type { ErrorCode } from '../errors/index.js';
import type { RecordingChange, RecordingFinished } from '../recording/consent.js';
import type { ConnectionPath } from './connection-path.js';
import type { ScreenShareChange } from './screen-share.js';
import type { CallState } from './state-machine.js';

/** Why a call ended: this side left, or the other participant said goodbye. */
export type CallEndReason = 'local-leave' | 'peer-left';

/**
 * Why a state changed. Failures carry the error code of the `error` event that
 * accompanies them.
 */
export type CallStateReason =
  | 'join'
  | 'signal-open'
  | 'peer-unavailable'
  | 'peer-arrived'
  | 'control-open'
  | 'verified'
  /** The media or control connection's ICE state went `disconnected`. */
  | 'ice-disconnected'
  /** ICE `failed`; an ICE restart follows at once. */
  | 'ice-failed'
  /** No heartbeat from the other side for five seconds. */
  | 'peer-silent'
  /** The other side's control channel closed without a goodbye (reload, closed tab). */
  | 'peer-lost'
  /** The other side did not come back, or the connection did not recover, in time. */
  | 'peer-gone'
  /** Back to `connected` after an interruption, on the same connections. */
  | 'recovered'
  | CallEndReason
  | ErrorCode;

export interface CallStateChange {
  readonly state: CallState;
  readonly previous: CallState;
  readonly reason?: CallStateReason;
}

export interface MediaEnabledState {
  readonly microphoneEnabled: boolean;
  readonly cameraEnabled: boolean;
}

/** Every event a `SessionCall` emits, with its payload. The only list of them. */
export interface SessionCallEventMap {
  statechange: CallStateChange;
  localstream: { readonly stream: MediaStream };
  remotestream: { readonly stream: MediaStream };
  mediastatechange: MediaEnabledState;
  /**
   * The fingerprint proof passed (the call is about to be `connected`). The safety code
   * is the same on both sides unless someone sits in the middle holding the link.
   */
  verified: { readonly safetyCode: string };
  /** The media's selected ICE candidate pair is known, or changed to another kind. */
  connectionpath: { readonly path: ConnectionPath };
  /** A screen share started, paused, resumed or stopped, on either side. */
  screenshare: ScreenShareChange;
  /**
   * Recording was requested, answered, started or stopped, on either side (see
   * `call.recording`). Show an indicator while `state` is `starting` or `recording`.
   */
  recordingchange: RecordingChange;
  /** Host only: a recording was closed in the store after it stopped, or could not be. */
  recordingfinished: RecordingFinished;
  /**
   * The socket to bb-signal closed (`connected: false`; it is retried with backoff while
   * the call goes on peer to peer) or is open again (`attempts` retries later).
   */
  signalchange: { readonly connected: boolean; readonly attempts?: number };
  error: BbError;
  ended: { readonly reason: CallEndReason };
}

export type SessionCallEventName = keyof SessionCallEventMap;
export type SessionCallListener<K extends SessionCallEventName> = (
  payload: SessionCallEventMap[K],
) => void;

/**
 * A minimal emitter typed by `SessionCallEventMap`. A listener that throws does not
 * stop the others or the call; its error is rethrown in a microtask so the page still
 * sees it in its console and `error` handlers.
 */
export class TypedEmitter {
  private readonly listeners = new Map<SessionCallEventName, Set<unknown>>();

  /** Adds `listener` for `type` and returns a function that removes it. */
  on<K extends SessionCallEventName>(type: K, listener: SessionCallListener<K>): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError('on: listener must be a function');
    }
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
    return () => this.off(type, listener);
  }

  off<K extends SessionCallEventName>(type: K, listener: SessionCallListener<K>): void {
    this.listeners.get(type)?.delete(listener);
  }

  protected emit<K extends SessionCallEventName>(type: K, payload: SessionCallEventMap[K]): void {
    // Only `on` adds to these sets, always under the key its listener was typed for.
    const set = this.listeners.get(type) as Set<SessionCallListener<K>> | undefined;
    if (set === undefined) {
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
