// A person's own data: everything held about them, as JSON and as a page, and nobody else's;
// and their request to be erased, which a coordinator sees and closes by erasing them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, feedback, followUpSurveys, impactResponses, people } from '../../db/schema';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { writeImpactYear } from '../impact/fixture';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
const byKey = async (key: string) => (await database.db.select().from(people).where(eq(people.email, `${key}@impact.example`)))[0];
const signedIn = async (personId: string) => new TestClient(built.app).signInAs(database.db, personId, built.clock.now(), built.config);

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  await writeImpactYear(database.db);
  built = buildApp(database.db);
  // Free text that is p2's alone, on the session p1 attended too.
  const p2 = await byKey('p2');
  const p2Bookings = database.db.select({ id: bookings.id }).from(bookings).where(eq(bookings.personId, p2.id));
  await database.db.update(feedback).set({ comments: 'Only p2 wrote this' }).where(inArray(feedback.bookingId, p2Bookings));
  const p1 = await byKey('p1');
  const p1Bookings = database.db.select({ id: bookings.id }).from(bookings).where(eq(bookings.personId, p1.id));
  await database.db.update(feedback).set({ comments: 'p1 found it useful' }).where(inArray(feedback.bookingId, p1Bookings));
  const p1Surveys = database.db.select({ id: followUpSurveys.id }).from(followUpSurveys).where(and(inArray(followUpSurveys.bookingId, p1Bookings), eq(followUpSurveys.respondent, 'attendee')));
  await database.db.update(impactResponses).set({ practiceChangeHow: 'p1 now checks the chronology' }).where(inArray(impactResponses.surveyId, p1Surveys));
});
afterAll(() => database.close());

describe('a person’s own data', () => {
  it('gives them everything held about them as JSON', async () => {
    const p1 = await byKey('p1');
    const res = await (await signedIn(p1.id)).get('/account/my-data.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('content-disposition')).toContain('my-data.json');
    const data = await res.json();
    expect(data.account).toMatchObject({ name: 'Person p1', email: 'p1@impact.example', organisation: expect.any(String) });
    expect(data.roles).toEqual([]);
    // S0, S1, S3 (cancelled with the session) and S4.
    expect(data.bookings.map((b: { course: string; status: string }) => `${b.course} ${b.status}`).sort()).toEqual(['Neglect attended', 'Neglect attended', 'Online attended', 'Online cancelled']);
    expect(data.bookings.filter((b: { feedback: unknown }) => b.feedback).map((b: { feedback: { comments: string } }) => b.feedback.comments)).toEqual(['p1 found it useful']);
    // Their own answer, and their line manager's about them.
    expect(data.surveys.map((s: { askedOf: string }) => s.askedOf).sort()).toEqual(['you', 'your line manager']);
    expect(data.surveys.find((s: { askedOf: string }) => s.askedOf === 'you').answer).toMatchObject({ practiceChanged: 'yes', practiceChangeHow: 'p1 now checks the chronology', confidenceNow: 7 });
    expect(data.surveys.find((s: { askedOf: string }) => s.askedOf === 'your line manager').answer).toMatchObject({ seenChange: 'yes' });
    expect(data.eLearning).toEqual([{ course: 'Neglect e-learning', completedOn: '2026-05-01', source: 'import' }]);
  });

  it('never includes anyone else’s data', async () => {
    const [p1, p2] = [await byKey('p1'), await byKey('p2')];
    const text = await (await (await signedIn(p1.id)).get('/account/my-data.json')).text();
    const theirs = await database.db.select({ id: bookings.id }).from(bookings).where(eq(bookings.personId, p2.id));
    for (const secret of [p2.id, p2.name, p2.email, 'Only p2 wrote this', ...theirs.map((b) => b.id)]) expect(text).not.toContain(secret);
    // And p2 gets their own, not p1's.
    const other = await (await (await signedIn(p2.id)).get('/account/my-data.json')).text();
    expect(other).toContain('Only p2 wrote this');
    expect(other).not.toContain('p1 found it useful');
    expect(other).not.toContain(p1.email);
  });

  it('shows the same on a readable page linked from their account', async () => {
    const p1 = await byKey('p1');
    const client = await signedIn(p1.id);
    expect(await (await client.get('/account')).text()).toContain('href="/account/my-data"');
    const page = await client.get('/account/my-data');
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const shown of ['Your data', 'Person p1', 'p1@impact.example', 'Neglect e-learning', 'p1 found it useful']) expect(html).toContain(shown);
    expect(html).not.toContain('Only p2 wrote this');
  });

  it('needs the person to be signed in', async () => {
    const res = await new TestClient(built.app).get('/account/my-data.json');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/sign-in\?next=/);
  });
});

describe('asking to be erased', () => {
  it('records the request once, shows it to coordinators, and closes it when they erase the person', async () => {
    const asker = await makePerson(database.db, [], { name: 'Jo Asking' });
    const client = await signedIn(asker.id);
    expect((await client.post('/account/erasure-request', {}, { csrf: false })).status).toBe(403);
    expect((await client.post('/account/erasure-request')).status).toBe(303);
    expect((await client.post('/account/erasure-request')).status).toBe(303);
    expect(await (await client.get('/account')).text()).toContain('for your account to be erased');
    const requested = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'person.erasure-requested'), eq(auditLog.subjectId, asker.id)));
    expect(requested).toHaveLength(1);

    const coordinator = await signedIn((await makePerson(database.db, ['coordinator'])).id);
    const list = await (await coordinator.get('/manage/people')).text();
    expect(list).toContain('Asked to be erased');
    expect(list).toContain('Jo Asking');
    expect((await coordinator.post(`/manage/people/${asker.id}/erase`, { confirm: 'yes' })).status).toBe(303);
    expect(await (await coordinator.get('/manage/people')).text()).not.toContain('Asked to be erased');
    // Their session ended with the erasure.
    expect((await client.get('/account')).status).toBe(303);
  });
});
