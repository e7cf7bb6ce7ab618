// The impact dashboard page: reviewers and coordinators see the hand-counted year's figures with
// their counts, denominators and intervals, the small cells as "fewer than 5" and the warning on
// who answered; filters narrow it and stay filled in; a bad query says what to fix; nobody else
// gets in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { expectAccessiblePage } from '../feedback/helpers';
import { writeImpactYear } from './fixture';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  await writeImpactYear(database.db);
  built = buildApp(database.db);
});
afterAll(() => database.close());

const signedIn = async (roles: Parameters<typeof makePerson>[1]) => {
  const person = await makePerson(database.db, roles);
  return new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the impact dashboard', () => {
  it('shows a reviewer the year’s figures, each rate with its count, denominator and interval', async () => {
    const client = await signedIn(['reviewer']);
    const res = await client.get('/impact?year=2025-26');
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    const words = text(html);
    expect(words).toContain('1 April 2025 to 31 March 2026');
    // 19 of the 20 attendances held a place: beside them the rate would tell that 1 walked in.
    expect(words).toContain('Take-up Attendances of people who had a place, out of the places offered not shown');
    expect(words).toContain('Response rate Answered, out of sent (surveys still open included) 60% (9 of 15) 95% interval: 36% to 80%');
    expect(words).toContain('Change in confidence After minus before, for each person +3.3 points (12 people) 95% interval: +2.3 to +4.2');
    expect(words).toContain('Health fewer than 5 fewer than 5');
    expect(words).toContain('Local authority answered more often than everyone (86% against 60%): the answers may over-represent this sector.');
    expect(html).toContain('href="/impact"');
  });

  it('narrows to the filters chosen and keeps them in the form', async () => {
    const client = await signedIn(['coordinator']);
    const html = await (await client.get('/impact?year=2025-26&theme=Online+safety&sector=')).text();
    expect(text(html)).toContain('Sessions delivered 1 0');
    expect(html).toMatch(/<option value="Online safety" selected/);
  });

  it('says what is wrong with a query, and shows no figures', async () => {
    const client = await signedIn(['reviewer']);
    const bad = await client.get('/impact?year=1999-00');
    expect(bad.status).toBe(400);
    expect(text(await bad.text())).toContain('Choose a year from the list');
    const half = await client.get('/impact?from=2025-04-01');
    expect(half.status).toBe(400);
    expect(text(await half.text())).toContain('Enter both dates, or choose a year');
    const backwards = await (await client.get('/impact?from=2025-04-01&to=2025-03-01')).text();
    expect(text(backwards)).toContain('The end must be after the start');
    const unknown = await client.get('/impact?year=2025-26&sector=Nowhere');
    expect(unknown.status).toBe(400);
    expect(text(await unknown.text())).toContain('Choose a sector from the list');
  });

  it('takes dates, the last one included', async () => {
    const client = await signedIn(['reviewer']);
    const html = text(await (await client.get('/impact?from=2025-05-12&to=2025-05-12')).text());
    expect(html).toContain('12 May 2025 to 12 May 2025');
    expect(html).toContain('Sessions delivered 1');
  });

  it('is not for practitioners, trainers or organisation leads, and asks anyone else to sign in', async () => {
    for (const roles of [[], ['trainer'], ['organisation lead']] as const) {
      const client = await signedIn([...roles]);
      expect((await client.get('/impact')).status).toBe(403);
    }
    const anonymous = await new TestClient(built.app).get('/impact');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/sign-in/);
  });
});
