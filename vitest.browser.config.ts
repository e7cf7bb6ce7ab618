import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: the real server as a child process, driven in real Chromium.
// Run with `npm run test:browser`. The files are named *.e2e.ts so `npm test` (which
// collects test/**/*.test.{ts,tsx}) never picks them up.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.e2e.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
