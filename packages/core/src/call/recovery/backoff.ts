import { randomBytes } from '../../util/random.js';

/** Retry timing for the signalling socket: exponential growth, capped, fully jittered. */
export interface BackoffPolicy {
  /** The ceiling of the first delay. */
  readonly baseMs: number;
  /** No delay is ever longer than this. */
  readonly capMs: number;
}

export const SIGNAL_RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 8_000 };

/** A uniform number in [0, 1) from the platform CSPRNG (Math.random is banned here). */
export function uniformRandom(): number {
  const [high = 0, low = 0] = new Uint32Array(randomBytes(8).buffer);
  // 53 random bits, the precision of a double.
  return ((high >>> 5) * 67_108_864 + (low >>> 6)) / 9_007_199_254_740_992;
}

/**
 * The delay before retry number `attempt` (0 for the first): a uniform draw between 0
 * and min(cap, base * 2^attempt), the "full jitter" rule. When a server restarts,
 * every client it had notices at the same moment; spreading their returns over the
 * whole window keeps them from arriving as one burst.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = SIGNAL_RECONNECT_BACKOFF,
  random: () => number = uniformRandom,
): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError('backoffDelay: attempt must be a non-negative integer');
  }
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
