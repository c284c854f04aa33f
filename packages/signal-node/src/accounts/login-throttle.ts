/**
 * Slows down password guessing (NIST SP 800-63B rev 4 section 3.2.2, OWASP ASVS 5.0
 * V6.3.1). Failures are counted per account and per remote address. After
 * `FREE_FAILURES` failures in a row each further try must wait 2^(failures - 5) seconds,
 * at most `MAX_DELAY_MS`. At `LOCK_AFTER_FAILURES` failures the account locks for
 * `LOCK_MS`.
 *
 * An attacker cannot keep an account locked: tries while waiting or locked are refused
 * without being counted, so they neither extend the wait nor the lock, and the count
 * starts again from zero when a lock ends. Keeping an account locked therefore costs an
 * attacker another hundred failures, over an hour and a half of capped delays, for each
 * quarter hour of lock, while the owner's correct password works whenever no lock holds.
 *
 * Each try is counted as a failure before the password is hashed, and taken back when
 * it succeeds, so many tries sent at once cannot all pass before the first one fails.
 *
 * Counters live in this process's memory only and are forgotten after `FORGET_MS`
 * without a failure; unknown email addresses are counted exactly like known ones, so a
 * refusal says nothing about which accounts exist. A restart forgets every counter,
 * which costs an attacker nothing to wait for but no more than one fresh start either.
 */
export const FREE_FAILURES = 5;
export const MAX_DELAY_MS = 60_000;
export const LOCK_AFTER_FAILURES = 100;
export const LOCK_MS = 15 * 60_000;
const FORGET_MS = 24 * 60 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;

interface Counter {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number | undefined;
}

export type ThrottleVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

class FailureCounters {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly lockAfter: number | undefined) {}

  /** When `key` may try again, or that it may now. */
  check(key: string, now: number): ThrottleVerdict {
    const counter = this.counters.get(key);
    if (counter === undefined) {
      return { allowed: true };
    }
    if (counter.lockedUntil !== undefined) {
      if (now < counter.lockedUntil) {
        return { allowed: false, retryAfterMs: counter.lockedUntil - now };
      }
      this.counters.delete(key);
      return { allowed: true };
    }
    const waitUntil = counter.lastFailureAt + delayAfter(counter.failures);
    return now < waitUntil ? { allowed: false, retryAfterMs: waitUntil - now } : { allowed: true };
  }

  fail(key: string, now: number): void {
    const counter = this.counters.get(key) ?? {
      failures: 0,
      lastFailureAt: now,
      lockedUntil: undefined,
    };
    counter.failures += 1;
    counter.lastFailureAt = now;
    if (this.lockAfter !== undefined && counter.failures >= this.lockAfter) {
      counter.lockedUntil = now + LOCK_MS;
    }
    this.counters.set(key, counter);
  }

  clear(key: string): void {
    this.counters.delete(key);
  }

  /** Takes back one failure counted in advance for a try that succeeded. */
  forgive(key: string): void {
    const counter = this.counters.get(key);
    if (counter !== undefined && counter.lockedUntil === undefined) {
      counter.failures = Math.max(0, counter.failures - 1);
    }
  }

  sweep(now: number): void {
    for (const [key, counter] of this.counters) {
      const end = Math.max(counter.lastFailureAt + FORGET_MS, counter.lockedUntil ?? 0);
      if (now > end) {
        this.counters.delete(key);
      }
    }
  }
}

function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) {
    return 0;
  }
  return Math.min(2 ** (failures - FREE_FAILURES) * 1000, MAX_DELAY_MS);
}

export class LoginThrottle {
  private readonly accounts = new FailureCounters(LOCK_AFTER_FAILURES);
  /** Addresses are slowed down but never locked: a shared NAT must not lock a practice out. */
  private readonly addresses = new FailureCounters(undefined);

  private lastSweep = 0;

  /**
   * Allows a try when both the account's and the address's wait are over, and then
   * counts it as a failure at once; `succeed` takes that back.
   */
  attempt(accountKey: string, address: string, now: number): ThrottleVerdict {
    if (now - this.lastSweep > SWEEP_INTERVAL_MS) {
      this.lastSweep = now;
      this.accounts.sweep(now);
      this.addresses.sweep(now);
    }
    const account = this.accounts.check(accountKey, now);
    const byAddress = this.addresses.check(address, now);
    const waits = [account, byAddress].flatMap((v) => (v.allowed ? [] : [v.retryAfterMs]));
    if (waits.length > 0) {
      return { allowed: false, retryAfterMs: Math.max(...waits) };
    }
    this.accounts.fail(accountKey, now);
    this.addresses.fail(address, now);
    return { allowed: true };
  }

  /**
   * A correct password clears the account's count and takes back the one failure its
   * try added to the address. The rest of the address's count is left to expire, so an
   * attacker cannot reset it by logging in to an account of their own.
   */
  succeed(accountKey: string, address: string): void {
    this.accounts.clear(accountKey);
    this.addresses.forgive(address);
  }
}
