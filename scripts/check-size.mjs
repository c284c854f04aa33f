// The size budget `npm test` enforces (`npm run size` runs it alone). It measures what a
// site loads: the shipped `<bb-session>` bundle as built, and core with its dependencies
// bundled the way bench/size bundles every library. Over budget, it fails and says by how
// much, so growth is a decision someone makes on purpose: either shrink the change or
// raise the budget here in the same pull request, with the reason in its description.
// Needs the build (`npm run build`); `npm test` builds first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleSizes, fileSizes, kilobytes } from './bundle-size.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Gzip budgets in bytes (1 KB = 1000 bytes).
 *
 * The widget bundle is everything a page loads for `<bb-session>`; 60 KB gzip is the
 * product target (docs/performance.md). Screen sharing and the fingerprint proof took it
 * to 60.6 KB, so the budget was raised on purpose to 62 KB (core alone to 52 KB, since the
 * widget bundle is core plus about 10 KB of Lit and the element), leaving a little room
 * while the target is missed by 0.6 KB; docs/performance.md says so and where to win it
 * back. Frame encryption, still to come, will need room too: shrink before raising again.
 */
export const BUDGETS = [
  {
    name: '<bb-session> bundle (packages/widget/dist/bb-session.bundle.js)',
    path: 'packages/widget/dist/bb-session.bundle.js',
    measure: (path) => fileSizes(path),
    gzipBudget: 62_000,
  },
  {
    name: 'core alone, with its dependencies (packages/core/dist/index.js, bundled)',
    path: 'packages/core/dist/index.js',
    measure: (path) => bundleSizes(path),
    gzipBudget: 52_000,
  },
];

/**
 * Compares measured gzip sizes with their budgets.
 * @param {{ name: string, gzip: number, gzipBudget: number }[]} measured
 * @returns {{ ok: boolean, lines: string[] }}
 */
export function judge(measured) {
  const lines = measured.map(({ name, gzip, gzipBudget }) => {
    const verdict =
      gzip <= gzipBudget
        ? `ok, ${kilobytes(gzipBudget - gzip)} KB left`
        : `OVER BUDGET by ${kilobytes(gzip - gzipBudget)} KB`;
    return `${name}: ${kilobytes(gzip)} KB gzip of ${kilobytes(gzipBudget)} KB (${verdict})`;
  });
  return { ok: measured.every(({ gzip, gzipBudget }) => gzip <= gzipBudget), lines };
}

async function main() {
  const measured = [];
  for (const budget of BUDGETS) {
    const path = `${ROOT}${budget.path}`;
    if (!existsSync(path)) {
      console.error(`size budget: ${budget.path} is missing; run \`npm run build\` first`);
      process.exit(1);
    }
    const sizes = await budget.measure(path);
    measured.push({ name: budget.name, gzip: sizes.gzip, gzipBudget: budget.gzipBudget });
  }
  const { ok, lines } = judge(measured);
  for (const line of lines) {
    console.log(line);
  }
  if (!ok) {
    console.error(
      '\nsize budget exceeded: make the change smaller, or raise the budget in ' +
        'scripts/check-size.mjs with the reason in the pull request (see docs/performance.md).',
    );
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
