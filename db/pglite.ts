import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { schema, type Database, type OpenDatabase } from './database';

/**
 * Embedded PostgreSQL in a folder on disk (or in memory when no folder is given). `from` starts
 * it from a copy of another's data (PGlite's dumpDataDir), skipping the seconds initdb takes.
 */
export async function openPglite(dataDir?: string, from?: Blob): Promise<OpenDatabase & { client: PGlite }> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, from ? { loadDataDir: from } : {});
  const db = drizzle(client, { schema }) as unknown as Database;
  return { db, client, engine: 'pglite', close: () => client.close() };
}
