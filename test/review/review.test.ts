// The year-end review against the hand-counted year (test/impact/fixture.ts, test/review/fixture.ts):
// each course's figures exactly as counted, with the small ones suppressed; the decision rules
// (what each decision needs, merging only within the prospectus, only reviewers, nothing while
// agreed, every course decided before agreeing, reopening audited); the gaps; and next year's
// draft prospectus copying exactly the kept and revised courses and the accepted gaps.
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, courseCompetencies, courses, prospectuses, sessions } from '../../db/schema';
import { courseDecisionForm } from '../../server/review/schemas';
import { agreeReview, decideCourse, decideGap, getReview, listReviews, reopenReview, sameMonthNextYear, startNextProspectus } from '../../server/review/service';
import { publishProspectus } from '../../server/catalogue/manage/prospectus-service';
import { confirmProposedSession } from '../../server/catalogue/manage/session-service';
import type { Proportion } from '../../server/shared/statistics';
import { isDomainError } from '../../server/shared/errors';
import { makeSession } from '../support/fixtures';
import { seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { writeReviewYear } from './fixture';

let database: OpenDatabase;
let f: Awaited<ReturnType<typeof writeReviewYear>>;
const YEAR = '2025-26';

// Each test has the hand-counted year in a database of its own, so none leans on another's decisions.
beforeEach(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  f = await writeReviewYear(database.db);
});
afterEach(() => database.close());

/** C1 revised, C3 merged into C1: C2 still has no decision. */
async function decideC1AndC3() {
  await decideCourse(f.reviewer, YEAR, f.courses.c1.id, decision({ decision: 'revise', changes: 'Add adolescent neglect', note: 'Strong change in practice' }));
  await decideCourse(f.reviewer, YEAR, f.courses.c3.id, decision({ decision: 'merge', mergeInto: f.courses.c1.id }));
}

/** Every course decided (C2 retired), Domestic abuse and A2 accepted, Child death review dismissed, and the review agreed; the accepted competency's label. */
async function agreedReview() {
  await decideC1AndC3();
  await decideCourse(f.reviewer, YEAR, f.courses.c2.id, decision({ decision: 'retire', note: 'Low take-up' }));
  await decideGap(f.reviewer, YEAR, 'theme', 'Domestic abuse', { decision: 'accepted', note: 'A priority for the board' });
  await decideGap(f.reviewer, YEAR, 'theme', 'Child death review', { decision: 'dismissed', note: 'Covered by the health trust' });
  const a2 = (await getReview(f.reviewer, YEAR)).gaps.find((g) => g.label.startsWith('A2 '))!;
  await decideGap(f.reviewer, YEAR, 'competency', a2.key, { decision: 'accepted', note: 'Nobody offers it' });
  await agreeReview(f.reviewer, YEAR);
  return a2.label;
}

const rateOf = (r: unknown) => {
  const p = r as Proportion;
  return [p.count, p.of, ...[p.value, p.low, p.high].map((v) => Number(v.toFixed(4)))];
};
const decision = (values: Record<string, string>) => courseDecisionForm.parse(values);
async function refused(work: Promise<unknown>, code: string) {
  try {
    await work;
  } catch (error) {
    if (isDomainError(error)) return (expect(error.code).toBe(code), error);
    throw error;
  }
  throw new Error('It was not refused');
}

