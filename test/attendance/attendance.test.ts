import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, outbox, sessions, sessionTrainers } from '../../db/schema';
import { addWalkIn, markUnmarkedAttended, recordAttendance } from '../../server/attendance/service';
import { bookPlace } from '../../server/bookings/service';
import { DAY, MINUTE } from '../../server/shared/clock';
import { certificateFor, giveFeedback, sessionFeedbackSummary, verifyCertificate } from '../../server/feedback/service';
import { createTestDatabase } from '../support/database';
import { makePerson, seed } from '../support/app';
import { actingAs, bookingScope, makeSession } from '../support/fixtures';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

const as = (id: string, ...roles: ('practitioner' | 'trainer' | 'coordinator' | 'reviewer')[]) => ({ id, roles: roles.length ? roles : ['practitioner' as const] });
const START = '2026-12-15T10:00:00Z'; // ends 13:00

/** A session with a trainer and three booked attendees, and a scope whose clock the test moves. */
async function deliveredSession() {
  const s = await bookingScope(database.db, '2026-12-01T09:00:00Z');
  const { session, course } = await makeSession(database.db, { startsAt: START });
  const trainer = await makePerson(database.db, ['trainer']);
  await database.db.insert(sessionTrainers).values({ sessionId: session.id, personId: trainer.id });
  const attendees = [await makePerson(database.db), await makePerson(database.db), await makePerson(database.db)];
  const booked = [];
  for (const a of attendees) booked.push(await bookPlace({ ...s, actor: as(a.id) }, { sessionId: session.id, personId: a.id }));
  return { s, session, course, trainer, attendees, booked };
}

const feedbackAnswers = { outcomesMet: [4], relevance: 5, delivery: 4, confidenceBefore: 4, confidenceAfter: 8, willDoDifferently: 'Ask more about home life', comments: 'Very useful' };

