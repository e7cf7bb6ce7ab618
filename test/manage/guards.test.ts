// Bad input on every Manage form, who may use the Manage pages, and partnerships kept apart.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import {
  competencies,
  competencyFrameworks,
  courses,
  organisations,
  partnerships,
  people,
  personRoles,
  prospectuses,
  sessions,
  workforceGroups,
} from '../../db/schema';
import { peopleRoutes } from '../../server/accounts/manage-people';
import { manageRoutes } from '../../server/catalogue/manage/routes';
import type { RouteDef } from '../../server/http/routes';
import { organisationRoutes } from '../../server/organisations/routes';
import { createTestDatabase } from '../support/database';
import { buildApp, TestClient } from '../support/app';
import { courseForm, errorSummary, prospectusForm, sessionForm, signedIn, snapshot, type Built } from './helpers';

let database: OpenDatabase;
let built: Built;
let coordinator: TestClient;
let coordinatorId: string;
/** The seeded (published, current) prospectus, one of its courses with a session, and an organisation. */
const ours = { prospectusId: '', courseId: '', sessionId: '', organisationId: '', personId: '' };
/** The same kinds of record in a second partnership. */
const theirs = { prospectusId: '', courseId: '', sessionId: '', organisationId: '', personId: '', groupId: '', competencyId: '' };

const ALL_ROUTES: RouteDef[] = [...manageRoutes, ...organisationRoutes, ...peopleRoutes];
const concrete = (path: string, ids: Record<string, string>) => path.replace(/:([A-Za-z]+)/g, (_, name: string) => ids[name]);

async function insertSecondPartnership() {
  const db = database.db;
  const [p] = await db.insert(partnerships).values({ slug: 'sheffield', name: 'Sheffield Children Safeguarding Partnership', shortName: 'SCSP', area: 'Sheffield' }).returning();
  const [org] = await db.insert(organisations).values({ partnershipId: p.id, name: 'Sheffield City Council', shortName: 'SCC', sector: 'Local authority', partnerStatus: 'statutory partner' }).returning();
  const [framework] = await db.insert(competencyFrameworks).values({ partnershipId: p.id, version: 1, title: 'Sheffield framework', current: true, publishedAt: new Date() }).returning();
  const [group] = await db.insert(workforceGroups).values({ partnershipId: p.id, frameworkId: framework.id, code: '1', name: 'Sheffield group 1', who: 'Everyone', sortOrder: 1 }).returning();
  const [competency] = await db.insert(competencies).values({ partnershipId: p.id, frameworkId: framework.id, code: 'S1', domain: 'Sheffield', statement: 'A Sheffield competency' }).returning();
  const [person] = await db.insert(people).values({ partnershipId: p.id, name: 'Sheffield Trainer', email: 'trainer@sheffield.example', organisationId: org.id, jobTitle: 'Trainer' }).returning();
  await db.insert(personRoles).values([{ personId: person.id, role: 'practitioner' }, { personId: person.id, role: 'trainer' }]);
  const [prospectus] = await db
    .insert(prospectuses)
    .values({ partnershipId: p.id, year: '2026-27', title: 'Sheffield prospectus 2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31' })
    .returning();
  const [course] = await db
    .insert(courses)
    .values({ partnershipId: p.id, prospectusId: prospectus.id, title: 'Sheffield course', summary: 'S', learningOutcomes: ['O'], themes: ['Neglect'], deliveryMode: 'Briefing', durationMinutes: 60 })
    .returning();
  const [session] = await db
    .insert(sessions)
    .values({ partnershipId: p.id, courseId: course.id, startsAt: new Date('2027-01-12T10:00:00Z'), endsAt: new Date('2027-01-12T11:00:00Z'), capacity: 10, bookingClosesAt: new Date('2027-01-11T17:00:00Z') })
    .returning();
  Object.assign(theirs, { prospectusId: prospectus.id, courseId: course.id, sessionId: session.id, organisationId: org.id, personId: person.id, groupId: group.id, competencyId: competency.id });
}

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
  const signed = await signedIn(database.db, built, ['coordinator']);
  coordinator = signed.client;
  coordinatorId = signed.person.id;
  const [prospectus] = await database.db.select().from(prospectuses).where(eq(prospectuses.year, '2026-27'));
  const [session] = await database.db
    .select({ id: sessions.id, courseId: sessions.courseId })
    .from(sessions)
    .where(and(eq(sessions.partnershipId, prospectus.partnershipId), eq(sessions.status, 'scheduled')))
    .limit(1);
  const [org] = await database.db.select().from(organisations).where(and(eq(organisations.partnershipId, prospectus.partnershipId), eq(organisations.shortName, 'RMBC')));
  Object.assign(ours, { prospectusId: prospectus.id, courseId: session.courseId, sessionId: session.id, organisationId: org.id, personId: signed.person.id });
  await insertSecondPartnership();
});
afterAll(() => database.close());

