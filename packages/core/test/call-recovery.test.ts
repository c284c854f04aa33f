import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, uniformRandom } from '../src/call/recovery/backoff.js';
import {
  ConnectionRecovery,
  DEFAULT_RECOVERY_TIMINGS,
  type ConnectionRecoveryHooks,
  type InterruptionCause,
  type WatchedPath,
} from '../src/call/recovery/connection-recovery.js';
import { Heartbeat } from '../src/call/recovery/heartbeat.js';

describe('backoffDelay', () => {
  it('draws below base * 2^attempt, capped, and uses the random draw', () => {
    const policy = { baseMs: 250, capMs: 8_000 };
    expect(backoffDelay(0, policy, () => 0.999)).toBe(249);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1_000);
    expect(backoffDelay(10, policy, () => 0.5)).toBe(4_000);
    expect(backoffDelay(60, policy, () => 0.999_999)).toBeLessThan(8_000);
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
  });

  it('refuses a negative or fractional attempt', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError);
    expect(() => backoffDelay(1.5)).toThrow(RangeError);
  });

  it('uniformRandom stays in [0, 1) and varies', () => {
    const draws = Array.from({ length: 200 }, () => uniformRandom());
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(190);
  });
});

interface Seen {
  interrupted: InterruptionCause[];
  recovered: number;
  givenUp: InterruptionCause[];
  restarts: (readonly WatchedPath[])[];
}

function recoveryFor(offersRestarts: boolean): { recovery: ConnectionRecovery; seen: Seen } {
  const seen: Seen = { interrupted: [], recovered: 0, givenUp: [], restarts: [] };
  const hooks: ConnectionRecoveryHooks = {
    offersRestarts: () => offersRestarts,
    restart: (paths) => {
      seen.restarts.push(paths);
      return Promise.resolve();
    },
    onInterrupted: (cause) => seen.interrupted.push(cause),
    onRecovered: () => (seen.recovered += 1),
    onGiveUp: (cause) => seen.givenUp.push(cause),
  };
  return { recovery: new ConnectionRecovery(hooks), seen };
}

describe('ConnectionRecovery', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits out a short disconnection, then restarts only the path that is down', () => {
    const { recovery, seen } = recoveryFor(true);
    recovery.reportIce('media', 'disconnected');
    expect(seen.interrupted).toEqual(['ice-disconnected']);
    vi.advanceTimersByTime(DEFAULT_RECOVERY_TIMINGS.disconnectedGraceMs - 1);
    expect(seen.restarts).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen.restarts).toEqual([['media']]);
    vi.advanceTimersByTime(DEFAULT_RECOVERY_TIMINGS.restartIntervalMs);
    expect(seen.restarts).toHaveLength(2);
  });

  it('restarts at once on failed, and a checking state after it is not a recovery', () => {
    const { recovery, seen } = recoveryFor(true);
    recovery.reportIce('control', 'failed');
    vi.advanceTimersByTime(0);
    expect(seen.restarts).toEqual([['control']]);
    recovery.reportIce('control', 'checking');
    expect(seen.recovered).toBe(0);
    recovery.reportIce('control', 'connected');
    expect(seen.recovered).toBe(1);
    expect(recovery.interrupted).toBe(false);
  });

  it('is whole only when every path is up and the heartbeat is heard', () => {
    const { recovery, seen } = recoveryFor(true);
    recovery.reportIce('media', 'disconnected');
    recovery.reportIce('control', 'disconnected');
    recovery.reportSilence(true);
    recovery.reportIce('media', 'connected');
    recovery.reportIce('control', 'completed');
    expect(seen.recovered).toBe(0);
    recovery.reportSilence(false);
    expect(seen.recovered).toBe(1);
    expect(seen.interrupted).toEqual(['ice-disconnected']);
  });

  it('a silent heartbeat with every path up restarts them all', () => {
    const { recovery, seen } = recoveryFor(true);
    recovery.reportSilence(true);
    vi.advanceTimersByTime(DEFAULT_RECOVERY_TIMINGS.disconnectedGraceMs);
    expect(seen.restarts).toEqual([['control', 'media']]);
  });

  it('the answering side never offers a restart, and both give up in time', () => {
    const { recovery, seen } = recoveryFor(false);
    recovery.reportIce('media', 'failed');
    vi.advanceTimersByTime(DEFAULT_RECOVERY_TIMINGS.recoveryTimeoutMs - 1);
    expect(seen.restarts).toEqual([]);
    expect(seen.givenUp).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen.givenUp).toEqual(['ice-failed']);
    expect(recovery.interrupted).toBe(false);
  });

  it('waits for a peer that left its page, ignoring ICE meanwhile, then gives up', () => {
    const { recovery, seen } = recoveryFor(true);
    recovery.awaitReturn();
    expect(seen.interrupted).toEqual(['peer-lost']);
    recovery.reportIce('media', 'connected');
    expect(seen.recovered).toBe(0);
    vi.advanceTimersByTime(DEFAULT_RECOVERY_TIMINGS.peerReturnTimeoutMs);
    expect(seen.givenUp).toEqual(['peer-lost']);
    expect(seen.restarts).toEqual([]);
  });

  it('reset cancels every timer', () => {
    const { recovery, seen } = recoveryFor(true);
    recovery.reportIce('media', 'failed');
    recovery.reset();
    vi.advanceTimersByTime(DEFAULT_RECOVERY_TIMINGS.recoveryTimeoutMs * 2);
    expect(seen.restarts).toEqual([]);
    expect(seen.givenUp).toEqual([]);
  });
});

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats every second, reports silence once after five, and life when heard', () => {
    const events: string[] = [];
    const heartbeat = new Heartbeat({
      send: () => events.push('beat'),
      onSilent: () => events.push('silent'),
      onAlive: () => events.push('alive'),
    });
    heartbeat.start();
    vi.advanceTimersByTime(3_000);
    heartbeat.heard();
    expect(events.filter((e) => e === 'beat')).toHaveLength(3);
    expect(heartbeat.stale).toBe(false);
    vi.advanceTimersByTime(6_000);
    expect(events.filter((e) => e === 'silent')).toHaveLength(1);
    expect(heartbeat.stale).toBe(true);
    vi.advanceTimersByTime(5_000);
    expect(events.filter((e) => e === 'silent')).toHaveLength(1);
    heartbeat.heard();
    expect(events.at(-1)).toBe('alive');
    heartbeat.stop();
    const count = events.length;
    vi.advanceTimersByTime(10_000);
    expect(events).toHaveLength(count);
  });
});
