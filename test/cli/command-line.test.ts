// The real command line, as an administrator runs it: a child process on PGlite in a temp folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noStackTrace, runScript } from '../support/command-line';

const folder = mkdtempSync(join(tmpdir(), 'admin-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// Only what node needs: the test runner's own variables (BASE_URL, DATABASE_URL, ...) stay out.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmpdir(), DATA_DIR: join(folder, 'data') };

const admin = (...args: string[]) => runScript('server/node.ts', env, ['admin', ...args]);

describe('npm run admin', { timeout: 300_000 }, () => {
  it('sets up the partnership and adds the first coordinator', async () => {
    const init = await admin('init');
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toContain('Set up Rotherham Safeguarding Children Partnership');

    const added = await admin('add-user', '--email', 'first@rmbc.example', '--name', 'First Coordinator', '--organisation', 'RMBC', '--role', 'coordinator');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Added First Coordinator <first@rmbc.example> with the roles: practitioner, coordinator.');
  });

  it('says plainly what is wrong, without a stack trace, and exits 1', async () => {
    const result = await admin('add-user', '--email', 'x@y.example', '--name', 'X', '--organisation', 'Nowhere', '--role', 'trainer');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("organisation 'Nowhere' is not in the list");
    noStackTrace(result.stderr);

    const file = join(folder, 'people.csv');
    writeFileSync(file, 'name,email,organisation,job_title,workforce_group\r\nJo,jo@rmbc.example,RMBC,Nurse,3\r\nBad,bad,RMBC,Nurse,3\r\n');
    const imported = await admin('import-people', file);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('line 3: email: Enter an email address in the correct format');
    expect(imported.stderr).toContain('Nothing was imported');
    noStackTrace(imported.stderr);
  });

  it('prints the usage and exits 2 for a wrong command or option', async () => {
    const unknown = await admin('add-user', '--email', 'x@y.example', '--colour', 'blue');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
    expect(unknown.stderr).toContain('Usage: npm run admin -- <command> [options]');

    const missing = await admin('import-people');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('import-people needs FILE.csv.');
    noStackTrace(missing.stderr);
  });
});

describe('npm run admin -- import-history', { timeout: 300_000 }, () => {
  const file = join(folder, 'history.csv');
  const history = readFileSync(new URL('../history/year-2023-24.csv', import.meta.url), 'utf8');

  it('checks a file on a dry run, imports it, and then sees the same file changes nothing', async () => {
    writeFileSync(file, history);
    const dry = await admin('import-history', file, '--dry-run');
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toContain('2023-24: 2 courses, 3 sessions delivered and 1 cancelled, 32 records (25 attended), 15 feedback forms, 25 three-month surveys sent and 12 answered.');
    expect(dry.stdout).toContain('Nothing was imported: this was a dry run.');

    const imported = await admin('import-history', file);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toContain('New organisations: Riverside Youth Project.');
    expect(imported.stdout).toContain('Imported 32 rows.');

    const again = await admin('import-history', file);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toBe('This file was imported already (2023-24); nothing changed.\n');
  });

  it('names every bad row and imports nothing', async () => {
    writeFileSync(file, history.replace('2023-06-14 09:30,2023-06-14 12:30,20,RMBC', '2023-06-14 09:30,2023-06-14 12:30,twenty,RMBC'));
    const result = await admin('import-history', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("line 2, capacity: 'twenty' is not a whole number from 1 to 10000");
    expect(result.stderr).toContain('Nothing was imported. Correct the 1 problem above and run the import again.');
    noStackTrace(result.stderr);
  });
});
