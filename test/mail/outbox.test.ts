import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { outbox, partnerships } from '../../db/schema';
import { MINUTE } from '../../server/shared/clock';
import { smtpMailer } from '../../server/mail/mailer';
import { CLEARED_FAILED_TEXT, CLEARED_TEXT, queueMail, retryDelay, sendDueMail } from '../../server/mail/outbox';
import { createTestDatabase, racesRun, secondInstance } from '../support/database';
import { seed } from '../support/app';
import { startSmtpPeer } from '../support/smtp';

let database: OpenDatabase & { url?: string };
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let partnershipId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  [{ id: partnershipId }] = await database.db.select({ id: partnerships.id }).from(partnerships);
});
afterAll(() => database.close());
beforeEach(async () => {
  smtp = await startSmtpPeer();
  await database.db.delete(outbox);
});
afterEach(() => smtp.close());

const mailer = () => smtpMailer(smtp.url, 'RSCP training <training@rscp.example>');
const queue = (count: number) =>
  database.db.transaction((tx) =>
    queueMail(tx, { partnershipId, now: new Date('2026-11-23T10:00:00Z') }, Array.from({ length: count }, (_, i) => ({ to: `person${i}@partner.example`, subject: `Message ${i}`, text: `Hello ${i}` }))),
  );

