import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, organisations, outbox, sessions, sessionTrainers, type Role } from '../../db/schema';
import { BookingList, BookingSchema, CancelledBooking, CancelledSession, CapacityChanged, MovedBooking, Register } from '../../server/api/schemas';
import { createTestDatabase } from '../support/database';
import { buildApp, seed } from '../support/app';
import { makeSession } from '../support/fixtures';
import { callApi, expectBody, expectProblem, personWithToken } from './support';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: Awaited<ReturnType<typeof personWithToken>>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  coordinator = await personWithToken(database.db, built, ['coordinator']);
});
afterAll(() => database.close());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const people = (n: number, roles: Role[] = []) => Promise.all(Array.from({ length: n }, () => personWithToken(database.db, built, roles)));
const call = (method: string, path: string, token: string, body?: unknown) => callApi(built, path, token, { method, body });
const book = (sessionId: string, token: string, body: unknown = {}) => call('POST', `/api/v1/sessions/${sessionId}/bookings`, token, body);
const myBookings = async (token: string) => expectBody(await call('GET', '/api/v1/bookings', token), BookingList);
const register = async (sessionId: string) => expectBody(await call('GET', `/api/v1/sessions/${sessionId}/register`, coordinator.token), Register);
const mailTo = async (email: string) => database.db.select().from(outbox).where(eq(outbox.to, email));
const audited = (action: string, subjectId: string) =>
  database.db.select({ actorId: auditLog.actorId, detail: auditLog.detail }).from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId)));

