// Promise 3 under stress: surveys are sent once each whatever runs at the same time, a mail
// server that is down loses nothing, and a run missed while the app was down catches up.
// The two dispatchers are two connection pools, standing for two app instances, really running
// at once: on PostgreSQL only (PGlite would run them in turn and prove nothing).
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { followUpLinks, followUpSurveys, outbox } from '../../db/schema';
import { MINUTE } from '../../server/shared/clock';
import { sendDueFollowUps, sendFollowUpReminders } from '../../server/follow-ups/service';
import { smtpMailer } from '../../server/mail/mailer';
import { CLEARED_TEXT, retryDelay, sendDueMail } from '../../server/mail/outbox';
import { seed } from '../support/app';
import { attendedCrowd as makeCrowd } from '../support/crowd';
import { createTestDatabase, racesRun, secondInstance } from '../support/database';
import { bookingScope } from '../support/fixtures';
import { startSmtpPeer } from '../support/smtp';
import { afterDue, DUE } from './helpers';
import type { ServiceContext } from '../../server/shared/context';

let database: OpenDatabase & { url?: string };
let second: OpenDatabase | undefined;
/** The database as each app instance sees it: two pools, on PostgreSQL. */
let instances: OpenDatabase['db'][];

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  if (racesRun) second = secondInstance(database);
  instances = second ? [database.db, second.db] : [];
});
afterAll(async () => {
  await second?.close();
  await database.close();
});

const scopeAt = async (db: OpenDatabase['db'], when: string): Promise<ServiceContext> => ({ ...(await bookingScope(database.db, when)), db });

const attendedCrowd = (size: number) => makeCrowd(database.db, size, DUE);

/** The one address a received message was sent to. */
const recipient = (m: { to?: { text: string } | { text: string }[] }) => (Array.isArray(m.to) ? m.to[0]?.text : m.to?.text) ?? '';
const outboxTo = (emails: string[]) => database.db.select().from(outbox).where(inArray(outbox.to, emails));
const surveyRows = (bookingIds: string[]) => database.db.select().from(followUpSurveys).where(inArray(followUpSurveys.bookingId, bookingIds));

describe.skipIf(!racesRun)('two dispatchers at once (races need separate connections: PostgreSQL only)', () => {
  it('send each of 1,000 due surveys exactly once, and two mail senders deliver each exactly once', async () => {
    const { emails, bookingIds } = await attendedCrowd(1000);
    const scopes = await Promise.all(instances.map((db) => scopeAt(db, afterDue(0))));
    // Small batches, so the two interleave many times.
    const results = await Promise.all(scopes.map((s) => sendDueFollowUps(s, { batch: 25 })));
    expect(results[0].sent + results[1].sent).toBe(1000);
    expect(Math.min(results[0].sent, results[1].sent)).toBeGreaterThan(0); // both took a share

    const queued = await outboxTo(emails);
    expect(queued).toHaveLength(1000);
    expect(new Set(queued.map((m) => m.to)).size).toBe(1000);
    expect((await surveyRows(bookingIds)).every((s) => s.status === 'sent')).toBe(true);
    const [{ links }] = await database.db.select({ links: count() }).from(followUpLinks).innerJoin(followUpSurveys, eq(followUpSurveys.id, followUpLinks.surveyId)).where(inArray(followUpSurveys.bookingId, bookingIds));
    expect(links).toBe(1000);

    // Nothing is left for a third run.
    expect(await sendDueFollowUps(scopes[0])).toEqual({ sent: 0 });

    const smtp = await startSmtpPeer();
    try {
      const mailers = instances.map(() => smtpMailer(smtp.url, 'RSCP training <training@rscp.example>'));
      const now = new Date(afterDue(0));
      const sent = await Promise.all(instances.map((db, i) => sendDueMail({ db, mailer: mailers[i] }, now, 25)));
      mailers.forEach((m) => m.close());
      expect(sent.reduce((sum, r) => sum + r.sent, 0)).toBeGreaterThanOrEqual(1000);
      // Both mailers have hung up, so what arrived is all that will: none can come twice later.
      const received = (await smtp.allReceived(20_000)).filter((m) => emails.includes(recipient(m)));
      const perRecipient = new Map<string, number>();
      for (const m of received) perRecipient.set(recipient(m), (perRecipient.get(recipient(m)) ?? 0) + 1);
      expect(perRecipient.size).toBe(1000);
      expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
      // Once the mail server has them, the links exist only in people's inboxes.
      expect((await outboxTo(emails)).every((m) => m.status === 'sent' && m.text === CLEARED_TEXT)).toBe(true);
    } finally {
      await smtp.close();
    }
  }, 120_000);
});

