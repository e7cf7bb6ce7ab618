// The year-end review's pages: the years and a year's review for reviewers and coordinators, with
// each course's figures as counted (test/review/fixture.ts); a reviewer's decision form with its
// error summary, refusing a post without the CSRF token; a gap decided; agreeing refused with a
// message until every course is decided; nobody else gets in.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { yearReviewDecisions, yearReviewGaps } from '../../db/schema';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { expectAccessiblePage } from '../feedback/helpers';
import { writeReviewYear } from './fixture';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let f: Awaited<ReturnType<typeof writeReviewYear>>;
// Each test has the hand-counted year in a database of its own, so the decisions of one are not in another's.
beforeEach(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  f = await writeReviewYear(database.db);
  built = buildApp(database.db);
});
afterEach(() => database.close());

const as = (personId: string) => new TestClient(built.app).signInAs(database.db, personId, built.clock.now(), built.config);
const signedIn = async (roles: Parameters<typeof makePerson>[1]) => as((await makePerson(database.db, roles)).id);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the year-end review pages', () => {
  it('lists the years with their review’s status, and is in the navigation', async () => {
    const client = await as(f.coordinatorId);
    const html = await (await client.get('/review')).text();
    expectAccessiblePage(html);
    expect(text(html)).toContain('2025-26 Prospectus 2025-26 0 of 3 Not started');
    expect(html).toContain('href="/review"');
  });

  it('shows each course’s figures with counts, denominators and intervals, "fewer than 5" for small counts', async () => {
    const client = await as(f.coordinatorId);
    const res = await client.get('/review/2025-26');
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    const words = text(html);
    expect(words).toContain('Take-up: attendances of people who had a place, out of the places offered not shown');
    expect(words).toContain('Take-up: attendances of people who had a place, out of the places offered 63% (5 of 8) 95% interval: 31% to 86%');
    expect(words).toContain('Did not attend fewer than 5');
    expect(words).toContain('Three months on: answered, out of surveys sent 60% (9 of 15) 95% interval: 36% to 80%');
    expect(words).toContain(`${f.themes.first}: 5 answers`);
    expect(words).toContain(`${f.themes.second}: fewer than 5`);
    // A coordinator reads: no decision links, no agreeing.
    expect(html).not.toContain('/review/2025-26/courses/');
    expect(html).not.toContain('Agree the review');
    expect((await client.get(`/review/2025-26/courses/${f.courses.c1.id}`)).status).toBe(403);
    expect((await client.get('/review/1999-00')).status).toBe(404);
  });

  it('lets a reviewer record a decision, with the error summary when what to change is missing, and only with the CSRF token', async () => {
    const client = await as(f.reviewerId);
    const path = `/review/2025-26/courses/${f.courses.c1.id}`;
    const form = await (await client.get(path)).text();
    expectAccessiblePage(form);
    expect(form).toContain('name="_csrf"');
    const missing = await client.post(path, { decision: 'revise', changes: '', note: '' });
    expect(missing.status).toBe(422);
    const page = await missing.text();
    expect(page).toContain('govuk-error-summary');
    expect(page).toContain('<a href="#changes">Say what to change in the course</a>');
    expect(page).toMatch(/value="revise"[^>]*checked/);

    const forged = await client.post(path, { decision: 'keep' }, { csrf: false });
    expect(forged.status).toBe(403);
    const saved = await client.post(path, { decision: 'revise', changes: 'Add adolescent neglect', note: 'Practice changed for 5 of 9' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/review/2025-26?done=decided#course-${f.courses.c1.id}`);
    const [row] = await database.db.select().from(yearReviewDecisions).where(eq(yearReviewDecisions.courseId, f.courses.c1.id));
    expect(row).toMatchObject({ decision: 'revise', changes: 'Add adolescent neglect', decidedBy: f.reviewerId });
    const review = text(await (await client.get('/review/2025-26?done=decided')).text());
    expect(review).toContain('The decision is saved');
    expect(review).toContain('Neglect 2 not shown 56% (5 of 9) 95% interval: 27% to 81% Revise');
    expect(review).toContain('Decision Revise What to change Add adolescent neglect Note Practice changed for 5 of 9 Decided by Rita Reviewer');
  });

  it('lets a reviewer accept a gap with a note', async () => {
    const client = await as(f.reviewerId);
    const path = '/review/2025-26/gaps/theme/Domestic%20abuse';
    const form = await client.get(path);
    expect(form.status).toBe(200);
    expect(text(await form.text())).toContain('No course of 2025-26 has this theme.');
    const noNote = await client.post(path, { decision: 'accepted', note: '' });
    expect(noNote.status).toBe(422);
    expect(await noNote.text()).toContain('<a href="#note">Enter a note saying why</a>');
    expect((await client.post(path, { decision: 'accepted', note: 'A board priority' })).status).toBe(303);
    const [gap] = await database.db.select().from(yearReviewGaps).where(eq(yearReviewGaps.key, 'Domestic abuse'));
    expect(gap).toMatchObject({ kind: 'theme', decision: 'accepted', note: 'A board priority', decidedBy: f.reviewerId });
    expect((await client.get('/review/2025-26/gaps/theme/Nowhere')).status).toBe(404);
  });

  it('says why the review cannot be agreed yet', async () => {
    const client = await as(f.reviewerId);
    // C1 decided; C2 and C3 not.
    expect((await client.post(`/review/2025-26/courses/${f.courses.c1.id}`, { decision: 'revise', changes: 'Add adolescent neglect', note: '' })).status).toBe(303);
    const res = await client.post('/review/2025-26/agree');
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('<a href="#agree">Decide on every course before agreeing the review: 2 courses have no decision yet</a>');
  });

  it('is not for practitioners, trainers or organisation leads', async () => {
    for (const roles of [[], ['trainer'], ['organisation lead']] as const) {
      const client = await signedIn([...roles]);
      expect((await client.get('/review')).status).toBe(403);
      expect((await client.get('/review/2025-26')).status).toBe(403);
      expect((await client.post(`/review/2025-26/courses/${f.courses.c2.id}`, { decision: 'keep' })).status).toBe(403);
    }
    expect((await new TestClient(built.app).get('/review')).status).toBe(303);
  });
});