describe('booking a place through the API', () => {
  it('books the token holder, then the waiting list in order with positions, and audits each', async () => {
    const { course, session } = await makeSession(database.db, { capacity: 1 });
    const [a, b, c] = await people(3);
    const first = await expectBody(await book(session.id, a.token), BookingSchema, 201);
    expect(first).toMatchObject({ personId: a.id, status: 'confirmed', position: null, late: false, canCancel: true });
    expect(first.session).toEqual({ id: session.id, startsAt: '2026-12-15T10:00:00.000Z', endsAt: '2026-12-15T13:00:00.000Z', status: 'scheduled', cancelledReason: null, online: false, venue: 'Riverside House', joiningLink: null });
    expect(first.course).toEqual({ id: course.id, title: course.title, deliveryMode: 'Face to face' });

    const second = await expectBody(await book(session.id, b.token), BookingSchema, 201);
    expect(second).toMatchObject({ personId: b.id, status: 'waitlisted', position: 1 });
    // An empty body books the token holder, as {} does.
    const third = await expectBody(await callApi(built, `/api/v1/sessions/${session.id}/bookings`, c.token, { method: 'POST' }), BookingSchema, 201);
    expect(third).toMatchObject({ personId: c.id, status: 'waitlisted', position: 2 });

    // The answer to the booking is the booking as the person's list shows it.
    expect(await myBookings(a.token)).toEqual({ upcoming: [first], past: [] });
    expect(await myBookings(b.token)).toEqual({ upcoming: [second], past: [] });
    expect((await mailTo(b.email)).map((m) => m.subject)).toEqual([expect.stringMatching(/^On the waiting list/)]);
    for (const [booking, person] of [[first, a], [second, b], [third, c]] as const) {
      expect(await audited('booking.created', booking.id)).toEqual([{ actorId: person.id, detail: { sessionId: session.id, personId: person.id, status: booking.status } }]);
    }
  });

  it('refuses a second live booking, and a closed or cancelled session, with a 409 problem', async () => {
    const { session } = await makeSession(database.db, { capacity: 1 });
    const [a, b] = await people(2);
    await book(session.id, a.token);
    await book(session.id, b.token);
    expect((await expectProblem(await book(session.id, a.token), 409)).title).toBe('You already have a place on this session');
    expect((await expectProblem(await book(session.id, b.token), 409)).title).toBe('You are already on the waiting list for this session');

    const closed = (await makeSession(database.db, { bookingClosesAt: '2026-11-22T17:00:00Z' })).session;
    expect((await expectProblem(await book(closed.id, a.token), 409)).title).toBe('Booking for this session has closed');
    const cancelled = (await makeSession(database.db)).session;
    await database.db.update(sessions).set({ status: 'cancelled' }).where(eq(sessions.id, cancelled.id));
    expect((await expectProblem(await book(cancelled.id, a.token), 409)).title).toBe('This session has been cancelled');
    expect((await myBookings(a.token)).upcoming.map((x) => x.session.id)).toEqual([session.id]);
  });

  it('answers malformed and unknown ids with a 404 problem, before looking at the body', async () => {
    const [a] = await people(1);
    const calls: [string, string, string, unknown?][] = [
      ['POST', '/api/v1/sessions/not-a-uuid/bookings', a.token, {}],
      ['POST', `/api/v1/sessions/${UNKNOWN_ID}/bookings`, a.token, {}],
      ['POST', '/api/v1/sessions/123/bookings', a.token, 'not json'],
      ['DELETE', '/api/v1/bookings/123', a.token],
      ['DELETE', `/api/v1/bookings/${UNKNOWN_ID}`, a.token],
      ['GET', '/api/v1/sessions/abc/register', coordinator.token],
      ['GET', `/api/v1/sessions/${UNKNOWN_ID}/register`, coordinator.token],
      ['PATCH', `/api/v1/sessions/${UNKNOWN_ID}`, coordinator.token, { capacity: 5 }],
      ['PATCH', '/api/v1/sessions/x', coordinator.token, { capacity: 'lots' }],
      ['POST', `/api/v1/bookings/${UNKNOWN_ID}/move`, coordinator.token, { toSessionId: UNKNOWN_ID }],
      ['POST', `/api/v1/sessions/${UNKNOWN_ID}/cancel`, coordinator.token, { reason: 'Trainer unwell' }],
    ];
    for (const [method, path, token, body] of calls) {
      const problem = await expectProblem(await call(method, path, token, body), 404);
      expect(problem.title, `${method} ${path}`).toMatch(/^(Session|Booking) not found$/);
    }
  });

  it('answers a bad body with a 400 problem naming each field, and changes nothing', async () => {
    const { session } = await makeSession(database.db);
    const [a] = await people(1);
    const booked = await expectBody(await book(session.id, a.token), BookingSchema, 201);
    const sessionPath = `/api/v1/sessions/${session.id}`;
    const cases: [string, string, unknown, Record<string, string>][] = [
      ['POST', `${sessionPath}/bookings`, { personId: 'abc' }, { personId: 'Give the person as their id' }],
      ['POST', `${sessionPath}/bookings`, { personID: a.id }, { personID: 'This field is not recognised' }],
      ['POST', `${sessionPath}/bookings`, '{"personId": ', { body: 'Send the body as a JSON object' }],
      ['POST', `${sessionPath}/bookings`, '[]', { body: 'Send the body as a JSON object' }],
      ['PATCH', sessionPath, {}, { capacity: 'Enter the number of places as a whole number, like 20' }],
      ['PATCH', sessionPath, { capacity: '30' }, { capacity: 'Enter the number of places as a whole number, like 20' }],
      ['PATCH', sessionPath, { capacity: 2.5 }, { capacity: 'Enter the number of places as a whole number, like 20' }],
      ['PATCH', sessionPath, { capacity: 0, venue: 'Elsewhere' }, { capacity: 'The number of places must be between 1 and 1,000', venue: 'This field is not recognised' }],
      ['POST', `/api/v1/bookings/${booked.id}/move`, {}, { toSessionId: 'Choose another session of the same course by its id' }],
      ['POST', `${sessionPath}/cancel`, { reason: '   ' }, { reason: 'Enter the reason the session is cancelled' }],
      ['POST', `${sessionPath}/cancel`, { reason: 'x'.repeat(501) }, { reason: 'The reason must be 500 characters or fewer' }],
    ];
    for (const [method, path, body, errors] of cases) {
      const problem = await expectProblem(await call(method, path, path.endsWith('/bookings') ? a.token : coordinator.token, body), 400);
      expect(problem, `${method} ${path} ${JSON.stringify(body)}`).toMatchObject({ title: 'The request body is not valid', errors });
    }
    expect(await register(session.id)).toMatchObject({ session: { status: 'scheduled', capacity: 20, placesLeft: 19 }, confirmed: [{ id: booked.id }] });
    expect(await database.db.select().from(auditLog).where(eq(auditLog.subjectId, session.id))).toEqual([]);
  });
});

