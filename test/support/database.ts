import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import type { OpenDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { openPglite } from '../../db/pglite';
import { openPostgres } from '../../db/postgres';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new
 * database on the PostgreSQL server at TEST_DATABASE_URL (CI runs the suite both ways),
 * with its `url` for another process (a command line, wrangler dev) to open.
 */
export async function createTestDatabase(): Promise<OpenDatabase & { url?: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    // A copy of the migrated template test/support/pglite-template.ts made for this run, if any.
    const template = process.env.PGLITE_TEMPLATE;
    if (template) return openPglite(undefined, new Blob([readFileSync(template)]));
    const open = await openPglite();
    await migrate(open);
    return open;
  }
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const open = openPostgres(url.toString(), { max: 20 });
  await migrate(open);
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
