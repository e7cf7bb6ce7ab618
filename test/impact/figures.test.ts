// The impact figures for a fixture year counted by hand (test/impact/fixture.ts says who did
// what): every figure, both denominators of each rate, the Wilson and t intervals to 4 decimals,
// the suppressed cells (and the second cell hidden with a lone one), the non-response warning, the
// year before, the filters, and who may read them.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { deliveryByMonth, impactDashboard, impactFigures, type ImpactDashboard } from '../../server/impact/service';
import type { Role } from '../../db/schema';
import type { MeanFigure, Proportion, Rate, Mean } from '../../server/shared/statistics';
import { seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { impactScope, writeImpactYear } from './fixture';

let database: OpenDatabase;
let fixture: Awaited<ReturnType<typeof writeImpactYear>>;
let dashboard: ImpactDashboard;
const YEAR = { from: '2025-04-01', to: '2026-04-01' };

const as = (roles: Role[]) => impactScope(database.db, fixture.partnership, roles);

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  fixture = await writeImpactYear(database.db);
  dashboard = await impactDashboard(as(['reviewer']), YEAR, {});
});
afterAll(() => database.close());

/** A rate to 4 decimals: [count, of, value, low, high]. */
const rateOf = (r: Rate) => {
  const p = r as Proportion;
  return [p.count, p.of, ...[p.value, p.low, p.high].map((v) => Number(v.toFixed(4)))];
};
const meanOf = (m: Mean) => {
  const x = m as MeanFigure;
  return [x.n, ...[x.mean, x.low, x.high].map((v) => Number(v.toFixed(4)))];
};

