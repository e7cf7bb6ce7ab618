// The Workers entry (server/worker.ts) in wrangler's local runtime (workerd), against a real
// PostgreSQL database through the Hyperdrive binding and a real SMTP peer on loopback.
// Run with: TEST_DATABASE_URL=postgres://... npm run test:worker (not part of `npm test`).
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { and, eq, like, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, followUpLinks, followUpSurveys, outbox, partnerships, sessions } from '../../db/schema';
import { seedDemo } from '../../server/demo/seed';
import { CLEARED_TEXT } from '../../server/mail/outbox';
import { hashToken } from '../../server/shared/tokens';
import worker, { type Env } from '../../server/worker';
import { createSession, sessionPolicy } from '../../server/accounts/sessions';
import { makePerson, personByEmail, testConfig } from '../support/app';
import { createTestDatabase } from '../support/database';
import { startSmtpPeer } from '../support/smtp';

const root = resolve(import.meta.dirname, '../..');
const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) throw new Error('The worker test needs a PostgreSQL server: set TEST_DATABASE_URL (see vitest.worker.config.ts).');

let database: OpenDatabase & { url?: string };
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let wrangler: ChildProcess | undefined;
let output = '';
let base: string;
let stateDir: string;
let databaseUrl: string;

/** Starts `wrangler dev` on a free port and resolves with its address once it says it is ready. */
function startWrangler(env: Record<string, string>, vars: Record<string, string>): Promise<string> {
  const args = ['dev', '--ip', '127.0.0.1', '--port', '0', '--test-scheduled', '--show-interactive-dev-session=false', '--persist-to', stateDir];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  wrangler = spawn(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so workerd goes with it
  });
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev was not ready in 75 s:\n${output}`)), 75_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = output.match(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
      if (ready) {
        clearTimeout(timer);
        resolveReady(ready[1]);
      }
    };
    wrangler!.stdout!.on('data', read);
    wrangler!.stderr!.on('data', read);
    wrangler!.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited (${code}):\n${output}`));
    });
  });
}

async function stopWrangler() {
  const child = wrangler;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  process.kill(-child.pid, 'SIGTERM');
  const timeout = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timeout);
}

/** Polls (bounded) until `check` returns something truthy. */
async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.\nwrangler output:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const outboxRow = async (subject: string) => (await database.db.select().from(outbox).where(eq(outbox.subject, subject)))[0];

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/build-assets.mjs')], { cwd: root, stdio: 'ignore' });
  stateDir = mkdtempSync(join(tmpdir(), 'worker-test-'));
  database = await createTestDatabase();
  await seedDemo(database.db, new Date());
  databaseUrl = database.url!;
  smtp = await startSmtpPeer();
  base = await startWrangler(
    { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl },
    { SECRET: 'worker-test-secret-worker-test-secret-0123', SMTP_URL: smtp.url, BASE_URL: 'http://localhost:8787' },
  );
}, 120_000);

afterAll(async () => {
  await stopWrangler();
  await smtp?.close();
  await database?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('the Workers bundle', () => {
  it('builds with wrangler deploy --dry-run, without PGlite, node-cron or the Node entry', () => {
    const out = join(stateDir, 'bundle');
    execFileSync(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', out], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' },
      stdio: 'ignore',
      timeout: 90_000,
    });
    const sources: string[] = JSON.parse(readFileSync(join(out, 'worker.js.map'), 'utf8')).sources;
    expect(sources.some((s) => s.endsWith('server/worker.ts'))).toBe(true);
    expect(sources.filter((s) => /pglite|node-cron|server\/node\.ts|db\/migrate\.ts/.test(s))).toEqual([]);
    // Workers allow 3 MB gzipped on the free plan; the minified script is about 2.8 MB before gzip (840 KB after), most of it exceljs.
    expect(statSync(join(out, 'worker.js')).size).toBeLessThan(3 * 1024 * 1024);
  }, 100_000);
});

