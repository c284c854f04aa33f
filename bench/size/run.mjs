// Bundle-size benchmark: what a site loads for `<bb-session>` and for core alone, beside
// peerjs, livekit-client and @daily-co/daily-js, every one bundled the same way in the
// same run (scripts/bundle-size.mjs: rollup, node-resolve, commonjs, terser, one minified
// ES module; gzip -9 and brotli quality 11). Each entry in bench/size/entries imports a
// library's whole public API, as a site that uses the library does. Writes
// bench/results/size.json and size.md.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleSizes, kilobytes } from '../../scripts/bundle-size.mjs';
import { BUDGETS, ON_DEMAND_IMPORT } from '../../scripts/check-size.mjs';
import { describeMachine, machineLine, markdownTable, writeResults } from '../lib/results.mjs';

const ROOT = new URL('../../', import.meta.url);
const entry = (name) => fileURLToPath(new URL(`./entries/${name}.js`, import.meta.url));

async function versionOf(packageJson) {
  const text = await readFile(new URL(packageJson, ROOT), 'utf8');
  return JSON.parse(text).version;
}

const CANDIDATES = [
  {
    name: '`<bb-session>` (widget + core + Lit + PeerJS)',
    version: () => versionOf('packages/widget/package.json'),
    // Recording code loads only when a host records; it is measured in `npm run size`.
    measure: () => bundleSizes(entry('bb-session'), { onDemand: ON_DEMAND_IMPORT }),
  },
  {
    name: '`<bb-session>` as shipped (dist/bb-session.bundle.js and the chunks a call loads)',
    version: () => versionOf('packages/widget/package.json'),
    measure: () =>
      BUDGETS[0].measure(fileURLToPath(new URL('packages/widget/dist/bb-session.bundle.js', ROOT))),
  },
  {
    name: '@bilateral-base/core alone (with PeerJS)',
    version: () => versionOf('packages/core/package.json'),
    measure: () => bundleSizes(entry('core'), { onDemand: ON_DEMAND_IMPORT }),
  },
  {
    name: 'peerjs',
    version: () => versionOf('node_modules/peerjs/package.json'),
    measure: () => bundleSizes(entry('peerjs')),
  },
  {
    name: 'livekit-client',
    version: () => versionOf('bench/node_modules/livekit-client/package.json'),
    measure: () => bundleSizes(entry('livekit-client')),
  },
  {
    name: '@daily-co/daily-js',
    version: () => versionOf('bench/node_modules/@daily-co/daily-js/package.json'),
    measure: () => bundleSizes(entry('daily-js')),
  },
];

async function main() {
  const machine = describeMachine();
  const results = [];
  for (const candidate of CANDIDATES) {
    const started = Date.now();
    const sizes = await candidate.measure();
    const result = {
      name: candidate.name,
      version: await candidate.version(),
      raw: sizes.raw,
      gzip: sizes.gzip,
      brotli: sizes.brotli,
      warnings: sizes.warnings?.length ?? 0,
    };
    results.push(result);
    console.log(
      `${result.name} ${result.version}: ${kilobytes(result.raw)} KB minified, ` +
        `${kilobytes(result.gzip)} KB gzip, ${kilobytes(result.brotli)} KB brotli ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  const peerjs = results.find((result) => result.name === 'peerjs');
  const table = markdownTable(
    ['bundle', 'version', 'minified KB', 'gzip KB', 'brotli KB', 'gzip / peerjs'],
    results.map((result) => [
      result.name,
      result.version,
      kilobytes(result.raw),
      kilobytes(result.gzip),
      kilobytes(result.brotli),
      (result.gzip / peerjs.gzip).toFixed(2),
    ]),
  );
  const budgets = BUDGETS.map((budget) => `${budget.path} ${kilobytes(budget.gzipBudget)} KB`);
  const markdown = [
    '## Bundle size',
    '',
    `Machine: ${machineLine(machine)}. Command: \`npm run bench:size\`. ` +
      'KB = 1000 bytes. Every row is one minified ES module built by rollup + node-resolve ' +
      '(browser) + commonjs + terser, then gzip -9 and brotli 11, except the shipped file, ' +
      'which is measured as built.',
    `Budgets enforced by \`npm test\` (gzip): ${budgets.join('; ')}.`,
    '',
    table,
  ].join('\n');
  const { markdownPath, jsonPath } = writeResults('size', { machine, results }, markdown);
  console.log(`\nsize benchmark done: ${markdownPath}, ${jsonPath}`);
}

await main();
