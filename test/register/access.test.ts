// Who may use the register pages, partnerships kept apart, and bad input refused with a
// message and no change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, courses, organisations, partnerships, people, prospectuses, sessions, sessionTrainers } from '../../db/schema';
import { registerRoutes } from '../../server/bookings/register-routes';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { makeSession } from '../support/fixtures';
import { errorMessages, expectWellFormedPage, registerPath, selfBooked, snapshot } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: TestClient;
const ours = { sessionId: '', bookingId: '' };
/** A place waiting for a coordinator's approval, for the approve page. */
const waiting = { sessionId: '', bookingId: '' };
const theirs = { sessionId: '', bookingId: '', personId: '' };

const concrete = (path: string, ids: Record<string, string>) => path.replace(/:([A-Za-z]+)/g, (_, name: string) => ids[name]);
const signedIn = async (roles: ('coordinator' | 'trainer' | 'reviewer')[]) => {
  const person = await makePerson(database.db, roles);
  return { person, client: await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config) };
};
const call = (client: TestClient, method: string, path: string, form: Record<string, string> = {}) => (method === 'GET' ? client.get(path) : client.post(path, form));
/** A form that would change something if the request were allowed. */
const FORM = { capacity: '50', personId: '', toSessionId: '' };

/** A second partnership with a session and a booking on it. */
async function insertSecondPartnership() {
  const db = database.db;
  const [p] = await db.insert(partnerships).values({ slug: 'sheffield', name: 'Sheffield Children Safeguarding Partnership', shortName: 'SCSP', area: 'Sheffield' }).returning();
  const [org] = await db.insert(organisations).values({ partnershipId: p.id, name: 'Sheffield City Council', shortName: 'SCC', sector: 'Local authority', partnerStatus: 'statutory partner' }).returning();
  const [person] = await db.insert(people).values({ partnershipId: p.id, name: 'Sheffield Practitioner', email: 'practitioner@sheffield.example', organisationId: org.id, jobTitle: 'Nurse' }).returning();
  const [prospectus] = await db.insert(prospectuses).values({ partnershipId: p.id, year: '2026-27', title: 'Sheffield prospectus', startsOn: '2026-04-01', endsOn: '2027-03-31', status: 'published' }).returning();
  const [course] = await db
    .insert(courses)
    .values({ partnershipId: p.id, prospectusId: prospectus.id, title: 'Sheffield course', summary: 'S', learningOutcomes: ['O'], themes: ['Neglect'], deliveryMode: 'Briefing', durationMinutes: 60 })
    .returning();
  const [session] = await db
    .insert(sessions)
    .values({ partnershipId: p.id, courseId: course.id, startsAt: new Date('2027-01-12T10:00:00Z'), endsAt: new Date('2027-01-12T11:00:00Z'), capacity: 10, placesTaken: 1, bookingClosesAt: new Date('2027-01-11T17:00:00Z') })
    .returning();
  const [booking] = await db.insert(bookings).values({ partnershipId: p.id, sessionId: session.id, personId: person.id, status: 'confirmed' }).returning();
  Object.assign(theirs, { sessionId: session.id, bookingId: booking.id, personId: person.id });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  coordinator = (await signedIn(['coordinator'])).client;
  const { session } = await makeSession(database.db, { extraSessions: 1 });
  const { booking } = await selfBooked(database.db, session.id, { name: 'Rita Registered' });
  Object.assign(ours, { sessionId: session.id, bookingId: booking.id });
  const approval = await makeSession(database.db, { requiresManagerApproval: true });
  Object.assign(waiting, { sessionId: approval.session.id, bookingId: (await selfBooked(database.db, approval.session.id, { name: 'Pat Pending' })).booking.id });
  await insertSecondPartnership();
});
afterAll(() => database.close());

