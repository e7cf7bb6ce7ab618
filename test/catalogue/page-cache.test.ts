import { and, eq, gt } from 'drizzle-orm';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { courses, sessions } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, TestClient } from '../support/app';

let database: OpenDatabase;
let first: ReturnType<typeof buildApp>;
let second: ReturnType<typeof buildApp>;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  // Two instances of the app over one database, as two servers behind a load balancer.
  first = buildApp(database.db);
  second = buildApp(database.db);
});
afterAll(() => database.close());

const get = (app: ReturnType<typeof buildApp>['app'], path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

/** A bookable session with places left, its course, and the course's page. */
async function openSession(now: Date) {
  const [row] = await database.db
    .select({ session: sessions, course: courses })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(eq(sessions.status, 'scheduled'), gt(sessions.bookingClosesAt, now), gt(sessions.capacity, sessions.placesTaken)))
    .limit(1);
  return row;
}

describe('the prospectus and course pages for people not signed in', () => {
  it('answer with an ETag, no cookie, and 304 Not Modified when the ETag is sent back', async () => {
    const res = await get(first.app, '/courses');
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('public, no-cache');
    expect(res.headers.get('vary')).toContain('Cookie');
    const again = await get(first.app, '/courses', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // The other instance renders the same page, so the same ETag.
    expect((await get(second.app, '/courses', { 'if-none-match': etag })).status).toBe(304);
    expect((await get(first.app, '/courses?theme=Neglect', { 'if-none-match': etag })).status).toBe(200);
  });

  it('come gzipped to a client that takes gzip, the same page as uncompressed, and not to one that refuses it', async () => {
    const plain = await (await get(first.app, '/courses')).text();
    for (const accept of ['gzip, deflate, br', 'br;q=1, gzip;q=0.5', '*']) {
      const res = await get(first.app, '/courses', { 'accept-encoding': accept });
      expect(res.headers.get('content-encoding'), accept).toBe('gzip');
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(res.headers.get('vary')).toContain('Accept-Encoding');
      expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8')).toBe(plain);
    }
    for (const accept of ['gzip;q=0', 'identity', 'br']) {
      const res = await get(first.app, '/courses', { 'accept-encoding': accept });
      expect(res.headers.get('content-encoding'), accept).toBeNull();
      expect(await res.text()).toBe(plain);
    }
  });

  it('show a change made anywhere at once: places taken, a course title', async () => {
    const now = first.clock.now();
    const { session, course } = await openSession(now);
    const path = `/courses/${course.id}`;
    const gzipped = async () => gunzipSync(Buffer.from(await (await get(first.app, path, { 'accept-encoding': 'gzip' })).arrayBuffer())).toString('utf8');
    const before = await get(first.app, path);
    const html = await before.text();
    // The gzip kept beside the page is the page's (it goes with the version too).
    expect(await gzipped()).toBe(html);
    const left = session.capacity - session.placesTaken;
    expect(html).toContain(`${left} ${left === 1 ? 'place' : 'places'} left`);

    // A booking (by another instance, or anything that writes the row) takes a place.
    await database.db.update(sessions).set({ placesTaken: session.placesTaken + 1 }).where(eq(sessions.id, session.id));
    const after = await get(first.app, path, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    const afterHtml = await after.text();
    expect(afterHtml).toContain(`${left - 1} ${left - 1 === 1 ? 'place' : 'places'} left`);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(await gzipped()).toBe(afterHtml);

    await database.db.update(courses).set({ title: `${course.title} (updated)` }).where(eq(courses.id, course.id));
    expect(await (await get(second.app, '/courses')).text()).toContain(`${course.title} (updated)`);
    expect(await (await get(first.app, path)).text()).toContain(`${course.title} (updated)`);
    await database.db.update(courses).set({ title: course.title }).where(eq(courses.id, course.id));
  });

  it('close booking on the page once the closing time passes, with nothing else changed', async () => {
    const app = buildApp(database.db);
    const { session, course } = await openSession(app.clock.now());
    const coursePath = `/courses/${course.id}`;
    const countClosed = (html: string) => html.split('Booking closed').length - 1;
    const closedBefore = countClosed(await (await get(app.app, coursePath)).text());
    app.clock.set(new Date(session.bookingClosesAt.getTime() + 1000));
    expect(countClosed(await (await get(app.app, coursePath)).text())).toBeGreaterThan(closedBefore);
  });

  it('are never shared with, or taken from, a signed-in person', async () => {
    const person = await makePerson(database.db, [], { name: 'Casey Cached' });
    const client = await new TestClient(first.app).signInAs(database.db, person.id, first.clock.now(), first.config);
    const signedOut = await get(first.app, '/courses');
    const res = await client.get('/courses', { 'if-none-match': signedOut.headers.get('etag')! });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('Sign out');
    const after = await (await get(first.app, '/courses')).text();
    expect(after).not.toContain('Sign out');
    expect(after).not.toContain('Casey Cached');
  });
});

describe('the CSRF cookie', () => {
  it('is set by a page that holds a form, and not by one without', async () => {
    expect((await get(first.app, '/')).headers.get('set-cookie')).toBeNull();
    expect((await get(first.app, '/courses')).headers.get('set-cookie')).toBeNull();
    const signIn = await get(first.app, '/sign-in');
    expect(signIn.headers.get('set-cookie')).toMatch(/^csrf=[a-z0-9]{32};/);
    expect(await signIn.text()).toContain('name="_csrf"');
  });
});
