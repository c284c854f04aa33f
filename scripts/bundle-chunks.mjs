// Which files of a code-split bundle a page loads, for scripts/check-size.mjs. A chunk's
// static imports load with it; its dynamic imports load later, and the budget counts
// them as loaded unless their file name says they are on demand (see rollup.config.mjs:
// the recording chunks load only when a host records or opens the recordings).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { compressedSizes } from './bundle-size.mjs';

/** `from"./x.js"` and `import"./x.js"` (static), `import("./x.js")` (dynamic), minified. */
const STATIC_IMPORT = /(?:from|import)\s*["'](\.{1,2}\/[^"']+\.js)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["'](\.{1,2}\/[^"']+\.js)["']\s*\)/g;

/**
 * Every chunk reachable from `entry`, split into those a session loads and those loaded
 * only on demand (`onDemand` matches their file name).
 * @param {string} entry absolute path of the entry file
 * @param {RegExp} onDemand
 * @returns {Promise<{ loaded: string[], lazy: string[] }>}
 */
export async function reachableChunks(entry, onDemand) {
  const loaded = new Set();
  const lazy = new Set();
  const queue = [{ path: entry, demand: false }];
  while (queue.length > 0) {
    const { path, demand } = queue.shift();
    const seen = demand ? lazy : loaded;
    if (seen.has(path) || (demand && loaded.has(path))) {
      continue;
    }
    seen.add(path);
    const code = await readFile(path, 'utf8');
    for (const [, target] of code.matchAll(STATIC_IMPORT)) {
      queue.push({ path: resolve(dirname(path), target), demand });
    }
    for (const [, target] of code.matchAll(DYNAMIC_IMPORT)) {
      queue.push({ path: resolve(dirname(path), target), demand: demand || onDemand.test(target) });
    }
  }
  return { loaded: [...loaded], lazy: [...lazy].filter((path) => !loaded.has(path)) };
}

/** Sizes of a group of files served one by one: the sum of each file's sizes. */
export async function groupSizes(paths) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const path of paths) {
    const sizes = compressedSizes(await readFile(path));
    total.raw += sizes.raw;
    total.gzip += sizes.gzip;
    total.brotli += sizes.brotli;
  }
  return total;
}