describe('the figures of each course', () => {
  it('counts C1’s year as the dashboard does, each rate with its count, denominator and interval', async () => {
    const review = await getReview(f.reviewer, YEAR);
    expect(review.status).toBe('not started');
    expect(review.courses.map((c) => c.course.title)).toEqual(['Neglect', 'Neglect e-learning', 'Online']);
    const c1 = review.courses.find((c) => c.course.id === f.courses.c1.id)!;
    const { delivery, followUp, dayZero } = c1.figures;
    // S1 and S2 (S0 was the year before): 20 places; p1..p7 and h1..h5, x1, x2 held a place and came.
    expect([delivery.sessionsDelivered, delivery.sessionsCancelled, delivery.placesOffered]).toEqual([2, 0, 20]);
    // 14 held a place, of 15 attendances: beside them the rates would tell that 1 (h1) walked in.
    expect(delivery.takeUp).toEqual({ suppressed: true, notShown: true });
    expect(delivery.attendanceRate).toEqual({ suppressed: true, notShown: true });
    expect(delivery.attendances).toBe(15);
    // p8 and h6 did not attend: 2, suppressed.
    expect(delivery.didNotAttend).toEqual({ suppressed: true });
    expect(rateOf(dayZero.responseRate)).toEqual([12, 15, 0.8, 0.5481, 0.9295]);
    // 15 surveys sent, 9 answered; practice changed: p1, p2, p3, h1 (S1), x1.
    expect(rateOf(followUp.responseRate)).toEqual([9, 15, 0.6, 0.3575, 0.8018]);
    expect(rateOf(followUp.practiceChanged)).toEqual([5, 9, 0.5556, 0.2667, 0.8112]);
  });

  it('shows the cancelled session of C2, and suppresses what rests on fewer than 5', async () => {
    const review = await getReview(f.coordinator, YEAR);
    const c2 = review.courses.find((c) => c.course.id === f.courses.c2.id)!;
    expect([c2.figures.delivery.sessionsDelivered, c2.figures.delivery.sessionsCancelled]).toEqual([1, 1]);
    expect(rateOf(c2.figures.delivery.takeUp)).toEqual([5, 8, 0.625, 0.3057, 0.8632]);
    expect(c2.figures.followUp.responseRate).toEqual({ suppressed: true });
  });

  it('lists the coded themes of C1’s answers, 2 as fewer than 5, and the competency it develops', async () => {
    const review = await getReview(f.reviewer, YEAR);
    const c1 = review.courses.find((c) => c.course.id === f.courses.c1.id)!;
    expect(c1.codedThemes.map((t) => [t.theme, t.answers])).toEqual([
      [f.themes.first, 5],
      [f.themes.second, { suppressed: true }],
    ]);
    expect(c1.competencies.map((c) => c.code)).toEqual([f.competency.code]);
    expect(c1.competencies[0].meets).toBeDefined();
  });

  it('is for reviewers and coordinators only', async () => {
    for (const roles of [['practitioner'], ['trainer'], ['organisation lead']] as const) {
      await refused(getReview({ ...f.reviewer, actor: { id: f.reviewerId, roles: [...roles] } }, YEAR), 'forbidden');
      await refused(listReviews({ ...f.reviewer, actor: { id: f.reviewerId, roles: [...roles] } }), 'forbidden');
    }
    await refused(getReview(f.reviewer, '1999-00'), 'not_found');
  });
});

