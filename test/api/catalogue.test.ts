import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { courses, organisations, partnerships, prospectuses, sessions } from '../../db/schema';
import { CourseDetail, CourseList, OrganisationList, ProspectusSchema, SessionDetail, WorkforceGroupList } from '../../server/api/schemas';
import { createTestDatabase } from '../support/database';
import { buildApp } from '../support/app';
import { callApi, expectBody, expectProblem, personWithToken } from './support';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
const get = (path: string, token?: string) => callApi(built, path, token);

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
});
afterAll(() => database.close());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const pageTitles = (html: string) => [...html.matchAll(/<h2 class="govuk-heading-m"><a class="govuk-link" href="\/courses\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);

async function listTitles(query: string) {
  const body = await expectBody(await get(`/api/v1/courses${query}`), CourseList);
  return body.courses.map((c) => c.title);
}

describe('the prospectus, its courses and sessions', () => {
  it('gives the current published prospectus', async () => {
    const body = await expectBody(await get('/api/v1/prospectus'), ProspectusSchema);
    expect(body).toMatchObject({ year: '2026-27', title: 'Learning and development prospectus 2026-27', status: 'published', startsOn: '2026-04-01', endsOn: '2027-03-31' });
    expect(body.publishedAt).toMatch(/Z$/);
    expect(await expectBody(await get('/api/v1/prospectus?year=2026-27'), ProspectusSchema)).toEqual(body);
  });

  it('lists the courses with their sessions, and filters them exactly as the courses page does', async () => {
    const groups = await expectBody(await get('/api/v1/workforce-groups'), WorkforceGroupList);
    const groupSix = groups.workforceGroups.find((g) => g.code === '6')!.id;
    for (const query of ['', '?theme=Neglect', '?mode=Live%20online', '?q=safer+recruitment', '?month=2026-12', `?group=${groupSix}`, '?theme=Neglect&month=2026-12', '?theme=']) {
      const page = pageTitles(await (await built.app.request(`/courses${query}`)).text());
      expect(await listTitles(query), query).toEqual(page);
    }
    expect(await listTitles('')).toHaveLength(21);
    expect(await listTitles(`?group=${groupSix}`)).toEqual(['Safer Recruitment for Schools']);
  });

  it('describes each listed course and its sessions with times in UTC and places left', async () => {
    const { prospectus, courses: list } = await expectBody(await get('/api/v1/courses'), CourseList);
    expect(prospectus.year).toBe('2026-27');
    const sessions = list.flatMap((c) => c.sessions);
    expect(sessions.length).toBeGreaterThan(40);
    for (const s of sessions) {
      expect(s.placesLeft).toBeGreaterThanOrEqual(0);
      expect(s.placesLeft).toBeLessThanOrEqual(s.capacity);
      expect(new Date(s.startsAt).toISOString()).toBe(s.startsAt);
    }
    expect(sessions.some((s) => s.placesLeft === 0 && s.bookable)).toBe(true); // full: waiting list
    expect(sessions.some((s) => s.status === 'delivered')).toBe(true);
  });

  it('answers a bad filter value with a 400 problem naming each parameter', async () => {
    const body = await expectProblem(await get('/api/v1/courses?month=2026-13&theme=Nonsense&group=abc'), 400);
    expect(body.errors).toEqual({ theme: 'Choose a theme from the list', group: 'Choose a workforce group from the list', month: 'Choose a month from the list' });
    expect((await expectProblem(await get(`/api/v1/courses?q=${'x'.repeat(101)}`), 400)).errors).toHaveProperty('q');
    expect((await expectProblem(await get('/api/v1/prospectus?year=2026'), 400)).errors).toEqual({ year: 'Choose a prospectus year like 2026-27' });
  });

  it('gives a course with sessions, places left, workforce groups and competencies', async () => {
    const [listed] = (await expectBody(await get('/api/v1/courses?q=toxic'), CourseList)).courses;
    const course = await expectBody(await get(`/api/v1/courses/${listed.id}`), CourseDetail);
    expect(course.learningOutcomes).toContain('Understand the impact of the toxic trio on children');
    expect(course.workforceGroups.map((g) => g.name)).toContain('Group 3: work predominantly with children and families');
    expect(course.workforceGroups.map((g) => g.id).sort()).toEqual([...listed.workforceGroupIds].sort());
    expect(course.competencies.length).toBeGreaterThan(0);
    expect(course.sessions).toEqual(listed.sessions);
    expect(course.prospectus.year).toBe('2026-27');
  });

  it('gives a session with its course, trainers and places', async () => {
    const [listed] = (await expectBody(await get('/api/v1/courses?q=toxic'), CourseList)).courses;
    const session = await expectBody(await get(`/api/v1/sessions/${listed.sessions[0].id}`), SessionDetail);
    expect(session).toEqual({ ...listed.sessions[0], course: { id: listed.id, title: listed.title, deliveryMode: listed.deliveryMode } });
    expect(session.trainers).toContain('Tariq Trainer');
  });

  it('answers unknown or malformed ids, and unknown paths, with a 404 problem', async () => {
    for (const path of ['/api/v1/courses/not-a-uuid', `/api/v1/courses/${UNKNOWN_ID}`, '/api/v1/sessions/123', `/api/v1/sessions/${UNKNOWN_ID}`, '/api/v1/prospectus?year=1999-00', '/api/v1/nowhere']) {
      const body = await expectProblem(await get(path), 404);
      expect(body.title, path).toMatch(/not found/);
    }
  });
});

describe('reference data', () => {
  it('lists the organisations by name', async () => {
    const body = await expectBody(await get('/api/v1/organisations'), OrganisationList);
    const names = body.organisations.map((o) => o.name);
    expect(names).toHaveLength((await database.db.select().from(organisations)).length);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('lists the workforce groups in order', async () => {
    const body = await expectBody(await get('/api/v1/workforce-groups'), WorkforceGroupList);
    expect(body.workforceGroups.map((g) => g.code)).toEqual(['1', '2', '3', '4', '5', '6']);
  });
});

describe('draft prospectuses', () => {
  const ids = { course: '', session: '' };
  beforeAll(async () => {
    const db = database.db;
    const [{ id: partnershipId }] = await db.select().from(partnerships);
    const [draft] = await db
      .insert(prospectuses)
      .values({ partnershipId, year: '2027-28', title: 'Prospectus 2027-28 (draft)', startsOn: '2027-04-01', endsOn: '2028-03-31' })
      .returning();
    const [course] = await db
      .insert(courses)
      .values({ partnershipId, prospectusId: draft.id, title: 'Draft course', summary: 'Not yet published', learningOutcomes: ['One'], themes: ['Neglect'], deliveryMode: 'Briefing', durationMinutes: 60 })
      .returning();
    const startsAt = new Date('2027-05-10T09:00:00Z');
    const [session] = await db
      .insert(sessions)
      .values({ partnershipId, courseId: course.id, startsAt, endsAt: new Date('2027-05-10T10:00:00Z'), capacity: 10, bookingClosesAt: startsAt })
      .returning();
    Object.assign(ids, { course: course.id, session: session.id });
  });

  const draftPaths = () => ['/api/v1/prospectus?year=2027-28', '/api/v1/courses?year=2027-28', `/api/v1/courses/${ids.course}`, `/api/v1/sessions/${ids.session}`];

  it('hides them from anonymous callers and from practitioners', async () => {
    const practitioner = await personWithToken(database.db, built, []);
    for (const path of draftPaths()) {
      await expectProblem(await get(path), 404);
      await expectProblem(await get(path, practitioner.token), 404);
    }
  });

  it('shows them to a coordinator’s token', async () => {
    const { token } = await personWithToken(database.db, built, ['coordinator']);
    const [prospectus, list, course, session] = await Promise.all(draftPaths().map((path) => get(path, token)));
    expect((await expectBody(prospectus, ProspectusSchema)).status).toBe('draft');
    expect((await expectBody(list, CourseList)).courses.map((c) => c.title)).toEqual(['Draft course']);
    expect((await expectBody(course, CourseDetail)).prospectus).toMatchObject({ status: 'draft', publishedAt: null });
    expect((await expectBody(session, SessionDetail)).course.title).toBe('Draft course');
  });
});
