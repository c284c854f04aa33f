import { defineConfig } from 'vitest/config';

// Tests import workspace packages through their "source" export condition, so they run
// against the TypeScript sources without a build. Browser tests load the built bundles
// instead (the artefacts users get), which is why `npm test` builds first.
const conditions = ['source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          // Component tests live beside their component and drive real Chromium too.
          include: ['test/e2e/**/*.test.ts', 'packages/widget/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two Chromium pages per test already fill a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
