// Signaller benchmark: bb-signal against PeerServer (the `peer` package), each in its
// own process on 127.0.0.1, alternating A B A B in one run because this machine is
// shared and noisy. Per server and round:
//   1. memory: RSS of the server process per idle connection at each step (1,000, 5,000,
//      10,000 by default) and the time to open them;
//   2. relay throughput: 100 pairs, each direction keeping a bounded window in flight;
//   3. one-way relay latency at fixed open-loop rates (2,000 and 5,000 messages a second);
//   4. bb-signal only: login time, and relay latency while 20 logins run at once against
//      the same without logins (login-phase.mjs).
// Writes bench/results/signal.json and signal.md (steps 1 to 3) and signal-logins.json
// and .md (step 4). `--quick` runs a small version to check the harness; `--only logins`
// runs step 4 alone, on bb-signal with just the relay pairs. Every loop is bounded in
// count, and every request to a child in time.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startChild } from '../lib/rpc.mjs';
import { describeMachine } from '../lib/results.mjs';
import { bbSignalFixtures, peerServerFixtures } from './fixtures.mjs';
import { loginPlan, runLoginPhase } from './login-phase.mjs';
import { writeLoginReport } from './login-report.mjs';
import { MESSAGE_BYTES } from './message.mjs';
import { writeSignalReport } from './report.mjs';

const SERVER_SCRIPT = fileURLToPath(new URL('./server-child.mjs', import.meta.url));
const CLIENT_SCRIPT = fileURLToPath(new URL('./load-client.mjs', import.meta.url));
const KINDS = ['bb-signal', 'peerserver'];

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (flags.only !== undefined && flags.only !== 'logins') {
  throw new RangeError('--only takes one value: logins');
}
/** False with `--only logins`: no PeerServer, no memory steps, no throughput. */
const COMPARING = flags.only === undefined;

const PLAN = flags.quick
  ? {
      rounds: 1,
      steps: [100, 200],
      pairs: 10,
      window: 8,
      rates: [500],
      warmupMs: 300,
      durationMs: 1000,
    }
  : {
      rounds: Number(flags.rounds),
      steps: [1000, 5000, 10_000],
      pairs: 100,
      window: 8,
      rates: [2000, 5000],
      warmupMs: 1000,
      durationMs: 5000,
    };
if (!Number.isInteger(PLAN.rounds) || PLAN.rounds < 1 || PLAN.rounds > 10) {
  throw new RangeError('--rounds must be an integer from 1 to 10');
}
const LOGIN_PLAN = loginPlan(flags.quick, PLAN.pairs);
const OPEN_CONCURRENCY = 64;
const SETTLE_MS = 1000;
const DRAIN_MS = 3000;

/**
 * Both servers run with the same flags. With BB_BENCH_CPU_PROF=<directory> each server
 * process also writes a V8 CPU profile there (open it in Chrome DevTools); profiling
 * slows both, so the numbers of such a run are for finding causes, not for the table.
 */
