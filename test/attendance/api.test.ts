// The trainer's side of the API: their sessions, a session's attendance, marking it,
// walk-ins and the feedback summary, each at a fixed moment around the marking window.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, sessionTrainers, type Role } from '../../db/schema';
import { AttendanceRecorded, AttendanceSchema, Attendee, SessionFeedbackSummary, TrainerSessionList } from '../../server/api/attendance';
import { markUnmarkedAttended } from '../../server/attendance/service';
import { buildApp, makePerson, seed, TEST_NOW } from '../support/app';
import { createTestDatabase } from '../support/database';
import { bookingScope } from '../support/fixtures';
import { snapshot } from '../register/helpers';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';
import { feedbackFrom, invitationsTo, statusOf, TIMES, trainedSession } from './helpers';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** The app as it is at that moment. */
const at = (now: string = TEST_NOW) => buildApp(database.db, { now });
/** A token for the person, or for a new person with the roles. */
const tokenFor = async (roles: Role[]) => (await personWithToken(database.db, at(), roles)).token;
const call = (now: string, token: string, path: string, init: { method?: string; body?: unknown } = {}) => callApi(at(now), path, token, init);
const attendancePath = (sessionId: string) => `/api/v1/sessions/${sessionId}/attendance`;
const mark = (now: string, token: string, sessionId: string, marks: unknown) => call(now, token, attendancePath(sessionId), { method: 'POST', body: { marks } });

/** A trained session whose trainer has an API token. */
async function trainedWithToken() {
  const trained = await trainedSession(database.db);
  const trainer = await personWithToken(database.db, at(), ['trainer']);
  await database.db.insert(sessionTrainers).values({ sessionId: trained.session.id, personId: trainer.id });
  return { ...trained, token: trainer.token, trainerId: trainer.id };
}

describe('the trainer’s sessions', () => {
  it('lists only the sessions the token holder trains, with the register’s state', async () => {
    const { session, course, token } = await trainedWithToken();
    const others = await trainedWithToken();
    const list = await expectBody(await call(TEST_NOW, token, '/api/v1/trainer/sessions'), TrainerSessionList);
    expect(list).toEqual({
      upcoming: [
        {
          id: session.id,
          courseId: course.id,
          courseTitle: course.title,
          startsAt: '2026-12-15T10:00:00.000Z',
          endsAt: '2026-12-15T13:00:00.000Z',
          status: 'scheduled',
          online: false,
          venue: 'Riverside House',
          capacity: 20,
          placesTaken: 3,
          register: 'not open yet',
        },
      ],
      past: [],
    });
    expect((await expectBody(await call(TEST_NOW, others.token, '/api/v1/trainer/sessions'), TrainerSessionList)).upcoming.map((x) => x.id)).toEqual([others.session.id]);
    expect((await expectBody(await call(TIMES.during, token, '/api/v1/trainer/sessions'), TrainerSessionList)).upcoming[0].register).toBe('open');
    expect((await expectBody(await call(TIMES.locked, token, '/api/v1/trainer/sessions'), TrainerSessionList)).past[0].register).toBe('locked');
  });
});

