import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookingApprovals, bookings, outbox, people, sessions } from '../../db/schema';
import { bookPlace, cancelBooking, cancelSession, changeCapacity, decideApproval, lapseApprovals, moveBooking } from '../../server/bookings/service';
import { sendSessionReminders } from '../../server/bookings/reminders';
import { DAY, HOUR } from '../../server/shared/clock';
import type { ErrorCode } from '../../server/shared/errors';
import { createTestDatabase } from '../support/database';
import { makePerson, seed } from '../support/app';
import { bookingScope, makeSession } from '../support/fixtures';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

const practitioner = (id: string) => ({ id, roles: ['practitioner' as const] });
const coordinator = (id: string) => ({ id, roles: ['coordinator' as const, 'practitioner' as const] });
const mailTo = async (email: string) => database.db.select().from(outbox).where(eq(outbox.to, email));
/** A domain error of this kind whose message says this: any other failure is not the refusal meant. */
const refused = (code: ErrorCode, message: string) => expect.objectContaining({ code, message: expect.stringContaining(message) });
const placesTaken = async (sessionId: string) => (await database.db.select().from(sessions).where(eq(sessions.id, sessionId)))[0].placesTaken;

describe('booking a place', () => {
  it('confirms while places are left, then puts people on the waiting list in order', async () => {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity: 2 });
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => makePerson(database.db)));
    expect((await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id })).status).toBe('confirmed');
    expect((await bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: session.id, personId: b.id })).status).toBe('confirmed');
    const third = await bookPlace({ ...s, actor: practitioner(c.id) }, { sessionId: session.id, personId: c.id });
    expect(third).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await bookPlace({ ...s, actor: practitioner(d.id) }, { sessionId: session.id, personId: d.id })).position).toBe(2);
    expect(await placesTaken(session.id)).toBe(2);

    const [confirmation] = await mailTo(a.email);
    expect(confirmation.subject).toMatch(/^Booking confirmed: Test course/);
    expect(confirmation.text).toContain('Riverside House');
    const ics = confirmation.attachments[0];
    expect(ics.filename).toBe('invite.ics');
    expect(ics.content).toContain('METHOD:REQUEST');
    expect(ics.content).toContain('DTSTART:20261215T100000Z');
    const [waiting] = await mailTo(c.email);
    expect(waiting.text).toContain('You are number 1');
  });

  it('refuses a second live booking, another person’s booking, and closed, started or cancelled sessions', async () => {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity: 1 });
    const [a, b] = await Promise.all([makePerson(database.db), makePerson(database.db)]);
    await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id });
    await expect(bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id })).rejects.toMatchObject(refused('conflict', 'You already have a place on this session'));
    await bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: session.id, personId: b.id });
    await expect(bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: session.id, personId: b.id })).rejects.toMatchObject(refused('conflict', 'already on the waiting list'));
    await expect(bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: b.id })).rejects.toMatchObject(refused('forbidden', 'only book a place for yourself'));

    const closed = (await makeSession(database.db, { bookingClosesAt: '2026-11-22T17:00:00Z' })).session;
    await expect(bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: closed.id, personId: a.id })).rejects.toMatchObject(refused('conflict', 'Booking for this session has closed'));
    // A coordinator can still book someone in after booking closes.
    expect((await bookPlace({ ...s, actor: coordinator(b.id) }, { sessionId: closed.id, personId: a.id })).status).toBe('confirmed');
    const started = (await makeSession(database.db, { startsAt: '2026-11-23T09:00:00Z' })).session;
    await expect(bookPlace({ ...s, actor: coordinator(b.id) }, { sessionId: started.id, personId: a.id })).rejects.toMatchObject(refused('conflict', 'already started'));
    await expect(bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: '00000000-0000-4000-8000-000000000000', personId: a.id })).rejects.toMatchObject(refused('not_found', 'Session not found'));
    expect((await database.db.select().from(bookings).where(eq(bookings.personId, a.id))).length).toBe(2);
  });
});

