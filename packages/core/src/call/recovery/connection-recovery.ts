import { createLogger } from '../../log/index.js';

/** How long ICE `disconnected` is waited out before a restart: it often heals alone. */
export const ICE_DISCONNECTED_GRACE_MS = 2_000;
/** Between restart attempts while the connection stays down. */
export const ICE_RESTART_INTERVAL_MS = 5_000;
/** How long a broken connection may take to recover before it is given up. */
export const RECOVERY_TIMEOUT_MS = 20_000;
/** How long the other side may take to come back after its connection closed. */
export const PEER_RETURN_TIMEOUT_MS = 15_000;

/** What broke first; becomes the `reason` of the `reconnecting` state. */
export type InterruptionCause = 'ice-disconnected' | 'ice-failed' | 'peer-silent' | 'peer-lost';

/** The connections whose health is watched. */
export type WatchedPath = 'control' | 'media';

export interface ConnectionRecoveryHooks {
  /** Whether this side offers ICE restarts (the host); the other only answers them. */
  offersRestarts(): boolean;
  /** Offers an ICE restart on the given connections. */
  restart(paths: readonly WatchedPath[]): Promise<void>;
  onInterrupted(cause: InterruptionCause): void;
  onRecovered(): void;
  /** Recovery did not succeed in time; the connections should be dropped. */
  onGiveUp(cause: InterruptionCause): void;
}

export interface RecoveryTimings {
  readonly disconnectedGraceMs: number;
  readonly restartIntervalMs: number;
  readonly recoveryTimeoutMs: number;
  readonly peerReturnTimeoutMs: number;
}

export const DEFAULT_RECOVERY_TIMINGS: RecoveryTimings = {
  disconnectedGraceMs: ICE_DISCONNECTED_GRACE_MS,
  restartIntervalMs: ICE_RESTART_INTERVAL_MS,
  recoveryTimeoutMs: RECOVERY_TIMEOUT_MS,
  peerReturnTimeoutMs: PEER_RETURN_TIMEOUT_MS,
};

const log = createLogger('core:recovery');

/**
 * Decides when an established call is interrupted, when it is whole again, when to
 * restart ICE and when to give up. It holds no connections itself: the call reports
 * ICE states and heartbeat silence, and acts on the hooks.
 *
 * A path counts as down from ICE `disconnected` or `failed` until it is `connected` or
 * `completed` again, so the `checking` that follows a restart is not mistaken for a
 * recovery. `failed` restarts at once; `disconnected` is given a short grace first,
 * since a brief loss of consent often heals by itself (RFC 7675).
 */
export class ConnectionRecovery {
  private readonly down = new Set<WatchedPath>();
  private silent = false;
  private awaitingReturn = false;
  private interruptedBy: InterruptionCause | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private giveUpTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly hooks: ConnectionRecoveryHooks,
    private readonly timings: RecoveryTimings = DEFAULT_RECOVERY_TIMINGS,
  ) {}

  /** True from the first sign of trouble until everything is back or given up. */
  get interrupted(): boolean {
    return this.interruptedBy !== undefined;
  }

  /** An ICE state of one watched connection changed. */
  reportIce(path: WatchedPath, state: RTCIceConnectionState): void {
    if (this.awaitingReturn) {
      return;
    }
    if (state === 'disconnected' || state === 'failed') {
      this.down.add(path);
      this.problem(state === 'failed' ? 'ice-failed' : 'ice-disconnected');
    } else if (state === 'connected' || state === 'completed') {
      this.down.delete(path);
      this.maybeRecovered();
    }
  }

  /** The heartbeat went silent (true) or was heard again (false). */
  reportSilence(silent: boolean): void {
    if (this.awaitingReturn) {
      return;
    }
    this.silent = silent;
    if (silent) {
      this.problem('peer-silent');
    } else {
      this.maybeRecovered();
    }
  }

  /**
   * The other side's connection closed without a goodbye (a reload, a closed tab).
   * Nothing can be restarted; the other side may dial again within the return window.
   */
  awaitReturn(): void {
    this.reset();
    this.awaitingReturn = true;
    this.interruptedBy = 'peer-lost';
    this.hooks.onInterrupted('peer-lost');
    this.giveUpTimer = setTimeout(() => this.giveUp(), this.timings.peerReturnTimeoutMs);
  }

  /** Forgets everything (new control channel, call over). */
  reset(): void {
    clearTimeout(this.restartTimer);
    clearTimeout(this.giveUpTimer);
    this.restartTimer = undefined;
    this.giveUpTimer = undefined;
    this.down.clear();
    this.silent = false;
    this.awaitingReturn = false;
    this.interruptedBy = undefined;
  }

  private problem(cause: InterruptionCause): void {
    if (this.interruptedBy === undefined) {
      this.interruptedBy = cause;
      log.info('connection interrupted', { cause });
      this.hooks.onInterrupted(cause);
      this.giveUpTimer = setTimeout(() => this.giveUp(), this.timings.recoveryTimeoutMs);
      this.scheduleRestart(cause === 'ice-failed' ? 0 : this.timings.disconnectedGraceMs);
    } else if (cause === 'ice-failed') {
      this.scheduleRestart(0);
    }
  }

  private scheduleRestart(delayMs: number): void {
    if (!this.hooks.offersRestarts()) {
      return;
    }
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.interrupted || this.awaitingReturn) {
        return;
      }
      // Only the paths that are down; a silent heartbeat with every path up (the other
      // side may have frozen) restarts them all.
      const paths: WatchedPath[] = this.down.size > 0 ? [...this.down] : ['control', 'media'];
      void this.hooks.restart(paths);
      this.scheduleRestart(this.timings.restartIntervalMs);
    }, delayMs);
  }

  private maybeRecovered(): void {
    if (this.interruptedBy === undefined || this.down.size > 0 || this.silent) {
      return;
    }
    log.info('connection recovered', { cause: this.interruptedBy });
    this.reset();
    this.hooks.onRecovered();
  }

  private giveUp(): void {
    const cause = this.interruptedBy ?? 'peer-lost';
    log.warn('connection given up', { cause });
    this.reset();
    this.hooks.onGiveUp(cause);
  }
}
