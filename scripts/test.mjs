// `npm test`: every check and every test, the same command CI runs.
// Static checks first (they are fast and explain most failures), then all vitest
// projects: unit, server over real sockets, and real Chromium.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_HELP, COTURN_HELP, findChromium, hasTurnserver } from './prerequisites.mjs';

function run(label, command, args, env = process.env) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  return result.status === 0;
}

// Stop before anything else when the machine lacks what the tests need, and say how
// to get it, instead of failing dozens of tests one by one.
const chromium = findChromium();
const missing = [chromium ? undefined : CHROMIUM_HELP, hasTurnserver() ? undefined : COTURN_HELP];
if (missing.some(Boolean)) {
  console.error(`\n${missing.filter(Boolean).join('\n')}\n`);
  process.exit(1);
}

const checksPassed =
  run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']) &&
  run('lint', 'npm', ['run', 'lint']) &&
  run('bundle size', 'node', ['scripts/check-size.mjs']);
if (!checksPassed) {
  process.exit(1);
}

const report = join(mkdtempSync(join(tmpdir(), 'bb-test-')), 'vitest.json');
const extraArgs = process.argv.slice(2);
const testsPassed = run(
  'tests',
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...extraArgs,
  ],
  { ...process.env, BB_CHROMIUM_PATH: chromium },
);

// One plain summary line that any CI can read.
try {
  const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(
    readFileSync(report, 'utf8'),
  );
  const skipped = numPendingTests + numTodoTests;
  console.log(`\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${skipped} skipped`);
} catch {
  console.log('\ntests: the vitest report is missing; see the output above');
}
process.exit(testsPassed ? 0 : 1);