describe('cancelling and the waiting list', () => {
  it('gives a freed place to the first person waiting, in the same transaction, and emails them', async () => {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity: 1, startsAt: '2026-12-15T10:00:00Z' });
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => makePerson(database.db)));
    const booked = await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id });
    await bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: session.id, personId: b.id });
    await bookPlace({ ...s, actor: practitioner(c.id) }, { sessionId: session.id, personId: c.id });

    const result = await cancelBooking({ ...s, actor: practitioner(a.id) }, booked.id);
    expect(result).toEqual({ late: false, promoted: 1 });
    const statuses = await database.db.select({ personId: bookings.personId, status: bookings.status }).from(bookings).where(eq(bookings.sessionId, session.id));
    expect(statuses.find((x) => x.personId === b.id)!.status).toBe('confirmed');
    expect(statuses.find((x) => x.personId === c.id)!.status).toBe('waitlisted');
    expect(await placesTaken(session.id)).toBe(1);
    const promotedMail = (await mailTo(b.email)).filter((m) => m.subject.startsWith('Booking confirmed'));
    expect(promotedMail).toHaveLength(1);
    expect(promotedMail[0].text).toContain('a place has come up');
    const cancelMail = (await mailTo(a.email)).find((m) => m.subject.startsWith('Booking cancelled'))!;
    expect(cancelMail.attachments[0].content).toContain('METHOD:CANCEL');
    const uid = (text: string) => text.match(/UID:(\S+)/)![1];
    const confirmMail = (await mailTo(a.email)).find((m) => m.subject.startsWith('Booking confirmed'))!;
    expect(uid(cancelMail.attachments[0].content)).toBe(uid(confirmMail.attachments[0].content));
  });

  it('records a cancellation inside three working days as late, and refuses one after the start', async () => {
    // Session on Monday 30 November 2026 at 10:00; three working days before is Wednesday 25th at 10:00.
    const s = await bookingScope(database.db, '2026-11-25T09:00:00Z');
    const { session } = await makeSession(database.db, { startsAt: '2026-11-30T10:00:00Z' });
    const [a, b] = await Promise.all([makePerson(database.db), makePerson(database.db)]);
    const early = await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id });
    const later = await bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: session.id, personId: b.id });
    expect((await cancelBooking({ ...s, actor: practitioner(a.id) }, early.id)).late).toBe(false);
    s.clock.set('2026-11-25T11:00:00Z');
    expect((await cancelBooking({ ...s, actor: practitioner(b.id) }, later.id)).late).toBe(true);
    const [row] = await database.db.select().from(bookings).where(eq(bookings.id, later.id));
    expect(row).toMatchObject({ status: 'cancelled', lateCancellation: true, cancelledBy: b.id });

    const again = await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id });
    s.clock.set('2026-11-30T10:00:00Z');
    await expect(cancelBooking({ ...s, actor: practitioner(a.id) }, again.id)).rejects.toMatchObject(refused('conflict', 'The session has started'));
  });

  it('lets a person leave a waiting list, and hides other people’s bookings', async () => {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity: 1 });
    const [a, b] = await Promise.all([makePerson(database.db), makePerson(database.db)]);
    await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id });
    const waiting = await bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: session.id, personId: b.id });
    await expect(cancelBooking({ ...s, actor: practitioner(a.id) }, waiting.id)).rejects.toMatchObject(refused('not_found', 'Booking not found'));
    expect(await cancelBooking({ ...s, actor: practitioner(b.id) }, waiting.id)).toEqual({ late: false, promoted: 0 });
    expect(await placesTaken(session.id)).toBe(1);
  });
});