describe('a dispatcher that dies', () => {
  it('leaves the surveys of a run that dies before committing to the next run, with nothing queued', async () => {
    const { emails, bookingIds } = await attendedCrowd(10);
    // An instance claims a batch, makes its links and queues its mail, then dies before the
    // commit: its transaction rolls back, and with it the claim.
    const dying: ServiceContext = {
      ...(await scopeAt(database.db, afterDue(0))),
      db: new Proxy(database.db, {
        get: (target, key) =>
          key === 'transaction'
            ? (work: (tx: unknown) => Promise<unknown>) =>
                target.transaction(async (tx) => {
                  await work(tx);
                  throw new Error('the instance died');
                })
            : Reflect.get(target, key),
      }),
    };
    await expect(sendDueFollowUps(dying)).rejects.toThrow('the instance died');
    expect((await surveyRows(bookingIds)).every((s) => s.status === 'scheduled')).toBe(true);
    expect(await outboxTo(emails)).toHaveLength(0);
    expect(await sendDueFollowUps(await scopeAt(database.db, afterDue(0, 0.25)))).toEqual({ sent: 10 });
    expect(await outboxTo(emails)).toHaveLength(10);
  });
});

describe('a mail server that is down', () => {
  it('loses nothing: every survey arrives once after it recovers', async () => {
    await database.db.delete(outbox); // other tests' mail, so the sender's counts are this test's
    const { emails, bookingIds } = await attendedCrowd(20);
    const smtp = await startSmtpPeer();
    const mailer = smtpMailer(smtp.url, 'RSCP training <training@rscp.example>');
    try {
      smtp.refuse(true);
      let now = new Date(afterDue(0));
      expect(await sendDueFollowUps(await scopeAt(database.db, now.toISOString()))).toEqual({ sent: 20 });
      // The mail server refuses for three attempts; each retry waits longer.
      for (let attempt = 1; attempt <= 3; attempt++) {
        const result = await sendDueMail({ db: database.db, mailer }, now);
        expect(result).toMatchObject({ sent: 0, failed: 20 });
        now = new Date(now.getTime() + retryDelay(attempt) - MINUTE / 2);
        expect(await sendDueMail({ db: database.db, mailer }, now)).toMatchObject({ sent: 0, failed: 0 }); // not yet due again
        now = new Date(now.getTime() + MINUTE / 2);
      }
      expect(smtp.received.filter((m) => emails.includes(recipient(m)))).toHaveLength(0);
      smtp.refuse(false);
      expect(await sendDueMail({ db: database.db, mailer }, now)).toMatchObject({ sent: 20, failed: 0 });
      expect(await sendDueMail({ db: database.db, mailer }, new Date(now.getTime() + 2 * 60 * MINUTE))).toMatchObject({ sent: 0 });
      const received = (await smtp.waitFor(20)).filter((m) => emails.includes(recipient(m)));
      expect(received.map((m) => recipient(m)).sort()).toEqual([...emails].sort());
      expect(received.every((m) => /\/follow-up\/[a-z2-7]{32}/.test(String(m.text)))).toBe(true);
      // The surveys went out once; the retries were the outbox's, not new surveys or new links.
      expect((await surveyRows(bookingIds)).every((s) => s.status === 'sent' && s.sentAt?.toISOString() === new Date(DUE).toISOString())).toBe(true);
      expect(await outboxTo(emails)).toHaveLength(20);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});

describe('an app that was down', () => {
  it('catches up on the next run: surveys due while it was down go out with their full time to answer', async () => {
    const { bookingIds } = await attendedCrowd(5);
    // Down from before the due date until ten days after it.
    const back = afterDue(10);
    expect(await sendDueFollowUps(await scopeAt(database.db, back))).toEqual({ sent: 5 });
    const [survey] = await surveyRows(bookingIds);
    expect(survey).toMatchObject({ status: 'sent', sentAt: new Date(back), closesAt: new Date(afterDue(52)), nextReminderAt: new Date(afterDue(24)) });
  });

  it('sends one reminder, not two, after being down across both reminder days', async () => {
    const { emails, bookingIds } = await attendedCrowd(5);
    await sendDueFollowUps(await scopeAt(database.db, afterDue(0)));
    // Down from day 1 to day 30: the 14-day and 28-day reminders both fell due meanwhile.
    for (const when of [afterDue(30), afterDue(30, 1), afterDue(41)]) await sendFollowUpReminders(await scopeAt(database.db, when));
    for (const survey of await surveyRows(bookingIds)) expect(survey).toMatchObject({ status: 'reminded', remindersSent: 2, nextReminderAt: null });
    for (const email of emails) {
      const mail = await database.db.select().from(outbox).where(eq(outbox.to, email)).orderBy(outbox.createdAt);
      expect(mail.map((m) => m.subject.startsWith('Reminder'))).toEqual([false, true]);
    }
  });
});