describe('gaps to commission', () => {
  it('lists the uncovered required competencies, the themes with no course and the weakly evaluated one', async () => {
    const review = await getReview(f.reviewer, YEAR);
    const themes = review.gaps.filter((g) => g.kind === 'theme');
    // Neglect has C1 and C3 with 9 answers; Online safety's one course had none; the other 9 themes have no course.
    expect(themes).toHaveLength(10);
    expect(themes.map((g) => g.key)).not.toContain('Neglect');
    expect(themes.find((g) => g.key === 'Online safety')!.why).toBe('Its one course (Online) had fewer than 5 three-month answers between them: too few to tell what changed');
    expect(themes.find((g) => g.key === 'Domestic abuse')!.why).toBe('No course of 2025-26 has this theme');
    // The gap map's: 2025-26 is the latest published prospectus, and C1 develops A1; the other
    // required competencies, A2 to E3, no course develops.
    const comps = review.gaps.filter((g) => g.kind === 'competency');
    expect(comps.map((g) => g.label.split(' ')[0])).toEqual(['A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'D1', 'E1', 'E2', 'E3']);
    expect(comps[0].why).toMatch(/^Required for workforce groups? [\d, ]+; no course of the current or a draft prospectus develops it$/);
  });
});

describe('deciding', () => {
  it('asks what to change for a revise and which course for a merge', () => {
    const missing = (values: Record<string, string>) => courseDecisionForm.safeParse(values).error?.issues.map((i) => [i.path[0], i.message]);
    expect(missing({ decision: 'revise', changes: ' ' })).toEqual([['changes', 'Say what to change in the course']]);
    expect(missing({ decision: 'merge' })).toEqual([['mergeInto', 'Select the course to merge it into']]);
    expect(missing({})).toEqual([['decision', 'Select whether to keep, revise, retire or merge the course']]);
    expect(decision({ decision: 'keep', changes: 'ignored', mergeInto: f.courses.c2.id })).toEqual({ decision: 'keep', changes: '', mergeIntoCourseId: null, note: '' });
  });

  it('merges only into another course of the same prospectus', async () => {
    const other = await makeSession(database.db);
    const error = await refused(decideCourse(f.reviewer, YEAR, f.courses.c3.id, decision({ decision: 'merge', mergeInto: other.course.id })), 'invalid');
    expect(error.fields).toEqual({ mergeInto: 'Select a course of the 2025-26 prospectus to merge it into' });
    await refused(decideCourse(f.reviewer, YEAR, f.courses.c3.id, decision({ decision: 'merge', mergeInto: f.courses.c3.id })), 'invalid');
    await refused(decideCourse(f.reviewer, YEAR, other.course.id, decision({ decision: 'keep' })), 'not_found');
  });

  it('lets only reviewers decide', async () => {
    await refused(decideCourse(f.coordinator, YEAR, f.courses.c1.id, decision({ decision: 'keep' })), 'forbidden');
    await refused(decideGap(f.coordinator, YEAR, 'theme', 'Domestic abuse', { decision: 'accepted', note: 'x' }), 'forbidden');
    await refused(agreeReview(f.coordinator, YEAR), 'forbidden');
  });

  it('records each decision with who and when, audited, the latest standing', async () => {
    await decideCourse(f.reviewer, YEAR, f.courses.c1.id, decision({ decision: 'keep', note: 'First thoughts' }));
    await decideCourse(f.reviewer, YEAR, f.courses.c1.id, decision({ decision: 'revise', changes: 'Add adolescent neglect', note: 'Strong change in practice' }));
    await decideCourse(f.reviewer, YEAR, f.courses.c3.id, decision({ decision: 'merge', mergeInto: f.courses.c1.id }));
    const review = await getReview(f.coordinator, YEAR);
    expect(review.status).toBe('in progress');
    const c1 = review.decisions.find((d) => d.courseId === f.courses.c1.id)!;
    expect(c1).toMatchObject({ decision: 'revise', changes: 'Add adolescent neglect', note: 'Strong change in practice', decidedBy: 'Rita Reviewer', decidedAt: new Date('2026-05-15T09:00:00Z') });
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.action, 'review.course-decided'));
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.actorId === f.reviewerId && e.subjectType === 'year review')).toBe(true);
    expect(entries.map((e) => e.detail.decision).sort()).toEqual(['keep', 'merge', 'revise']);
  });

  it('accepts or dismisses a gap with a note, audited; a gap that is not one is not found', async () => {
    await decideGap(f.reviewer, YEAR, 'theme', 'Domestic abuse', { decision: 'accepted', note: 'A priority for the board' });
    await decideGap(f.reviewer, YEAR, 'theme', 'Child death review', { decision: 'dismissed', note: 'Covered by the health trust' });
    const a2 = (await getReview(f.reviewer, YEAR)).gaps.find((g) => g.label.startsWith('A2 '))!;
    await decideGap(f.reviewer, YEAR, 'competency', a2.key, { decision: 'accepted', note: 'Nobody offers it' });
    await refused(decideGap(f.reviewer, YEAR, 'theme', 'Neglect', { decision: 'accepted', note: 'x' }), 'not_found');
    const review = await getReview(f.reviewer, YEAR);
    expect(review.gaps.find((g) => g.key === 'Domestic abuse')!.decision).toMatchObject({ decision: 'accepted', note: 'A priority for the board', decidedBy: 'Rita Reviewer' });
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'review.gap-decided'))).toHaveLength(3);
  });

  it('agrees only once every course has its decision, then refuses every change until reopened', async () => {
    await decideC1AndC3();
    const error = await refused(agreeReview(f.reviewer, YEAR), 'invalid');
    expect(error.fields).toEqual({ agree: 'Decide on every course before agreeing the review: 1 course has no decision yet' });
    await refused(startNextProspectus(f.coordinator, YEAR), 'conflict');
    await decideCourse(f.reviewer, YEAR, f.courses.c2.id, decision({ decision: 'retire', note: 'Low take-up' }));
    await agreeReview(f.reviewer, YEAR);
    const agreed = await getReview(f.reviewer, YEAR);
    expect([agreed.status, agreed.agreedBy, agreed.agreedAt]).toEqual(['agreed', 'Rita Reviewer', new Date('2026-05-15T09:00:00Z')]);
    await refused(decideCourse(f.reviewer, YEAR, f.courses.c2.id, decision({ decision: 'keep' })), 'conflict');
    await refused(decideGap(f.reviewer, YEAR, 'theme', 'Early help', { decision: 'accepted', note: 'x' }), 'conflict');
    expect((await listReviews(f.coordinator)).find((y) => y.year === YEAR)).toMatchObject({ status: 'agreed', courses: 3, decided: 3 });

    await reopenReview(f.reviewer, YEAR);
    expect((await getReview(f.reviewer, YEAR)).status).toBe('in progress');
    await decideCourse(f.reviewer, YEAR, f.courses.c2.id, decision({ decision: 'retire', note: 'Low take-up, confirmed' }));
    await agreeReview(f.reviewer, YEAR);
    const audited = await database.db.select().from(auditLog).where(and(eq(auditLog.subjectType, 'year review'), eq(auditLog.actorId, f.reviewerId)));
    expect(audited.filter((e) => e.action === 'review.agreed')).toHaveLength(2);
    const [reopened] = audited.filter((e) => e.action === 'review.reopened');
    expect(reopened.detail).toMatchObject({ year: YEAR, agreedBy: f.reviewerId });
  });
});

