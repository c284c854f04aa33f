/**
 * Renews bb-signal's TURN credentials before they expire, for as long as a call runs.
 *
 * coturn checks a credential only when an allocation is made, so a relay path that is
 * up keeps working past the credential's expiry. What breaks is every allocation made
 * later: a screen share started an hour into a session, or an ICE restart. Renewing at
 * 80% of the lifetime keeps a valid credential in hand for those.
 */
export const RENEW_AT_FRACTION = 0.8;
/** Never sooner than this, so a clock far off or a tiny lifetime cannot make a busy loop. */
export const MIN_RENEW_DELAY_MS = 30_000;
/** After a failed renewal, try again this much later (the old credential may still hold). */
export const RETRY_DELAY_MS = 60_000;

export interface RenewalTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: RenewalTimers = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** How long to wait before renewing credentials that expire at `expiresAt`. */
export function renewalDelay(expiresAt: number, now: number): number {
  return Math.max(MIN_RENEW_DELAY_MS, Math.round((expiresAt - now) * RENEW_AT_FRACTION));
}

export class TurnRenewal {
  private handle: unknown;
  private stopped = false;

  /**
   * `renew` fetches and applies fresh credentials and resolves to their expiry, or to
   * `undefined` when there are none to keep fresh; it rejects when the fetch failed.
   */
  constructor(
    private readonly renew: () => Promise<number | undefined>,
    private readonly timers: RenewalTimers = realTimers,
  ) {}

  /** Plans the next renewal for credentials expiring at `expiresAt` (none if undefined). */
  schedule(expiresAt: number | undefined): void {
    this.clear();
    if (this.stopped || expiresAt === undefined) {
      return;
    }
    this.wait(renewalDelay(expiresAt, this.timers.now()));
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private wait(ms: number): void {
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      this.renew().then(
        (expiresAt) => this.schedule(expiresAt),
        () => {
          if (!this.stopped) {
            this.wait(RETRY_DELAY_MS);
          }
        },
      );
    }, ms);
  }

  private clear(): void {
    if (this.handle !== undefined) {
      this.timers.clearTimeout(this.handle);
      this.handle = undefined;
    }
  }
}