describe('who may use the Manage pages', () => {
  it('has every Manage route for coordinators only', () => {
    expect(ALL_ROUTES.length).toBeGreaterThanOrEqual(25);
    for (const route of ALL_ROUTES) expect(route.access, route.path).toEqual(['coordinator']);
  });

  it('sends anonymous people to sign in on every Manage route', async () => {
    const anonymous = new TestClient(built.app);
    for (const route of ALL_ROUTES) {
      const path = concrete(route.path, ours);
      const res = route.method === 'GET' ? await anonymous.get(path) : await anonymous.post(path, {});
      expect(res.status, `${route.method} ${route.path}`).toBe(303);
      expect(res.headers.get('location'), route.path).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
  });

  it('refuses practitioners, trainers and reviewers (403) on every Manage route, changing nothing', async () => {
    const before = await snapshot(database.db);
    for (const roles of [[], ['trainer'], ['reviewer', 'organisation lead']] as const) {
      const { client } = await signedIn(database.db, built, [...roles]);
      for (const route of ALL_ROUTES) {
        const path = concrete(route.path, ours);
        const res = route.method === 'GET' ? await client.get(path) : await client.post(path, { reason: 'x', roles: 'coordinator' });
        expect(res.status, `${roles.join('+') || 'practitioner'}: ${route.method} ${route.path}`).toBe(403);
      }
    }
    const after = await snapshot(database.db);
    expect(after.prospectuses).toEqual(before.prospectuses);
    expect(after.sessions).toEqual(before.sessions);
    expect(after.auditLog.filter((a) => a.action !== 'person.created')).toEqual(before.auditLog.filter((a) => a.action !== 'person.created'));
  });

  it('shows the coordinator every Manage page', async () => {
    for (const route of ALL_ROUTES.filter((r) => r.method === 'GET')) {
      const res = await coordinator.get(concrete(route.path, ours));
      expect(res.status, route.path).toBe(200);
      const html = await res.text();
      expect(html.match(/<h1[ >]/g)?.length, `one h1 on ${route.path}`).toBe(1);
      const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.length, `unique ids on ${route.path}`).toBe(new Set(ids).size);
      for (const input of html.matchAll(/<(?:input|textarea|select) [^>]*id="([^"]+)"/g)) {
        expect(html, `label for ${input[1]} on ${route.path}`).toContain(`for="${input[1]}"`);
      }
    }
  });
});