describe('other people’s bookings', () => {
  it('are neither shown, cancelled nor made by a practitioner', async () => {
    const { session } = await makeSession(database.db);
    const [a, b] = await people(2);
    const booking = await expectBody(await book(session.id, a.token), BookingSchema, 201);
    expect(await myBookings(b.token)).toEqual({ upcoming: [], past: [] });
    expect((await expectProblem(await call('DELETE', `/api/v1/bookings/${booking.id}`, b.token), 404)).title).toBe('Booking not found');
    expect((await myBookings(a.token)).upcoming).toEqual([booking]);
    expect((await expectProblem(await book(session.id, b.token, { personId: a.id }), 403)).title).toBe('You can only book a place for yourself');
    // A person may name themselves.
    expect(await expectBody(await book(session.id, b.token, { personId: b.id }), BookingSchema, 201)).toMatchObject({ personId: b.id, status: 'confirmed' });
  });

  it('leaves the coordinator endpoints, the register among them, to coordinators; a trainer reads what their pages show', async () => {
    const { sessions: [first, second] } = await makeSession(database.db, { extraSessions: 1 });
    const [practitioner] = await people(1);
    const [trainer] = await people(1, ['trainer']);
    const booking = await expectBody(await book(first.id, practitioner.token), BookingSchema, 201);
    const coordinatorCalls: [string, string, unknown?][] = [
      ['GET', `/api/v1/sessions/${first.id}/register`],
      ['PATCH', `/api/v1/sessions/${first.id}`, { capacity: 30 }],
      ['POST', `/api/v1/bookings/${booking.id}/move`, { toSessionId: second.id }],
      ['POST', `/api/v1/sessions/${first.id}/cancel`, { reason: 'No trainer' }],
    ];
    await database.db.insert(sessionTrainers).values({ sessionId: first.id, personId: trainer.id });
    for (const [method, path, body] of coordinatorCalls) {
      await expectProblem(await call(method, path, practitioner.token, body), 403);
      // The session's own trainer too: the register holds emails, job titles, the waiting list and cancellations.
      await expectProblem(await call(method, path, trainer.token, body), 403);
    }
    // What the trainer's attendance page shows: the people with a place, by name and organisation.
    const sheet = (await (await call('GET', `/api/v1/sessions/${first.id}/attendance`, trainer.token)).json()) as { attendees: { person: Record<string, unknown> }[] };
    expect(sheet.attendees.map((a) => Object.keys(a.person).sort())).toEqual([['id', 'name', 'organisation']]);
    expect(JSON.stringify(sheet)).not.toContain(practitioner.email);
    // Nothing changed: still one confirmed place, on the first session.
    expect(await myBookings(practitioner.token)).toEqual({ upcoming: [booking], past: [] });
  });
});