describe('who may use the register', () => {
  it('has every register route for coordinators only', () => {
    expect(registerRoutes.length).toBe(11);
    for (const route of registerRoutes) expect(route.access, route.path).toEqual(['coordinator']);
  });

  it('sends anonymous people to sign in', async () => {
    const anonymous = new TestClient(built.app);
    for (const route of registerRoutes) {
      const path = concrete(route.path, ours);
      const res = await call(anonymous, route.method, path);
      expect(res.status, `${route.method} ${route.path}`).toBe(303);
      expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
  });

  it('refuses practitioners, reviewers and trainers, even the session’s own trainer (403), changing nothing', async () => {
    const trainer = await signedIn(['trainer']);
    await database.db.insert(sessionTrainers).values({ sessionId: ours.sessionId, personId: trainer.person.id });
    const others = [await signedIn([]), await signedIn(['reviewer']), trainer];
    const before = await snapshot(database.db);
    for (const { client, person } of others) {
      for (const route of registerRoutes) {
        const res = await call(client, route.method, concrete(route.path, ours), { ...FORM, personId: person.id });
        expect(res.status, `${route.method} ${route.path}`).toBe(403);
      }
    }
    expect(await snapshot(database.db)).toEqual(before);
  });

  it('shows the coordinator every page, each with one h1 and a label for every field', async () => {
    for (const route of registerRoutes.filter((r) => r.method === 'GET' && !r.path.endsWith('.csv'))) {
      const path = concrete(route.path, route.path.endsWith('/approve') ? waiting : ours) + (route.path.endsWith('/book') ? '?q=rita' : '');
      const res = await coordinator.get(path);
      expect(res.status, path).toBe(200);
      expectWellFormedPage(await res.text(), path);
    }
  });
});

describe('another partnership’s sessions and bookings, and malformed ids', () => {
  it('are not found on every route, and nothing changes', async () => {
    const before = await snapshot(database.db);
    const bookingRoutes = registerRoutes.filter((r) => r.path.includes(':bookingId'));
    const cases: [Record<string, string>, typeof registerRoutes][] = [
      [theirs, registerRoutes],
      [{ sessionId: 'not-a-session', bookingId: ours.bookingId }, registerRoutes],
      [{ sessionId: '00000000-0000-4000-8000-000000000000', bookingId: ours.bookingId }, registerRoutes],
      [{ sessionId: ours.sessionId, bookingId: theirs.bookingId }, bookingRoutes],
      [{ sessionId: ours.sessionId, bookingId: '12345' }, bookingRoutes],
    ];
    for (const [ids, routes] of cases) {
      for (const route of routes) {
        const res = await call(coordinator, route.method, concrete(route.path, ids), { ...FORM, personId: theirs.personId });
        expect(res.status, `${route.method} ${concrete(route.path, ids)}`).toBe(404);
      }
    }
    expect(await snapshot(database.db)).toEqual(before);
  });

  it('leaves their people out of the search', async () => {
    const html = await (await coordinator.get(`${registerPath(ours.sessionId)}/book?q=sheffield`)).text();
    expect(html).toContain('Nobody matching ‘sheffield’');
  });
});

describe('bad input on the booking form', () => {
  it('re-shows the chooser with a message for an unknown, malformed or other partnership’s person, changing nothing', async () => {
    const before = await snapshot(database.db);
    for (const personId of ['00000000-0000-4000-8000-000000000000', 'abc', '', theirs.personId]) {
      const res = await coordinator.post(`${registerPath(ours.sessionId)}/book`, { personId, q: 'rita' });
      expect(res.status, personId).toBe(422);
      const html = await res.text();
      expectWellFormedPage(html, `book ${personId}`);
      expect(errorMessages(html), personId).toEqual(['Choose a person from the list']);
      // The search is kept, so the coordinator can choose again.
      expect(html).toContain('value="rita"');
      expect(html).toContain('Rita Registered');
    }
    const res = await coordinator.post(`${registerPath(ours.sessionId)}/book`, {});
    expect(errorMessages(await res.text())).toEqual(['Choose a person from the list']);
    expect(await snapshot(database.db)).toEqual(before);
  });

  it('refuses a form without its CSRF token', async () => {
    const person = await makePerson(database.db);
    const before = await snapshot(database.db);
    const res = await coordinator.post(`${registerPath(ours.sessionId)}/book`, { personId: person.id }, { csrf: false });
    expect(res.status).toBe(403);
    expect(await snapshot(database.db)).toEqual(before);
  });
});
