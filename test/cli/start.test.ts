// `npm start` with nothing set, as someone trying the system runs it: the server built into one
// file (scripts/build-server.mjs) and run as package.json's start script runs it, on PGlite in a
// new data folder, with the demo. PGlite only: with TEST_DATABASE_URL the suite is about the
// PostgreSQL server, which this start does not use.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startApp, type AppProcess } from '../crash/app-process';
import { onRealPostgres } from '../support/database';

const folder = mkdtempSync(join(tmpdir(), 'npm-start-'));
const dataDir = join(folder, 'data');
let app: AppProcess | undefined;

afterAll(async () => {
  await app?.stop();
  rmSync(folder, { recursive: true, force: true });
});

const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;

/** What follows `node` in the start script's last step. */
const startArgs = () => {
  const serve = start.split('&&').pop()!.trim().split(/\s+/);
  expect(serve[0]).toBe('node');
  return serve.slice(1);
};

const embedded = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmpdir(), DEMO: 'true', DATA_DIR: dataDir };

describe.skipIf(onRealPostgres())('npm start on the embedded database', () => {
  it('builds the server, makes the data folder, seeds the demo once and serves the prospectus', async () => {
    expect(start).toContain('scripts/build-server.mjs');
    execFileSync(process.execPath, ['scripts/build-server.mjs']);

    app = await startApp(await freePort(), embedded, 120_000, startArgs());
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(app.output()).toContain('Seeded the demo partnership');
    const page = await fetch(`${app.url}/courses`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Learning and development prospectus');
    await app.stop();

    // Started again on the same folder: the demo is there, not seeded twice, and still served.
    app = await startApp(await freePort(), embedded, 120_000, startArgs());
    expect(app.output()).not.toContain('Seeded the demo partnership');
    expect(app.output()).toContain('pglite, demo mode');
    expect((await fetch(`${app.url}/courses`)).status).toBe(200);
  }, 240_000);
});
