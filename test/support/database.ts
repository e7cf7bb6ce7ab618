import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import type { OpenDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { openPglite } from '../../db/pglite';
import { openPostgres } from '../../db/postgres';
import { seedDemo } from '../../server/demo/seed';
import { TEST_NOW } from './app';

/**
 * A fresh, migrated database for one test file (with `demo`, seeded with the demo as at
 * TEST_NOW): in-memory PGlite by default, or a new database on the PostgreSQL server at
 * TEST_DATABASE_URL (CI runs the suite both ways), with its `url` for another process (a
 * command line, wrangler dev) to open. Under vitest it is a copy of a template made once per
 * run (test/support/templates.ts); elsewhere (benchmarks, `serverUrl`: another server) it is made
 * from nothing.
 */
export async function createTestDatabase(options: { demo?: boolean; serverUrl?: string } = {}): Promise<OpenDatabase & { url?: string }> {
  const serverUrl = options.serverUrl ?? process.env.TEST_DATABASE_URL;
  // The run's templates live on TEST_DATABASE_URL's server: on another server the database is made from nothing.
  const template = options.serverUrl
    ? undefined
    : options.demo
      ? process.env.PGLITE_DEMO_TEMPLATE ?? process.env.POSTGRES_DEMO_TEMPLATE
      : process.env.PGLITE_TEMPLATE ?? process.env.POSTGRES_TEMPLATE;
  const made = serverUrl ? await postgresDatabase(serverUrl, template) : template ? await openPglite(undefined, new Blob([readFileSync(template)])) : await openPglite();
  if (!template) {
    await migrate(made);
    if (options.demo) await seedDemo(made.db, new Date(TEST_NOW));
  }
  return made;
}

async function postgresDatabase(serverUrl: string, template: string | undefined) {
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const open = openPostgres(url.toString(), { max: 20 });
  return {
    ...open,
    url: url.toString(),
    close: async () => {
      await open.close();
      // Best effort: a database left behind costs disk, not correctness.
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`).catch((error) => console.warn(`Could not drop ${name}: ${error.message}`));
      await cleanup.end();
    },
  };
}

export const onRealPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

/**
 * Requests "at once" race only on PostgreSQL: PGlite has one connection and runs one
 * transaction at a time, so there they take turns and a race test proves nothing. Race tests are
 * `describe.skipIf(!racesRun)('… (races need separate connections: PostgreSQL only)')`, so a
 * green PGlite run never claims them (CI runs them on its PostgreSQL pass).
 */
export const racesRun = onRealPostgres();

/** Another app instance's own connection pool to a test database on PostgreSQL. */
export function secondInstance(database: { url?: string }): OpenDatabase {
  if (!database.url) throw new Error('A second instance needs the test database on PostgreSQL');
  return openPostgres(database.url, { max: 10 });
}
