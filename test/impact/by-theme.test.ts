// The three-month figures by theme, counted by hand from test/impact/fixture.ts (with
// writeOnlineSurveys): each theme's surveys sent, answers, response rate and practice changed,
// with both denominators and the Wilson intervals to 4 decimals; a course with two themes counted
// under each; small cells hidden with a second beside a lone one; the filters; who may read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { byTheme, weakFollowUp } from '../../server/impact/by-theme';
import type { Role } from '../../db/schema';
import type { Proportion, Rate } from '../../server/shared/statistics';
import { seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { impactScope, writeImpactYear, writeOnlineSurveys } from './fixture';

let database: OpenDatabase;
let fixture: Awaited<ReturnType<typeof writeImpactYear>>;
const YEAR = { from: '2025-04-01', to: '2026-04-01' };

const as = (roles: Role[]) => impactScope(database.db, fixture.partnership, roles);

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  fixture = await writeImpactYear(database.db);
  await writeOnlineSurveys(database.db, fixture);
});
afterAll(() => database.close());

/** [count, of, value, low, high] to 4 decimals, or 'hidden'. */
const rateOf = (r: Rate) => {
  if ('suppressed' in r) return 'hidden';
  const p = r as Proportion;
  return [p.count, p.of, ...[p.value, p.low, p.high].map((v) => Number(v.toFixed(4)))];
};
const rows = async (filters: Parameters<typeof byTheme>[2] = {}) =>
  (await byTheme(as(['reviewer']), YEAR, filters)).map((r) => [r.theme, r.sent, r.answered, rateOf(r.responseRate), rateOf(r.practiceChanged)]);

describe('the three-month figures by theme', () => {
  it('gives each theme’s response rate and practice changed, a course with two themes under both', async () => {
    expect(await rows()).toEqual([
      // S1 and S2: 15 sent, 9 answered, 5 said yes.
      ['Neglect', 15, 9, [9, 15, 0.6, 0.3575, 0.8018], [5, 9, 0.5556, 0.2667, 0.8112]],
      // S4: 5 sent, 5 answered (p1, p2, h1 yes), under Online safety and Early help alike.
      ['Online safety', 5, 5, [5, 5, 1, 0.5655, 1], [3, 5, 0.6, 0.2307, 0.8824]],
      ['Early help', 5, 5, [5, 5, 1, 0.5655, 1], [3, 5, 0.6, 0.2307, 0.8824]],
    ]);
  });

  it('hides themes of fewer than 5, and the answers of a theme whose surveys are hidden', async () => {
    // The local authority: Neglect p1..p7 sent, p1..p6 answered, p1..p3 yes; S4 p1..p4, all answered.
    expect(await rows({ sector: 'Local authority' })).toEqual([
      ['Neglect', 7, 6, [6, 7, 0.8571, 0.4869, 0.9743], [3, 6, 0.5, 0.1876, 0.8124]],
      ['Online safety', null, null, 'hidden', 'hidden'],
      ['Early help', null, null, 'hidden', 'hidden'],
    ]);
    // Health: Neglect S1:h1 and S2:h1..h5 sent (6), S1:h1 and S2:h1 answered (2); S4 h1 (1).
    // The two 1s hide each other, so the 6 can be shown; the 2 answers are fewer than 5, and the
    // 1s beside it go with it, so no rate can be given.
    expect(await rows({ sector: 'Health' })).toEqual([
      ['Neglect', 6, null, 'hidden', 'hidden'],
      ['Online safety', null, null, 'hidden', 'hidden'],
      ['Early help', null, null, 'hidden', 'hidden'],
    ]);
  });

  it('names the themes whose follow-up is too weak to judge: answers not shown, or a response rate 15 points below everyone’s', async () => {
    const health = await byTheme(as(['reviewer']), YEAR, { sector: 'Health' });
    // Neglect's 6 surveys were sent but its 2 answers are not shown; the others' surveys are hidden too.
    expect(weakFollowUp(health, { count: 10, of: 20, value: 0.5, low: 0.3, high: 0.7 })).toEqual(['Neglect']);
    const all = await byTheme(as(['reviewer']), YEAR, {});
    // Neglect answered 60%: weak beside an overall 80% (more than 15 points below), not beside 70%.
    expect(weakFollowUp(all, { count: 16, of: 20, value: 0.8, low: 0.58, high: 0.92 })).toEqual(['Neglect']);
    expect(weakFollowUp(all, { count: 14, of: 20, value: 0.7, low: 0.48, high: 0.85 })).toEqual([]);
  });

  it('keeps to the theme chosen, and to the course and year', async () => {
    expect((await rows({ theme: 'Early help' })).map((r) => r[0])).toEqual(['Early help']);
    expect((await rows({ courseId: fixture.courses.c1.id })).map((r) => r[0])).toEqual(['Neglect']);
    expect(await byTheme(as(['coordinator']), { from: '2024-04-01', to: '2025-04-01' }, {})).toEqual([]);
  });

  it('is for reviewers and coordinators only', async () => {
    for (const roles of [['practitioner'], ['trainer'], ['organisation lead']] as const) {
      await expect(byTheme(as([...roles]), YEAR, {})).rejects.toMatchObject({ code: 'forbidden' });
    }
  });
});