describe('bad input on every form is shown back and changes nothing', () => {
  const cases: { name: string; path: () => string; form: () => Record<string, string | string[]>; messages: string[] }[] = [
    { name: 'new prospectus, empty', path: () => '/manage/prospectuses', form: () => ({}), messages: ['Enter the year, like 2027-28', 'Enter a title', 'Enter the date the prospectus starts', 'Enter the date the prospectus ends'] },
    { name: 'new prospectus, year taken', path: () => '/manage/prospectuses', form: () => prospectusForm('2026-27'), messages: ['There is already a prospectus for 2026-27'] },
    {
      name: 'prospectus change, impossible dates',
      path: () => `/manage/prospectuses/${ours.prospectusId}`,
      form: () => prospectusForm('2026-27', { 'startsOn-day': '30', 'startsOn-month': '2', year: '2026-28' }),
      messages: ['The year must be two years in a row, like 2027-28', 'The date the prospectus starts must be a real date'],
    },
    {
      name: 'prospectus change, ends before it starts',
      path: () => `/manage/prospectuses/${ours.prospectusId}`,
      form: () => prospectusForm('2026-27', { 'endsOn-year': '2026', 'endsOn-month': '3' }),
      messages: ['The date the prospectus ends must be after the date it starts'],
    },
    {
      name: 'new course, missing themes and outcomes',
      path: () => `/manage/prospectuses/${ours.prospectusId}/courses`,
      form: () => courseForm({ themes: [], learningOutcomes: ' \n ', deliveryMode: 'Carrier pigeon', asksManagerFollowUp: '' }),
      messages: ['Enter at least one learning outcome', 'Select at least one theme', 'Select how the course is delivered', 'Select whether to ask the attendee’s line manager about changes in practice three months on'],
    },
    {
      name: 'new course, another partnership’s framework',
      path: () => `/manage/prospectuses/${ours.prospectusId}/courses`,
      form: () => courseForm({ workforceGroupIds: theirs.groupId, competencyIds: theirs.competencyId }),
      messages: ['Select workforce groups from the list', 'Select competencies from the list'],
    },
    { name: 'course change, bad length', path: () => `/manage/courses/${ours.courseId}`, form: () => courseForm({ durationMinutes: 'three hours', title: '' }), messages: ['Enter the course title', 'Enter the length as a whole number of minutes, like 180'] },
    {
      name: 'new session, ends before it starts',
      path: () => `/manage/courses/${ours.courseId}/sessions`,
      form: () => sessionForm('2027-01-12', { startTime: '14:00', endTime: '13:00' }),
      messages: ['The end time must be after the start time'],
    },
    {
      name: 'new session, outside the prospectus year and a bad trainer',
      path: () => `/manage/courses/${ours.courseId}/sessions`,
      form: () => sessionForm('2027-06-01', { trainerIds: theirs.personId }),
      messages: ['The date must be in the prospectus year', 'Select trainers from the list'],
    },
    {
      name: 'new session, nonsense',
      path: () => `/manage/courses/${ours.courseId}/sessions`,
      form: () => sessionForm('2027-02-31', { startTime: '25:00', capacity: '0', where: '' }),
      messages: ['The date of the session must be a real date', 'Enter the start time using the 24-hour clock, like 09:30 or 14:00', 'Select whether the session is at a venue or online', 'The number of places must be between 1 and 1,000'],
    },
    {
      name: 'session change, online with no link, booking closing after the start',
      path: () => `/manage/sessions/${ours.sessionId}`,
      form: () => sessionForm('2027-01-12', { where: 'online', joiningLink: '', 'bookingClosesDate-day': '13', 'bookingClosesDate-month': '1', 'bookingClosesDate-year': '2027' }),
      messages: ['Enter the joining link', 'Booking must close before the session starts'],
    },
    { name: 'session cancel, no reason', path: () => `/manage/sessions/${ours.sessionId}/cancel`, form: () => ({ reason: '  ' }), messages: ['Enter the reason the session is cancelled'] },
    { name: 'new organisation, empty', path: () => '/manage/organisations', form: () => ({}), messages: ['Enter the organisation’s name', 'Enter a short name', 'Select the sector'] },
    {
      name: 'organisation change, name taken',
      path: () => `/manage/organisations/${ours.organisationId}`,
      form: () => ({ name: 'south yorkshire police', shortName: 'X', sector: 'Police', partnerStatus: 'statutory partner', active: 'yes' }),
      messages: ['An organisation with that name already exists'],
    },
    { name: 'roles, none', path: () => `/manage/people/${ours.personId}/roles`, form: () => ({}), messages: ['Select at least one role'] },
    { name: 'roles, unknown', path: () => `/manage/people/${ours.personId}/roles`, form: () => ({ roles: ['coordinator', 'head chef'] }), messages: ['Select roles from the list'] },
    { name: 'roles, removing own coordinator role', path: () => `/manage/people/${coordinatorId}/roles`, form: () => ({ roles: ['practitioner', 'trainer'] }), messages: ['You cannot remove your own coordinator role'] },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const before = await snapshot(database.db);
      const res = await coordinator.post(c.path(), c.form());
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('<title>Error: ');
      const summary = errorSummary(html);
      for (const message of c.messages) expect(summary.map((e) => e.message).join('\n')).toContain(message);
      for (const entry of summary) expect(entry.hasTarget, `#${entry.field} is on the page`).toBe(true);
      expect(await snapshot(database.db)).toEqual(before);
    });
  }

  it('keeps what was typed when the form comes back', async () => {
    const res = await coordinator.post(`/manage/prospectuses/${ours.prospectusId}/courses`, courseForm({ title: 'Half-finished course', themes: [] }));
    const html = await res.text();
    expect(html).toContain('value="Half-finished course"');
    expect(html).toContain('Explain contextual safeguarding\nMap the places');
  });
});

describe('another partnership’s records', () => {
  it('are not found on any Manage route, and nothing of theirs changes', async () => {
    const before = await snapshot(database.db);
    const form = { ...prospectusForm('2030-31'), ...courseForm(), ...sessionForm('2027-01-12'), reason: 'x', roles: ['practitioner'], name: 'Taken over', shortName: 'X', sector: 'Police', partnerStatus: 'neither', active: 'no' };
    for (const route of ALL_ROUTES.filter((r) => r.path.includes('/:'))) {
      const path = concrete(route.path, theirs);
      const res = route.method === 'GET' ? await coordinator.get(path) : await coordinator.post(path, form);
      expect(res.status, `${route.method} ${path}`).toBe(404);
    }
    expect(await snapshot(database.db)).toEqual(before);
  });

  it('are left out of the lists and searches', async () => {
    expect(await (await coordinator.get('/manage/prospectuses')).text()).not.toContain('Sheffield');
    expect(await (await coordinator.get('/manage/organisations')).text()).not.toContain('Sheffield');
    expect(await (await coordinator.get('/manage/people?q=trainer')).text()).not.toContain('Sheffield');
    expect(await (await coordinator.get(`/manage/courses/${ours.courseId}/sessions/new`)).text()).not.toContain('Sheffield Trainer');
  });
});