describe('the Workers entry in wrangler dev', () => {
  it('serves the prospectus from PostgreSQL through Hyperdrive', async () => {
    const res = await fetch(`${base}/courses`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('Group 3 Safeguarding Core Workshop');
    expect(html).toMatch(/href="\/static\/govuk-frontend\.min\.[0-9a-f]{10}\.css"/);
  });

  it('serves the static files from [assets]', async () => {
    const css = await fetch(`${base}/static/govuk-frontend.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    expect(await css.text()).toContain('.govuk-');
    // The fingerprinted copy the pages link to may be kept for a year.
    const html = await (await fetch(`${base}/courses`)).text();
    const linked = await fetch(`${base}${html.match(/href="(\/static\/govuk-frontend\.min\.[0-9a-f]{10}\.css)"/)![1]}`);
    expect(linked.status).toBe(200);
    expect(linked.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await linked.arrayBuffer();
    const appCss = await fetch(`${base}/static/app.css`);
    expect(appCss.status).toBe(200);
    await appCss.arrayBuffer();
    const js = await fetch(`${base}/static/govuk-frontend.min.js`);
    expect(js.status).toBe(200);
    await js.arrayBuffer();
    const favicon = await fetch(`${base}/assets/images/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect((await favicon.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('runs the cron table when the scheduled handler fires: pending mail is sent over SMTP', async () => {
    const [partnership] = await database.db.select({ id: partnerships.id }).from(partnerships).limit(1);
    const subject = `Cron trial ${Date.now()}`;
    await database.db.insert(outbox).values({ partnershipId: partnership.id, to: 'someone@partner.example', subject, text: 'Sent by the scheduled handler.' });
    const before = smtp.received.length;

    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    expect(res.status).toBe(200);
    await res.text();

    const row = await eventually('the outbox row to be sent', async () => {
      const r = await outboxRow(subject);
      return r.status === 'sent' && r;
    });
    expect(row.attempts).toBe(1);
    expect(row.sentAt).toBeInstanceOf(Date);
    await smtp.waitFor(before + 1);
    expect(smtp.received.map((m) => m.subject)).toContain(subject);
  });

  it('sends a follow-up survey that has fallen due when the */15 cron fires, and the next minute mails its link', async () => {
    // Someone who came to a past session, whose three-month survey fell due an hour ago.
    const [partnership] = await database.db.select({ id: partnerships.id }).from(partnerships).limit(1);
    const [session] = await database.db.select({ id: sessions.id }).from(sessions).where(lt(sessions.endsAt, new Date())).limit(1);
    const attendee = await makePerson(database.db);
    const [booking] = await database.db
      .insert(bookings)
      .values({ partnershipId: partnership.id, sessionId: session.id, personId: attendee.id, status: 'attended', attendanceRecordedAt: new Date() })
      .returning();
    const [survey] = await database.db
      .insert(followUpSurveys)
      .values({ partnershipId: partnership.id, bookingId: booking.id, respondent: 'attendee', dueAt: new Date(Date.now() - 3_600_000) })
      .returning();

    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('*/15 * * * *')}`);
    expect(res.status).toBe(200);
    await res.text();

    const sent = await eventually('the survey to be sent', async () => {
      const [row] = await database.db.select().from(followUpSurveys).where(eq(followUpSurveys.id, survey.id));
      return row.status === 'sent' && row;
    });
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(sent.closesAt!.getTime()).toBeGreaterThan(Date.now());
    // Its email waits in the outbox (this cron only queues), with a link that leads to this survey.
    const [queued] = await database.db.select().from(outbox).where(and(eq(outbox.to, attendee.email), like(outbox.text, '%/follow-up/%')));
    expect(queued.status).toBe('pending');
    const token = queued.text.match(/http:\/\/localhost:8787\/follow-up\/([a-z2-7]{32})/)?.[1];
    expect(token).toBeTruthy();
    const [link] = await database.db.select().from(followUpLinks).where(eq(followUpLinks.tokenHash, hashToken(token!)));
    expect(link.surveyId).toBe(survey.id);

    // The every-minute cron hands it to the mail server, then blanks the link in the outbox.
    const mailed = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    expect(mailed.status).toBe(200);
    await mailed.text();
    const mail = await eventually('the survey email at the SMTP peer', async () =>
      smtp.received.find((m) => (m.to && 'text' in m.to ? m.to.text : '').includes(attendee.email)),
    );
    expect(mail.subject).toBe(queued.subject);
    expect(mail.text).toContain(`http://localhost:8787/follow-up/${token}`);
    const done = await eventually('the survey email to be marked sent', async () => {
      const [row] = await database.db.select().from(outbox).where(eq(outbox.id, queued.id));
      return row.status === 'sent' && row;
    });
    expect(done.text).toBe(CLEARED_TEXT);
    // The */15 cron may have queued session reminders too: let that run finish before the next test counts mail.
    await eventually('the outbox to be sent', async () => (await database.db.select().from(outbox).where(eq(outbox.status, 'pending'))).length === 0);
  });

  it('gives a reviewer the impact dashboard with its charts, and its workbook (exceljs in workerd)', async () => {
    const reviewer = await personByEmail(database.db, 'reviewer@rscp.example');
    const { token } = await createSession(database.db, reviewer.id, new Date(), sessionPolicy(testConfig()));
    const headers = { cookie: `session=${token}` };
    const page = await fetch(`${base}/impact`, { headers });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title id="chart-by-month-title">');
    const res = await fetch(`${base}/impact/download/impact.xlsx`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    // A workbook is a zip file.
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });

  it('sends mail queued by a write straight away (onMailQueued through ctx.waitUntil)', async () => {
    const page = await fetch(`${base}/sign-in`);
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const token = (await page.text()).match(/name="_csrf" value="([^"]+)"/)?.[1];
    expect(token).toBeTruthy();
    const before = smtp.received.length;

    const res = await fetch(`${base}/sign-in`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.7' },
      body: new URLSearchParams({ _csrf: token!, email: 'practitioner@rscp.example' }),
      redirect: 'manual',
    });
    expect(res.status).toBeLessThan(400);
    await res.text();

    // No scheduled event this time: only the request's waitUntil can have sent it.
    const [mail] = await smtp.waitFor(before + 1, 10_000).then((all) => all.slice(before));
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('practitioner@rscp.example');
    const row = await eventually('the sign-in mail to be marked sent', async () => {
      const [r] = await database.db.select().from(outbox).where(eq(outbox.to, 'practitioner@rscp.example'));
      return r?.status === 'sent' && r;
    });
    expect(row.attempts).toBe(1);
  });
});

describe('the scheduled handler without SMTP_URL (called directly, on Node)', () => {
  async function fireCron(env: Partial<Env>) {
    const waits: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p), passThroughOnException: () => {} };
    await worker.scheduled({ cron: '* * * * *', scheduledTime: Date.now() }, { HYPERDRIVE: { connectionString: databaseUrl }, ...env }, ctx);
    await Promise.all(waits);
  }

  async function queue(subject: string) {
    const [partnership] = await database.db.select({ id: partnerships.id }).from(partnerships).limit(1);
    await database.db.insert(outbox).values({ partnershipId: partnership.id, to: 'someone@partner.example', subject, text: 'Hello.' });
  }

  it('outside demo mode leaves mail pending for another sender instead of marking it sent', async () => {
    const subject = `Pending ${Date.now()}`;
    await queue(subject);
    await fireCron({ DEMO: 'false', SECRET: 'worker-test-secret-worker-test-secret-0123' });
    const row = await outboxRow(subject);
    expect(row.status).toBe('pending');
    expect(row.attempts).toBe(0);
  });

  it('in demo mode keeps mail for the dev mailbox, as the Node entry does', async () => {
    const subject = `Demo ${Date.now()}`;
    await queue(subject);
    await fireCron({ DEMO: 'true' });
    expect((await outboxRow(subject)).status).toBe('sent');
  });
});
