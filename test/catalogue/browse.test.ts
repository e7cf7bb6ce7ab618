import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { createTestDatabase } from '../support/database';
import { buildApp, TestClient } from '../support/app';

let database: OpenDatabase;
let client: TestClient;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  client = new TestClient(buildApp(database.db).app);
});
afterAll(() => database.close());

const courseTitles = (html: string) => [...html.matchAll(/<h2 class="govuk-heading-m"><a class="govuk-link" href="\/courses\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);

describe('browsing the prospectus without signing in', () => {
  it('lists the published courses of the current year', async () => {
    const res = await client.get('/courses');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Learning and development prospectus 2026-27');
    expect(courseTitles(html)).toHaveLength(21);
    expect(html).toContain('21 courses');
  });

  it('filters by theme, delivery mode, words and month', async () => {
    const byTheme = courseTitles(await (await client.get('/courses?theme=Neglect')).text());
    expect(byTheme).toContain('Graded Care Profile');
    expect(byTheme.every((t) => ['Graded Care Profile', 'Awareness of Child Abuse and Neglect - Core', 'Awareness of Child Abuse and Neglect - Foundation'].includes(t))).toBe(true);

    const online = courseTitles(await (await client.get('/courses?mode=Live%20online')).text());
    expect(online.sort()).toEqual(['Digital Safeguarding Training', 'Early Help Pathway Workshop']);

    const words = courseTitles(await (await client.get('/courses?q=safer+recruitment')).text());
    expect(words.sort()).toEqual(['Safer Recruitment (evening)', 'Safer Recruitment for Schools']);

    const all = courseTitles(await (await client.get('/courses')).text());
    const december = courseTitles(await (await client.get('/courses?month=2026-12')).text());
    expect(december.length).toBeGreaterThan(0);
    expect(december.length).toBeLessThan(all.length);
  });

  it('filters by workforce group', async () => {
    const html = await (await client.get('/courses')).text();
    const groupSix = html.match(/<option value="([^"]+)">Group 6: senior leaders<\/option>/)![1];
    const titles = courseTitles(await (await client.get(`/courses?group=${groupSix}`)).text());
    expect(titles).toEqual(['Safer Recruitment for Schools']);
  });

  it('reports a bad filter value and still shows the courses', async () => {
    const res = await client.get('/courses?month=2026-13&theme=Nonsense');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('Choose a month from the list');
    expect(html).toContain('Choose a theme from the list');
    expect(courseTitles(html)).toHaveLength(21);
  });

  it('shows a course with outcomes, audience and sessions, and a session with time, place, trainer and places', async () => {
    const list = await (await client.get('/courses?q=toxic')).text();
    const href = list.match(/href="(\/courses\/[0-9a-f-]{36})"/)![1];
    const course = await (await client.get(href)).text();
    expect(course).toContain('What you will learn');
    expect(course).toContain('Understand the impact of the toxic trio on children');
    expect(course).toContain('Group 3: work predominantly with children and families');
    const sessionHref = course.match(/href="(\/sessions\/[0-9a-f-]{36})"/)![1];
    const session = await (await client.get(sessionHref)).text();
    expect(session).toMatch(/(Monday|Tuesday|Wednesday|Thursday|Friday) \d{1,2} \w+ 202[67], (9:30am|10am) to \d{1,2}(:\d\d)?(am|pm)/);
    expect(session).toContain('Tariq Trainer');
    expect(session).toMatch(/places? left|Full: waiting list|Delivered|Booking closed/);
  });

  it('answers an unknown or malformed course or session with a plain 404 page', async () => {
    for (const path of ['/courses/not-a-uuid', '/courses/00000000-0000-4000-8000-000000000000', '/sessions/123', '/nowhere']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain('not found');
      expect(html).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('sends security headers with a content security policy', async () => {
    const res = await client.get('/courses');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBeNull(); // one framing rule, the CSP's
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers the health check when the database answers', async () => {
    const res = await client.get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
