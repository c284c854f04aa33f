// Bundles the example's two page scripts the way an integrator's site would: from the
// published packages' built files, with their dependencies resolved.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { onwarn } from '../../scripts/rollup-warnings.mjs';

export default {
  onwarn,
  input: { host: 'src/host.ts', join: 'src/join.ts' },
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
  output: { dir: 'public/assets', format: 'es', sourcemap: true },
};
