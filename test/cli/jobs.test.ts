// The jobs command line as an operator runs it: child processes on PGlite in a temp folder, or on
// a database of their own on the PostgreSQL server at TEST_DATABASE_URL when it is set. Outside
// demo mode and without SMTP_URL, as a deployment whose Worker leaves mail for another sender.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, eq, gt, inArray, like, lte } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, OpenDatabase } from '../../db/database';
import { openDatabase } from '../../db/open';
import { auditLog, bookings, courses, followUpLinks, followUpSurveys, outbox, partnerships, people } from '../../db/schema';
import { syncFollowUps } from '../../server/follow-ups/service';
import { seed } from '../support/app';
import { noStackTrace, runScript } from '../support/command-line';
import { createTestDatabase } from '../support/database';

const folder = mkdtempSync(join(tmpdir(), 'jobs-cli-'));
let dataDir = join(folder, 'data');
/** On PostgreSQL the test keeps its connection; PGlite's folder is opened by one process at a time. */
let server: (OpenDatabase & { url?: string }) | undefined;

/** A database of the demo for the jobs to run on, made the file's current one: a folder of its own on PGlite. */
async function openDemo(folderName: string) {
  dataDir = join(folder, folderName);
  server = process.env.TEST_DATABASE_URL ? await createTestDatabase({ demo: true }) : undefined;
  if (!server) await withDb((db) => seed(db, 'demo'));
}

// Only what node needs: the test runner's own variables (BASE_URL, DATABASE_URL, ...) stay out.
const env = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TMPDIR: tmpdir(),
  DEMO: 'false',
  SECRET: 'jobs-cli-test-secret-jobs-cli-test-secret',
  BASE_URL: 'https://training.example.org',
  ...(server ? { DATABASE_URL: server.url } : { DATA_DIR: dataDir }),
});

const jobs = (...args: string[]) => runScript('jobs/cli.ts', env(), args);

async function withDb<T>(work: (db: Database) => Promise<T>): Promise<T> {
  if (server) return work(server.db);
  const open = await openDatabase({ dataDir });
  try {
    return await work(open.db);
  } finally {
    await open.close();
  }
}

const STATUSES = ['scheduled', 'sent', 'reminded', 'answered', 'closed', 'total'];
type Counts = Record<string, number[]>;

/** The status table as printed: each status's counts for attendees, managers and in all. */
function printedTable(stdout: string): Counts {
  return Object.fromEntries(STATUSES.map((status) => [status, stdout.match(new RegExp(`^\\s*${status}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$`, 'm'))?.slice(1).map(Number) ?? []]));
}

/** The same counts read from the database. */
async function countsIn(db: Database): Promise<Counts> {
  const rows = await db.select({ respondent: followUpSurveys.respondent, status: followUpSurveys.status, n: count() }).from(followUpSurveys).groupBy(followUpSurveys.respondent, followUpSurveys.status);
  const sum = (respondent?: string, status?: string) => rows.filter((r) => (!respondent || r.respondent === respondent) && (!status || r.status === status)).reduce((t, r) => t + r.n, 0);
  return Object.fromEntries(STATUSES.map((status) => {
    const s = status === 'total' ? undefined : status;
    return [status, [sum('attendee', s), sum('manager', s), sum(undefined, s)]];
  }));
}

/**
 * The demo is seeded as at TEST_NOW (23 November 2026), its surveys as a year of jobs would leave
 * them; the jobs run a fortnight on, when more have fallen due and some are to be reminded or closed.
 */
const RUN_AT = '2026-12-07T09:30:00Z';
const at = new Date(RUN_AT);

