// Run before every benchmark: installs bench/'s own dependencies when they are missing
// (`npm ci --prefix bench`; they stay out of the root install that CI runs), and builds
// the packages when their output is missing, since the benchmarks measure the builds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const BUILT = [
  'packages/core/dist/index.js',
  'packages/widget/dist/bb-session.bundle.js',
  'packages/signal-node/dist/index.js',
];

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(`${ROOT}node_modules`)) {
  console.error('Install the repository first: `npm ci` at its root.');
  process.exit(1);
}
if (!existsSync(`${BENCH}node_modules`)) {
  run('npm', ['ci', '--prefix', 'bench']);
}
if (BUILT.some((path) => !existsSync(`${ROOT}${path}`))) {
  run('npm', ['run', 'build']);
}
