import type { OpenDatabase } from './database';
import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

/** PGlite in `dataDir` when there is no DATABASE_URL, else the PostgreSQL server; migrated. */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<OpenDatabase> {
  const open = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(options.dataDir);
  await migrate(open);
  return open;
}