function serverFlags(kind, round) {
  const flags = ['--expose-gc'];
  const profileDirectory = process.env.BB_BENCH_CPU_PROF;
  if (profileDirectory !== undefined && profileDirectory !== '') {
    flags.push(
      '--cpu-prof',
      `--cpu-prof-dir=${profileDirectory}`,
      `--cpu-prof-name=${kind}-round${round + 1}.cpuprofile`,
    );
  }
  return flags;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function cpuPercentDuring(server, work) {
  const before = await server.request('cpu');
  const started = performance.now();
  const result = await work();
  const after = await server.request('cpu');
  const ms = performance.now() - started;
  const used = (after.user - before.user + after.system - before.system) / 1000;
  return { result, serverCpuMs: used, serverCpuPercent: (used / ms) * 100 };
}

/** Step 1: idle connections, opened in steps; RSS after a full collection at each step. */
async function measureMemory({ kind, round, label, server, fixtures, port }) {
  await sleep(SETTLE_MS);
  const baseline = await server.request('memory');
  const idleClient = startChild(CLIENT_SCRIPT, { label: `${label} idle client` });
  try {
    const memory = [];
    let opened = 0;
    let openMs = 0;
    for (const step of PLAN.steps) {
      const targets = fixtures.targets(port, opened / 2, step / 2);
      const outcome = await idleClient.request(
        'open',
        { targets, concurrency: OPEN_CONCURRENCY },
        120_000,
      );
      openMs += outcome.ms;
      opened = step;
      await sleep(SETTLE_MS);
      const usage = await server.request('memory');
      const held = await idleClient.request('count');
      // With BB_BENCH_HEAP_SNAPSHOT=<directory> each server writes a heap snapshot there
      // at 1,000 connections, after the memory reading so the snapshot does not disturb it.
      const snapshotDirectory = process.env.BB_BENCH_HEAP_SNAPSHOT;
      if (snapshotDirectory !== undefined && snapshotDirectory !== '' && opened === 1000) {
        const name = `${kind}-round${round + 1}-${opened}`;
        await server.request('heapSnapshot', { directory: snapshotDirectory, name }, 120_000);
      }
      memory.push({
        connections: step,
        held,
        failures: outcome.failures,
        openMs: outcome.ms,
        cumulativeOpenMs: openMs,
        rss: usage.rss,
        heapUsed: usage.heapUsed,
        rssPerConnection: (usage.rss - baseline.rss) / held,
        heapPerConnection: (usage.heapUsed - baseline.heapUsed) / held,
      });
      console.log(
        `${label}: ${held} connections held, ` +
          `${((usage.rss - baseline.rss) / held / 1024).toFixed(1)} KiB RSS each, ` +
          `opened in ${(outcome.ms / 1000).toFixed(1)} s`,
      );
    }
    return { baseline, memory };
  } finally {
    await idleClient.stop();
  }
}

/** Steps 2 and 3: closed-loop throughput, then open-loop latency at each rate. */
async function measureRelay({ label, server, relayClient }) {
  const limit = PLAN.warmupMs + PLAN.durationMs + DRAIN_MS + 30_000;
  const relayArgs = { pairs: PLAN.pairs, warmupMs: PLAN.warmupMs, durationMs: PLAN.durationMs };
  const throughput = await cpuPercentDuring(server, () =>
    relayClient.request(
      'throughput',
      { ...relayArgs, window: PLAN.window, drainMs: DRAIN_MS },
      limit,
    ),
  );
  console.log(
    `${label}: ${Math.round(throughput.result.messagesPerSecond)} messages/s relayed, ` +
      `server CPU ${throughput.serverCpuPercent.toFixed(0)}%, ` +
      `client CPU ${throughput.result.clientCpuPercent.toFixed(0)}%`,
  );
  const latency = [];
  for (const rate of PLAN.rates) {
    await sleep(500);
    const measured = await cpuPercentDuring(server, () =>
      relayClient.request('latency', { ...relayArgs, rate, drainMs: DRAIN_MS }, limit),
    );
    latency.push({ ...measured.result, serverCpuPercent: measured.serverCpuPercent });
    console.log(
      `${label}: at ${rate}/s p50 ${measured.result.p50Ms.toFixed(2)} ms, ` +
        `p99 ${measured.result.p99Ms.toFixed(2)} ms, lost ${measured.result.lost}`,
    );
  }
  return {
    throughput: {
      ...throughput.result,
      serverCpuPercent: throughput.serverCpuPercent,
      serverCpuMicrosPerMessage:
        (throughput.serverCpuMs * 1000) / (throughput.result.sent - throughput.result.lost),
    },
    latency,
  };
}

async function runSession(kind, round) {
  const label = `${kind} round ${round + 1}`;
  const fixtures = kind === 'bb-signal' ? bbSignalFixtures() : peerServerFixtures();
  const server = startChild(SERVER_SCRIPT, { nodeFlags: serverFlags(kind, round), label });
  let relayClient;
  try {
    const { port } = await server.request('start', { kind, config: fixtures.serverConfig });
    const idleSessions = COMPARING ? PLAN.steps.at(-1) / 2 : 0;
    await fixtures.prepare(port, idleSessions + PLAN.pairs);
    const context = { kind, round, label, server, fixtures, port };
    const memory = COMPARING ? await measureMemory(context) : undefined;
    await sleep(SETTLE_MS);

    // Relay between pairs of fresh connections.
    relayClient = startChild(CLIENT_SCRIPT, { label: `${label} relay client` });
    const relayTargets = fixtures.targets(port, idleSessions, idleSessions + PLAN.pairs);
    const relayOpen = await relayClient.request('open', { targets: relayTargets, concurrency: 16 });
    if (relayOpen.opened !== relayTargets.length) {
      throw new Error(`${label}: relay sockets failed to open: ${JSON.stringify(relayOpen)}`);
    }
    const relay = COMPARING ? await measureRelay({ ...context, relayClient }) : undefined;
    const origin = fixtures.serverConfig.browserOrigin;
    const logins =
      kind === 'bb-signal'
        ? await runLoginPhase({ ...context, relayClient, origin, plan: LOGIN_PLAN })
        : undefined;
    return { comparison: { kind, round: round + 1, ...memory, ...relay }, logins };
  } finally {
    await relayClient?.stop();
    await server.stop();
    fixtures.cleanup();
  }
}

async function main() {
  const machine = describeMachine();
  const started = performance.now();
  const sessions = [];
  for (let round = 0; round < PLAN.rounds; round += 1) {
    for (const kind of COMPARING ? KINDS : ['bb-signal']) {
      sessions.push(await runSession(kind, round));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const command = ['npm run bench:signal', ...(process.argv.length > 2 ? ['--'] : [])]
    .concat(process.argv.slice(2))
    .join(' ');
  const written = [];
  if (COMPARING) {
    const { jsonPath, markdownPath } = writeSignalReport({
      machine,
      plan: { ...PLAN, messageBytes: MESSAGE_BYTES, openConcurrency: OPEN_CONCURRENCY },
      seconds,
      sessions: sessions.map((session) => session.comparison),
    });
    written.push(markdownPath, jsonPath);
  }
  const { jsonPath, markdownPath } = writeLoginReport({
    machine,
    plan: LOGIN_PLAN,
    seconds,
    rounds: sessions.flatMap((session) => (session.logins === undefined ? [] : [session.logins])),
    command,
  });
  written.push(markdownPath, jsonPath);
  console.log(`\nsignal benchmark done in ${seconds.toFixed(0)} s: ${written.join(', ')}`);
}

await main();
