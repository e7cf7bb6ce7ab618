// Promise 3 under stress: surveys are sent once each whatever runs at the same time, a mail
// server that is down loses nothing, and a run missed while the app was down catches up.
// The two dispatchers are two connection pools, standing for two app instances, really running
// at once: on PostgreSQL only (PGlite would run them in turn and prove nothing).
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { followUpLinks, followUpSurveys, impactResponses, outbox } from '../../db/schema';
import { MINUTE } from '../../server/shared/clock';
import { answerImpactSurvey, closeExpiredFollowUps, sendDueFollowUps, sendFollowUpReminders, surveyByToken } from '../../server/follow-ups/service';
import { smtpMailer } from '../../server/mail/mailer';
import { CLEARED_TEXT, retryDelay, sendDueMail } from '../../server/mail/outbox';
import { seed } from '../support/app';
import { attendedCrowd as makeCrowd } from '../support/crowd';
import { createTestDatabase, racesRun, secondInstance } from '../support/database';
import { bookingScope } from '../support/fixtures';
import { startSmtpPeer } from '../support/smtp';
import { countedFrom } from './helpers';
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

/**
 * `size` people whose surveys fall due on a day of the test's own: jobs run over the whole
 * partnership, so each test counts only its own surveys and mail, whatever ran before it.
 */
async function attendedCrowd(size: number, dueOn: string) {
  const due = `${dueOn}T09:00:00Z`;
  return { ...(await makeCrowd(database.db, size, due)), due, after: countedFrom(due) };
}

/** The one address a received message was sent to. */
const recipient = (m: { to?: { text: string } | { text: string }[] }) => (Array.isArray(m.to) ? m.to[0]?.text : m.to?.text) ?? '';
const outboxTo = (emails: string[]) => database.db.select().from(outbox).where(inArray(outbox.to, emails));
const surveyRows = (bookingIds: string[]) => database.db.select().from(followUpSurveys).where(inArray(followUpSurveys.bookingId, bookingIds));