describe('delivery', () => {
  it('counts courses, sessions, hours, places, bookings and attendances as defined', () => {
    const { takeUp, attendanceRate, ...counts } = dashboard.current.delivery;
    expect(counts).toEqual({
      courses: 2,
      sessionsDelivered: 3,
      sessionsCancelled: 1,
      trainingHours: 11,
      placesOffered: 28,
      bookings: 24,
      attendances: 20,
      // 2, 1, 1 and 2 people: fewer than 5 each.
      didNotAttend: { suppressed: true },
      lateCancellations: { suppressed: true },
      walkIns: { suppressed: true },
      eLearningCompletions: { suppressed: true },
      peopleTrained: 15,
      organisationsReached: 3,
      sectorsReached: 3,
    });
    // 19 who held a place came, of 28 places offered and of 21 places confirmed at the start; but
    // with the 20 attendances beside them those 19 would tell that 1 walked in, so neither rate is
    // shown (and says so, rather than "fewer than 5").
    expect(takeUp).toEqual({ suppressed: true, notShown: true });
    expect(attendanceRate).toEqual({ suppressed: true, notShown: true });
  });

  it('gives take-up and the attendance rate where no small number of walk-ins stands beside them', async () => {
    // Online safety alone: S4, 8 places, 5 confirmed who all came, nobody walked in.
    const online = await impactFigures(as(['reviewer']), YEAR, { theme: 'Online safety' });
    expect(online.delivery.walkIns).toBe(0);
    expect(rateOf(online.delivery.takeUp)).toEqual([5, 8, 0.625, 0.3057, 0.8632]);
    expect(rateOf(online.delivery.attendanceRate)).toEqual([5, 5, 1, 0.5655, 1]);
  });

  it('gives the period before beside it', () => {
    expect(dashboard.previous.range).toEqual({ from: '2024-04-01', to: '2025-04-01' });
    expect(dashboard.previous.delivery).toMatchObject({ sessionsDelivered: 1, attendances: 5, placesOffered: 10 });
    expect(rateOf(dashboard.previous.delivery.takeUp)).toEqual([5, 10, 0.5, 0.2366, 0.7634]);
  });

  it('breaks attendances down by sector and organisation, hiding small cells and one more beside a lone one', () => {
    // Health 7 attendances (5 people), local authority 11 (7), police 2 (2): the police is fewer
    // than 5, and health is hidden too, or it could be worked out from the total.
    expect(dashboard.bySector).toEqual([
      { key: 'Health', label: 'Health', attendances: null, people: null },
      { key: 'Local authority', label: 'Local authority', attendances: 11, people: 7 },
      { key: 'Police', label: 'Police', attendances: null, people: null },
    ]);
    expect(dashboard.byOrganisation.map((r) => [r.label, r.attendances])).toEqual(
      [
        [fixture.health.name, null],
        [fixture.la.name, 11],
        [fixture.police.name, null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('gives every month of the range, with sessions and attendances', () => {
    expect(dashboard.byMonth).toHaveLength(12);
    expect(dashboard.byMonth.filter((m) => m.sessionsDelivered)).toEqual([
      { month: '2025-05', sessionsDelivered: 1, attendances: 8 },
      { month: '2025-09', sessionsDelivered: 1, attendances: 7 },
      { month: '2025-11', sessionsDelivered: 1, attendances: 5 },
    ]);
    expect(dashboard.byMonth[0]).toEqual({ month: '2025-04', sessionsDelivered: 0, attendances: 0 });
  });

  it('hides a second month with sessions beside a lone small one, never a month with none', async () => {
    // The local authority: 7 in May (p1..p6, p7 partly), none in September, 4 in November (p1..p4).
    // Hiding an empty month's 0 would leave November's 4 as 11 - 7; September's 0 goes instead.
    const months = await deliveryByMonth(as(['reviewer']), YEAR, { sector: 'Local authority' });
    expect(months.filter((m) => m.attendances !== 0).map((m) => [m.month, m.attendances])).toEqual([
      ['2025-05', 7],
      ['2025-09', null],
      ['2025-11', null],
    ]);
  });
});

describe('on the day', () => {
  it('gives the response rate, the ratings and the paired confidence change with their intervals', () => {
    const day = dashboard.current.dayZero;
    expect(day.responses).toBe(12);
    expect(rateOf(day.responseRate)).toEqual([12, 20, 0.6, 0.3866, 0.7812]);
    expect(meanOf(day.confidenceChange)).toEqual([12, 3.25, 2.3464, 4.1536]);
    expect(meanOf(day.outcomesMet)).toEqual([12, 3.5, 3.5, 3.5]);
    expect(meanOf(day.relevance)).toEqual([12, 5, 5, 5]);
    expect((day.confidenceBefore as MeanFigure).mean).toBe(4);
  });
});

describe('three months on', () => {
  it('gives sent, answered and each rate over its own denominator', () => {
    const f = dashboard.current.followUp;
    expect([f.sent, f.answered]).toEqual([15, 9]);
    expect(rateOf(f.responseRate)).toEqual([9, 15, 0.6, 0.3575, 0.8018]);
    expect(rateOf(f.practiceChanged)).toEqual([5, 9, 0.5556, 0.2667, 0.8112]);
    // "Not applicable" and answers from before the question was asked are left out.
    expect(rateOf(f.outcomeImproved)).toEqual([4, 7, 0.5714, 0.2505, 0.8418]);
    expect(rateOf(f.sharedLearning)).toEqual([5, 9, 0.5556, 0.2667, 0.8112]);
    expect(meanOf(f.confidenceNow)).toEqual([9, 7.2222, 6.2984, 8.146]);
    // Did it hold: now minus after the course, for the 8 who gave both.
    expect(meanOf(f.confidenceHeld)).toEqual([8, 0.375, -0.618, 1.368]);
    expect(f.selfAssessments.rated).toBe(14);
    expect(rateOf(f.selfAssessments.confident)).toEqual([5, 14, 0.3571, 0.1634, 0.6124]);
    expect(rateOf(f.selfAssessments.notYet)).toEqual([4, 14, 0.2857, 0.1172, 0.5465]);
  });

  it('gives the line managers’ answers', () => {
    const m = dashboard.current.managers;
    expect([m.sent, m.answered]).toEqual([6, 5]);
    expect(rateOf(m.responseRate)).toEqual([5, 6, 0.8333, 0.4365, 0.9699]);
    expect(rateOf(m.seenChange)).toEqual([3, 5, 0.6, 0.2307, 0.8824]);
  });

  it('warns when a sector answered far more or less often than everyone, without showing small groups', () => {
    const check = dashboard.nonResponse;
    expect(rateOf(check.overall)).toEqual([9, 15, 0.6, 0.3575, 0.8018]);
    const sectors = check.rows.filter((r) => r.by === 'sector');
    expect(sectors.map((r) => [r.group, r.sent, r.answered])).toEqual([
      ['Health', null, null],
      ['Local authority', 7, 6],
      ['Police', null, null],
    ]);
    expect(sectors[0].responseRate).toEqual({ suppressed: true });
    expect(check.warnings).toEqual(['Local authority answered more often than everyone (86% against 60%): the answers may over-represent this sector.']);
    // Confidence after the course: 12 surveyed gave it (mean 7.25), 8 of those who answered (6.625).
    expect((check.confidenceAfter.everyone as MeanFigure).n).toBe(12);
    expect((check.confidenceAfter.everyone as MeanFigure).mean).toBe(7.25);
    expect((check.confidenceAfter.answered as MeanFigure).mean).toBe(6.625);
  });
});

describe('filters', () => {
  it('narrows to a theme, a delivery mode or a course', async () => {
    const online = await impactFigures(as(['reviewer']), YEAR, { theme: 'Online safety' });
    expect(online.delivery).toMatchObject({ sessionsDelivered: 1, sessionsCancelled: 1, attendances: 5, placesOffered: 8, eLearningCompletions: 0 });
    expect(online.followUp.sent).toBe(0);
    const live = await impactFigures(as(['reviewer']), YEAR, { mode: 'Live online' });
    expect(live.delivery.attendances).toBe(5);
    const neglect = await impactFigures(as(['reviewer']), YEAR, { courseId: fixture.courses.c1.id });
    expect(neglect.delivery).toMatchObject({ sessionsDelivered: 2, attendances: 15 });
  });

  it('narrows the people counted, never the sessions, by sector, organisation or workforce group', async () => {
    const health = await impactFigures(as(['reviewer']), YEAR, { sector: 'Health' });
    expect(health.delivery).toMatchObject({ sessionsDelivered: 3, placesOffered: 28, attendances: 7, walkIns: { suppressed: true }, peopleTrained: 5 });
    const la = await impactFigures(as(['coordinator']), YEAR, { organisationId: fixture.la.id });
    expect(la.followUp).toMatchObject({ sent: 7, answered: 6 });
    const group3 = await impactFigures(as(['reviewer']), YEAR, { workforceGroup: '3' });
    expect(group3.followUp).toMatchObject({ sent: 11, answered: 7 });
    // Too few to show a count or a rate for: 2 attendances, 2 surveys sent.
    const police = await impactFigures(as(['reviewer']), YEAR, { sector: 'Police' });
    expect(police.delivery.attendances).toEqual({ suppressed: true });
    expect(police.followUp).toMatchObject({ sent: { suppressed: true }, responseRate: { suppressed: true } });
  });
});

describe('who may read the figures', () => {
  it('refuses anyone but reviewers and coordinators', async () => {
    for (const roles of [['practitioner'], ['trainer'], ['organisation lead']] as const) {
      await expect(impactFigures(as([...roles]), YEAR, {})).rejects.toMatchObject({ code: 'forbidden' });
    }
  });
});