describe('recording attendance', () => {
  it('lets the session’s trainer mark the register only from 15 minutes before until the lock, then only a coordinator', async () => {
    const { s, session, trainer, booked } = await deliveredSession();
    s.clock.set(new Date(new Date(START).getTime() - 16 * MINUTE));
    await expect(recordAttendance({ ...s, actor: as(trainer.id, 'trainer') }, session.id, { [booked[0].id]: 'attended' })).rejects.toThrow('opens 15 minutes before');
    s.clock.set(new Date(new Date(START).getTime() - 14 * MINUTE));
    expect(await recordAttendance({ ...s, actor: as(trainer.id, 'trainer') }, session.id, { [booked[0].id]: 'attended', [booked[1].id]: 'did not attend' })).toEqual({ changed: 2, invited: 1 });

    const otherTrainer = await makePerson(database.db, ['trainer']);
    await expect(recordAttendance({ ...s, actor: as(otherTrainer.id, 'trainer') }, session.id, { [booked[2].id]: 'attended' })).rejects.toThrow('Session not found');
    const practitioner = await makePerson(database.db);
    await expect(recordAttendance({ ...s, actor: as(practitioner.id) }, session.id, { [booked[2].id]: 'attended' })).rejects.toThrow('Session not found');

    // Seven days after the end it locks for the trainer; a coordinator can still amend, and it is audited.
    s.clock.set(new Date(new Date(START).getTime() + 3 * 60 * MINUTE + 7 * DAY + MINUTE));
    await expect(recordAttendance({ ...s, actor: as(trainer.id, 'trainer') }, session.id, { [booked[1].id]: 'partly attended' })).rejects.toThrow('The register locked');
    const coordinator = await makePerson(database.db, ['coordinator']);
    expect((await recordAttendance({ ...s, actor: as(coordinator.id, 'coordinator') }, session.id, { [booked[1].id]: 'partly attended' })).changed).toBe(1);
    // In the order they were made, each at the moment the service's clock gave.
    const entries = await database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, booked[1].id), eq(auditLog.action, 'attendance.recorded'))).orderBy(asc(auditLog.at), asc(auditLog.seq));
    expect(entries.map((e) => [e.at.toISOString(), e.actorId, e.detail])).toEqual([
      [new Date(new Date(START).getTime() - 14 * MINUTE).toISOString(), trainer.id, { sessionId: session.id, from: 'confirmed', to: 'did not attend' }],
      [new Date(new Date(START).getTime() + 3 * 60 * MINUTE + 7 * DAY + MINUTE).toISOString(), coordinator.id, { sessionId: session.id, from: 'did not attend', to: 'partly attended' }],
    ]);
    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(row.status).toBe('delivered');
  });

  it('marks everyone still unmarked as attended, and invites each attendee to give feedback once', async () => {
    const { s, session, trainer, booked, attendees } = await deliveredSession();
    s.clock.set(START);
    await recordAttendance({ ...s, actor: as(trainer.id, 'trainer') }, session.id, { [booked[0].id]: 'did not attend' });
    expect(await markUnmarkedAttended({ ...s, actor: as(trainer.id, 'trainer') }, session.id)).toEqual({ changed: 2, invited: 2 });
    const statuses = await database.db.select({ id: bookings.id, status: bookings.status }).from(bookings).where(eq(bookings.sessionId, session.id));
    expect(statuses.find((b) => b.id === booked[0].id)!.status).toBe('did not attend');
    expect(statuses.filter((b) => b.status === 'attended')).toHaveLength(2);
    const invitations = await database.db.select().from(outbox).where(eq(outbox.to, attendees[1].email));
    expect(invitations.filter((m) => m.subject.startsWith('Tell us what you thought'))).toHaveLength(1);
    expect(invitations.find((m) => m.subject.startsWith('Tell us'))!.text).toContain(`/feedback/${booked[1].id}`);
  });

  it('adds a walk-in as attended, once', async () => {
    const { s, session, trainer } = await deliveredSession();
    s.clock.set(START);
    const walkIn = await makePerson(database.db);
    const booking = await addWalkIn({ ...s, actor: as(trainer.id, 'trainer') }, session.id, walkIn.id);
    expect(booking).toMatchObject({ status: 'attended', walkIn: true });
    await expect(addWalkIn({ ...s, actor: as(trainer.id, 'trainer') }, session.id, walkIn.id)).rejects.toThrow('already on the register');
    await expect(addWalkIn({ ...s, actor: as(trainer.id, 'trainer') }, session.id, '00000000-0000-4000-8000-000000000000')).rejects.toThrow('Choose a person');
  });

  it('turns the booking of someone still on the waiting list who came anyway into their attendance, leaving the list', async () => {
    const s = await bookingScope(database.db, '2026-12-01T09:00:00Z');
    const { session } = await makeSession(database.db, { startsAt: START, capacity: 1 });
    const trainer = await makePerson(database.db, ['trainer']);
    await database.db.insert(sessionTrainers).values({ sessionId: session.id, personId: trainer.id });
    const [first, waiting] = [await makePerson(database.db), await makePerson(database.db)];
    await bookPlace({ ...s, actor: as(first.id) }, { sessionId: session.id, personId: first.id });
    const queued = await bookPlace({ ...s, actor: as(waiting.id) }, { sessionId: session.id, personId: waiting.id });
    expect(queued.status).toBe('waitlisted');
    s.clock.set(START);
    const booking = await addWalkIn({ ...s, actor: as(trainer.id, 'trainer') }, session.id, waiting.id);
    expect(booking).toMatchObject({ id: queued.id, status: 'attended', walkIn: true });
    const rows = await database.db.select().from(bookings).where(and(eq(bookings.sessionId, session.id), eq(bookings.personId, waiting.id)));
    expect(rows.map((r) => r.status)).toEqual(['attended']);
    const [entry] = await database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, queued.id), eq(auditLog.action, 'attendance.walk-in')));
    expect(entry.detail).toMatchObject({ from: 'waitlisted' });
    await expect(addWalkIn({ ...s, actor: as(trainer.id, 'trainer') }, session.id, waiting.id)).rejects.toThrow('already on the register');
  });

  it('refuses marks for bookings that are not on the register', async () => {
    const { s, session, trainer } = await deliveredSession();
    s.clock.set(START);
    await expect(recordAttendance({ ...s, actor: as(trainer.id, 'trainer') }, session.id, { '00000000-0000-4000-8000-000000000000': 'attended' })).rejects.toThrow('not on this register');
  });
});