describe('a coordinator', () => {
  it('books on someone’s behalf, reads the register, and raises capacity to promote from the waiting list', async () => {
    // Wednesday 25 November: three working days before starts on Friday 20th, so cancelling now is late.
    const { course, session } = await makeSession(database.db, { capacity: 2, startsAt: '2026-11-25T10:00:00Z' });
    const [p1, p2, p3, p4] = await people(4);

    const onBehalf = await expectBody(await book(session.id, coordinator.token, { personId: p1.id }), BookingSchema, 201);
    expect(onBehalf).toMatchObject({ personId: p1.id, status: 'confirmed' });
    expect(await audited('booking.created', onBehalf.id)).toEqual([{ actorId: coordinator.id, detail: { sessionId: session.id, personId: p1.id, status: 'confirmed' } }]);
    expect((await myBookings(p1.token)).upcoming).toEqual([onBehalf]);
    expect(await myBookings(coordinator.token)).toMatchObject({ upcoming: [] });

    const own = await expectBody(await book(session.id, p2.token), BookingSchema, 201);
    for (const p of [p3, p4]) await book(session.id, p.token);
    expect(await expectBody(await call('DELETE', `/api/v1/bookings/${own.id}`, p2.token), CancelledBooking)).toEqual({ late: true, promoted: 1 });
    expect(await audited('booking.cancelled', own.id)).toEqual([{ actorId: p2.id, detail: { late: true, heldPlace: true } }]);

    const [organisation] = await database.db.select().from(organisations).where(eq(organisations.id, p1.organisationId));
    const before = await register(session.id);
    expect(before.session).toEqual({
      id: session.id,
      courseId: course.id,
      courseTitle: course.title,
      startsAt: '2026-11-25T10:00:00.000Z',
      endsAt: '2026-11-25T13:00:00.000Z',
      status: 'scheduled',
      online: false,
      venue: 'Riverside House',
      capacity: 2,
      placesLeft: 0,
    });
    expect(before.confirmed.map((e) => e.person.id).sort()).toEqual([p1.id, p3.id].sort());
    expect(before.confirmed.find((e) => e.person.id === p1.id)!.person).toEqual({ id: p1.id, name: expect.stringMatching(/^Test Person/), email: p1.email, jobTitle: 'Social worker', organisation: { id: organisation.id, name: organisation.name } });
    expect(before.waitingList.map((e) => [e.person.id, e.position])).toEqual([[p4.id, 1]]);
    expect(before.cancelled).toEqual([expect.objectContaining({ id: own.id, status: 'cancelled', late: true, cancelReason: 'cancelled', position: null })]);
    expect(before.pendingApproval).toEqual([]);

    const raised = await call('PATCH', `/api/v1/sessions/${session.id}`, coordinator.token, { capacity: 3 });
    expect(await expectBody(raised, CapacityChanged)).toEqual({ promoted: 1 });
    const after = await register(session.id);
    expect(after.waitingList).toEqual([]);
    expect(after.confirmed.map((e) => e.person.id)).toContain(p4.id);
    expect(after.session).toMatchObject({ capacity: 3, placesLeft: 0 });
    expect((await mailTo(p4.email)).some((m) => m.subject.startsWith('Booking confirmed') && m.text.includes('a place has come up'))).toBe(true);
    expect(await audited('session.capacity-changed', session.id)).toEqual([{ actorId: coordinator.id, detail: { from: 2, to: 3 } }]);
    const p4Booking = after.confirmed.find((e) => e.person.id === p4.id)!;
    expect(await audited('booking.promoted', p4Booking.id)).toHaveLength(1);

    const tooLow = await expectProblem(await call('PATCH', `/api/v1/sessions/${session.id}`, coordinator.token, { capacity: 2 }), 422);
    expect(tooLow.errors).toEqual({ capacity: 'The number of places must be at least 3, the places already taken' });
  });

  it('moves a booking, then cancels a session, emailing everyone booked', async () => {
    const { sessions: [first, second] } = await makeSession(database.db, { capacity: 1, extraSessions: 1 });
    const [p, q] = await people(2);
    const booking = await expectBody(await book(first.id, p.token), BookingSchema, 201);
    await book(first.id, q.token);

    const moved = await expectBody(await call('POST', `/api/v1/bookings/${booking.id}/move`, coordinator.token, { toSessionId: second.id }), MovedBooking);
    expect(moved).toMatchObject({ promoted: 1, booking: { personId: p.id, status: 'confirmed', session: { id: second.id } } });
    expect(moved.booking.id).not.toBe(booking.id);
    expect((await register(first.id)).confirmed.map((e) => e.person.id)).toEqual([q.id]);
    expect((await mailTo(p.email)).some((m) => m.text.includes('Your booking has moved'))).toBe(true);
    expect(await audited('booking.moved', moved.booking.id)).toEqual([{ actorId: coordinator.id, detail: { fromBookingId: booking.id, fromSessionId: first.id, toSessionId: second.id } }]);

    const elsewhere = (await makeSession(database.db)).session;
    const wrong = await expectProblem(await call('POST', `/api/v1/bookings/${moved.booking.id}/move`, coordinator.token, { toSessionId: elsewhere.id }), 422);
    expect(wrong.errors).toEqual({ toSessionId: 'Choose another session of the same course' });

    const cancelPath = `/api/v1/sessions/${second.id}/cancel`;
    expect(await expectBody(await call('POST', cancelPath, coordinator.token, { reason: '  Trainer unwell ' }), CancelledSession)).toEqual({ bookingsEnded: 1, alreadyCancelled: false });
    const told = (await mailTo(p.email)).filter((m) => m.subject.startsWith('Session cancelled'));
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('Reason: Trainer unwell');
    expect(await audited('session.cancelled', second.id)).toEqual([{ actorId: coordinator.id, detail: { reason: 'Trainer unwell', bookingsEnded: 1 } }]);
    // A retry changes nothing: no second email, no second audit entry.
    expect(await expectBody(await call('POST', cancelPath, coordinator.token, { reason: 'Again' }), CancelledSession)).toEqual({ bookingsEnded: 0, alreadyCancelled: true });
    expect((await mailTo(p.email)).filter((m) => m.subject.startsWith('Session cancelled'))).toHaveLength(1);
    expect(await audited('session.cancelled', second.id)).toHaveLength(1);
    await database.db.update(sessions).set({ status: 'delivered' }).where(eq(sessions.id, first.id));
    const delivered = await expectProblem(await call('POST', `/api/v1/sessions/${first.id}/cancel`, coordinator.token, { reason: 'Too late' }), 409);
    expect(delivered.title).toBe('This session has been delivered: it cannot be cancelled');

    const [ended] = (await myBookings(p.token)).upcoming.filter((x) => x.id === moved.booking.id);
    expect(ended).toMatchObject({ status: 'cancelled', canCancel: false, late: false, session: { status: 'cancelled', cancelledReason: 'Trainer unwell' } });
    const [row] = await database.db.select().from(bookings).where(eq(bookings.id, moved.booking.id));
    expect(row.cancelledBy).toBe(coordinator.id);
  });

  it('cancels anyone’s booking', async () => {
    const { session } = await makeSession(database.db);
    const [p] = await people(1);
    const booking = await expectBody(await book(session.id, p.token), BookingSchema, 201);
    expect(await expectBody(await call('DELETE', `/api/v1/bookings/${booking.id}`, coordinator.token), CancelledBooking)).toEqual({ late: false, promoted: 0 });
    expect(await audited('booking.cancelled', booking.id)).toEqual([{ actorId: coordinator.id, detail: { late: false, heldPlace: true } }]);
    expect((await expectProblem(await call('DELETE', `/api/v1/bookings/${booking.id}`, p.token), 409)).title).toBe('This booking has already ended');
  });
});