describe('next year’s draft prospectus', () => {
  it('is for coordinators, and copies exactly the kept and revised courses and the accepted gaps, published nowhere', async () => {
    const gapCompetency = await agreedReview();
    await refused(startNextProspectus(f.reviewer, YEAR), 'forbidden');
    const started = await startNextProspectus(f.coordinator, YEAR);
    // C1's two dates of 2025-26 (Monday 12 May and Wednesday 10 September, 10am) proposed on the same weekdays of the same months.
    expect(started).toMatchObject({ year: '2026-27', copied: 1, stubs: 2, proposedSessions: 2 });
    const [draft] = await database.db.select().from(prospectuses).where(eq(prospectuses.id, started.prospectusId));
    expect(draft).toMatchObject({ year: '2026-27', status: 'draft', startsOn: '2026-04-01', endsOn: '2027-03-31' });
    const made = await database.db.select().from(courses).where(eq(courses.prospectusId, draft.id)).orderBy(courses.title);
    // C1 revised is copied; C2 retired and C3 merged are not; Domestic abuse and the competency are stubs.
    expect(made.map((c) => c.title)).toEqual(['Neglect', `New course: ${gapCompetency}`, 'New course: Domestic abuse'].sort());
    const copy = made.find((c) => c.title === 'Neglect')!;
    expect(copy).toMatchObject({ summary: 'Neglect', learningOutcomes: ['One', 'Two'], themes: ['Neglect'], deliveryMode: 'Face to face', durationMinutes: 180 });
    expect((await database.db.select().from(courseCompetencies).where(eq(courseCompetencies.courseId, copy.id))).map((c) => c.competencyId)).toEqual([f.competency.id]);
    expect(made.find((c) => c.title === 'New course: Domestic abuse')).toMatchObject({ themes: ['Domestic abuse'], provider: 'To be commissioned' });
    expect(copy.reviewNote).toBe('The review of 2025-26 decided to revise this course: Add adolescent neglect');
    const proposed = await database.db.select().from(sessions).where(eq(sessions.courseId, copy.id)).orderBy(sessions.startsAt);
    expect(proposed.map((x) => [x.startsAt.toISOString(), x.endsAt.toISOString(), x.capacity, x.proposed, x.status])).toEqual([
      ['2026-05-11T09:00:00.000Z', '2026-05-11T12:00:00.000Z', 10, true, 'scheduled'],
      ['2026-09-09T09:00:00.000Z', '2026-09-09T15:00:00.000Z', 10, true, 'scheduled'],
    ]);
    // Not published while a proposed date is unconfirmed; confirming (audited) or changing a date confirms it.
    await refused(publishProspectus(f.coordinator, draft.id), 'conflict');
    await confirmProposedSession(f.coordinator, proposed[0].id);
    await confirmProposedSession(f.coordinator, proposed[1].id);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'session.confirmed'))).toHaveLength(2);
    expect(await publishProspectus(f.coordinator, draft.id)).toEqual({ published: true });
    const review = await getReview(f.coordinator, YEAR);
    expect(review.nextProspectus).toEqual({ id: draft.id, year: '2026-27' });
    await refused(startNextProspectus(f.coordinator, YEAR), 'conflict');
    await refused(reopenReview(f.reviewer, YEAR), 'conflict');
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'review.next-prospectus-started'))).toHaveLength(1);
  });
});

describe('a date proposed for next year', () => {
  it('falls on the same weekday in the same month, at the same London time across the clocks changing', () => {
    const cases: [string, string][] = [
      // Monday 12 May 2025, 10am BST: Monday 11 May 2026.
      ['2025-05-12T09:00:00Z', '2026-05-11T09:00:00Z'],
      // Tuesday 1 April 2025, 9:30am BST: 52 weeks on is 31 March 2026, so 53: Tuesday 7 April 2026.
      ['2025-04-01T08:30:00Z', '2026-04-07T08:30:00Z'],
      // Thursday 30 October 2025, 9:30am GMT: Thursday 29 October 2026, 9:30am GMT (the clocks went back on the 25th).
      ['2025-10-30T09:30:00Z', '2026-10-29T09:30:00Z'],
      // Friday 27 March 2026, 2pm GMT: Friday 26 March 2027, 2pm GMT (the clocks go forward on the 28th).
      ['2026-03-27T14:00:00Z', '2027-03-26T14:00:00Z'],
      // Monday 20 October 2025 10am BST: Monday 19 October 2026, 10am BST.
      ['2025-10-20T09:00:00Z', '2026-10-19T09:00:00Z'],
    ];
    for (const [from, to] of cases) expect(sameMonthNextYear(new Date(from)), from).toEqual(new Date(to));
  });
});