describe('feedback and certificates', () => {
  it('takes feedback once, only from the attendee, and then issues a certificate that /verify confirms', async () => {
    const { s, session, trainer, booked, attendees } = await deliveredSession();
    s.clock.set(START);
    await expect(giveFeedback(actingAs(s, attendees[0].id), booked[0].id, feedbackAnswers)).rejects.toThrow('once your attendance has been recorded');
    await markUnmarkedAttended({ ...s, actor: as(trainer.id, 'trainer') }, session.id);
    await expect(giveFeedback(actingAs(s, attendees[1].id), booked[0].id, feedbackAnswers)).rejects.toThrow('Booking not found');
    await expect(certificateFor(actingAs(s, attendees[0].id), booked[0].id)).rejects.toThrow('Give feedback on the course');
    await expect(giveFeedback(actingAs(s, attendees[0].id), booked[0].id, { ...feedbackAnswers, outcomesMet: [] })).rejects.toThrow('Answer every question');

    await giveFeedback(actingAs(s, attendees[0].id), booked[0].id, feedbackAnswers);
    await expect(giveFeedback(actingAs(s, attendees[0].id), booked[0].id, feedbackAnswers)).rejects.toThrow('already given feedback');
    const certificate = await certificateFor(actingAs(s, attendees[0].id), booked[0].id);
    expect(certificate.code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{2}$/);
    expect((await certificateFor(actingAs(s, attendees[0].id), booked[0].id)).code).toBe(certificate.code);
    const verified = await verifyCertificate(s, certificate.code);
    expect(Object.keys(verified!).sort()).toEqual(['courseTitle', 'durationMinutes', 'name', 'startsAt', 'status']);
    expect(verified!.name).toMatch(/^Test Person/);
    expect(await verifyCertificate(s, 'AAAA-AAAA-AA')).toBeUndefined();
  });

  it('shows trainers a summary only from three responses', async () => {
    const { s, session, trainer, booked, attendees } = await deliveredSession();
    s.clock.set(START);
    await markUnmarkedAttended({ ...s, actor: as(trainer.id, 'trainer') }, session.id);
    await giveFeedback(actingAs(s, attendees[0].id), booked[0].id, feedbackAnswers);
    await giveFeedback(actingAs(s, attendees[1].id), booked[1].id, { ...feedbackAnswers, relevance: 3 });
    const two = await sessionFeedbackSummary(actingAs(s, as(trainer.id, 'trainer')), session.id);
    expect(two).toMatchObject({ responses: 2, summary: null });
    await giveFeedback(actingAs(s, attendees[2].id), booked[2].id, { ...feedbackAnswers, relevance: 4, comments: '' });
    const three = await sessionFeedbackSummary(actingAs(s, as(trainer.id, 'trainer')), session.id);
    expect(three.summary).toMatchObject({ relevance: 4, delivery: 4, confidenceBefore: 4, confidenceAfter: 8, outcomesMet: [{ outcome: 'Learn', average: 4 }] });
    expect(three.summary!.comments.sort()).toEqual(['Very useful', 'Very useful']);
    const stranger = await makePerson(database.db, ['trainer']);
    await expect(sessionFeedbackSummary(actingAs(s, as(stranger.id, 'trainer')), session.id)).rejects.toThrow('Session not found');
  });
});