describe('the outbox', () => {
  it('queues mail only if the transaction commits', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await queueMail(tx, { partnershipId, now: new Date('2026-11-23T10:00:00Z') }, { to: 'a@partner.example', subject: 'Never', text: 'x' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await database.db.select().from(outbox)).toEqual([]);
  });

  it('sends each message once through a real SMTP server, with attachments', async () => {
    await database.db.transaction((tx) =>
      queueMail(tx, { partnershipId, now: new Date('2026-11-23T10:00:00Z') }, { to: 'ics@partner.example', subject: 'Invite', text: 'See attached', attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }] }),
    );
    await queue(3);
    const now = new Date('2026-11-23T10:00:00Z');
    const m = mailer();
    expect(await sendDueMail({ db: database.db, mailer: m }, now)).toEqual({ sent: 4, failed: 0, gaveUp: 0 });
    expect(await sendDueMail({ db: database.db, mailer: m }, now)).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
    m.close();
    await smtp.waitFor(4);
    expect(smtp.received.map((r) => r.subject).sort()).toEqual(['Invite', 'Message 0', 'Message 1', 'Message 2']);
    const invite = smtp.received.find((r) => r.subject === 'Invite')!;
    expect(invite.attachments[0].filename).toBe('invite.ics');
    expect(invite.from?.text).toContain('training@rscp.example');
    const rows = await database.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent' && r.sentAt && r.attempts === 1)).toBe(true);
  });

  it('marks a whole batch sent at once, clearing only the texts that held a personal link', async () => {
    await queue(3);
    await database.db.transaction((tx) =>
      queueMail(tx, { partnershipId, now: new Date('2026-11-23T10:00:00Z') }, { to: 'linked@partner.example', subject: 'Your sign-in link', text: 'https://training.example/sign-in/secret', clearAfterSending: true }),
    );
    const m = mailer();
    expect(await sendDueMail({ db: database.db, mailer: m }, new Date('2026-11-23T10:00:00Z'), 2)).toEqual({ sent: 4, failed: 0, gaveUp: 0 });
    m.close();
    await smtp.waitFor(4);
    expect(smtp.received.find((r) => r.subject === 'Your sign-in link')!.text).toContain('/sign-in/secret');
    const rows = await database.db.select().from(outbox).orderBy(outbox.subject);
    expect(rows.map((r) => [r.subject, r.status, r.attempts, r.text, r.claimedUntil])).toEqual([
      ['Message 0', 'sent', 1, 'Hello 0', null],
      ['Message 1', 'sent', 1, 'Hello 1', null],
      ['Message 2', 'sent', 1, 'Hello 2', null],
      ['Your sign-in link', 'sent', 1, CLEARED_TEXT, null],
    ]);
  });

  it('retries with back-off while the mail server refuses, and loses nothing', async () => {
    await queue(5);
    const m = mailer();
    let now = new Date('2026-11-23T10:00:00Z');
    smtp.refuse(true);
    expect(await sendDueMail({ db: database.db, mailer: m }, now)).toEqual({ sent: 0, failed: 5, gaveUp: 0 });
    let rows = await database.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 1 && r.lastError)).toBe(true);
    expect(rows.every((r) => +r.nextAttemptAt === +now + retryDelay(1))).toBe(true);

    // Not due yet: nothing is tried.
    expect(await sendDueMail({ db: database.db, mailer: m }, new Date(+now + 30_000))).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
    now = new Date(+now + retryDelay(1));
    expect((await sendDueMail({ db: database.db, mailer: m }, now)).failed).toBe(5);
    rows = await database.db.select().from(outbox);
    expect(rows.every((r) => r.attempts === 2 && +r.nextAttemptAt === +now + 2 * MINUTE)).toBe(true);

    smtp.refuse(false);
    now = new Date(+now + retryDelay(2));
    expect(await sendDueMail({ db: database.db, mailer: m }, now)).toEqual({ sent: 5, failed: 0, gaveUp: 0 });
    m.close();
    await smtp.waitFor(5);
    expect(smtp.received.map((r) => r.subject).sort()).toEqual(['Message 0', 'Message 1', 'Message 2', 'Message 3', 'Message 4']);
  });

  it('caps the back-off at an hour and gives up after ten attempts, keeping the message for a person to see but not its personal link', async () => {
    expect([1, 2, 3, 7, 8, 20].map((a) => retryDelay(a) / MINUTE)).toEqual([1, 2, 4, 60, 60, 60]);
    await queue(1);
    await database.db.transaction((tx) =>
      queueMail(tx, { partnershipId, now: new Date('2026-11-23T10:00:00Z') }, { to: 'linked@partner.example', subject: 'Your sign-in link', text: 'https://training.example/sign-in/secret', clearAfterSending: true }),
    );
    smtp.refuse(true);
    const m = mailer();
    let now = new Date('2026-11-23T10:00:00Z');
    for (let i = 0; i < 10; i++) {
      await sendDueMail({ db: database.db, mailer: m }, now);
      now = new Date(+now + 61 * MINUTE);
    }
    m.close();
    const rows = await database.db.select().from(outbox).orderBy(outbox.subject);
    expect(rows.map((r) => [r.subject, r.status, r.attempts, r.text])).toEqual([
      ['Message 0', 'failed', 10, 'Hello 0'],
      ['Your sign-in link', 'failed', 10, CLEARED_FAILED_TEXT],
    ]);
  });

  it('leaves a claimed message to be sent again once the claim expires (a sender that died)', async () => {
    await queue(1);
    const now = new Date('2026-11-23T10:00:00Z');
    const [row] = await database.db.select().from(outbox);
    await database.db.update(outbox).set({ claimedUntil: new Date(+now + 5 * MINUTE) }).where(eq(outbox.id, row.id));
    const m = mailer();
    expect((await sendDueMail({ db: database.db, mailer: m }, now)).sent).toBe(0);
    expect((await sendDueMail({ db: database.db, mailer: m }, new Date(+now + 5 * MINUTE))).sent).toBe(1);
    m.close();
    await smtp.waitFor(1);
  });
});

describe.skipIf(!racesRun)('two senders at once (races need separate connections: PostgreSQL only)', () => {
  let other: OpenDatabase;
  beforeAll(() => {
    other = secondInstance(database);
  });
  afterAll(() => other.close());

  it('never gives one message to two senders running at once', async () => {
    await queue(40);
    const now = new Date('2026-11-23T10:00:00Z');
    const [a, b] = [mailer(), mailer()];
    const results = await Promise.all([sendDueMail({ db: database.db, mailer: a }, now, 5), sendDueMail({ db: other.db, mailer: b }, now, 5)]);
    a.close();
    b.close();
    expect(results[0].sent + results[1].sent).toBe(40);
    // Both mailers have hung up, so nothing else can arrive: each message came exactly once.
    expect(await smtp.allReceived()).toHaveLength(40);
    expect(new Set(smtp.received.map((r) => r.subject)).size).toBe(40);
  });
});
