// Builds the browser packages: core and widget to ESM with .d.ts for npm, and one
// self-contained widget bundle for sites without a bundler. signal-node is compiled
// with tsc (see its package.json); the example site has its own rollup config.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { fileURLToPath } from 'node:url';
import { onwarn } from './scripts/rollup-warnings.mjs';

const CORE_ENTRIES = {
  index: 'packages/core/src/index.ts',
  links: 'packages/core/src/links/index.ts',
  protocol: 'packages/core/src/protocol/index.ts',
  // Account bodies and the password policy are their own entries, so pages that never
  // register or log in (and the <bb-session> bundle) do not carry them.
  accounts: 'packages/core/src/protocol/accounts.ts',
  password: 'packages/core/src/password/index.ts',
  errors: 'packages/core/src/errors/index.ts',
  // IndexedDB storage of link keys, for the therapist's pages only; not in `index`, so
  // the <bb-session> bundle does not carry it.
  'key-store': 'packages/core/src/links/key-store.ts',
  // Local recording storage and export: its own entry, so the widget bundle and core's
  // index never carry it; it loads mediabunny only when a recording is exported.
  recording: 'packages/core/src/recording/index.ts',
  // For integrators who bundle core themselves: alias `webrtc-adapter` to this entry to
  // drop about 9 KB gzip and the adapter's global patches (see packages/core/README.md).
  'webrtc-adapter-lite': 'packages/core/src/call/webrtc-adapter-lite.ts',
};
const WIDGET_ENTRIES = {
  index: 'packages/widget/src/index.ts',
  define: 'packages/widget/src/define.ts',
  'password-field': 'packages/widget/src/password-field.ts',
};

/**
 * In the self-contained bundle, PeerJS's `webrtc-adapter` is replaced by a module that
 * only detects the browser (see packages/core/src/call/webrtc-adapter-lite.ts): PeerJS
 * reads nothing else from it, and the real one patches the page's RTCPeerConnection.
 */
const webrtcAdapterLite = {
  name: 'webrtc-adapter-lite',
  resolveId(id) {
    return id === 'webrtc-adapter'
      ? fileURLToPath(new URL('packages/core/src/call/webrtc-adapter-lite.ts', import.meta.url))
      : null;
  },
};

/** Libraries leave their dependencies to the application's bundler. */
const isDependency = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');

function compile(pkg) {
  return typescript({
    tsconfig: 'tsconfig.base.json',
    include: [`packages/${pkg}/src/**/*.ts`, 'packages/core/src/**/*.ts'],
    compilerOptions: { declaration: false, sourceMap: true, noEmit: false, outDir: undefined },
    noEmitOnError: true,
  });
}

function library(pkg, input) {
  return [
    {
      input,
      onwarn,
      external: isDependency,
      plugins: [compile(pkg)],
      output: { dir: `packages/${pkg}/dist`, format: 'es', sourcemap: true },
    },
    {
      input,
      external: isDependency,
      plugins: [dts({ tsconfig: 'tsconfig.base.json' })],
      output: { dir: `packages/${pkg}/dist`, format: 'es' },
    },
  ];
}

/**
 * Names the widget bundle's chunks so scripts/check-size.mjs can tell the on-demand
 * recording code apart: `recording-export-*` holds the remuxer (mediabunny, loaded on
 * export), `recording-*` the recorder and the store. The consent controller and the
 * recording options stay in the bundle, because every call routes recording messages; the
 * host's list of recordings joins the on-demand code.
 */
function widgetChunkName(chunk) {
  const ids = chunk.moduleIds;
  if (ids.some((id) => id.includes('/node_modules/mediabunny/'))) {
    return 'bb-session.bundle-chunks/recording-export-[hash].js';
  }
  const eager = /\/recording\/(consent|consent-grant|recording-options)\.ts$/;
  const recording = ids.some(
    (id) =>
      (id.includes('/packages/core/src/recording/') && !eager.test(id)) ||
      id.endsWith('/bb-session.recordings-list.ts'),
  );
  return `bb-session.bundle-chunks/${recording ? 'recording' : '[name]'}-[hash].js`;
}

/**
 * Everything `<bb-session>` needs in one minified ES module. Recording (compositor,
 * recorder, encrypted store, remuxer) is imported on first use, so it lands in chunks in
 * `bb-session.bundle-chunks/` beside the bundle, fetched only by a host who records or
 * opens the list of recordings; serve that folder next to the bundle.
 */
const widgetBundle = {
  input: { 'bb-session.bundle': 'packages/widget/src/define.ts' },
  // The bundle itself holds the element; lazy chunks import what they share from it.
  preserveEntrySignatures: 'allow-extension',
  onwarn,
  plugins: [
    webrtcAdapterLite,
    nodeResolve({ browser: true, exportConditions: ['source', 'browser', 'module', 'import'] }),
    commonjs(),
    compile('widget'),
    terser({ format: { comments: false } }),
  ],
  output: {
    dir: 'packages/widget/dist',
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: widgetChunkName,
  },
};

/**
 * `<bb-password-field>` for sites without a bundler: its own file, never part of the
 * `<bb-session>` bundle. The password policy (zxcvbn and its dictionaries) stays a
 * separate chunk beside it, fetched by the element's dynamic import on first use.
 */
const passwordFieldBundle = {
  input: { 'bb-password-field.bundle': 'packages/widget/src/password-field.ts' },
  onwarn,
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['source', 'browser', 'module', 'import'] }),
    commonjs(),
    compile('widget'),
    terser({ format: { comments: false } }),
  ],
  output: {
    dir: 'packages/widget/dist/password-field',
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'password-policy-[hash].js',
  },
};

export default [
  ...library('core', CORE_ENTRIES),
  ...library('widget', WIDGET_ENTRIES),
  widgetBundle,
  passwordFieldBundle,
];