describe('line-manager approval', () => {
  async function pendingBooking(capacity = 1) {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity, requiresManagerApproval: true });
    const person = await makePerson(database.db);
    const manager = `manager.of.${person.email}`;
    await database.db.update(people).set({ lineManagerEmail: manager }).where(eq(people.id, person.id));
    const booking = await bookPlace({ ...s, actor: practitioner(person.id) }, { sessionId: session.id, personId: person.id });
    const [managerMail] = await mailTo(manager);
    expect(managerMail.subject).toMatch(/^Please approve: Test Person \d+ on Test course/);
    expect(managerMail.clearAfterSending).toBe(true); // its approve link is blanked once sent
    const token = managerMail.text.match(/\/approvals\/([a-z2-7]{32})/)![1];
    return { s, session, person, booking, token };
  }

  it('counts a coordinator’s booking for someone as approved, also when it is promoted from the waiting list', async () => {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity: 1, requiresManagerApproval: true });
    const [first, person, booker] = await Promise.all([makePerson(database.db), makePerson(database.db), makePerson(database.db, ['coordinator'])]);
    const manager = `manager.of.${person.email}`;
    await database.db.update(people).set({ lineManagerEmail: manager }).where(eq(people.id, person.id));
    const taken = await bookPlace({ ...s, actor: coordinator(booker.id) }, { sessionId: session.id, personId: first.id });
    expect(taken.status).toBe('confirmed');
    const queued = await bookPlace({ ...s, actor: coordinator(booker.id) }, { sessionId: session.id, personId: person.id });
    expect(queued.status).toBe('waitlisted');
    await cancelBooking({ ...s, actor: coordinator(booker.id) }, taken.id);
    const [promoted] = await database.db.select().from(bookings).where(eq(bookings.id, queued.id));
    expect(promoted.status).toBe('confirmed');
    expect(await mailTo(manager)).toHaveLength(0);
    // Both were queued at the same moment of the test's clock, so in no particular order.
    expect((await mailTo(person.email)).map((m) => m.subject).sort()).toEqual([expect.stringMatching(/^Booking confirmed/), expect.stringMatching(/^On the waiting list/)]);
  });

  it('holds the place while pending and confirms on approval', async () => {
    const { s, session, person, booking, token } = await pendingBooking();
    expect(booking.status).toBe('pending approval');
    expect(await placesTaken(session.id)).toBe(1);
    const [approval] = await database.db.select().from(bookingApprovals).where(eq(bookingApprovals.bookingId, booking.id));
    // Only the token's SHA-256 is kept: a copy of the database opens no approval.
    expect(approval.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(await decideApproval(s, token, 'approved')).toBe('approved');
    const [row] = await database.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(row.status).toBe('confirmed');
    expect((await mailTo(person.email)).some((m) => m.subject.startsWith('Booking confirmed') && m.text.includes('approved'))).toBe(true);
    await expect(decideApproval(s, token, 'declined')).rejects.toMatchObject(refused('conflict', 'already been decided'));
  });

  it('releases the place to the waiting list when declined', async () => {
    const { s, session, token } = await pendingBooking();
    const next = await makePerson(database.db);
    await bookPlace({ ...s, actor: practitioner(next.id) }, { sessionId: session.id, personId: next.id });
    await decideApproval(s, token, 'declined');
    const [nextRow] = await database.db.select().from(bookings).where(and(eq(bookings.sessionId, session.id), eq(bookings.personId, next.id)));
    // They have no confirmed line manager, so the place given to them waits for a coordinator.
    expect(nextRow.status).toBe('pending approval');
    expect(await placesTaken(session.id)).toBe(1);
  });

  it('lapses after five working days and releases the place', async () => {
    const { s, session, person, booking, token } = await pendingBooking();
    s.clock.advance(6 * DAY); // Monday 23rd + 5 working days = Monday 30th
    expect(await lapseApprovals(s)).toEqual({ lapsed: 0 });
    s.clock.advance(1 * DAY + HOUR);
    expect((await lapseApprovals(s)).lapsed).toBeGreaterThanOrEqual(1);
    const [row] = await database.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'lapsed' });
    expect(await placesTaken(session.id)).toBe(0);
    expect((await mailTo(person.email)).some((m) => m.subject.startsWith('Place released'))).toBe(true);
    await expect(decideApproval(s, token, 'approved')).rejects.toMatchObject(refused('conflict', 'This request has already been decided or has expired'));
    const [after] = await database.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'lapsed' });
    expect(await placesTaken(session.id)).toBe(0);
  });
});

