// Vitest global setup: two template databases made once per run, that every test file starts a
// copy of (test/support/database.ts): one migrated, one migrated and seeded with the demo as at
// TEST_NOW. A copy takes a fraction of a second; the migrations take one to four, and the demo
// seed another five to ten, which a dozen files would otherwise each pay.
// - PGlite: a data-folder dump of each, kept in a temporary folder.
// - PostgreSQL: two databases on the server, copied by CREATE DATABASE ... TEMPLATE.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { OpenDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { openPglite } from '../../db/pglite';
import { openPostgres } from '../../db/postgres';
import { seedDemo } from '../../server/demo/seed';
import { TEST_NOW } from './app';

const seedTheDemo = (open: OpenDatabase) => seedDemo(open.db, new Date(TEST_NOW));

async function pgliteTemplates() {
  const dir = mkdtempSync(join(tmpdir(), 'pglite-template-'));
  const open = await openPglite();
  const save = async (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(await (await open.client.dumpDataDir('none')).arrayBuffer()));
    return file;
  };
  await migrate(open);
  // Test files run in child processes started after this, which inherit the environment.
  process.env.PGLITE_TEMPLATE = await save('migrated.tar');
  await seedTheDemo(open);
  process.env.PGLITE_DEMO_TEMPLATE = await save('demo.tar');
  await open.close();
  return () => rmSync(dir, { recursive: true, force: true });
}

async function postgresTemplates(serverUrl: string) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const migrated = `template_${process.pid}_migrated`;
  const demo = `template_${process.pid}_demo`;
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const fill = async (name: string, from: string | null, work: (open: OpenDatabase) => Promise<unknown>) => {
    await admin.unsafe(`create database ${name}${from ? ` template ${from}` : ''}`);
    const open = openPostgres(urlOf(name), { max: 1 });
    await work(open);
    await open.close();
  };
  await fill(migrated, null, migrate);
  await fill(demo, migrated, seedTheDemo);
  process.env.POSTGRES_TEMPLATE = migrated;
  process.env.POSTGRES_DEMO_TEMPLATE = demo;
  return async () => {
    for (const name of [demo, migrated]) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

export default async function setup() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  return serverUrl ? postgresTemplates(serverUrl) : pgliteTemplates();
}