describe('recording attendance', () => {
  it('gives the register with statuses and whether it can be marked, then records marks and invites those who came', async () => {
    const { session, token, attendees } = await trainedWithToken();
    const [ann, ben, cat] = attendees;
    const before = await expectBody(await call(TIMES.before, token, attendancePath(session.id)), AttendanceSchema);
    expect(before.marking).toEqual({ allowed: false, reason: 'The register opens 15 minutes before the session starts', opensAt: '2026-12-15T09:45:00.000Z', locksAt: '2026-12-22T13:00:00.000Z' });
    expect(before.attendees.map((a) => [a.person.name, a.status])).toEqual(attendees.map((a) => [a.name, 'confirmed']));

    const recorded = await expectBody(await mark(TIMES.during, token, session.id, { [ann.booking.id]: 'attended', [ben.booking.id]: 'partly attended' }), AttendanceRecorded);
    expect(recorded).toEqual({ changed: 2, invited: 2 });
    const after = await expectBody(await call(TIMES.during, token, attendancePath(session.id)), AttendanceSchema);
    expect(after.marking.allowed).toBe(true);
    expect(after.attendees.map((a) => a.status)).toEqual(['attended', 'partly attended', 'confirmed']);
    expect(await invitationsTo(database.db, ann.person.email)).toHaveLength(1);
    expect(await invitationsTo(database.db, cat.person.email)).toHaveLength(0);
  });

  it('refuses marks outside the window (403), and bad bodies (400) or bookings not on the register (422), changing nothing', async () => {
    const { session, token, attendees } = await trainedWithToken();
    const other = await trainedWithToken();
    const bookingId = attendees[0].booking.id;
    const before = await snapshot(database.db);
    expect((await expectProblem(await mark(TIMES.before, token, session.id, { [bookingId]: 'attended' }), 403)).title).toBe('The register opens 15 minutes before the session starts');
    expect((await expectProblem(await mark(TIMES.locked, token, session.id, { [bookingId]: 'attended' }), 403)).title).toBe(
      'The register locked on Tuesday 22 December 2026: ask a coordinator to change it',
    );
    const bad: [unknown, Record<string, string>][] = [
      [{ [bookingId]: 'present' }, { marks: 'Give each booking attended, partly attended or did not attend' }],
      [{ 'not-a-booking': 'attended' }, { marks: 'Give the marks as an object from booking id to attendance' }],
      [['attended'], { marks: 'Give the marks as an object from booking id to attendance' }],
    ];
    for (const [marks, errors] of bad) expect((await expectProblem(await mark(TIMES.during, token, session.id, marks), 400)).errors).toEqual(errors);
    const extra = await call(TIMES.during, token, attendancePath(session.id), { method: 'POST', body: { marks: {}, sessionId: session.id } });
    expect((await expectProblem(extra, 400)).errors).toEqual({ sessionId: 'This field is not recognised' });
    const elsewhere = other.attendees[0].booking.id;
    const notOnRegister = await expectProblem(await mark(TIMES.during, token, session.id, { [bookingId]: 'attended', [elsewhere]: 'attended' }), 422);
    expect(notOnRegister.errors).toEqual({ [`mark-${elsewhere}`]: 'This person is not on the register' });
    expect(await snapshot(database.db)).toEqual(before);
    expect(await statusOf(database.db, bookingId)).toBe('confirmed');
  });

  it('lets a coordinator amend after the lock, audited', async () => {
    const { session, attendees, trainerId } = await trainedWithToken();
    await markUnmarkedAttended({ ...await bookingScope(database.db, TIMES.during), actor: { id: trainerId, roles: ['trainer'] } }, session.id);
    const coordinator = await personWithToken(database.db, at(), ['coordinator']);
    const bookingId = attendees[1].booking.id;
    expect(await expectBody(await mark(TIMES.locked, coordinator.token, session.id, { [bookingId]: 'did not attend' }), AttendanceRecorded)).toEqual({ changed: 1, invited: 0 });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, bookingId), eq(auditLog.actorId, coordinator.id)));
    expect(entry).toMatchObject({ action: 'attendance.recorded', detail: { sessionId: session.id, from: 'attended', to: 'did not attend' } });
  });
});