describe.skipIf(!racesRun)('two dispatchers at once (races need separate connections: PostgreSQL only)', () => {
  it('send each of 1,000 due surveys exactly once, and two mail senders deliver each exactly once', async () => {
    const { emails, bookingIds, after } = await attendedCrowd(1000, '2027-03-01');
    const scopes = await Promise.all(instances.map((db) => scopeAt(db, after(0))));
    // Small batches, so the two interleave many times.
    const results = await Promise.all(scopes.map((s) => sendDueFollowUps(s, { batch: 25 })));
    expect(results[0].sent + results[1].sent).toBeGreaterThanOrEqual(1000);
    expect(Math.min(results[0].sent, results[1].sent)).toBeGreaterThan(0); // both took a share

    const queued = await outboxTo(emails);
    expect(queued).toHaveLength(1000);
    expect(new Set(queued.map((m) => m.to)).size).toBe(1000);
    expect((await surveyRows(bookingIds)).every((s) => s.status === 'sent')).toBe(true);
    const [{ links }] = await database.db.select({ links: count() }).from(followUpLinks).innerJoin(followUpSurveys, eq(followUpSurveys.id, followUpLinks.surveyId)).where(inArray(followUpSurveys.bookingId, bookingIds));
    expect(links).toBe(1000);

    // Nothing of theirs is left for a third run.
    await sendDueFollowUps(scopes[0]);
    expect(await outboxTo(emails)).toHaveLength(1000);

    const smtp = await startSmtpPeer();
    try {
      const mailers = instances.map(() => smtpMailer(smtp.url, 'RSCP training <training@rscp.example>'));
      const now = new Date(after(0));
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

describe.skipIf(!racesRun)('reminding and closing in two instances at once (races need separate connections: PostgreSQL only)', () => {
  it('reminds each survey once and closes each once, whichever instance gets it', async () => {
    const { emails, bookingIds, after } = await attendedCrowd(200, '2027-03-08');
    await sendDueFollowUps(await scopeAt(database.db, after(0)));
    const both = (when: string) => Promise.all(instances.map((db) => scopeAt(db, when)));
    const reminded = await Promise.all((await both(after(14))).map((s) => sendFollowUpReminders(s, { batch: 10 })));
    expect(Math.min(...reminded.map((r) => r.reminded))).toBeGreaterThan(0); // both took a share
    const reminders = (await outboxTo(emails)).filter((m) => m.subject.startsWith('Reminder'));
    expect(reminders.map((m) => m.to).sort()).toEqual([...emails].sort());
    expect((await surveyRows(bookingIds)).every((s) => s.status === 'reminded' && s.remindersSent === 1)).toBe(true);

    // Both close at the same moment, and at that moment neither reminds any more.
    const closing = await both(after(42));
    const [closed] = await Promise.all([Promise.all(closing.map((s) => closeExpiredFollowUps(s))), Promise.all(closing.map((s) => sendFollowUpReminders(s)))]);
    expect(closed[0].closed + closed[1].closed).toBeGreaterThanOrEqual(200);
    expect((await surveyRows(bookingIds)).every((s) => s.status === 'closed' && s.closedAt?.toISOString() === after(42) && s.remindersSent === 1)).toBe(true);
    expect((await outboxTo(emails)).filter((m) => m.subject.startsWith('Reminder'))).toHaveLength(200);
  }, 60_000);

  it('keeps an answer given while its reminder is being sent: answered, and reminded no more', async () => {
    const { emails, bookingIds, after } = await attendedCrowd(40, '2027-03-09');
    await sendDueFollowUps(await scopeAt(database.db, after(0)));
    const answering = await scopeAt(second!.db, after(14));
    const found = await Promise.all(
      emails.map(async (email) => {
        const [mail] = await outboxTo([email]);
        return (await surveyByToken(answering, mail.text.match(/\/follow-up\/([a-z2-7]{32})/)![1]))!;
      }),
    );
    const answers = { practiceChanged: 'no', outcomeImproved: 'no', sharedLearning: 'no', confidenceNow: 7, competencies: {}, quotationConsent: 'no' } as const;
    const [, ...answered] = await Promise.allSettled([
      sendFollowUpReminders(await scopeAt(database.db, after(14)), { batch: 5 }),
      ...found.map((survey) => answerImpactSurvey(answering, survey, answers)),
    ]);
    expect(answered.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const rows = await surveyRows(bookingIds);
    expect(rows.every((s) => s.status === 'answered' && s.nextReminderAt === null)).toBe(true);
    const responses = await database.db.select().from(impactResponses).where(inArray(impactResponses.surveyId, rows.map((s) => s.id)));
    expect(responses).toHaveLength(40);
    // A reminder may have gone just before the answer, never more than one; none after it.
    const reminded = (await outboxTo(emails)).filter((m) => m.subject.startsWith('Reminder')).map((m) => m.to);
    expect(new Set(reminded).size).toBe(reminded.length);
    const remindersNow = reminded.length;
    await sendFollowUpReminders(await scopeAt(database.db, after(28)));
    expect((await outboxTo(emails)).filter((m) => m.subject.startsWith('Reminder'))).toHaveLength(remindersNow);
  });
});

describe('a dispatcher that dies', () => {
  it('leaves the surveys of a run that dies before committing to the next run, with nothing queued', async () => {
    const { emails, bookingIds, after } = await attendedCrowd(10, '2027-03-02');
    // An instance claims a batch, makes its links and queues its mail, then dies before the
    // commit: its transaction rolls back, and with it the claim.
    const dying: ServiceContext = {
      ...(await scopeAt(database.db, after(0))),
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
    await sendDueFollowUps(await scopeAt(database.db, after(0, 0.25)));
    expect((await surveyRows(bookingIds)).map((s) => [s.status, s.sentAt])).toEqual(bookingIds.map(() => ['sent', new Date(after(0, 0.25))]));
    expect(await outboxTo(emails)).toHaveLength(10);
  });
});

describe('a mail server that is down', () => {
  it('loses nothing: every survey arrives once after it recovers', async () => {
    const { emails, bookingIds, due, after } = await attendedCrowd(20, '2027-03-03');
    const smtp = await startSmtpPeer();
    const mailer = smtpMailer(smtp.url, 'RSCP training <training@rscp.example>');
    try {
      smtp.refuse(true);
      let now = new Date(after(0));
      await sendDueFollowUps(await scopeAt(database.db, now.toISOString()));
      expect((await surveyRows(bookingIds)).every((s) => s.status === 'sent')).toBe(true);
      /** This test's mail in the outbox: how many are in each state, after how many attempts. */
      const ours = async () => (await outboxTo(emails)).map((m) => `${m.status} after ${m.attempts}`);
      // The mail server refuses for three attempts; each retry waits longer.
      for (let attempt = 1; attempt <= 3; attempt++) {
        await sendDueMail({ db: database.db, mailer }, now);
        expect(await ours()).toEqual(emails.map(() => `pending after ${attempt}`));
        now = new Date(now.getTime() + retryDelay(attempt) - MINUTE / 2);
        await sendDueMail({ db: database.db, mailer }, now); // not yet due again
        expect(await ours()).toEqual(emails.map(() => `pending after ${attempt}`));
        now = new Date(now.getTime() + MINUTE / 2);
      }
      expect(smtp.received.filter((m) => emails.includes(recipient(m)))).toHaveLength(0);
      smtp.refuse(false);
      await sendDueMail({ db: database.db, mailer }, now);
      expect(await ours()).toEqual(emails.map(() => 'sent after 4'));
      await sendDueMail({ db: database.db, mailer }, new Date(now.getTime() + 2 * 60 * MINUTE));
      mailer.close();
      // The mailer has hung up, so what arrived is all that will.
      const received = (await smtp.allReceived()).filter((m) => emails.includes(recipient(m)));
      expect(received.map((m) => recipient(m)).sort()).toEqual([...emails].sort());
      expect(received.every((m) => /\/follow-up\/[a-z2-7]{32}/.test(String(m.text)))).toBe(true);
      // The surveys went out once; the retries were the outbox's, not new surveys or new links.
      expect((await surveyRows(bookingIds)).every((s) => s.status === 'sent' && s.sentAt?.toISOString() === new Date(due).toISOString())).toBe(true);
      expect(await outboxTo(emails)).toHaveLength(20);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});

describe('an app that was down', () => {
  it('catches up on the next run: surveys due while it was down go out with their full time to answer', async () => {
    const { bookingIds, after } = await attendedCrowd(5, '2027-03-04');
    // Down from before the due date until ten days after it.
    const back = after(10);
    await sendDueFollowUps(await scopeAt(database.db, back));
    for (const survey of await surveyRows(bookingIds)) expect(survey).toMatchObject({ status: 'sent', sentAt: new Date(back), closesAt: new Date(after(52)), nextReminderAt: new Date(after(24)) });
  });

  it('sends one reminder, not two, after being down across both reminder days', async () => {
    const { emails, bookingIds, after } = await attendedCrowd(5, '2027-03-05');
    await sendDueFollowUps(await scopeAt(database.db, after(0)));
    // Down from day 1 to day 30: the 14-day and 28-day reminders both fell due meanwhile.
    for (const when of [after(30), after(30, 1), after(41)]) await sendFollowUpReminders(await scopeAt(database.db, when));
    for (const survey of await surveyRows(bookingIds)) expect(survey).toMatchObject({ status: 'reminded', remindersSent: 2, nextReminderAt: null });
    for (const email of emails) {
      const mail = await database.db.select().from(outbox).where(eq(outbox.to, email)).orderBy(outbox.createdAt);
      expect(mail.map((m) => m.subject.startsWith('Reminder'))).toEqual([false, true]);
    }
  });
});
