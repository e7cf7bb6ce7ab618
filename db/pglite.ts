import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { schema, type Database, type OpenDatabase } from './database';

/**
 * PostgreSQL's settings for the embedded database (docs/decisions/0021-embedded-memory.md), after
 * PGlite's own start parameters. shared_buffers is PostgreSQL's page cache inside PGlite's
 * WebAssembly memory, all of it resident from the start: initdb writes 128MB, more than the
 * demo's whole database, and a page that is not there is one read from the file system (the
 * operating system's cache, outside this process) away.
 */
export const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'max_connections=5'];
const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS];

/**
 * Embedded PostgreSQL in a folder on disk (or in memory when no folder is given). `from` starts
 * it from a copy of another's data (PGlite's dumpDataDir), skipping the seconds initdb takes.
 */
export async function openPglite(dataDir?: string, from?: Blob): Promise<OpenDatabase & { client: PGlite }> {
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    if (!from && !existsSync(join(dataDir, 'PG_VERSION'))) await initdbApart(dataDir);
  }
  const client = await PGlite.create(dataDir, { startParams, ...(from ? { loadDataDir: from } : {}) });
  const db = drizzle(client, { schema }) as unknown as Database;
  return { db, client, engine: 'pglite', close: () => client.close() };
}

/**
 * Makes a new data folder (initdb) in a Node process of its own. PGlite runs initdb in a second
 * WebAssembly instance and copies its files through a tarball: in this process that would leave
 * hundreds of megabytes resident for as long as it runs (a worker thread's too, in the
 * allocator's arenas); a process gives all of it back when it ends.
 */
async function initdbApart(dataDir: string) {
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  // The child is given its three values written into its code, as JSON.
  const code = `
    const [pglite, dataDir, startParams] = ${JSON.stringify([pglite, resolve(dataDir), startParams])};
    const { PGlite } = require(pglite);
    PGlite.create(dataDir, { startParams }).then((client) => client.close());`;
  await promisify(execFile)(process.execPath, ['-e', code], { env: {} }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`Making the PGlite data folder ${dataDir} failed: ${error.stderr || error.message}`);
  });
}
