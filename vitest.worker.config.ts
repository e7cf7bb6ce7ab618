import { defineConfig } from 'vitest/config';

// The Worker entry in wrangler's local runtime against a real PostgreSQL server (npm run test:worker,
// with TEST_DATABASE_URL set). Its files end in .workerd-test.ts so the default `npm test` never collects them.
export default defineConfig({
  test: {
    include: ['test/worker/**/*.workerd-test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