const before = { counts: {} as Counts, closing: 0, sending: 0, reminding: 0, waiting: 0, links: 0 };
const OUT = ['sent', 'reminded'] as const;
const waitingMail = async (db: Database) => (await db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending')))[0].n;
const links = async (db: Database) => (await db.select({ n: count() }).from(followUpLinks))[0].n;

beforeAll(async () => {
  await openDemo('data');
  await withDb(async (db) => {
    // Every attendee gives a line manager (so that, with the demo's attendances, more than a batch
    // of surveys falls due), and every course asks managers: their surveys are made as recording
    // the attendance would have made them (the attendees' are there already).
    await db.update(courses).set({ asksManagerFollowUp: true });
    await db.update(people).set({ lineManagerEmail: 'line.manager@partner.example' });
    const [partnership] = await db.select().from(partnerships);
    const came = await db.select({ id: bookings.id }).from(bookings).where(inArray(bookings.status, ['attended', 'partly attended']));
    await db.transaction((tx) => syncFollowUps(tx, { partnership }, came.map((b) => b.id)));

    const counted = async (...where: Parameters<typeof and>) => (await db.select({ n: count() }).from(followUpSurveys).where(and(...where)))[0].n;
    before.counts = await countsIn(db);
    before.closing = await counted(inArray(followUpSurveys.status, OUT), lte(followUpSurveys.closesAt, at));
    before.sending = await counted(eq(followUpSurveys.status, 'scheduled'), lte(followUpSurveys.dueAt, at));
    before.reminding = await counted(inArray(followUpSurveys.status, OUT), lte(followUpSurveys.nextReminderAt, at), gt(followUpSurveys.closesAt, at));
    before.waiting = await waitingMail(db);
    before.links = await links(db);
  });
  // Enough to see progress, some for managers, and something for each job to do.
  expect(before.sending).toBeGreaterThan(100);
  expect(before.counts.scheduled[1]).toBeGreaterThan(0);
  expect(before.closing).toBeGreaterThan(0);
  expect(before.reminding).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('npm run jobs', { timeout: 300_000 }, () => {
  it('counts the surveys, runs the follow-up jobs at the time given, and the counts move', async () => {
    const status = await jobs('status');
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toMatch(/^\s*status\s+attendee\s+manager\s+total$/m);
    // Every status has its line, zeros included (no manager survey has gone out yet).
    expect(printedTable(status.stdout)).toEqual(before.counts);
    expect(printedTable(status.stdout).answered[1]).toBe(0);
    expect(status.stdout).toContain(`Email waiting in the outbox: ${before.waiting} `);
    expect(status.stdout).toContain('Retention: not run yet (npm run jobs -- run apply-retention runs it).');

    const run = await jobs('run', 'follow-ups', '--now', RUN_AT);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Running follow-ups \(close-follow-ups, send-follow-ups, remind-follow-ups\) as at 2026-12-07T09:30:00.000Z on /);
    // Batches of 100: the running total after each from the second on, then each job's summary, in order.
    const progress = (job: string, total: number) => {
      const totals = [];
      for (let done = 100; done < total; done += 100) totals.push(done);
      return [...totals, total].slice(1).map((done) => `${job}: ${done} so far`);
    };
    expect(lines.slice(1)).toEqual([
      `close-follow-ups: closed ${before.closing}`,
      ...progress('send-follow-ups', before.sending),
      `send-follow-ups: sent ${before.sending}`,
      ...progress('remind-follow-ups', before.reminding),
      `remind-follow-ups: reminded ${before.reminding}`,
    ]);

    const after = await jobs('status');
    expect(after.code).toBe(0);
    const table = printedTable(after.stdout);
    expect(table.scheduled[2]).toBe(before.counts.scheduled[2] - before.sending);
    expect(table.closed[2]).toBe(before.counts.closed[2] + before.closing);
    expect(table.total).toEqual(before.counts.total);
    expect(after.stdout).toContain(`Email waiting in the outbox: ${before.waiting + before.sending + before.reminding} `);

    await withDb(async (db) => {
      expect(await countsIn(db)).toEqual(table);
      // Each survey sent or reminded has its email in the outbox for send-mail, with a new link of its own.
      const mail = await db.select().from(outbox).where(like(outbox.text, '%https://training.example.org/follow-up/%'));
      expect(mail).toHaveLength(before.sending + before.reminding);
      expect(mail.every((m) => m.status === 'pending' && m.clearAfterSending)).toBe(true);
      expect(mail.filter((m) => m.to === 'line.manager@partner.example').length).toBeGreaterThan(0);
      expect(await links(db)).toBe(before.links + before.sending + before.reminding);
      const sent = await db.select().from(followUpSurveys).where(and(eq(followUpSurveys.status, 'sent'), eq(followUpSurveys.sentAt, at)));
      expect(sent).toHaveLength(before.sending);
    });
  });

});

describe('npm run jobs, retention', { timeout: 300_000 }, () => {
  // Retention removes some of what the follow-up counts read, so it runs on a database of its own.
  let outer: { server: typeof server; dataDir: string };
  beforeAll(async () => {
    outer = { server, dataDir };
    await openDemo('retention-data');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    ({ server, dataDir } = outer);
  });

  it('shows what the last retention run removed', async () => {
    const run = await jobs('run', 'apply-retention', '--now', RUN_AT);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const summary = run.stdout.match(/^apply-retention: (sign in links \d+, sessions \d+, rate limit rows \d+, sent mail \d+, free text answers \d+, people anonymised \d+)$/m)?.[1];
    expect(summary).toBeDefined();
    const status = await jobs('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^Retention, last run \\S+ for Rotherham Safeguarding Children Partnership: ${summary}\\.$`, 'm'));
    // The counts are the audited ones, and the second run finds nothing left to remove.
    await withDb(async (db) => {
      const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, 'partnership.retention-applied'));
      expect(entry.actorId).toBeNull();
      expect(summary).toBe(`sign in links ${entry.detail.signInLinks}, sessions ${entry.detail.sessions}, rate limit rows ${entry.detail.rateLimitRows}, sent mail ${entry.detail.sentMail}, free text answers ${entry.detail.freeTextAnswers}, people anonymised ${entry.detail.peopleAnonymised}`);
    });
    expect((await jobs('run', 'apply-retention', '--now', RUN_AT)).stdout).toContain('apply-retention: sign in links 0, sessions 0, rate limit rows 0, sent mail 0, free text answers 0, people anonymised 0');
    expect((await jobs('status')).stdout).toContain('people anonymised 0.');
  });

  it('refuses a job that is not there, a time it cannot read, and sending mail with no way to send it', async () => {
    const [unknown, badTime, noSmtp] = await Promise.all([
      jobs('run', 'follow-up', '--now', RUN_AT),
      jobs('run', 'follow-ups', '--now', '2026-02-30 09:00'),
      jobs('run', 'send-mail'),
    ]);

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("There is no job or group called 'follow-up'. The jobs are: send-mail, lapse-approvals, session-reminders, close-follow-ups, send-follow-ups, remind-follow-ups, apply-retention. The groups are: follow-ups.");
    expect(unknown.stderr).toContain('Usage: npm run jobs -- <command> [options]');
    noStackTrace(unknown.stderr);

    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain("--now '2026-02-30 09:00' is not a date and time. Write it in ISO 8601 with the time zone, like 2026-07-01T09:00:00Z");
    noStackTrace(badTime.stderr);

    expect(noSmtp.code).toBe(1);
    expect(noSmtp.stderr.trim()).toBe('The configuration is not valid:\n  SMTP_URL: set it outside demo mode, or no email will be sent');
  });
});