describe('walk-ins', () => {
  it('adds someone who came without booking as attended, once', async () => {
    const { session, token } = await trainedWithToken();
    const walkIn = await makePerson(database.db, [], { name: 'Wren Walkin' });
    const path = `/api/v1/sessions/${session.id}/walk-ins`;
    const added = await expectBody(await call(TIMES.during, token, path, { method: 'POST', body: { personId: walkIn.id } }), Attendee, 201);
    expect(added).toMatchObject({ status: 'attended', person: { id: walkIn.id, name: 'Wren Walkin' } });
    expect(await statusOf(database.db, added.bookingId)).toBe('attended');
    expect(await invitationsTo(database.db, walkIn.email)).toHaveLength(1);

    const before = await snapshot(database.db);
    expect((await expectProblem(await call(TIMES.during, token, path, { method: 'POST', body: { personId: walkIn.id } }), 409)).title).toBe('This person is already on the register');
    expect((await expectProblem(await call(TIMES.during, token, path, { method: 'POST', body: { personId: UNKNOWN_ID } }), 422)).errors).toEqual({ personId: 'Choose a person from the list' });
    expect((await expectProblem(await call(TIMES.during, token, path, { method: 'POST', body: { personId: 'nobody' } }), 400)).errors).toEqual({ personId: 'Give the person as their id' });
    expect((await expectProblem(await call(TIMES.before, token, path, { method: 'POST', body: { personId: (await makePerson(database.db)).id } }), 403)).title).toMatch(/opens 15 minutes/);
    expect(await snapshot(database.db)).toEqual(before);
  });
});

describe('who may use the attendance API', () => {
  it('answers another trainer 404 (their session is not theirs to know of) and a practitioner 403, unknown or malformed sessions 404, and changes nothing', async () => {
    const { session, attendees } = await trainedWithToken();
    const [otherTrainer, practitioner] = [await tokenFor(['trainer']), await tokenFor([])];
    const before = await snapshot(database.db);
    const paths = [attendancePath(session.id), `/api/v1/sessions/${session.id}/feedback-summary`];
    for (const [token, status] of [[otherTrainer, 404], [practitioner, 403]] as const) {
      for (const path of paths) await expectProblem(await call(TIMES.during, token, path), status);
      await expectProblem(await mark(TIMES.during, token, session.id, { [attendees[0].booking.id]: 'attended' }), status);
      await expectProblem(await call(TIMES.during, token, `/api/v1/sessions/${session.id}/walk-ins`, { method: 'POST', body: { personId: attendees[0].person.id } }), status);
    }
    await expectProblem(await call(TIMES.during, practitioner, '/api/v1/trainer/sessions'), 403);
    await expectProblem(await callApi(at(TIMES.during), '/api/v1/trainer/sessions'), 401);
    for (const id of [UNKNOWN_ID, 'not-a-session']) {
      await expectProblem(await call(TIMES.during, otherTrainer, attendancePath(id)), 404);
      await expectProblem(await mark(TIMES.during, otherTrainer, id, {}), 404);
      await expectProblem(await call(TIMES.during, otherTrainer, `/api/v1/sessions/${id}/feedback-summary`), 404);
    }
    expect(await snapshot(database.db)).toEqual(before);
  });
});

describe('the feedback summary', () => {
  it('gives only the count below three responses, then the averages and answers without names', async () => {
    const { session, course, token, attendees, trainerId } = await trainedWithToken();
    await markUnmarkedAttended({ ...await bookingScope(database.db, TIMES.during), actor: { id: trainerId, roles: ['trainer'] } }, session.id);
    const path = `/api/v1/sessions/${session.id}/feedback-summary`;
    await feedbackFrom(database.db, attendees[0], { comments: 'Clear and practical' });
    await feedbackFrom(database.db, attendees[1], { delivery: 2 });
    expect(await expectBody(await call(TIMES.during, token, path), SessionFeedbackSummary)).toEqual({ sessionId: session.id, courseTitle: course.title, responses: 2, threshold: 3, summary: null });

    await feedbackFrom(database.db, attendees[2], { delivery: 3, confidenceAfter: 9 });
    const summary = await expectBody(await call(TIMES.during, token, path), SessionFeedbackSummary);
    expect(summary.responses).toBe(3);
    expect(summary.summary).toEqual({
      relevance: 5,
      delivery: 3,
      confidenceBefore: 4,
      confidenceAfter: 8.3,
      outcomesMet: [{ outcome: 'Learn', average: 4 }],
      willDoDifferently: [],
      comments: ['Clear and practical'],
    });
  });
});
