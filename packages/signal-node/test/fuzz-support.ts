import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import type { SignalServer } from '../src/index.js';
import { clientTicket, connectWith, hostTicket, registerRoom, within } from './helpers.js';

/**
 * Shared by the fuzz tests: how many cases to run, a watch for exceptions that escape
 * the server, memory sampling, and a report line for `scripts/fuzz-long.mjs`.
 *
 * `BB_FUZZ_SCALE` multiplies every case count (default 1: the quick run in `npm test`);
 * `BB_FUZZ_SEED` replays a run; `BB_FUZZ_REPORT` names a file that receives one JSON
 * line per fuzz test.
 */
export const FUZZ_SCALE = Math.max(0.001, Number(process.env['BB_FUZZ_SCALE'] ?? '1') || 1);
/**
 * Bounds a fuzz test, never an assertion on speed: generous, because the machine that
 * runs the suite may be shared, and a long run gets time in proportion to its cases.
 */
export const FUZZ_TIMEOUT_MS = 900_000 * Math.max(1, FUZZ_SCALE);
/** The first chunk of cases to run, to replay a failure reported in a late chunk. */
export const FUZZ_FIRST_ROUND = Math.max(0, Number(process.env['BB_FUZZ_FIRST_ROUND'] ?? '0') || 0);
export const FUZZ_SEED = Number(process.env['BB_FUZZ_SEED'] ?? Date.now() % 2 ** 31);

/** Bounds each wait; longer than the helpers' because a shared machine may be busy. */
export const FUZZ_WAIT_MS = 10_000;

/** Runs a full garbage collection, so heap samples compare live data only. */
export function collectGarbage(): void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) {
    existing();
    return;
  }
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface MemoryWatch {
  /** Heap in use after a full GC at the start. */
  readonly baseHeap: number;
  peakRss: number;
  peakHeap: number;
  stop(): void;
  /** Heap in use after a full GC now, minus the start. */
  growth(): number;
}

export function watchMemory(intervalMs = 250): MemoryWatch {
  collectGarbage();
  const baseHeap = process.memoryUsage().heapUsed;
  const watch: MemoryWatch = {
    baseHeap,
    peakRss: 0,
    peakHeap: 0,
    stop: () => clearInterval(timer),
    growth: () => {
      collectGarbage();
      return process.memoryUsage().heapUsed - baseHeap;
    },
  };
  const sample = (): void => {
    const usage = process.memoryUsage();
    watch.peakRss = Math.max(watch.peakRss, usage.rss);
    watch.peakHeap = Math.max(watch.peakHeap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return watch;
}

/** Collects exceptions and rejections nobody handled while a fuzz test runs. */
export function watchEscapes(): { readonly escaped: unknown[]; stop(): void } {
  const escaped: unknown[] = [];
  const record = (error: unknown): void => {
    escaped.push(error);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    escaped,
    stop: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

export interface FuzzReport {
  readonly name: string;
  readonly cases: number;
  readonly ms: number;
  readonly seed: number;
  readonly peakRssBytes: number;
  readonly peakHeapBytes: number;
  readonly heapGrowthBytes: number;
  readonly [detail: string]: unknown;
}

/**
 * Writes a progress line at most every 10 seconds, so a long run stopped early still
 * says how far it got.
 */
export function progressReporter(name: string, seed: number, memory: MemoryWatch) {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let last = started;
  return (cases: number): void => {
    const now = performance.now();
    if (now - last < 10_000) return;
    last = now;
    report({
      name,
      progress: true,
      cases,
      ms: Math.round(now - started),
      cpuMs: Math.round(cpuMillis(process.cpuUsage(cpuAtStart))),
      seed,
      peakRssBytes: memory.peakRss,
      peakHeapBytes: memory.peakHeap,
      heapGrowthBytes: process.memoryUsage().heapUsed - memory.baseHeap,
    });
  };
}

export function report(line: FuzzReport): void {
  const file = process.env['BB_FUZZ_REPORT'];
  if (file !== undefined && file !== '') {
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }
}

export const MIB = 1024 * 1024;

/** CPU time of this process (user and system), which a busy shared machine does not inflate. */
export function cpuMillis(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** An honest pair that relays an OFFER every `everyMs` until stopped; counts round trips. */
export function keepRelaying(server: SignalServer, everyMs: number) {
  let stopped = false;
  const state = { roundTrips: 0, done: Promise.resolve() };
  state.done = (async () => {
    const room = await registerRoom(server);
    const hostT = await hostTicket(server, room);
    const clientT = await clientTicket(server, room);
    const host = await connectWith(server, hostT);
    const client = await connectWith(server, clientT);
    while (!stopped) {
      const connectionId = `mc_honest_${state.roundTrips}`;
      host.send({
        type: 'OFFER',
        dst: clientT.peerId,
        payload: { sdp: { type: 'offer', sdp: 'v=0\r\n' }, type: 'media', connectionId },
      });
      client.send({ type: 'HEARTBEAT' });
      host.send({ type: 'HEARTBEAT' });
      await within(
        (async () => {
          for (;;) {
            const found = client.frames.find(
              (frame) =>
                frame.type === 'OFFER' &&
                (frame['payload'] as { connectionId: string }).connectionId === connectionId,
            );
            if (found !== undefined) return found;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })(),
        'an honest OFFER during the fuzz',
        FUZZ_WAIT_MS,
      );
      expect(client.frames.every((frame) => ['OPEN', 'OFFER'].includes(frame.type))).toBe(true);
      client.frames.splice(1);
      state.roundTrips += 1;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    await Promise.all([host.close(), client.close()]);
  })();
  return {
    state,
    stop: async () => {
      stopped = true;
      await state.done;
    },
  };
}
