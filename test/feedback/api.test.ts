import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { eLearningCompletions, feedback, people } from '../../db/schema';
import { AttendedCourseSchema, Learning, VerifiedCertificate } from '../../server/api/learning';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';
import { createTestDatabase } from '../support/database';
import { buildApp, seed } from '../support/app';
import { makeSession } from '../support/fixtures';
import { attendance } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
});
afterAll(() => database.close());

const ANSWERS = { outcomesMet: [4, 3, 2], relevance: 5, delivery: 4, confidenceBefore: 3, confidenceAfter: 8, willDoDifferently: 'Ask about home conditions', comments: '' };

/** An attendance of a person who holds an API token. */
async function attendanceWithToken(mark: 'attended' | 'partly attended' | null = 'attended') {
  const token = await personWithToken(database.db, built, []);
  const [{ name }] = await database.db.select({ name: people.name }).from(people).where(eq(people.id, token.id));
  const holder = { ...token, name };
  const { booking, course, session } = await attendance(database.db, built, { mark, person: holder });
  return { holder, booking, course, session };
}

describe('GET /api/v1/learning', () => {
  it('lists the token holder’s attended courses with feedback and certificate state, and their e-learning', async () => {
    const { holder, booking, course, session } = await attendanceWithToken();
    const partly = await attendance(database.db, built, { mark: 'partly attended', startsAt: '2026-11-18T10:00:00Z', person: holder });
    await attendance(database.db, built, { mark: null, person: holder });
    const eLearning = await makeSession(database.db);
    await database.db.insert(eLearningCompletions).values({ partnershipId: course.partnershipId, personId: holder.id, courseId: eLearning.course.id, completedOn: '2026-10-05' });

    const before = await expectBody(await callApi(built, '/api/v1/learning', holder.token), Learning);
    expect(before.attended.map((a) => [a.bookingId, a.status, a.feedbackGiven, a.certificate])).toEqual([
      [booking.id, 'attended', false, null],
      [partly.booking.id, 'partly attended', false, null],
    ]);
    expect(before.attended[0]).toMatchObject({
      course: { id: course.id, title: course.title, deliveryMode: 'Face to face', durationMinutes: 180 },
      session: { id: session.id, startsAt: '2026-11-20T10:00:00.000Z', endsAt: '2026-11-20T13:00:00.000Z' },
    });
    expect(before.eLearning).toEqual([{ courseId: eLearning.course.id, courseTitle: eLearning.course.title, completedOn: '2026-10-05' }]);

    await expectBody(await callApi(built, `/api/v1/bookings/${booking.id}/feedback`, holder.token, { method: 'POST', body: ANSWERS }), AttendedCourseSchema, 201);
    const after = await expectBody(await callApi(built, '/api/v1/learning', holder.token), Learning);
    expect(after.attended[0].feedbackGiven).toBe(true);
    expect(after.attended[0].certificate).toEqual({
      code: expect.stringMatching(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{2}$/),
      url: `http://localhost:8787/certificates/${booking.id}`,
      pdfUrl: `http://localhost:8787/certificates/${booking.id}/pdf`,
    });
    expect(after.attended[1].certificate).toBeNull();
  });

  it('needs a token', async () => {
    await expectProblem(await callApi(built, '/api/v1/learning'), 401);
  });
});

describe('POST /api/v1/bookings/{bookingId}/feedback', () => {
  it('takes the attendee’s feedback once (201), and answers the attendance with its certificate', async () => {
    const { holder, booking } = await attendanceWithToken();
    const given = await expectBody(await callApi(built, `/api/v1/bookings/${booking.id}/feedback`, holder.token, { method: 'POST', body: ANSWERS }), AttendedCourseSchema, 201);
    expect(given).toMatchObject({ bookingId: booking.id, status: 'attended', feedbackGiven: true });
    expect(given.certificate?.code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{2}$/);
    const [row] = await database.db.select().from(feedback).where(eq(feedback.bookingId, booking.id));
    expect(row).toMatchObject({ outcomesMet: [4, 3, 2], relevance: 5, confidenceAfter: 8, comments: '' });

    const again = await expectProblem(await callApi(built, `/api/v1/bookings/${booking.id}/feedback`, holder.token, { method: 'POST', body: ANSWERS }), 409);
    expect(again.title).toBe('You have already given feedback for this course');
  });

  it('refuses a bad body (400, naming each field), a wrong number of outcomes (422), and saves nothing', async () => {
    const { holder, booking } = await attendanceWithToken();
    const post = (body: unknown) => callApi(built, `/api/v1/bookings/${booking.id}/feedback`, holder.token, { method: 'POST', body });
    const bad = await expectProblem(await post({ ...ANSWERS, relevance: 9, confidenceBefore: 0, outcomesMet: [4, 5, 1], personId: 'x' }), 400);
    expect(bad.errors).toEqual({
      outcomesMet: 'Select how well each learning outcome was met',
      relevance: 'Select how relevant the course was to your role',
      confidenceBefore: 'Select your confidence before the course, from 1 to 10',
      personId: 'This field is not recognised',
    });
    await expectProblem(await post('not json'), 400);
    const missing = await expectProblem(await post({}), 400);
    expect(Object.keys(missing.errors ?? {})).toEqual(['outcomesMet', 'relevance', 'delivery', 'confidenceBefore', 'confidenceAfter']);
    const short = await expectProblem(await post({ ...ANSWERS, outcomesMet: [4] }), 422);
    expect(short.errors).toEqual({ outcomesMet: 'Select how well each learning outcome was met' });
    expect(await database.db.select().from(feedback).where(eq(feedback.bookingId, booking.id))).toHaveLength(0);
  });

  it('is not found for someone else’s booking, and a conflict before attendance is recorded', async () => {
    const { booking } = await attendanceWithToken();
    const other = await personWithToken(database.db, built, []);
    await expectProblem(await callApi(built, `/api/v1/bookings/${booking.id}/feedback`, other.token, { method: 'POST', body: ANSWERS }), 404);
    await expectProblem(await callApi(built, '/api/v1/bookings/not-a-uuid/feedback', other.token, { method: 'POST', body: ANSWERS }), 404);
    const notYet = await attendanceWithToken(null);
    await expectProblem(await callApi(built, `/api/v1/bookings/${notYet.booking.id}/feedback`, notYet.holder.token, { method: 'POST', body: ANSWERS }), 409);
    expect(await database.db.select().from(feedback).where(eq(feedback.bookingId, booking.id))).toHaveLength(0);
  });
});

describe('GET /api/v1/verify/{code}', () => {
  it('answers anyone with the name, course, date and duration only, however the code is typed', async () => {
    const { holder, booking, course } = await attendanceWithToken();
    const given = await expectBody(await callApi(built, `/api/v1/bookings/${booking.id}/feedback`, holder.token, { method: 'POST', body: ANSWERS }), AttendedCourseSchema, 201);
    const code = given.certificate!.code!;
    for (const typed of [code, code.toLowerCase(), code.replace(/-/g, '')]) {
      const found = await expectBody(await callApi(built, `/api/v1/verify/${typed}`), VerifiedCertificate);
      expect(found).toEqual({ name: holder.name, courseTitle: course.title, startsAt: '2026-11-20T10:00:00.000Z', durationMinutes: 180 });
    }
    const problem = await expectProblem(await callApi(built, '/api/v1/verify/AAAA-AAAA-AA'), 404);
    expect(problem.title).toBe('Certificate not found');
    await expectProblem(await callApi(built, '/api/v1/verify/nonsense'), 404);
  });
});
