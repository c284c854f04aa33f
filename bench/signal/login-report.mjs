// Turns the login phase's rounds into bench/results/signal-logins.json and .md: per
// measure the median over rounds without and with the concurrent logins, and the median
// of the per-round ratios (each round compares two windows of the same server and
// sockets, so its ratio is less noisy than a ratio of medians).
import { formatNumber, median } from '../lib/stats.mjs';
import { machineLine, markdownTable, writeResults } from '../lib/results.mjs';

function medianRatio(rounds, pickNone, pickMany) {
  return median(rounds.map((round) => pickMany(round) / pickNone(round)));
}

/** One row per measure: [label, value with none, value with many, ratio, decimals]. */
function summarise(rounds, plan) {
  const rows = [];
  const add = (label, pickNone, pickMany, decimals) => {
    rows.push({
      label,
      none: median(rounds.map(pickNone)),
      many: median(rounds.map(pickMany)),
      ratio: medianRatio(rounds, pickNone, pickMany),
      decimals,
    });
  };
  const busy = (round) => round.windows.busy;
  const quiet = (round) => round.windows.quiet;
  add(
    'login, p50 (ms)',
    (r) => r.alone.p50Ms,
    (r) => busy(r).logins.p50Ms,
    0,
  );
  add(
    'login, p95 (ms)',
    (r) => r.alone.p95Ms,
    (r) => busy(r).logins.p95Ms,
    0,
  );
  add(
    'logins completed per second',
    (r) => 1000 / r.alone.p50Ms,
    (r) => busy(r).logins.loginsPerSecond,
    1,
  );
  add(
    `relay p50 at ${formatNumber(plan.rate)}/s (ms)`,
    (r) => quiet(r).relay.p50Ms,
    (r) => busy(r).relay.p50Ms,
    2,
  );
  add(
    `relay p99 at ${formatNumber(plan.rate)}/s (ms)`,
    (r) => quiet(r).relay.p99Ms,
    (r) => busy(r).relay.p99Ms,
    2,
  );
  add(
    'relay max (ms)',
    (r) => quiet(r).relay.maxMs,
    (r) => busy(r).relay.maxMs,
    1,
  );
  add(
    'server event-loop delay p99 (ms)',
    (r) => quiet(r).loopDelay.p99Ms,
    (r) => busy(r).loopDelay.p99Ms,
    2,
  );
  add(
    'server CPU, all threads (% of one core)',
    (r) => quiet(r).serverCpuPercent,
    (r) => busy(r).serverCpuPercent,
    0,
  );
  add(
    'load client CPU (% of one core)',
    (r) => quiet(r).relay.clientCpuPercent,
    (r) => busy(r).relay.clientCpuPercent,
    0,
  );
  rows.push({
    label: 'relay messages lost',
    none: rounds.reduce((sum, r) => sum + quiet(r).relay.lost, 0),
    many: rounds.reduce((sum, r) => sum + busy(r).relay.lost, 0),
    ratio: Number.NaN,
    decimals: 0,
  });
  return rows;
}

function peakLine(rounds) {
  const mib = (bytes) => formatNumber(bytes / 2 ** 20, 0);
  const before = median(rounds.map((round) => round.peakRss.before));
  const after = median(rounds.map((round) => round.peakRss.after));
  return (
    `Server peak RSS (getrusage maxrss): ${mib(before)} MiB before the login phase, ` +
    `${mib(after)} MiB after it (medians of rounds).`
  );
}

function burstLine(rounds, plan) {
  const answers = rounds.map((round) =>
    Object.entries(round.burst.statuses)
      .map(([status, count]) => `${count} × ${status}`)
      .join(', '),
  );
  return (
    `${plan.burst} logins started at once from one address (one account each) were ` +
    `answered: ${answers.join('; ')} (per round).`
  );
}

export function writeLoginReport({ machine, plan, seconds, rounds, command }) {
  const rows = summarise(rounds, plan);
  const hash = rounds[0].registered.hashParameters;
  const table = markdownTable(
    ['measure', 'no other logins', `${plan.loops} logins at once`, 'ratio (median of rounds)'],
    rows.map((row) => [
      row.label,
      formatNumber(row.none, row.decimals),
      formatNumber(row.many, row.decimals),
      Number.isFinite(row.ratio) ? row.ratio.toFixed(2) : '',
    ]),
  );
  const orders = rounds.map((round) => round.order.join(' then ')).join(', ');
  const markdown = [
    '## Signaller: bb-signal logins and relay latency',
    '',
    `Machine: ${machineLine(machine)}. Command: \`${command}\`. Run time ${Math.round(seconds)} s.`,
    `scrypt N=${hash.N}, r=${hash.r}, p=${hash.p} (read from the account export); ` +
      `libuv thread pool ${plan.threadpoolSize}. Medians over ${rounds.length} round(s); ` +
      `windows per round: ${orders}. Login alone: ${plan.aloneCount} sequential logins ` +
      `after ${plan.aloneWarmup} warm-up. ${plan.loops} logins at once: ${plan.loops} loops, ` +
      `each with its own account and source address, starting the next login when one ` +
      `returns; logins started during the ${plan.durationMs / 1000} s measured window count. ` +
      `Relay: ${plan.pairs} pairs, open loop at ${formatNumber(plan.rate)} messages/s, ` +
      `${plan.durationMs / 1000} s after ${plan.warmupMs / 1000} s of warm-up.`,
    '',
    table,
    '',
    peakLine(rounds),
    '',
    burstLine(rounds, plan),
  ].join('\n');
  const json = {
    machine,
    plan,
    seconds,
    summary: rows.map(({ label, none, many, ratio }) => ({
      label,
      noOtherLogins: none,
      concurrentLogins: many,
      ratio,
    })),
    rounds,
  };
  return writeResults('signal-logins', json, markdown);
}
