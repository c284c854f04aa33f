// What a page downloads for a library, measured one way for every library: rollup with
// node-resolve (browser builds) and commonjs, minified by terser into one ES module, then
// compressed with gzip (level 9) and brotli (quality 11) as a static file server would.
// Used by scripts/check-size.mjs (the CI budget) and bench/size (the comparison), so the
// budget and the published comparison can never measure differently.
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

/**
 * Sizes of one file in bytes: as served uncompressed, and after gzip and brotli at
 * their highest settings.
 * @param {Uint8Array} bytes
 * @returns {{ raw: number, gzip: number, brotli: number }}
 */
export function compressedSizes(bytes) {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('compressedSizes: bytes must be a Uint8Array');
  }
  const gzip = gzipSync(bytes, { level: 9 }).byteLength;
  const brotli = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  }).byteLength;
  return { raw: bytes.byteLength, gzip, brotli };
}

/** Sizes of a file already built, such as the shipped widget bundle. */
export async function fileSizes(path) {
  return compressedSizes(await readFile(path));
}

/**
 * Bundles `entry` and everything it imports into one minified ES module, in memory.
 * Warnings are collected rather than printed, so the caller decides what matters.
 * @param {string} entry path of the entry module
 * @param {{ onDemand?: RegExp }} [options] dynamic imports matching `onDemand` are left out
 * @returns {Promise<{ code: Uint8Array, warnings: string[] }>}
 */
export async function bundle(entry, { onDemand } = {}) {
  if (typeof entry !== 'string' || entry === '') {
    throw new TypeError('bundle: entry must be a non-empty path');
  }
  const warnings = [];
  const build = await rollup({
    input: entry,
    onwarn: (warning) => warnings.push(`${warning.code ?? 'WARNING'}: ${warning.message}`),
    plugins: [
      // Dynamic imports matching `onDemand` stay imports: code loaded only on demand.
      {
        name: 'leave-on-demand',
        resolveDynamicImport: (specifier) =>
          typeof specifier === 'string' && onDemand?.test(specifier) === true ? false : null,
      },
      // A site's bundler targets browsers in production: browser fields and conditions,
      // and production builds where a package offers them.
      nodeResolve({
        browser: true,
        exportConditions: ['browser', 'module', 'import', 'production'],
      }),
      commonjs(),
      terser({ format: { comments: false } }),
    ],
  });
  try {
    const { output } = await build.generate({ format: 'es', inlineDynamicImports: true });
    const chunk = output.find((item) => item.type === 'chunk');
    if (chunk === undefined || chunk.type !== 'chunk') {
      throw new Error(`bundle: rollup produced no chunk for ${entry}`);
    }
    return { code: new TextEncoder().encode(chunk.code), warnings };
  } finally {
    await build.close();
  }
}

/**
 * Bundles `entry` the common way and returns its sizes. `options.onDemand` matches the
 * dynamic imports to leave out, as code loaded only when a feature is used.
 */
export async function bundleSizes(entry, options) {
  const { code, warnings } = await bundle(entry, options);
  return { ...compressedSizes(code), warnings };
}

/** Bytes as kilobytes (1000 bytes, as bundle sizes are usually quoted), one decimal. */
export function kilobytes(bytes) {
  return (bytes / 1000).toFixed(1);
}
