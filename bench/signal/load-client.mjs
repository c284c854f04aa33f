// The load generator: opens PeerJS-protocol WebSockets to the server under test and,
// on request, relays CANDIDATE-like messages between pairs of them. Driven over IPC by
// bench/signal/run.mjs. Sender and receiver of every pair live in this process, so one
// clock times each message from the moment it is handed to the socket to the moment its
// relayed copy arrives.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { serveRequests } from '../lib/rpc.mjs';
import { MESSAGE_BYTES, messageBuilder } from './message.mjs';

/** How long one socket may take from connect to the server's OPEN. */
const OPEN_TIMEOUT_MS = 30_000;
/** @type {{ ws: WebSocket, partnerId: string, onRelayed?: (data: Buffer) => void }[]} */
const connections = [];

function openOne({ url, partnerId }) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => finish('timeout'), OPEN_TIMEOUT_MS);
    let settled = false;
    function finish(outcome) {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners('message');
      if (outcome === 'ok') {
        const connection = { ws, partnerId, onRelayed: undefined };
        ws.on('message', (data) => connection.onRelayed?.(data));
        connections.push(connection);
      } else {
        ws.terminate();
      }
      resolve(outcome);
    }
    ws.once('message', (data) => {
      let type = 'unparsable';
      try {
        type = JSON.parse(data.toString()).type;
      } catch {
        // counted under "unparsable"
      }
      finish(type === 'OPEN' ? 'ok' : `first message ${type}`);
    });
    ws.once('error', (error) => finish(`error ${error.code ?? error.message}`));
    ws.once('close', (code) => finish(`closed ${code}`));
  });
}

/** Opens `targets` with at most `concurrency` handshakes in flight at once. */
async function open({ targets, concurrency }) {
  const started = performance.now();
  const outcomes = new Map();
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const target = targets[next];
      next += 1;
      const outcome = await openOne(target);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    ms: performance.now() - started,
    opened: outcomes.get('ok') ?? 0,
    failures: Object.fromEntries([...outcomes].filter(([outcome]) => outcome !== 'ok')),
  };
}

/** The first `pairs` pairs: connections 2i and 2i+1 are the two sides of one session. */
function directions(pairs) {
  if (connections.length < pairs * 2) {
    throw new Error(`only ${connections.length} connections are open for ${pairs} pairs`);
  }
  const result = [];
  for (let i = 0; i < pairs; i += 1) {
    const a = connections[2 * i];
    const b = connections[2 * i + 1];
    result.push({ from: a, to: b, build: messageBuilder(a.partnerId) });
    result.push({ from: b, to: a, build: messageBuilder(b.partnerId) });
  }
  return result;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closed loop: every direction keeps `window` messages in flight and sends the next one
 * each time one arrives. Counts arrivals during `durationMs` after `warmupMs`.
 */
async function throughput({ pairs, window, warmupMs, durationMs, drainMs }) {
  const flows = directions(pairs);
  let sending = true;
  let counting = false;
  let counted = 0;
  let sent = 0;
  let received = 0;
  let unexpected = 0;
  for (const flow of flows) {
    const send = () => {
      flow.from.ws.send(flow.build(performance.now()));
      sent += 1;
    };
    flow.to.onRelayed = (data) => {
      if (data.length < MESSAGE_BYTES) {
        unexpected += 1;
        return;
      }
      received += 1;
      if (counting) {
        counted += 1;
      }
      if (sending) {
        send();
      }
    };
    for (let i = 0; i < window; i += 1) {
      send();
    }
  }
  const cpuBefore = process.cpuUsage();
  await sleep(warmupMs);
  counting = true;
  const started = performance.now();
  const cpuStart = process.cpuUsage(cpuBefore);
  await sleep(durationMs);
  counting = false;
  const measuredMs = performance.now() - started;
  const cpuEnd = process.cpuUsage(cpuBefore);
  sending = false;
  const drainDeadline = performance.now() + drainMs;
  while (received + unexpected < sent && performance.now() < drainDeadline) {
    await sleep(20);
  }
  for (const flow of flows) {
    flow.to.onRelayed = undefined;
  }
  return {
    messagesPerSecond: (counted * 1000) / measuredMs,
    counted,
    sent,
    lost: sent - received - unexpected,
    unexpected,
    clientCpuPercent: cpuPercent(cpuStart, cpuEnd, measuredMs),
    measuredMs,
  };
}

/**
 * Open loop: sends `rate` messages a second in total, spread round-robin over every
 * direction, on a schedule that does not wait for answers; a slow server therefore shows
 * as latency, not as a lower sending rate. Latency is arrival time minus the time the
 * message was handed to the socket, for messages sent after `warmupMs`.
 */
async function latency({ pairs, rate, warmupMs, durationMs, drainMs }) {
  const flows = directions(pairs);
  const samples = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureUntil = Number.POSITIVE_INFINITY;
  let sent = 0;
  let received = 0;
  let unexpected = 0;
  for (const flow of flows) {
    flow.to.onRelayed = (data) => {
      const arrived = performance.now();
      let sentAt;
      try {
        sentAt = JSON.parse(data.toString()).payload?.sentAt;
      } catch {
        sentAt = undefined;
      }
      if (typeof sentAt !== 'number') {
        unexpected += 1;
        return;
      }
      received += 1;
      if (sentAt >= measureFrom && sentAt < measureUntil) {
        samples.push(arrived - sentAt);
      }
    };
  }
  const totalMs = warmupMs + durationMs;
  const started = performance.now();
  measureFrom = started + warmupMs;
  measureUntil = started + totalMs;
  let cursor = 0;
  const cpuBefore = process.cpuUsage();
  let cpuStart;
  // Timers fire about once a millisecond; each tick sends what the schedule owes so far.
  while (performance.now() - started < totalMs) {
    const elapsed = performance.now() - started;
    if (cpuStart === undefined && elapsed >= warmupMs) {
      cpuStart = process.cpuUsage(cpuBefore);
    }
    const due = Math.floor((elapsed * rate) / 1000);
    while (sent < due) {
      const flow = flows[cursor];
      cursor = (cursor + 1) % flows.length;
      flow.from.ws.send(flow.build(performance.now()));
      sent += 1;
    }
    await sleep(1);
  }
  const cpuEnd = process.cpuUsage(cpuBefore);
  const drainDeadline = performance.now() + drainMs;
  while (received + unexpected < sent && performance.now() < drainDeadline) {
    await sleep(20);
  }
  for (const flow of flows) {
    flow.to.onRelayed = undefined;
  }
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return {
    rate,
    achievedRate: (sent * 1000) / totalMs,
    samples: sorted.length,
    p50Ms: at(50),
    p99Ms: at(99),
    maxMs: sorted[sorted.length - 1],
    sent,
    lost: sent - received - unexpected,
    unexpected,
    clientCpuPercent: cpuPercent(cpuStart ?? { user: 0, system: 0 }, cpuEnd, durationMs),
  };
}

function cpuPercent(start, end, ms) {
  return ((end.user - start.user + end.system - start.system) / 1000 / ms) * 100;
}

serveRequests({
  open,
  throughput,
  latency,
  count: () => connections.length,
});
