// Bundles the example's page scripts the way an integrator's site would: from the
// published packages' built files, with their dependencies resolved.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { onwarn } from '../../scripts/rollup-warnings.mjs';

export default {
  onwarn,
  input: {
    host: 'src/host.ts',
    join: 'src/join.ts',
    register: 'src/register.ts',
    login: 'src/login.ts',
    clients: 'src/clients.ts',
    account: 'src/account.ts',
  },
  plugins: [
    nodeResolve({ browser: true }),
    commonjs(),
    typescript({
      tsconfig: '../../tsconfig.base.json',
      include: ['src/**/*.ts'],
      compilerOptions: {
        declaration: false,
        customConditions: [],
        noEmit: false,
        outDir: undefined,
      },
    }),
    terser({ format: { comments: false } }),
  ],
  // Shared code (Lit, core) and the password policy, which <bb-password-field> imports on
  // first use, become chunks beside the page scripts.
  output: {
    dir: 'public/assets',
    format: 'es',
    sourcemap: true,
    chunkFileNames: 'chunk-[name]-[hash].js',
  },
};
