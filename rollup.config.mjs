// Builds the browser packages: core and widget to ESM with .d.ts for npm, and one
// self-contained widget bundle for sites without a bundler. signal-node is compiled
// with tsc (see its package.json); the example site has its own rollup config.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
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
};
const WIDGET_ENTRIES = {
  index: 'packages/widget/src/index.ts',
  define: 'packages/widget/src/define.ts',
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

/** Everything `<bb-session>` needs in one minified ES module. */
const widgetBundle = {
  input: 'packages/widget/src/define.ts',
  onwarn,
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['source', 'browser', 'module', 'import'] }),
    commonjs(),
    compile('widget'),
    terser({ format: { comments: false } }),
  ],
  output: {
    file: 'packages/widget/dist/bb-session.bundle.js',
    format: 'es',
    sourcemap: true,
    inlineDynamicImports: true,
  },
};

export default [
  ...library('core', CORE_ENTRIES),
  ...library('widget', WIDGET_ENTRIES),
  widgetBundle,
];
