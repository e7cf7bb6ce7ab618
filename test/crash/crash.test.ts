// "A crash neither loses nor duplicates" (DESIGN §4, promises 1-3), shown on the real thing: the
// Node server (server/node.ts) and the jobs command line as child processes on a PostgreSQL
// database, mailing a real SMTP peer on loopback, killed with SIGKILL mid-work and started again;
// the database's connections ended under a rush; two instances' schedulers over a month.
// PGlite is skipped: it is one process's embedded database, so no second process (a server, a
// restarted server, a second instance) can open it while another holds it, and it has no
// connections to lose.
import { and, count, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database, OpenDatabase } from '../../db/database';
import { auditLog, bookings, followUpLinks, followUpSurveys, outbox, partnerships, people, personRoles, sentReminders, sessions } from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { runJob } from '../../jobs/registry';
import { smtpMailer } from '../../server/mail/mailer';
import { DAY, HOUR, MINUTE } from '../../server/shared/clock';
import { makePerson, seed, testConfig, TEST_NOW } from '../support/app';
import { attendedCrowd } from '../support/crowd';
import { createTestDatabase, onRealPostgres } from '../support/database';
import { makeSession } from '../support/fixtures';
import { startSmtpPeer } from '../support/smtp';
import { privatePostgresUnavailable, startPrivatePostgres } from '../support/private-postgres';
import { APP_NAME, appEnvironment, freePort, postOnce, runJobs, sleep, startApp, startJobs, type AppProcess } from './app-process';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

const LIVE = ['confirmed', 'waitlisted', 'awaiting approval'];
// The server runs on the wall clock, so the test's people, sessions and due dates are set from it.
const wallNow = () => new Date();

