// Vitest global setup: on PGlite, one migrated database for the whole run, saved as a data-folder
// dump that every test file starts its own copy from (test/support/database.ts). Starting from a
// copy takes about a second; a new PGlite's initdb and the migrations take three or four.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../db/migrate';
import { openPglite } from '../../db/pglite';

export default async function setup() {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'pglite-template-'));
  const open = await openPglite();
  await migrate(open);
  const dump = await open.client.dumpDataDir('none');
  await open.close();
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  // Test files run in child processes started after this, which inherit the environment.
  process.env.PGLITE_TEMPLATE = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
