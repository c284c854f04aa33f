import { describe, expect, it } from 'vitest';
import {
  MIN_RENEW_DELAY_MS,
  RETRY_DELAY_MS,
  TurnRenewal,
  renewalDelay,
  type RenewalTimers,
} from '../src/call/turn-renewal.js';

/** Timers driven by hand: `advance` runs whatever falls due, in order. */
class ManualTimers implements RenewalTimers {
  time = 1_800_000_000_000;
  private pending: { at: number; run: () => void; id: number }[] = [];
  private nextId = 1;

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.push({ at: this.time + ms, run, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }

  now(): number {
    return this.time;
  }

  /** When the next timer is due, relative to now; undefined when none is set. */
  get nextIn(): number | undefined {
    const next = Math.min(...this.pending.map((timer) => timer.at));
    return Number.isFinite(next) ? next - this.time : undefined;
  }

  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = this.pending.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at);
      const first = due[0];
      if (first === undefined) break;
      this.pending = this.pending.filter((timer) => timer !== first);
      this.time = first.at;
      first.run();
      // Let the renewal's promise settle and schedule the next timer.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = until;
  }
}

describe('TURN credential renewal', () => {
  it('renews at 80% of the lifetime, never sooner than 30 s', () => {
    expect(renewalDelay(1_000_600_000, 1_000_000_000)).toBe(480_000);
    expect(renewalDelay(1_000_010_000, 1_000_000_000)).toBe(MIN_RENEW_DELAY_MS);
    expect(renewalDelay(999_000_000, 1_000_000_000)).toBe(MIN_RENEW_DELAY_MS);
  });

  it('renews again and again with each new expiry, until stopped', async () => {
    const timers = new ManualTimers();
    const renewedAt: number[] = [];
    const renewal = new TurnRenewal(async () => {
      renewedAt.push(timers.time);
      return timers.time + 600_000;
    }, timers);
    const start = timers.time;
    renewal.schedule(start + 600_000);
    expect(timers.nextIn).toBe(480_000);
    await timers.advance(480_000 * 3);
    expect(renewedAt.map((at) => at - start)).toEqual([480_000, 960_000, 1_440_000]);
    renewal.stop();
    expect(timers.nextIn).toBeUndefined();
    await timers.advance(10 * 600_000);
    expect(renewedAt).toHaveLength(3);
  });

  it('retries a failed renewal a minute later, and schedules nothing without credentials', async () => {
    const timers = new ManualTimers();
    const outcomes: (number | undefined | Error)[] = [new Error('offline'), undefined];
    let calls = 0;
    const renewal = new TurnRenewal(async () => {
      calls += 1;
      const outcome = outcomes.shift();
      if (outcome instanceof Error) throw outcome;
      return outcome;
    }, timers);
    renewal.schedule(timers.time + 100_000);
    await timers.advance(80_000);
    expect(calls).toBe(1);
    expect(timers.nextIn).toBe(RETRY_DELAY_MS);
    await timers.advance(RETRY_DELAY_MS);
    expect(calls).toBe(2);
    // The second answer had no TURN credentials: nothing more to keep fresh.
    expect(timers.nextIn).toBeUndefined();
    renewal.schedule(undefined);
    expect(timers.nextIn).toBeUndefined();
  });

  it('a renewal that finishes after stop() plans nothing', async () => {
    const timers = new ManualTimers();
    let finish: (expiresAt: number) => void = () => undefined;
    const renewal = new TurnRenewal(
      () => new Promise<number>((resolve) => (finish = resolve)),
      timers,
    );
    renewal.schedule(timers.time + 100_000);
    await timers.advance(80_000);
    renewal.stop();
    finish(timers.time + 600_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers.nextIn).toBeUndefined();
  });
});
