#!/usr/bin/env node
// The long fuzz run: the same two fuzz tests as the quick run in `npm test`
// (test/fuzz-signalling.test.ts and test/fuzz-http.test.ts), scaled up, against a real
// bb-signal. Prints cases, time, rate and peak memory per test and in total.
//
//   npm run fuzz:long -w @bilateral-base/signal-node                 1,000,000 cases
//   npm run fuzz:long -w @bilateral-base/signal-node -- --cases 200000
//   BB_FUZZ_SEED=123 npm run fuzz:long -w @bilateral-base/signal-node  replays a seed
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Cases of the quick run (both tests together); the scale is relative to it. */
const QUICK_CASES = 100_000;

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '1000000' } },
  strict: true,
});
const cases = Number(values.cases);
if (!Number.isInteger(cases) || cases < 1000) {
  process.stderr.write('fuzz-long: --cases must be an integer of at least 1000\n');
  process.exit(2);
}

const root = fileURLToPath(new URL('../../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'bb-fuzz-'));
const reportFile = join(directory, 'report.jsonl');
const scale = cases / QUICK_CASES;
process.stdout.write(`fuzz-long: ${cases} cases (scale ${scale}) on ${process.version}\n`);

const child = spawn(
  process.execPath,
  [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--project',
    'unit',
    // Both tests at once, one per core.
    '--maxWorkers=2',
    'packages/signal-node/test/fuzz-signalling.test.ts',
    'packages/signal-node/test/fuzz-http.test.ts',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BB_FUZZ_SCALE: String(scale), BB_FUZZ_REPORT: reportFile },
  },
);
const stop = (signal) => child.kill(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const exitCode = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));

let lines;
try {
  lines = readFileSync(reportFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
} catch {
  lines = [];
}
rmSync(directory, { recursive: true, force: true });

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const latest = new Map();
for (const line of lines) {
  const seen = latest.get(line.name);
  if (seen === undefined || seen.progress === true) latest.set(line.name, line);
}
let total = 0;
let peakRss = 0;
for (const line of latest.values()) {
  total += line.cases;
  peakRss = Math.max(peakRss, line.peakRssBytes);
  const seconds = line.ms / 1000;
  process.stdout.write(
    `${line.name}${line.progress ? ' (stopped early)' : ''}: ${line.cases} cases in ` +
      `${seconds.toFixed(0)} s (${(line.cases / seconds).toFixed(0)}/s, CPU ` +
      `${(line.cpuMs / 1000).toFixed(0)} s), seed ${line.seed}, peak RSS ${mib(line.peakRssBytes)} MiB, ` +
      `peak heap ${mib(line.peakHeapBytes)} MiB, heap growth ` +
      `${line.progress ? 'since the start (no GC)' : 'after a full GC'} ` +
      `${mib(line.heapGrowthBytes)} MiB\n`,
  );
  if (line.byClose !== undefined) {
    const closes = Object.entries(line.byClose).map(([kind, count]) => `${kind}: ${count}`);
    process.stdout.write(
      `  relayed ${line.relayed}, ignored ${line.ignored}, closed ${line.closed} ` +
        `(${closes.join(', ')}); honest round trips ${line.honestRoundTrips}\n`,
    );
  }
  if (line.statuses !== undefined) {
    const byStatus = {};
    for (const [key, count] of Object.entries(line.statuses)) {
      const status = key.slice(key.lastIndexOf(' ') + 1);
      byStatus[status] = (byStatus[status] ?? 0) + count;
    }
    const shown = Object.entries(byStatus).map(([status, count]) => `${status}: ${count}`);
    process.stdout.write(`  answers by status: ${shown.join(', ')}\n`);
  }
}
process.stdout.write(
  `total: ${total} cases, highest peak RSS of one test process ${mib(peakRss)} MiB; ` +
    `vitest exit code ${exitCode}\n`,
);
process.exit(exitCode);
