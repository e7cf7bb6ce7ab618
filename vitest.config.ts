import { configDefaults, defineConfig } from 'vitest/config';

// Files that never open the test database (pure rules, the layer checks, a command line or the
// scheduler that brings its own PGlite): the PGlite pass runs them, and the PostgreSQL pass leaves them out
// rather than run the very same thing twice.
const ENGINE_INDEPENDENT = [
  'test/unit/**',
  'test/architecture/**',
  'test/shared/**',
  'test/cli/command-line.test.ts',
  'test/cli/csv.test.ts',
  'test/cli/scheduler.test.ts',
  'test/competencies/rules.test.ts',
  'test/worker/wrangler-config.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: process.env.TEST_DATABASE_URL ? [...configDefaults.exclude, ...ENGINE_INDEPENDENT] : configDefaults.exclude,
    testTimeout: 30_000,
    // A file that seeds the whole demo in beforeAll can take a minute on a busy two-core machine.
    hookTimeout: 180_000,
    // Templates of a migrated database and of the demo, copied by every file.
    globalSetup: ['test/support/templates.ts'],
    pool: 'forks',
    fileParallelism: true,
    // Each file opens its own database, so files can share a worker's loaded modules (a third
    // of the run's time otherwise), and three workers keep two cores busy while files wait on
    // child processes and sockets.
    isolate: false,
    maxWorkers: 3,
    // Tests run in file order. `--sequence.shuffle --sequence.seed=N` runs each file's tests in a
    // random order, to find a test that leans on another: the files that stand alone so far pass
    // it (test/history, test/follow-ups, test/bookings among them); turning it on for the whole
    // PostgreSQL pass waits until the rest do too.
    sequence: { shuffle: false },
  },
});