describe.skipIf(!onRealPostgres())('crashes and restarts of the real server (PostgreSQL only: PGlite cannot be opened by a second process)', () => {
  let database: OpenDatabase & { url?: string };
  let db: Database;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let port: number;
  let app: AppProcess | undefined;
  const env = () => appEnvironment(database.url!, smtp.url);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seed(db, 'partnership');
    smtp = await startSmtpPeer();
    port = await freePort();
  });
  // A test that fails part-way leaves its server running: stopped here, and the next test gets a
  // port of its own, so one failure is reported once rather than again by every test after it.
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    port = await freePort();
  });
  afterAll(async () => {
    await smtp?.close();
    await database?.close();
  });

  /** `size` people who may book (practitioners), each with a personal API token, made in a few statements. */
  async function crowdWithTokens(size: number) {
    const template = await makePerson(db);
    const [row] = await db.select().from(people).where(eq(people.id, template.id));
    const [partnership] = await db.select().from(partnerships).where(eq(partnerships.id, row.partnershipId));
    const tag = Math.random().toString(36).slice(2, 8);
    const made = await db
      .insert(people)
      .values(Array.from({ length: size }, (_, i) => ({ partnershipId: row.partnershipId, name: `Rush ${i}`, email: `rush.${tag}.${i}@partner.example`, organisationId: row.organisationId, jobTitle: 'Social worker', workforceGroupId: row.workforceGroupId })))
      .returning({ id: people.id, email: people.email });
    await db.insert(personRoles).values(made.map((p) => ({ personId: p.id, role: 'practitioner' as const })));
    const crowd: { id: string; email: string; token: string }[] = [];
    for (let i = 0; i < made.length; i += 20) {
      const tokens = await Promise.all(
        made.slice(i, i + 20).map((p) => createApiToken({ db, clock: { now: wallNow }, config: testConfig(), partnership, actor: { id: p.id, roles: ['practitioner'] } }, 'Crash test')),
      );
      crowd.push(...made.slice(i, i + 20).map((p, j) => ({ ...p, token: tokens[j] })));
    }
    return crowd;
  }

  /** `count` sessions a month or more ahead (by the wall clock), `capacity` places each. */
  async function upcomingSessions(count: number, capacity: number) {
    const startsAt = new Date(wallNow().getTime() + 30 * DAY).toISOString();
    return (await makeSession(db, { capacity, startsAt, extraSessions: count - 1 })).sessions;
  }

  interface Outcome {
    outcome: 'booked' | 'already' | 'refused';
    /** Requests that got no answer (the server was down or died holding them). */
    lost: number;
    /** Why each of those got no answer (refused, reset, timed out), for a failure's message. */
    lostBecause: string[];
    /** Answers of 503, with their Retry-After. */
    unavailable: (string | null)[];
    status?: number;
    body?: string;
  }

  /**
   * A client booking a place through the API as an integration would: it tries again after a
   * request that got no answer or a 503 (bounded by a deadline), and stops at 201, or at 409 "you
   * already have a place / are already on the waiting list" (its earlier try went through).
   */
  async function bookUntilDone(sessionId: string, token: string, deadline: number): Promise<Outcome> {
    const result: Outcome = { outcome: 'refused', lost: 0, lostBecause: [], unavailable: [] };
    while (Date.now() < deadline) {
      let res: Awaited<ReturnType<typeof postOnce>>;
      try {
        res = await postOnce(`http://127.0.0.1:${port}/api/v1/sessions/${sessionId}/bookings`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, '{}', 15_000);
      } catch (error) {
        result.lost++;
        result.lostBecause.push(`${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message}`.trim());
        await sleep(50);
        continue;
      }
      const { body } = res;
      if (res.status === 201) return { ...result, outcome: 'booked' };
      if (res.status === 409 && /already (have a place|on the waiting list)/.test(JSON.parse(body).title)) return { ...result, outcome: 'already' };
      if (res.status === 503) {
        result.unavailable.push((res.headers['retry-after'] as string | undefined) ?? null);
        await sleep(50);
        continue;
      }
      return { ...result, status: res.status, body };
    }
    return { ...result, body: 'gave up at the deadline' };
  }

  /** Runs `work` over the items with at most `width` at once. */
  async function inParallel<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < items.length) {
          const i = next++;
          results[i] = await work(items[i], i);
        }
      }),
    );
    return results;
  }

  /** Promises 1 and 2, and "no half writes", for the given sessions and people, read from the database. */
  async function expectBookingsWhole(sessionIds: string[], crowd: { id: string; email: string }[]) {
    const rows = await db.select().from(bookings).where(inArray(bookings.sessionId, sessionIds));
    const places = await db.select().from(sessions).where(inArray(sessions.id, sessionIds));
    let overbooked = 0;
    let drift = 0;
    for (const session of places) {
      const confirmed = rows.filter((r) => r.sessionId === session.id && r.status === 'confirmed').length;
      if (confirmed > session.capacity) overbooked++;
      if (session.placesTaken !== confirmed) drift++;
      // Nobody waits while a place is free.
      if (confirmed < session.capacity) expect(rows.filter((r) => r.sessionId === session.id && r.status === 'waitlisted')).toEqual([]);
    }
    expect({ overbooked, drift }).toEqual({ overbooked: 0, drift: 0 });
    // Each person exactly one live booking: none lost, none doubled.
    const live = rows.filter((r) => LIVE.includes(r.status));
    expect(live.map((r) => r.personId).sort()).toEqual(crowd.map((p) => p.id).sort());
    // Each booking whole: its audit entry and its one email (a place, or a place on the waiting list).
    const audited = await db.select({ subjectId: auditLog.subjectId }).from(auditLog).where(and(eq(auditLog.action, 'booking.created'), inArray(auditLog.subjectId, rows.map((r) => r.id))));
    expect(audited.map((a) => a.subjectId).sort()).toEqual(rows.map((r) => r.id).sort());
    const mail = await db.select({ to: outbox.to, subject: outbox.subject }).from(outbox).where(inArray(outbox.to, crowd.map((p) => p.email)));
    expect(mail.map((m) => m.to).sort()).toEqual(crowd.map((p) => p.email).sort());
    expect(mail.every((m) => /^(Booking confirmed|On the waiting list)/.test(m.subject))).toBe(true);
    return { confirmed: live.filter((r) => r.status === 'confirmed').length, waitlisted: live.filter((r) => r.status === 'waitlisted').length, overbooked, drift };
  }

  /** Outbox rows to these people that a sender has claimed and not yet marked sent: the documented window for a duplicate. */
  async function claimedNotSent(emails: string[]) {
    const rows = await db.select({ to: outbox.to }).from(outbox).where(and(inArray(outbox.to, emails), eq(outbox.status, 'pending'), isNotNull(outbox.claimedUntil)));
    return new Set(rows.map((r) => r.to));
  }

  /**
   * Sends what is still due as an operator catching up would (npm run jobs -- run send-mail), as
   * at `now`, once the running server has finished sending these people's mail: the catch-up's
   * clock is minutes ahead, so a claim the server is still sending on would look run out to it
   * (in real time a claim runs out only after its five minutes).
   */
  async function catchUpMail(emails: string[], now: Date) {
    await untilMailSettles(emails);
    const ran = await runJobs(env(), ['run', 'send-mail', '--now', now.toISOString()]);
    expect(ran.code, ran.stderr).toBe(0);
  }

  /** Waits (bounded) until no more of these people's mail has been marked sent for a second and a half. */
  async function untilMailSettles(emails: string[], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let steadySince = Date.now();
    while (Date.now() < deadline) {
      const [{ n }] = await db.select({ n: count() }).from(outbox).where(and(inArray(outbox.to, emails), eq(outbox.status, 'sent')));
      if (n !== last) [last, steadySince] = [n, Date.now()];
      else if (Date.now() - steadySince >= 1_500) return;
      await sleep(100);
    }
  }

  /** Waits (bounded) until nothing to these people is left in the outbox unsent. */
  async function waitUntilSent(emails: string[], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ n }] = await db.select({ n: count() }).from(outbox).where(and(inArray(outbox.to, emails), eq(outbox.status, 'pending')));
      if (n === 0) return;
      if (Date.now() > deadline) throw new Error(`${n} messages still unsent after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** How many times each address got a message at the SMTP peer, and under how many Message-IDs. */
  const deliveries = (emails: string[]) => {
    const wanted = new Set(emails);
    const times = new Map<string, number>();
    const ids = new Map<string, Set<string>>();
    for (const mail of smtp.received) {
      const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value ?? []).map((a) => a.address!);
      for (const address of to.filter((a) => wanted.has(a))) {
        times.set(address, (times.get(address) ?? 0) + 1);
        ids.set(address, (ids.get(address) ?? new Set()).add(mail.messageId!));
      }
    }
    return { times, ids, total: [...times.values()].reduce((a, b) => a + b, 0) };
  };

  /**
   * Each address got its one message; a second delivery only inside the documented window (the
   * row was claimed and not yet marked sent when the server died), and then as the same message
   * (the same Message-ID, which mail systems show once). Returns how many were delivered twice.
   */
  function expectDeliveredOnce(emails: string[], window: Set<string>) {
    const { times, ids } = deliveries(emails);
    expect(emails.filter((e) => !times.has(e))).toEqual([]);
    expect(emails.filter((e) => ids.get(e)!.size !== 1)).toEqual([]);
    const twice = emails.filter((e) => times.get(e)! > 1);
    expect(twice.filter((e) => !window.has(e) || times.get(e)! > 2)).toEqual([]);
    return twice.length;
  }

  it('loses and doubles nothing when the server is killed (SIGKILL) in the middle of a booking rush and started again', async () => {
    app = await startApp(port, env());
    const places = await upcomingSessions(3, 12);
    const crowd = await crowdWithTokens(120);
    const emails = crowd.map((p) => p.email);
    let answered = 0;
    let crash: Promise<{ committed: number; window: Set<string> }> | undefined;
    const deadline = Date.now() + 60_000;
    const outcomes = await inParallel(crowd, 24, async (person, i) => {
      const result = await bookUntilDone(places[i % places.length].id, person.token, deadline);
      // A third of the way through, with two dozen requests in flight, the server dies.
      if (++answered === 40) {
        crash = (async () => {
          await app!.crash();
          const [{ committed }] = await db.select({ committed: count() }).from(bookings).where(inArray(bookings.sessionId, places.map((s) => s.id)));
          const window = await claimedNotSent(emails);
          app = await startApp(port, env());
          return { committed, window };
        })();
      }
      return result;
    });
    const { committed, window } = await crash!;
    expect(outcomes.filter((o) => o.outcome === 'refused')).toEqual([]);
    // The claims of the killed server run out after five minutes: then anyone else sends them.
    await catchUpMail(emails, new Date(wallNow().getTime() + 6 * MINUTE));
    await waitUntilSent(emails);
    const state = await expectBookingsWhole(places.map((s) => s.id), crowd);
    expect(state.confirmed).toBe(36);
    const duplicates = expectDeliveredOnce(emails, window);
    const lostRequests = outcomes.filter((o) => o.lost > 0);
    const counts = {
      people: crowd.length,
      bookingsCommittedAtKill: committed,
      requestsWithoutAnswer: lostRequests.length,
      retriesAnsweredAlreadyBooked: outcomes.filter((o) => o.outcome === 'already').length,
      confirmed: state.confirmed,
      waitlisted: state.waitlisted,
      overbooked: state.overbooked,
      counterDrift: state.drift,
      mailDelivered: deliveries(emails).total,
      mailInDuplicateWindowAtKill: window.size,
      mailDeliveredTwice: duplicates,
    };
    console.log('Booking rush killed mid-way:', counts);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(crowd.length);
    // Someone's request was cut off by the kill, and every retry of one that had gone through was told so.
    expect(lostRequests.length).toBeGreaterThan(0);
    expect(lostRequests.every((o) => o.outcome === 'booked' || o.outcome === 'already')).toBe(true);
    await app.stop();
  }, 90_000);

  it('sends every due follow-up survey once when the dispatch and then the outbox send are killed mid-way', async () => {
    const size = 600;
    const now = wallNow();
    const { emails, bookingIds } = await attendedCrowd(db, size, new Date(now.getTime() - HOUR).toISOString());
    const surveysOf = () => db.select({ id: followUpSurveys.id, status: followUpSurveys.status }).from(followUpSurveys).where(inArray(followUpSurveys.bookingId, bookingIds));
    // Without SMTP_URL the job only queues the mail: the server sends it below.
    const withoutSmtp = { ...env(), SMTP_URL: undefined };

    // 1. The dispatch (batches of 100, each in one transaction with its mail) is killed after a batch.
    const dispatch = startJobs(withoutSmtp, ['run', 'send-follow-ups', '--now', now.toISOString()]);
    let sentAtKill = 0;
    for (const stop = Date.now() + 60_000; Date.now() < stop; await sleep(5)) {
      sentAtKill = (await surveysOf()).filter((s) => s.status === 'sent').length;
      if (sentAtKill > 0) break;
    }
    await dispatch.crash();
    const afterKill = await surveysOf();
    const queuedAtKill = await db.select({ n: count() }).from(outbox).where(inArray(outbox.to, emails));
    expect(afterKill.filter((s) => s.status === 'sent').length).toBeLessThan(size);
    // What went out was queued with it; what did not is still scheduled, to be sent by the next run.
    expect(queuedAtKill[0].n).toBe(afterKill.filter((s) => s.status === 'sent').length);

    // 2. Run again (a restart's next cron run): the rest go, and none a second time.
    const rerun = await runJobs(withoutSmtp, ['run', 'follow-ups', '--now', now.toISOString()]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await surveysOf()).filter((s) => s.status !== 'sent')).toEqual([]);
    const links = await db.select({ surveyId: followUpLinks.surveyId, n: count() }).from(followUpLinks).where(inArray(followUpLinks.surveyId, (await surveysOf()).map((s) => s.id))).groupBy(followUpLinks.surveyId);
    expect(links.filter((l) => l.n !== 1)).toEqual([]);
    expect(links).toHaveLength(size);
    const queued = await db.select({ to: outbox.to }).from(outbox).where(inArray(outbox.to, emails));
    expect(queued.map((q) => q.to).sort()).toEqual([...emails].sort());

    // 3. The server sends the outbox to a slow mail server and is killed a quarter of the way through.
    smtp.slow(10);
    app = await startApp(port, env());
    const before = smtp.received.length;
    // Any write request makes the server send what is waiting (as it would after a booking).
    await fetch(`${app.url}/api/v1/bookings/00000000-0000-4000-8000-000000000000`, { method: 'DELETE' });
    for (const stop = Date.now() + 60_000; smtp.received.length - before < size / 4 + 20 && Date.now() < stop; ) await sleep(5);
    await app.crash();
    smtp.slow(0);
    const deliveredAtKill = deliveries(emails);
    const window = await claimedNotSent(emails);
    const [{ markedSentAtKill }] = await db.select({ markedSentAtKill: count() }).from(outbox).where(and(inArray(outbox.to, emails), eq(outbox.status, 'sent')));

    // 4. Started again: it sends what nobody had claimed; the killed server's claims are sent when they run out.
    app = await startApp(port, env());
    await fetch(`${app.url}/api/v1/bookings/00000000-0000-4000-8000-000000000000`, { method: 'DELETE' });
    for (const stop = Date.now() + 30_000; Date.now() < stop; await sleep(100)) {
      const [{ n }] = await db.select({ n: count() }).from(outbox).where(and(inArray(outbox.to, emails), eq(outbox.status, 'pending'), isNull(outbox.claimedUntil)));
      if (n === 0) break;
    }
    await catchUpMail(emails, new Date(wallNow().getTime() + 6 * MINUTE));
    await waitUntilSent(emails);
    const duplicates = expectDeliveredOnce(emails, window);
    console.log('Follow-up dispatch and outbox send killed mid-way:', {
      surveysDue: size,
      surveysSentBeforeDispatchKill: sentAtKill,
      surveysSentInAll: (await surveysOf()).filter((s) => s.status === 'sent').length,
      mailDeliveredAtSendKill: deliveredAtKill.total,
      mailMarkedSentAtSendKill: markedSentAtKill,
      mailInDuplicateWindowAtKill: window.size,
      mailDelivered: deliveries(emails).total,
      surveysMailedTwice: duplicates,
    });
    expect(sentAtKill).toBeGreaterThan(0);
    expect(deliveredAtKill.times.size).toBeGreaterThan(0);
    expect(deliveredAtKill.times.size).toBeLessThan(size);
    await app.stop();
  }, 90_000);

  /**
   * 90 people book 3 sessions of 10 places through the API, 30 requests in flight, each retrying
   * after a 503 or no answer; `interrupt` runs once each time the answered reach a number in
   * `after`, and says what it did. Then: every request answered (a place, "already booked" after
   * a retry, or 503 with Retry-After, never a 500), nothing written by halves, the same process
   * carrying on, and each booking's email sent once.
   */
  async function rushThrough(label: string, after: number[], interrupt: () => Promise<string>) {
    app = await startApp(port, env());
    const pid = app.pid;
    const places = await upcomingSessions(3, 10);
    const crowd = await crowdWithTokens(90);
    let answered = 0;
    let done = false;
    const interruptions: string[] = [];
    const deadline = Date.now() + 60_000;
    const rush = inParallel(crowd, 30, async (person, i) => {
      const outcome = await bookUntilDone(places[i % places.length].id, person.token, deadline);
      answered++;
      return outcome;
    }).finally(() => (done = true));
    for (const count of after) {
      while (answered < count && !done) await sleep(2);
      if (done) break;
      interruptions.push(await interrupt());
    }
    const outcomes = await rush;
    const unavailable = outcomes.flatMap((o) => o.unavailable);
    console.log(`${label}:`, {
      people: crowd.length,
      interruptions,
      answered503: unavailable.length,
      whyWithoutAnswer: outcomes.flatMap((o) => o.lostBecause),
      retriesAnsweredAlreadyBooked: outcomes.filter((o) => o.outcome === 'already').length,
      otherAnswers: outcomes.filter((o) => o.outcome === 'refused').map((o) => `${o.status} ${o.body}`),
    });
    expect(outcomes.flatMap((o) => o.lostBecause), app.output().slice(-4000)).toEqual([]);
    expect(outcomes.filter((o) => o.outcome === 'refused')).toEqual([]);
    expect(interruptions).toHaveLength(after.length);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((value) => value === '5')).toBe(true);
    const state = await expectBookingsWhole(places.map((s) => s.id), crowd);
    expect(state.confirmed).toBe(30);
    // The same process carries on.
    expect(app.alive()).toBe(true);
    expect(app.pid).toBe(pid);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    // Each booking's email went once: sending while connections drop records what the mail
    // server took on a fresh connection rather than sending it again. (A claim whose answer was
    // lost is sent once its five minutes run out: the catch-up below.)
    const emails = crowd.map((p) => p.email);
    await catchUpMail(emails, new Date(wallNow().getTime() + 6 * MINUTE));
    await waitUntilSent(emails);
    expect(expectDeliveredOnce(emails, new Set())).toBe(0);
    await app.stop();
  }

  it('answers 503 with Retry-After, writes nothing by halves and recovers without a restart when the database drops its connections mid-rush', async () => {
    // Four times in the rush, every connection the app holds is ended, as a failover ends them.
    await rushThrough('Database connections ended mid-rush', [5, 25, 45, 65], async () => {
      const rows = await db.execute(sql`select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = current_database() and application_name = ${APP_NAME} and pid <> pg_backend_pid()`);
      return `${(rows as unknown as { ended: boolean }[]).filter((r) => r.ended).length} connections ended`;
    });
  }, 90_000);

  /** Runs `work` with the helpers above (and the server's environment) on another database. */
  async function onDatabase(other: OpenDatabase & { url?: string }, work: () => Promise<void>) {
    const saved = database;
    database = other;
    db = other.db;
    try {
      await work();
    } finally {
      database = saved;
      db = saved.db;
    }
  }

  it.skipIf(Boolean(privatePostgresUnavailable()))(
    'answers 503 with Retry-After while PostgreSQL itself restarts mid-rush, writes nothing by halves and carries on without a restart of its own',
    async () => {
      // A server of the test's own, since the shared one serves every other test file meanwhile.
      const server = await startPrivatePostgres(await freePort());
      const own = await createTestDatabase({ serverUrl: server.url });
      try {
        await onDatabase(own, async () => {
          await seed(db, 'partnership');
          // Twice in the rush, a fast restart: every connection is ended, and new ones are refused until it is back.
          await rushThrough('PostgreSQL restarted mid-rush', [10, 50], async () => {
            const began = Date.now();
            await server.restart();
            return `restarted in ${Date.now() - began} ms`;
          });
        });
      } finally {
        await own.close();
        await server.stop();
      }
    },
    120_000,
  );

  it('sends nothing twice when two instances run their schedulers side by side through a month', async () => {
    const demo = await createTestDatabase({ demo: true });
    try {
      const start = new Date(TEST_NOW).getTime();
      const end = start + 31 * DAY;
      // Follow-ups falling due through the month, on top of the demo's own bookings and surveys.
      await attendedCrowd(demo.db, 40, new Date(start + 3 * DAY).toISOString());
      await attendedCrowd(demo.db, 40, new Date(start + 12 * DAY).toISOString());
      const sentBefore = new Set((await demo.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'sent'))).map((r) => r.id));
      const receivedBefore = smtp.received.length;

      const instances = [1, 2].map(() => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/crash/stepped-scheduler.ts', new Date(start).toISOString(), new Date(end).toISOString(), '240'], {
          env: { ...appEnvironment(demo.url!, smtp.url), TMPDIR: tmpdir() },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        const waiters: (() => void)[] = [];
        child.stdout!.on('data', (chunk) => {
          out += chunk;
          waiters.splice(0).forEach((w) => w());
        });
        child.stderr!.on('data', (chunk) => (err += chunk));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const steps = () => (out.match(/^step \d+$/gm) ?? []).length;
        return {
          child,
          steps,
          err: () => err,
          totals: () => JSON.parse(out.match(/^totals (.*)$/m)?.[1] ?? '{}') as Record<string, number>,
          exited,
          async reached(n: number, stop: number) {
            while (steps() < n && child.exitCode === null) {
              if (Date.now() > stop) throw new Error(`An instance stopped at step ${steps()}: ${err}`);
              await new Promise<void>((resolve) => {
                waiters.push(resolve);
                setTimeout(resolve, 200);
              });
            }
            if (steps() < n) throw new Error(`An instance exited at step ${steps()}: ${err}`);
          },
        };
      });
      const totalSteps = (end - start) / (240 * MINUTE);
      const stop = Date.now() + 90_000;
      for (let n = 1; n <= totalSteps; n++) {
        await Promise.all(instances.map((i) => i.reached(n, stop)));
        for (const i of instances) i.child.stdin!.write('go\n');
      }
      const codes = await Promise.all(instances.map((i) => i.exited));
      expect(codes, instances.map((i) => i.err()).join('\n')).toEqual([0, 0]);
      // What the last step queued, sent as at the month's end (the next minute's run).
      const mailer = smtpMailer(smtp.url, 'RSCP training <training@rscp.example>');
      const last = await runJob('send-mail', { db: demo.db, mailer, config: testConfig({ demo: false }) }, new Date(end + MINUTE));
      mailer.close();

      const totals = instances.map((i) => i.totals());
      const sum = (key: string) => totals.reduce((t, x) => t + (x[key] ?? 0), 0);
      // Every message sent in the month reached the mail server exactly once.
      const sentNow = (await demo.db.select({ id: outbox.id, to: outbox.to, subject: outbox.subject }).from(outbox).where(eq(outbox.status, 'sent'))).filter((r) => !sentBefore.has(r.id));
      const received = smtp.received.slice(receivedBefore);
      const delivered = received.map((m) => `${(Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address} | ${m.subject}`);
      expect(delivered.sort()).toEqual(sentNow.map((r) => `${r.to} | ${r.subject}`).sort());
      // ...each as its own outbox row's message.
      expect(received.map((m) => /^<([^@]+)@/.exec(m.messageId ?? '')?.[1]).sort()).toEqual(sentNow.map((r) => r.id).sort());
      expect(await demo.db.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.status, 'pending'), sql`${outbox.nextAttemptAt} <= ${new Date(end).toISOString()}`))).toEqual([]);
      // Every survey due in the month went out, once, with at most the policy's reminders.
      const surveys = await demo.db.select().from(followUpSurveys);
      expect(surveys.filter((s) => s.dueAt.getTime() <= end && s.status === 'scheduled')).toEqual([]);
      const linkCounts = new Map((await demo.db.select({ surveyId: followUpLinks.surveyId, n: count() }).from(followUpLinks).groupBy(followUpLinks.surveyId)).map((l) => [l.surveyId, l.n]));
      const sentInMonth = surveys.filter((s) => s.sentAt && s.sentAt.getTime() > start);
      expect(sentInMonth.filter((s) => linkCounts.get(s.id) !== 1 + s.remindersSent || s.remindersSent > 2)).toEqual([]);
      expect(sum('send-follow-ups.sent')).toBe(sentInMonth.length);
      const [{ linksInMonth }] = await demo.db.select({ linksInMonth: count() }).from(followUpLinks).where(gt(followUpLinks.createdAt, new Date(start)));
      expect(sum('remind-follow-ups.reminded')).toBe(linksInMonth - sentInMonth.length);
      const [{ reminders }] = await demo.db.select({ reminders: count() }).from(sentReminders).where(gt(sentReminders.sentAt, new Date(start)));
      expect(sum('session-reminders.reminded')).toBe(reminders);
      // What the instances say they sent adds up to what was sent: no message counted by both.
      expect(sum('send-mail.sent') + last.sent).toBe(sentNow.length);
      console.log('Two instances through a simulated month:', {
        steps: totalSteps,
        surveysSent: sentInMonth.length,
        surveyReminders: linksInMonth - sentInMonth.length,
        surveysClosed: sum('close-follow-ups.closed'),
        sessionReminders: reminders,
        mailSent: sentNow.length,
        mailDelivered: delivered.length,
        sentTwice: received.length - new Set(received.map((m) => m.messageId)).size,
        byInstance: totals,
      });
    } finally {
      await demo.close();
    }
  }, 90_000);
});
