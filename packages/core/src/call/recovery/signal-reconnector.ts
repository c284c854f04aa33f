import type { Peer } from 'peerjs';
import { createLogger } from '../../log/index.js';
import { backoffDelay, SIGNAL_RECONNECT_BACKOFF, type BackoffPolicy } from './backoff.js';

const log = createLogger('core:recovery');

export interface SignalReconnectorHooks {
  /** The socket to bb-signal closed; retries begin. */
  onLost(): void;
  /** The socket is open again (PeerJS's `open`, after the server accepted the ticket). */
  onRestored(attempts: number): void;
  /**
   * Called before each retry; may replace the ticket PeerJS presents (a restarted
   * server no longer knows that an old ticket was in use). Rejecting stops retrying.
   */
  beforeAttempt(attempt: number): Promise<void>;
  /** Retrying stopped for a reason `beforeAttempt` gave. */
  onGiveUp(error: unknown): void;
}

/**
 * Keeps a Peer's signalling socket open for the life of a call. PeerJS reports a lost
 * socket with `disconnected` and leaves every peer-to-peer connection running; it can
 * then `reconnect()` with the same id. This retries with capped, fully jittered
 * exponential backoff until the socket is back or the call stops it, while media keeps
 * flowing peer to peer.
 */
export class SignalReconnector {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = false;
  private lost = false;
  private everOpened = false;

  constructor(
    private readonly peer: Peer,
    private readonly hooks: SignalReconnectorHooks,
    private readonly policy: BackoffPolicy = SIGNAL_RECONNECT_BACKOFF,
  ) {
    peer.on('disconnected', () => this.onDisconnected());
    peer.on('open', () => this.onOpen());
  }

  /** True once the socket has opened: from then on a lost socket is retried. */
  get joined(): boolean {
    return this.everOpened;
  }

  /** True while the socket is down and retries run. */
  get reconnecting(): boolean {
    return this.lost;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onDisconnected(): void {
    // Before the first `open` a lost socket is a failed join, which the call reports.
    if (this.stopped || this.peer.destroyed || !this.everOpened) {
      return;
    }
    if (!this.lost) {
      this.lost = true;
      log.warn('signalling lost; reconnecting');
      this.hooks.onLost();
    }
    this.schedule();
  }

  private onOpen(): void {
    this.everOpened = true;
    if (!this.lost) {
      return;
    }
    const attempts = this.attempt;
    this.lost = false;
    this.attempt = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    log.info('signalling restored', { attempts });
    this.hooks.onRestored(attempts);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const delay = backoffDelay(this.attempt, this.policy);
    this.attempt += 1;
    const attempt = this.attempt;
    this.timer = setTimeout(() => void this.retry(attempt), delay);
  }

  private async retry(attempt: number): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.peer.destroyed || !this.peer.disconnected) {
      return;
    }
    try {
      await this.hooks.beforeAttempt(attempt);
    } catch (error) {
      this.stop();
      this.hooks.onGiveUp(error);
      return;
    }
    if (this.stopped || this.peer.destroyed || !this.peer.disconnected) {
      return;
    }
    log.debug('signalling reconnect attempt', { attempt });
    // A failed attempt ends in another `disconnected`, which schedules the next one.
    this.peer.reconnect();
  }
}
