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
 * Tries sent at once must not all pass before the first one fails. For an account, each
 * try is counted as a failure before the password is hashed and taken back when it
 * succeeds, so parallel guesses at one account meet the delay after the fifth. For an
 * address that would refuse honest people: a practice behind one NAT whose therapists
 * log in at the same minute would see the sixth refused with a correct password. So an
 * address's failures count only once they are known, and what stops a burst of guesses
 * at many accounts from one address is a cap of `MAX_PENDING_PER_ADDRESS` tries being
 * checked at once; beyond it a try is refused for a second.
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
/** Password checks one address may have running at once (see above). */
export const MAX_PENDING_PER_ADDRESS = 32;
const PENDING_RETRY_MS = 1000;
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

  /** Password checks running now, per address. */
  private readonly pending = new Map<string, number>();

  private lastSweep = 0;

  /**
   * Allows a try when the account's and the address's waits are over and the address has
   * fewer than `MAX_PENDING_PER_ADDRESS` checks running. An allowed try is counted
   * against the account at once; the caller must then call `succeed` or `fail`.
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
    const running = this.pending.get(address) ?? 0;
    if (running >= MAX_PENDING_PER_ADDRESS) {
      waits.push(PENDING_RETRY_MS);
    }
    if (waits.length > 0) {
      return { allowed: false, retryAfterMs: Math.max(...waits) };
    }
    this.accounts.fail(accountKey, now);
    this.pending.set(address, running + 1);
    return { allowed: true };
  }

  /**
   * A correct password clears the account's count. The address's count of failures is
   * left to expire, so an attacker cannot reset it by logging in to an account of their
   * own.
   */
  succeed(accountKey: string, address: string): void {
    this.accounts.clear(accountKey);
    this.release(address);
  }

  /** A wrong password (or an unknown email): the address's failure is counted now. */
  fail(address: string, now: number): void {
    this.release(address);
    this.addresses.fail(address, now);
  }

  private release(address: string): void {
    const running = (this.pending.get(address) ?? 1) - 1;
    if (running > 0) {
      this.pending.set(address, running);
    } else {
      this.pending.delete(address);
    }
  }
}
