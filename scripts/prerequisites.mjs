// What the test suite needs from the machine besides npm packages, and how to say so
// when it is missing. Test tools that download their own browser cannot work on
// machines without internet access, so we use Debian's packages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'];

export const CHROMIUM_HELP =
  'Browser tests need Chromium. Install it with `apt-get install -y chromium` ' +
  '(Debian/Ubuntu; `bash .ci/run` does this for you), or point BB_CHROMIUM_PATH ' +
  'at a Chromium or Chrome executable.';

export const COTURN_HELP =
  'TURN tests need coturn. Install it with `apt-get install -y coturn` ' +
  '(`bash .ci/run` does this for you); the tests start their own `turnserver` on ' +
  'loopback and never use its system service or configuration.';

/** The Chromium executable to use, or undefined when there is none. */
export function findChromium(env = process.env) {
  if (env.BB_CHROMIUM_PATH) {
    return existsSync(env.BB_CHROMIUM_PATH) ? env.BB_CHROMIUM_PATH : undefined;
  }
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path));
}

/** True when coturn's `turnserver` is on the PATH. */
export function hasTurnserver() {
  return spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status === 0;
}
