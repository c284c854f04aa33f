// Where the browser tests find Chromium. Test tools that download their own browser
// cannot work on machines without internet access, so we use Debian's package.
import { existsSync } from 'node:fs';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'];

export const CHROMIUM_HELP =
  'Browser tests need Chromium. Install it with `apt-get install -y chromium` ' +
  '(Debian/Ubuntu; `bash .ci/run` does this for you), or point BB_CHROMIUM_PATH ' +
  'at a Chromium or Chrome executable.';

/** The Chromium executable to use, or undefined when there is none. */
export function findChromium(env = process.env) {
  if (env.BB_CHROMIUM_PATH) {
    return existsSync(env.BB_CHROMIUM_PATH) ? env.BB_CHROMIUM_PATH : undefined;
  }
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path));
}
