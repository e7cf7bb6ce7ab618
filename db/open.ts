import type { OpenDatabase } from './database';
import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

/** PGlite in `dataDir` when there is no DATABASE_URL, else the PostgreSQL server; migrated unless another process has just done it. */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string; migrated?: boolean }): Promise<OpenDatabase> {
  const open = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(options.dataDir);
  if (!options.migrated) await migrate(open);
  return open;
}