describe('a coordinator’s changes', () => {
  it('raising capacity promotes from the waiting list; lowering below places held is refused', async () => {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity: 1 });
    const people3 = await Promise.all([1, 2, 3].map(() => makePerson(database.db)));
    for (const p of people3) await bookPlace({ ...s, actor: practitioner(p.id) }, { sessionId: session.id, personId: p.id });
    const admin = await makePerson(database.db, ['coordinator']);
    expect(await changeCapacity({ ...s, actor: coordinator(admin.id) }, session.id, 3)).toEqual({ promoted: 2 });
    expect(await placesTaken(session.id)).toBe(3);
    await expect(changeCapacity({ ...s, actor: coordinator(admin.id) }, session.id, 2)).rejects.toMatchObject(refused('invalid', 'Capacity is too low'));
    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(row.capacity).toBe(3);
  });

  it('moves a booking to another session of the course and fills the place it leaves', async () => {
    const s = await bookingScope(database.db);
    const { sessions: [first, second] } = await makeSession(database.db, { capacity: 1, extraSessions: 1 });
    const [a, b] = await Promise.all([makePerson(database.db), makePerson(database.db)]);
    const admin = await makePerson(database.db, ['coordinator']);
    const booking = await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: first.id, personId: a.id });
    await bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: first.id, personId: b.id });
    const moved = await moveBooking({ ...s, actor: coordinator(admin.id) }, booking.id, second.id);
    expect(moved.promoted).toBe(1);
    expect(moved.booking.status).toBe('confirmed');
    expect(await placesTaken(first.id)).toBe(1);
    expect(await placesTaken(second.id)).toBe(1);
    const other = await makeSession(database.db);
    await expect(moveBooking({ ...s, actor: coordinator(admin.id) }, moved.booking.id, other.session.id)).rejects.toMatchObject(refused('invalid', 'Choose another session of the same course'));
    const mail = (await mailTo(a.email)).find((m) => m.text.includes('Your booking has moved'))!;
    expect(mail.attachments.map((x) => x.filename)).toEqual(['invite.ics', 'cancel.ics']);
  });

  it('cancelling a session ends every live booking and emails everyone booked or waiting', async () => {
    const s = await bookingScope(database.db);
    const { session } = await makeSession(database.db, { capacity: 1 });
    const [a, b] = await Promise.all([makePerson(database.db), makePerson(database.db)]);
    const admin = await makePerson(database.db, ['coordinator']);
    await bookPlace({ ...s, actor: practitioner(a.id) }, { sessionId: session.id, personId: a.id });
    await bookPlace({ ...s, actor: practitioner(b.id) }, { sessionId: session.id, personId: b.id });
    expect(await cancelSession({ ...s, actor: coordinator(admin.id) }, session.id, 'Trainer unwell')).toEqual({ bookingsEnded: 2, alreadyCancelled: false });
    expect(await placesTaken(session.id)).toBe(0);
    const toA = (await mailTo(a.email)).find((m) => m.subject.startsWith('Session cancelled'))!;
    expect(toA.text).toContain('Trainer unwell');
    expect(toA.attachments[0].content).toContain('METHOD:CANCEL');
    expect((await mailTo(b.email)).find((m) => m.subject.startsWith('Session cancelled'))!.attachments).toEqual([]);
    const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, session.id), eq(auditLog.action, 'session.cancelled')));
    expect(audits).toHaveLength(1);
    expect(audits[0].actorId).toBe(admin.id);
  });
});

describe('reminders before a session', () => {
  it('sends the 7-day and 1-day reminders once each, and only the nearest when booked late', async () => {
    const s = await bookingScope(database.db, '2026-12-01T09:00:00Z');
    const { session } = await makeSession(database.db, { startsAt: '2026-12-15T10:00:00Z' });
    const early = await makePerson(database.db);
    await bookPlace({ ...s, actor: practitioner(early.id) }, { sessionId: session.id, personId: early.id });
    const reminders = async (email: string) => (await mailTo(email)).filter((m) => m.subject.startsWith('Reminder')).map((m) => m.subject);

    await sendSessionReminders(s);
    expect(await reminders(early.email)).toEqual([]);
    s.clock.set('2026-12-08T10:00:00Z');
    await sendSessionReminders(s);
    await sendSessionReminders(s);
    expect(await reminders(early.email)).toEqual([expect.stringContaining('in 7 days')]);

    const late = await makePerson(database.db);
    s.clock.set('2026-12-14T11:00:00Z');
    await bookPlace({ ...{ ...s, clock: { now: () => new Date('2026-12-14T09:00:00Z') } }, actor: coordinator(late.id) }, { sessionId: session.id, personId: late.id });
    await sendSessionReminders(s);
    expect((await reminders(early.email)).length).toBe(2);
    expect(await reminders(late.email)).toEqual([expect.stringContaining('tomorrow')]);
  });
});
