import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    // A file that seeds the whole demo in beforeAll can take a minute on a busy two-core machine.
    hookTimeout: 180_000,
    globalSetup: ['test/support/pglite-template.ts'],
    pool: 'forks',
    fileParallelism: true,
    // Each file opens its own database, so files can share a worker's loaded modules (a third
    // of the run's time otherwise), and three workers keep two cores busy while files wait on
    // child processes and sockets.
    isolate: false,
    maxWorkers: 3,
  },
});
