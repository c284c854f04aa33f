// Turns the signal benchmark's sessions into the summary table: medians over rounds per
// server, the ratio bb-signal / PeerServer, and the target each ratio is held to.
import { formatNumber, median, ratio } from '../lib/stats.mjs';
import { machineLine, markdownTable, writeResults } from '../lib/results.mjs';

const NAMES = { 'bb-signal': 'bb-signal', peerserver: 'PeerServer' };

function medianOf(sessions, kind, pick) {
  return median(sessions.filter((session) => session.kind === kind).map(pick));
}

/** One row per measure: [label, bb-signal, PeerServer, ratio, target, decimals]. */
function summarise(sessions, plan) {
  const rows = [];
  const add = (label, pick, decimals, target = '') => {
    const bb = medianOf(sessions, 'bb-signal', pick);
    const peer = medianOf(sessions, 'peerserver', pick);
    rows.push({ label, bb, peer, ratio: ratio(bb, peer), target, decimals });
  };
  plan.steps.forEach((step, index) => {
    add(
      `RSS per idle connection at ${formatNumber(step)} (KiB)`,
      (s) => s.memory[index].rssPerConnection / 1024,
      1,
      step >= 5000 ? '≤ 0.70' : '',
    );
  });
  plan.steps.forEach((step, index) => {
    add(
      `connections held at ${formatNumber(step)}`,
      (s) => s.memory[index].held,
      0,
      step === plan.steps.at(-1) ? 'all held' : '',
    );
  });
  add(
    `time to open ${formatNumber(plan.steps.at(-1))} connections (s)`,
    (s) => s.memory.at(-1).cumulativeOpenMs / 1000,
    1,
  );
  add(
    `relay throughput, ${plan.pairs} pairs (messages/s)`,
    (s) => s.throughput.messagesPerSecond,
    0,
    '≥ 1.50',
  );
  add('server CPU during throughput (%)', (s) => s.throughput.serverCpuPercent, 0);
  add('server CPU per relayed message (µs)', (s) => s.throughput.serverCpuMicrosPerMessage, 1);
  add('load client CPU during throughput (%)', (s) => s.throughput.clientCpuPercent, 0);
  plan.rates.forEach((rate, index) => {
    add(`p50 latency at ${formatNumber(rate)}/s (ms)`, (s) => s.latency[index].p50Ms, 2);
    add(`p99 latency at ${formatNumber(rate)}/s (ms)`, (s) => s.latency[index].p99Ms, 2, '≤ 1.00');
    add(`server CPU at ${formatNumber(rate)}/s (%)`, (s) => s.latency[index].serverCpuPercent, 0);
  });
  add(
    'messages lost (all relay phases)',
    (s) => s.throughput.lost + s.latency.reduce((sum, entry) => sum + entry.lost, 0),
    0,
  );
  return rows;
}

export function writeSignalReport({ machine, plan, seconds, sessions }) {
  const rows = summarise(sessions, plan);
  const table = markdownTable(
    ['measure', 'bb-signal', 'PeerServer', 'bb-signal / PeerServer', 'target ratio'],
    rows.map((row) => [
      row.label,
      formatNumber(row.bb, row.decimals),
      formatNumber(row.peer, row.decimals),
      row.ratio,
      row.target,
    ]),
  );
  const order = sessions.map((s) => `${NAMES[s.kind]} ${s.round}`).join(', ');
  const markdown = [
    '## Signaller: bb-signal against PeerServer',
    '',
    `Machine: ${machineLine(machine)}. Command: \`npm run bench:signal\`. ` +
      `Run time ${Math.round(seconds)} s.`,
    `Medians over ${plan.rounds} round(s), run in this order: ${order}. ` +
      `Messages are ${plan.messageBytes}-byte CANDIDATE frames; throughput keeps ` +
      `${plan.window} messages in flight per direction of each pair; latency is measured ` +
      `for ${plan.durationMs / 1000} s after ${plan.warmupMs / 1000} s of warm-up.`,
    '',
    table,
  ].join('\n');
  const json = {
    machine,
    plan,
    seconds,
    summary: rows.map(({ label, bb, peer, ratio: r, target }) => ({
      label,
      bbSignal: bb,
      peerServer: peer,
      ratio: r,
      target,
    })),
    sessions,
  };
  return writeResults('signal', json, markdown);
}
