/** How often each side says it is still there, over the control channel. */
export const HEARTBEAT_INTERVAL_MS = 1_000;
/** Silence after which the other side counts as unreachable (five missed beats). */
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Silence after which a control channel may be replaced by a new one from the same side. */
export const HEARTBEAT_STALE_MS = 2_500;

export interface HeartbeatHooks {
  /** Sends one beat to the other side. */
  send(): void;
  /** Nothing was heard for the timeout. Called once per silence. */
  onSilent(): void;
  /** Something was heard again after a silence. */
  onAlive(): void;
}

/**
 * Liveness of the other participant, judged by the control channel itself rather than
 * by the signaller's word: a tab that froze, crashed or lost its network stops beating
 * even when no `close` event ever arrives (SCTP and ICE consent take far longer to
 * notice, RFC 7675 allows 30 s).
 */
export class Heartbeat {
  private beat: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private silent = false;

  constructor(
    private readonly hooks: HeartbeatHooks,
    private readonly intervalMs = HEARTBEAT_INTERVAL_MS,
    private readonly timeoutMs = HEARTBEAT_TIMEOUT_MS,
  ) {}

  get running(): boolean {
    return this.beat !== undefined;
  }

  /** Nothing was heard for a few beats (or the heartbeat is not running). */
  get stale(): boolean {
    return !this.running || Date.now() - this.lastHeard > HEARTBEAT_STALE_MS;
  }

  start(): void {
    this.stop();
    this.lastHeard = Date.now();
    this.silent = false;
    this.beat = setInterval(() => this.tick(), this.intervalMs);
  }

  /** Anything arrived from the other side. */
  heard(): void {
    this.lastHeard = Date.now();
    if (this.silent) {
      this.silent = false;
      this.hooks.onAlive();
    }
  }

  stop(): void {
    if (this.beat !== undefined) {
      clearInterval(this.beat);
      this.beat = undefined;
    }
  }

  private tick(): void {
    this.hooks.send();
    if (!this.silent && Date.now() - this.lastHeard > this.timeoutMs) {
      this.silent = true;
      this.hooks.onSilent();
    }
  }
}
