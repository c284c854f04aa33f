// `npm test`: every check and every test, the same command CI runs.
// Static checks first (they are fast and explain most failures), then all vitest
// projects: unit, server over real sockets, and real Chromium.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_HELP, findChromium } from './find-chromium.mjs';

function run(label, command, args, env = process.env) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  return result.status === 0;
}

const chromium = findChromium();
if (!chromium) {
  console.error(`\n${CHROMIUM_HELP}\n`);
  process.exit(1);
}

const checksPassed =
  run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']) && run('lint', 'npm', ['run', 'lint']);
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
  console.log(
    `\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped`,
  );
} catch {
  console.log('\ntests: the vitest report is missing; see the output above');
}
process.exit(testsPassed ? 0 : 1);
