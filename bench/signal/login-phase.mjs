// The login phase of the signal benchmark, for bb-signal only (PeerServer has no
// accounts). Passwords are hashed with scrypt on libuv's thread pool, off the event loop;
// the question is what the hashing costs a login, and what it costs the relay of live
// sessions on the same machine. Per round, on the server and relay pairs the earlier
// phases left open:
//   1. register the accounts (one per concurrent login);
//   2. login time alone: sequential logins with nothing else running;
//   3. two windows of open-loop relay latency at the same rate, one with nothing else
//      running and one while `loops` logins run at once, in alternating order over
//      rounds so a drift of the machine does not favour either; the server's CPU and
//      event-loop delay are read over each window;
//   4. `burst` logins started at once from one address, to show the throttle's answer.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startChild } from '../lib/rpc.mjs';

const LOGIN_CLIENT_SCRIPT = fileURLToPath(new URL('./login-client.mjs', import.meta.url));
const SETTLE_MS = 1000;
const DRAIN_MS = 3000;
/** libuv's default; the server process inherits UV_THREADPOOL_SIZE when it is set. */
const DEFAULT_THREADPOOL_SIZE = 4;

/** What the login phase does; `pairs` relay pairs are already open in the relay client. */
export function loginPlan(quick, pairs) {
  const threadpoolSize = Number(process.env.UV_THREADPOOL_SIZE ?? DEFAULT_THREADPOOL_SIZE);
  return quick
    ? {
        pairs,
        loops: 6,
        burst: 8,
        aloneCount: 3,
        aloneWarmup: 1,
        rate: 500,
        warmupMs: 500,
        durationMs: 2000,
        maxPerLoop: 20,
        registerConcurrency: 4,
        threadpoolSize,
      }
    : {
        pairs,
        loops: 20,
        burst: 20,
        aloneCount: 10,
        aloneWarmup: 1,
        rate: 2000,
        warmupMs: 2000,
        durationMs: 10_000,
        maxPerLoop: 50,
        registerConcurrency: 4,
        threadpoolSize,
      };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One relay latency window, with `loginClient` running its login loops over the same
 * time when given. Server CPU and event-loop delay cover the relay request (warm-up,
 * measurement and drain), during which the loops keep `loops` logins in flight.
 */
async function measureWindow({ server, relayClient, loginClient, plan, origin, port }) {
  const { pairs, rate, warmupMs, durationMs } = plan;
  const limit = warmupMs + durationMs + DRAIN_MS + 30_000;
  await server.request('loopDelayStart');
  const cpuBefore = await server.request('cpu');
  const started = performance.now();
  const relayPart = relayClient
    .request('latency', { pairs, rate, warmupMs, durationMs, drainMs: DRAIN_MS }, limit)
    .then(async (relay) => {
      const cpuAfter = await server.request('cpu');
      const ms = performance.now() - started;
      const loopDelay = await server.request('loopDelayStop');
      const cpuMs = (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000;
      return { relay, loopDelay, serverCpuPercent: (cpuMs / ms) * 100 };
    });
  // Each login may wait for every one queued before it; 60 s per request bounds the drain.
  const loginPart =
    loginClient === undefined
      ? Promise.resolve(undefined)
      : loginClient.request(
          'loginLoops',
          {
            port,
            origin,
            loops: plan.loops,
            durationMs: warmupMs + durationMs,
            maxPerLoop: plan.maxPerLoop,
            measureFromMs: warmupMs,
            measureUntilMs: warmupMs + durationMs,
          },
          warmupMs + durationMs + 120_000,
        );
  const [measured, logins] = await Promise.all([relayPart, loginPart]);
  return { ...measured, logins };
}

function refusedAny(statuses) {
  return Object.keys(statuses).some((status) => status !== '200');
}

export async function runLoginPhase({ server, relayClient, port, origin, plan, round, label }) {
  const loginClient = startChild(LOGIN_CLIENT_SCRIPT, { label: `${label} login client` });
  try {
    const peakBefore = await server.request('peakMemory');
    const registered = await loginClient.request(
      'register',
      {
        port,
        origin,
        count: Math.max(plan.loops, plan.burst),
        concurrency: plan.registerConcurrency,
      },
      120_000,
    );
    await sleep(SETTLE_MS);
    const alone = await loginClient.request(
      'loginsAlone',
      { port, origin, count: plan.aloneCount, warmup: plan.aloneWarmup },
      (plan.aloneCount + plan.aloneWarmup) * 60_000,
    );
    if (refusedAny(alone.statuses)) {
      throw new Error(`${label}: a login alone was refused: ${JSON.stringify(alone.statuses)}`);
    }
    console.log(`${label}: login alone p50 ${alone.p50Ms.toFixed(0)} ms`);

    const context = { server, relayClient, plan, origin, port };
    const order = round % 2 === 0 ? ['quiet', 'busy'] : ['busy', 'quiet'];
    const windows = {};
    for (const name of order) {
      await sleep(SETTLE_MS);
      windows[name] = await measureWindow({
        ...context,
        loginClient: name === 'busy' ? loginClient : undefined,
      });
      const { relay } = windows[name];
      const during = name === 'busy' ? `with ${plan.loops} logins` : 'alone';
      console.log(
        `${label}: relay at ${plan.rate}/s ${during}: p50 ${relay.p50Ms.toFixed(2)} ms, ` +
          `p99 ${relay.p99Ms.toFixed(2)} ms, lost ${relay.lost}`,
      );
    }
    const { logins } = windows.busy;
    if (refusedAny(logins.statuses)) {
      throw new Error(
        `${label}: concurrent logins were refused: ${JSON.stringify(logins.statuses)}`,
      );
    }
    console.log(
      `${label}: ${plan.loops} logins at once: p50 ${logins.p50Ms.toFixed(0)} ms, ` +
        `p95 ${logins.p95Ms.toFixed(0)} ms, ${logins.loginsPerSecond.toFixed(1)} logins/s`,
    );

    const peakAfter = await server.request('peakMemory');
    await sleep(SETTLE_MS);
    const burst = await loginClient.request('burst', { port, origin, count: plan.burst }, 120_000);
    console.log(
      `${label}: ${plan.burst} logins at once from one address: ${JSON.stringify(burst.statuses)}`,
    );
    const peakRss = { before: peakBefore.maxRss, after: peakAfter.maxRss };
    return { round: round + 1, order, registered, alone, windows, burst, peakRss };
  } finally {
    await loginClient.stop();
  }
}
