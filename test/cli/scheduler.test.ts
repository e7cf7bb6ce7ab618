// The node-cron scheduler itself, on fake timers (node-cron's timers and the Date it reads): the
// outbox is sent every minute, and the quarter-hour jobs (approvals, reminders, follow-ups) run on
// the quarter hours and not between; once stopped, nothing more runs. What ran is read from the
// database, as the jobs left it. The database is its own embedded PGlite on either pass: the
// fake timers would stop a PostgreSQL driver's own timers, and the engine is not what is tested.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { openPglite } from '../../db/pglite';
import { followUpSurveys, outbox, partnerships } from '../../db/schema';
import { startScheduler } from '../../jobs/scheduler';
import { captureMailer, type Mailer } from '../../server/mail/mailer';
import { systemClock } from '../../server/shared/clock';
import { seed, testConfig } from '../support/app';
import { attendedCrowd } from '../support/crowd';

let database: OpenDatabase;
let partnershipId: string;
beforeAll(async () => {
  database = await openPglite();
  await migrate(database);
  await seed(database.db, 'partnership');
  [{ id: partnershipId }] = await database.db.select({ id: partnerships.id }).from(partnerships);
});
afterAll(() => database.close());
afterEach(() => {
  vi.useRealTimers();
});

/** Waits, in real time and without moving the fake clock, until `done` says the run has left its mark. */
async function until(done: () => Promise<boolean>, what: string) {
  const deadline = process.hrtime.bigint() + 20_000_000_000n;
  while (!(await done())) {
    if (process.hrtime.bigint() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const mailRow = async (id: string) => (await database.db.select().from(outbox).where(eq(outbox.id, id)))[0];
/** A message in the outbox, due to be sent from `due`. */
const queueMessage = async (to: string, subject: string, due: Date) =>
  (await database.db.insert(outbox).values({ partnershipId, to, subject, text: 'Hello', nextAttemptAt: due }).returning({ id: outbox.id }))[0];
/** node-cron's timers and the Date it reads, faked from `now`. */
const fakeClockAt = (now: string) => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: new Date(now) });
const surveys = (bookingIds: string[]) => database.db.select().from(followUpSurveys).where(inArray(followUpSurveys.bookingId, bookingIds));

describe('the scheduler', () => {
  it('sends the outbox every minute, runs the follow-ups on the quarter hour and not between, and stops', async () => {
    // A winter morning, when London's time is UTC.
    fakeClockAt('2027-01-12T09:58:30Z');
    const queued = await queueMessage('someone@partner.example', 'Queued', new Date('2027-01-12T09:58:00Z'));
    const crowd = await attendedCrowd(database.db, 3, '2027-01-12T09:50:00Z');
    const scheduler = startScheduler({ db: database.db, mailer: captureMailer, config: testConfig(), clock: systemClock });
    try {
      // 09:59: the minute's run sends the outbox; the follow-ups wait for the quarter hour.
      await vi.advanceTimersByTimeAsync(30_000);
      await until(async () => (await mailRow(queued.id)).status === 'sent', 'the outbox at 09:59');
      expect((await mailRow(queued.id)).sentAt).toEqual(new Date('2027-01-12T09:59:00Z'));
      expect((await surveys(crowd.bookingIds)).map((s) => s.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);

      // 10:00: the quarter hour's run sends the surveys that fell due at 09:50.
      await vi.advanceTimersByTimeAsync(60_000);
      await until(async () => (await surveys(crowd.bookingIds)).every((s) => s.status === 'sent'), 'the follow-ups at 10:00');
      expect((await surveys(crowd.bookingIds)).map((s) => s.sentAt)).toEqual(crowd.bookingIds.map(() => new Date('2027-01-12T10:00:00Z')));
      // ... whose invitations the outbox sends by the next minute.
      await vi.advanceTimersByTimeAsync(60_000);
      const invitations = () => database.db.select().from(outbox).where(inArray(outbox.to, crowd.emails));
      await until(async () => (await invitations()).every((m) => m.status === 'sent'), 'the invitations by 10:01');
      expect((await invitations()).map((m) => m.sentAt!.getTime() <= Date.parse('2027-01-12T10:01:00Z'))).toEqual([true, true, true]);

      // Surveys falling due at 10:05 wait, through ten minutes of the minute's runs, for 10:15.
      const later = await attendedCrowd(database.db, 2, '2027-01-12T10:05:00Z');
      for (let minute = 2; minute <= 14; minute++) {
        const marker = await queueMessage('marker@partner.example', `Minute ${minute}`, new Date(Date.now()));
        await vi.advanceTimersByTimeAsync(60_000);
        await until(async () => (await mailRow(marker.id)).status === 'sent', `the outbox at 10:${String(minute).padStart(2, '0')}`);
        expect((await surveys(later.bookingIds)).map((s) => s.status)).toEqual(['scheduled', 'scheduled']);
      }
      await vi.advanceTimersByTimeAsync(60_000);
      await until(async () => (await surveys(later.bookingIds)).every((s) => s.status === 'sent'), 'the follow-ups at 10:15');
      expect((await surveys(later.bookingIds))[0].sentAt).toEqual(new Date('2027-01-12T10:15:00Z'));
    } finally {
      await scheduler.stop();
    }

    // Stopped: an hour passes and nothing runs.
    const left = await queueMessage('after@partner.example', 'After stopping', new Date(Date.now()));
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
    expect((await mailRow(left.id)).status).toBe('pending');
  }, 60_000);

  it('when stopped, waits for a run under way to end before saying it has stopped', async () => {
    fakeClockAt('2027-01-12T11:00:30Z');
    const queued = await queueMessage('slow@partner.example', 'Slow', new Date('2027-01-12T11:00:00Z'));
    // A mail server that takes messages only when the test says so.
    const waiting: (() => void)[] = [];
    let sending = false;
    const slowMailer: Mailer = {
      kind: 'smtp',
      send: () => ((sending = true), new Promise<void>((resolve) => waiting.push(resolve))),
      close: () => {},
    };
    const scheduler = startScheduler({ db: database.db, mailer: slowMailer, config: testConfig(), clock: systemClock });
    await vi.advanceTimersByTimeAsync(30_000);
    await until(async () => sending, 'the 11:01 run to start sending');

    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);

    waiting.forEach((accept) => accept());
    await stopping;

    expect((await mailRow(queued.id)).status).toBe('sent');
  }, 60_000);
});
