// The PPL group's year-end review of a prospectus year's training offer: the review's state
// (a draft until agreed; read-only while agreed; reopened to change it), a decision on each course
// (keep, revise with what to change, retire, or merge into another course of the same
// prospectus), the gaps to commission accepted or dismissed, and next year's draft prospectus
// started from an agreed review. Reviewers decide and agree; coordinators read, and start next
// year's draft. Every write is one transaction with its audit entry; the review's row is locked
// while it is checked and changed, so nothing is decided into a review being agreed.
import { and, asc, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import {
  competencies,
  competencyFrameworks,
  courseCompetencies,
  courses,
  courseWorkforceGroups,
  people,
  prospectuses,
  sessions,
  sessionTrainers,
  workforceGroups,
  yearReviewDecisions,
  yearReviewGaps,
  yearReviews,
  type CourseDecision,
  type DeliveryMode,
  type Role,
} from '../../db/schema';
import { auditChange } from '../audit/log';
import { createCourse } from '../catalogue/manage/course-service';
import { createProspectus } from '../catalogue/manage/prospectus-service';
import { listTrainers } from '../catalogue/manage/session-service';
import { DAY } from '../shared/clock';
import type { CourseInput } from '../catalogue/schemas';
import type { Prospectus } from '../catalogue/service';
import { gapMap } from '../competencies/needs';
import { addDays, fromLondon, londonParts, toLondonFields, yearStarting } from '../shared/dates';
import { conflict, forbidden, invalid, notFound } from '../shared/errors';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { courseFigures, coursesOf, gapCandidates, type CourseFigures, type GapCandidate, type GapKind, type ReviewCourse } from './figures';
import type { CourseDecisionInput, GapDecisionInput } from './schemas';

/** Who reads the review: the PPL group (reviewers) and coordinators. */
export const REVIEW_READERS: Role[] = ['reviewer', 'coordinator'];
/** Who decides: reviewers only. */
export const REVIEW_DECIDERS: Role[] = ['reviewer'];
/** Who starts next year's draft prospectus from an agreed review: coordinators. */
export const NEXT_YEAR_STARTERS: Role[] = ['coordinator'];

const holds = (s: ServiceContext, roles: Role[]) => !s.actor || s.actor.roles.some((r) => roles.includes(r));
export function checkCanRead(s: ServiceContext) {
  if (!holds(s, REVIEW_READERS)) throw forbidden('Only reviewers and coordinators can see the year-end review');
}
function checkCanDecide(s: ServiceContext) {
  if (!holds(s, REVIEW_DECIDERS)) throw forbidden('Only reviewers can record the review’s decisions');
}

export type ReviewStatus = 'not started' | 'in progress' | 'agreed';

export interface ReviewYear {
  year: string;
  title: string;
  /** Brought in from past records (server/history). */
  imported: boolean;
  status: ReviewStatus;
  courses: number;
  decided: number;
}

/** The partnership's prospectus years, newest first, with their review's status. */
export async function listReviews(s: ServiceContext): Promise<ReviewYear[]> {
  checkCanRead(s);
  const rows = await s.db
    .select({
      year: prospectuses.year,
      title: prospectuses.title,
      imported: sql<boolean>`${prospectuses.importedAt} is not null`,
      reviewStatus: yearReviews.status,
      courses: sql<number>`(select count(*) from ${courses} where ${courses.prospectusId} = ${prospectuses.id} and not ${courses.withdrawn})`.mapWith(Number),
      decided: sql<number>`(select count(*) from ${yearReviewDecisions} where ${yearReviewDecisions.reviewId} = ${yearReviews.id})`.mapWith(Number),
    })
    .from(prospectuses)
    .leftJoin(yearReviews, eq(yearReviews.prospectusId, prospectuses.id))
    .where(eq(prospectuses.partnershipId, s.partnership.id))
    .orderBy(desc(prospectuses.startsOn));
  return rows.map((r) => ({ year: r.year, title: r.title, imported: r.imported, courses: r.courses, decided: r.decided, status: statusOf(r.reviewStatus) }));
}

const statusOf = (stored: 'draft' | 'agreed' | null): ReviewStatus => (stored === 'agreed' ? 'agreed' : stored === 'draft' ? 'in progress' : 'not started');

export async function prospectusOfYear(s: ServiceContext, db: Executor, year: string): Promise<Prospectus> {
  const [p] = await db.select().from(prospectuses).where(and(eq(prospectuses.partnershipId, s.partnership.id), eq(prospectuses.year, year)));
  if (!p) throw notFound('Prospectus year');
  return p;
}

export interface Decision {
  courseId: string;
  decision: CourseDecision;
  changes: string;
  mergeIntoCourseId: string | null;
  note: string;
  decidedBy: string | null;
  decidedAt: Date;
}

export interface GapDecision {
  kind: GapKind;
  key: string;
  label: string;
  decision: 'accepted' | 'dismissed';
  note: string;
  decidedBy: string | null;
  decidedAt: Date;
}

export interface Review {
  prospectus: Prospectus;
  status: ReviewStatus;
  agreedAt: Date | null;
  agreedBy: string | null;
  nextProspectus: { id: string; year: string } | null;
  /** Every course of the prospectus. */
  courseList: ReviewCourse[];
  /** The figures of every course, or of the one asked for. */
  courses: CourseFigures[];
  decisions: Decision[];
  /** Candidates now, and any decided earlier that are candidates no more. */
  gaps: (GapCandidate & { decision: GapDecision | undefined })[];
}

const decidedByName = sql<string | null>`(select ${people.name} from ${people} where ${people.id} = decided_by)`;

/**
 * The review of a year, for its page: every course's figures and the gaps (by default), or one
 * course's figures without the gap map's shares and no gaps (`{ course }`), or the gaps and no
 * figures (`{ gapsOnly: true }`), for the pages that decide one thing.
 */
export async function getReview(s: PersonalContext, year: string, part: { course?: string; gapsOnly?: boolean } = {}): Promise<Review> {
  checkCanRead(s);
  const prospectus = await prospectusOfYear(s, s.db, year);
  const map = part.course ? undefined : await gapMap(s);
  const courseList = await coursesOf(s, prospectus.id);
  const [[row], figures, candidates] = await Promise.all([
    s.db
      .select({
        id: yearReviews.id,
        status: yearReviews.status,
        agreedAt: yearReviews.agreedAt,
        agreedBy: people.name,
        nextId: yearReviews.nextProspectusId,
        nextYear: sql<string | null>`(select ${prospectuses.year} from ${prospectuses} where ${prospectuses.id} = ${yearReviews.nextProspectusId})`,
      })
      .from(yearReviews)
      .leftJoin(people, eq(people.id, yearReviews.agreedBy))
      .where(and(eq(yearReviews.partnershipId, s.partnership.id), eq(yearReviews.prospectusId, prospectus.id))),
    part.gapsOnly ? [] : courseFigures(s, prospectus, courseList, map, part.course),
    part.course ? [] : gapCandidates(s, prospectus, courseList, map),
  ]);
  const [decisions, gapDecisions] = row
    ? await Promise.all([
        s.db
          .select({
            courseId: yearReviewDecisions.courseId,
            decision: yearReviewDecisions.decision,
            changes: yearReviewDecisions.changes,
            mergeIntoCourseId: yearReviewDecisions.mergeIntoCourseId,
            note: yearReviewDecisions.note,
            decidedBy: decidedByName,
            decidedAt: yearReviewDecisions.decidedAt,
          })
          .from(yearReviewDecisions)
          .where(eq(yearReviewDecisions.reviewId, row.id)),
        s.db
          .select({
            kind: yearReviewGaps.kind,
            key: yearReviewGaps.key,
            label: yearReviewGaps.label,
            decision: yearReviewGaps.decision,
            note: yearReviewGaps.note,
            decidedBy: decidedByName,
            decidedAt: yearReviewGaps.decidedAt,
          })
          .from(yearReviewGaps)
          .where(eq(yearReviewGaps.reviewId, row.id))
          .orderBy(asc(yearReviewGaps.kind), asc(yearReviewGaps.label)),
      ])
    : [[], []];
  const sameGap = (a: { kind: GapKind; key: string }, b: { kind: GapKind; key: string }) => a.kind === b.kind && a.key === b.key;
  const gaps = [
    ...candidates.map((c) => ({ ...c, decision: gapDecisions.find((d) => sameGap(d, c)) })),
    ...gapDecisions.filter((d) => !candidates.some((c) => sameGap(d, c))).map((d) => ({ kind: d.kind, key: d.key, label: d.label, why: 'No longer a gap', requiredBy: [], decision: d })),
  ];
  return {
    prospectus,
    status: statusOf(row?.status ?? null),
    agreedAt: row?.agreedAt ?? null,
    agreedBy: row?.agreedBy ?? null,
    nextProspectus: row?.nextId && row.nextYear ? { id: row.nextId, year: row.nextYear } : null,
    courseList,
    courses: figures,
    decisions,
    gaps,
  };
}

/**
 * The year's review row, created as a draft if there is none, locked for the rest of the
 * transaction; refused while agreed (`allowAgreed` for what an agreed review is for).
 */
export async function lockedReview(s: ServiceContext, tx: Executor, prospectus: Prospectus, options: { allowAgreed?: boolean } = {}) {
  await tx.insert(yearReviews).values({ partnershipId: s.partnership.id, prospectusId: prospectus.id }).onConflictDoNothing();
  const [review] = await tx
    .select()
    .from(yearReviews)
    .where(and(eq(yearReviews.partnershipId, s.partnership.id), eq(yearReviews.prospectusId, prospectus.id)))
    .for('update');
  if (review.status === 'agreed' && !options.allowAgreed) throw conflict(`The review of ${prospectus.year} is agreed: reopen it to change it`);
  return review;
}

/** Records (or replaces) the decision on one course of the year. */
export async function decideCourse(s: ServiceContext, year: string, courseId: string, input: CourseDecisionInput): Promise<void> {
  checkCanDecide(s);
  const prospectus = await prospectusOfYear(s, s.db, year);
  const list = await coursesOf(s, prospectus.id);
  const course = list.find((c) => c.id === courseId);
  if (!course) throw notFound('Course');
  if (input.decision === 'merge') {
    if (input.mergeIntoCourseId === courseId) throw invalid({ mergeInto: 'Select another course: a course cannot merge into itself' });
    if (!list.some((c) => c.id === input.mergeIntoCourseId && !c.withdrawn)) throw invalid({ mergeInto: `Select a course of the ${year} prospectus to merge it into` });
  }
  await s.db.transaction(async (tx) => {
    const review = await lockedReview(s, tx, prospectus);
    const values = { ...input, decidedBy: s.actor?.id ?? null, decidedAt: s.clock.now() };
    await tx
      .insert(yearReviewDecisions)
      .values({ reviewId: review.id, courseId, ...values })
      .onConflictDoUpdate({ target: [yearReviewDecisions.reviewId, yearReviewDecisions.courseId], set: values });
    await auditChange(tx, s, 'review.course-decided', 'year review', review.id, { year, courseId, course: course.title, ...input });
  });
}

/** Accepts or dismisses one of the year's gap candidates (or changes that). */
export async function decideGap(s: PersonalContext, year: string, kind: GapKind, key: string, input: GapDecisionInput): Promise<void> {
  checkCanDecide(s);
  const prospectus = await prospectusOfYear(s, s.db, year);
  const [courseList, map] = await Promise.all([coursesOf(s, prospectus.id), gapMap(s)]);
  const gap = (await gapCandidates(s, prospectus, courseList, map)).find((g) => g.kind === kind && g.key === key);
  await s.db.transaction(async (tx) => {
    const review = await lockedReview(s, tx, prospectus);
    const [earlier] = await tx
      .select({ label: yearReviewGaps.label })
      .from(yearReviewGaps)
      .where(and(eq(yearReviewGaps.reviewId, review.id), eq(yearReviewGaps.kind, kind), eq(yearReviewGaps.key, key)));
    const label = gap?.label ?? earlier?.label;
    if (!label) throw notFound('Gap');
    const values = { label, ...input, decidedBy: s.actor.id, decidedAt: s.clock.now() };
    await tx
      .insert(yearReviewGaps)
      .values({ reviewId: review.id, kind, key, ...values })
      .onConflictDoUpdate({ target: [yearReviewGaps.reviewId, yearReviewGaps.kind, yearReviewGaps.key], set: values });
    await auditChange(tx, s, 'review.gap-decided', 'year review', review.id, { year, kind, key, label, ...input });
  });
}

/** Agrees the review: every course still offered has its decision. Agreeing an agreed review changes nothing. */
export async function agreeReview(s: ServiceContext, year: string): Promise<void> {
  checkCanDecide(s);
  const prospectus = await prospectusOfYear(s, s.db, year);
  await s.db.transaction(async (tx) => {
    const review = await lockedReview(s, tx, prospectus, { allowAgreed: true });
    if (review.status === 'agreed') return;
    const [{ undecided }] = await tx
      .select({ undecided: sql<number>`count(*)`.mapWith(Number) })
      .from(courses)
      .leftJoin(yearReviewDecisions, and(eq(yearReviewDecisions.courseId, courses.id), eq(yearReviewDecisions.reviewId, review.id)))
      .where(and(eq(courses.prospectusId, prospectus.id), eq(courses.withdrawn, false), sql`${yearReviewDecisions.courseId} is null`));
    if (undecided) throw invalid({ agree: `Decide on every course before agreeing the review: ${undecided === 1 ? '1 course has' : `${undecided} courses have`} no decision yet` }, 'The review cannot be agreed yet');
    await tx.update(yearReviews).set({ status: 'agreed', agreedAt: s.clock.now(), agreedBy: s.actor?.id ?? null }).where(eq(yearReviews.id, review.id));
    await auditChange(tx, s, 'review.agreed', 'year review', review.id, { year });
  });
}

/** Reopens an agreed review so its decisions can change again; refused once next year's draft is started from it. */
export async function reopenReview(s: ServiceContext, year: string): Promise<void> {
  checkCanDecide(s);
  const prospectus = await prospectusOfYear(s, s.db, year);
  await s.db.transaction(async (tx) => {
    const review = await lockedReview(s, tx, prospectus, { allowAgreed: true });
    if (review.status !== 'agreed') return;
    if (review.nextProspectusId) throw conflict('Next year’s draft prospectus has been started from this review, so it stays agreed');
    await tx.update(yearReviews).set({ status: 'draft', agreedAt: null, agreedBy: null }).where(eq(yearReviews.id, review.id));
    await auditChange(tx, s, 'review.reopened', 'year review', review.id, { year, agreedAt: review.agreedAt?.toISOString() ?? null, agreedBy: review.agreedBy });
  });
}

// ---- Next year's draft prospectus ----------------------------------------------------------------

/**
 * Starts the following year's draft prospectus from an agreed review, in one transaction (the
 * catalogue's services, each in a savepoint): every course kept or revised copied (title,
 * summary, outcomes, themes, mode, length, provider, groups and competencies, the last two as the
 * current framework has them by code), the retired and merged left out, and each accepted gap a
 * draft course stub to be written. Each copied course gets a proposed date in the same month of
 * the next year for each of its dates this year that was not cancelled (the same weekday, times,
 * places, venue and trainers), for the coordinator to confirm; a revised course carries what the
 * review asked to change. Nothing is published. Once only.
 */
export async function startNextProspectus(s: ServiceContext, year: string): Promise<{ prospectusId: string; year: string; copied: number; stubs: number; proposedSessions: number }> {
  if (!holds(s, NEXT_YEAR_STARTERS)) throw forbidden('Only coordinators can start next year’s prospectus');
  const prospectus = await prospectusOfYear(s, s.db, year);
  const next = yearStarting(Number(prospectus.year.slice(0, 4)) + 1, s.partnership.yearStartMonth);
  return s.db.transaction(async (tx) => {
    const review = await lockedReview(s, tx, prospectus, { allowAgreed: true });
    if (review.status !== 'agreed') throw conflict('Agree the review before starting next year’s prospectus from it');
    if (review.nextProspectusId) throw conflict(`Next year’s draft prospectus has already been started from the review of ${year}`);
    const inTx: ServiceContext = { ...s, db: tx as ServiceContext['db'] };
    const created = await createProspectus(inTx, {
      year: next.label,
      title: `Learning and development prospectus ${next.label}`,
      introduction: prospectus.introduction,
      startsOn: next.startsOn,
      endsOn: next.endsOn,
    });
    const carried = await tx
      .select({ course: courses, decision: yearReviewDecisions.decision, changes: yearReviewDecisions.changes })
      .from(yearReviewDecisions)
      .innerJoin(courses, eq(courses.id, yearReviewDecisions.courseId))
      .where(and(eq(yearReviewDecisions.reviewId, review.id), sql`${yearReviewDecisions.decision} in ('keep', 'revise')`))
      .orderBy(asc(courses.title));
    const current = await currentByCode(inTx, tx);
    const trainers = new Set((await listTrainers(inTx, tx)).map((t) => t.id));
    let proposedSessions = 0;
    for (const { course, decision, changes } of carried) {
      const [groupCodes, competencyCodes] = await Promise.all([
        tx.select({ code: workforceGroups.code }).from(courseWorkforceGroups).innerJoin(workforceGroups, eq(workforceGroups.id, courseWorkforceGroups.workforceGroupId)).where(eq(courseWorkforceGroups.courseId, course.id)),
        tx.select({ code: competencies.code }).from(courseCompetencies).innerJoin(competencies, eq(competencies.id, courseCompetencies.competencyId)).where(eq(courseCompetencies.courseId, course.id)),
      ]);
      const copy = await createCourse(inTx, created.id, {
        title: course.title,
        summary: course.summary,
        learningOutcomes: course.learningOutcomes,
        themes: course.themes as CourseInput['themes'],
        deliveryMode: course.deliveryMode,
        durationMinutes: course.durationMinutes,
        provider: course.provider,
        prerequisites: course.prerequisites,
        requiresManagerApproval: course.requiresManagerApproval,
        asksManagerFollowUp: course.asksManagerFollowUp,
        workforceGroupIds: current.groups(groupCodes.map((g) => g.code)),
        competencyIds: current.competencies(competencyCodes.map((c) => c.code)),
      });
      if (decision === 'revise') await tx.update(courses).set({ reviewNote: `The review of ${year} decided to revise this course: ${changes}` }).where(eq(courses.id, copy.id));
      proposedSessions += await proposeSessions(s, tx, prospectus, course.id, copy.id, trainers);
    }
    const accepted = await tx.select().from(yearReviewGaps).where(and(eq(yearReviewGaps.reviewId, review.id), eq(yearReviewGaps.decision, 'accepted'))).orderBy(asc(yearReviewGaps.kind), asc(yearReviewGaps.label));
    for (const gap of accepted) await createCourse(inTx, created.id, stubFor(gap, year, current));
    await tx.update(yearReviews).set({ nextProspectusId: created.id }).where(eq(yearReviews.id, review.id));
    await auditChange(tx, s, 'review.next-prospectus-started', 'year review', review.id, { year, nextYear: next.label, prospectusId: created.id, copied: carried.length, stubs: accepted.length, proposedSessions });
    return { prospectusId: created.id, year: next.label, copied: carried.length, stubs: accepted.length, proposedSessions };
  });
}

const WEEK = 7 * DAY;

/**
 * The same weekday about a year later, in the same calendar month (London): 52 weeks on, or 53
 * where 52 would fall in the month before.
 */
export function sameMonthNextYear(at: Date): Date {
  const month = londonParts(at).month;
  const earlier = new Date(at.getTime() + 52 * WEEK);
  const moved = londonParts(earlier).month === month ? earlier : new Date(at.getTime() + 53 * WEEK);
  // Keep the wall-clock time across a change of the clocks.
  const { time } = toLondonFields(at);
  return fromLondon(toLondonFields(moved).date, time);
}

/** Proposed dates for a copied course: one for each of the original's dates in the reviewed year that was not cancelled, with its trainers who still train. */
async function proposeSessions(s: ServiceContext, tx: Executor, reviewed: Prospectus, fromCourseId: string, toCourseId: string, trainers: Set<string>): Promise<number> {
  const inYear = and(gte(sessions.startsAt, fromLondon(reviewed.startsOn)), lt(sessions.startsAt, fromLondon(addDays(reviewed.endsOn, 1))));
  const originals = await tx.select().from(sessions).where(and(eq(sessions.courseId, fromCourseId), ne(sessions.status, 'cancelled'), inYear)).orderBy(asc(sessions.startsAt));
  if (!originals.length) return 0;
  const trainedBy = await tx.select().from(sessionTrainers).where(inArray(sessionTrainers.sessionId, originals.map((o) => o.id)));
  for (const original of originals) {
    const startsAt = sameMonthNextYear(original.startsAt);
    const shift = startsAt.getTime() - original.startsAt.getTime();
    const [proposed] = await tx
      .insert(sessions)
      .values({
        partnershipId: s.partnership.id,
        courseId: toCourseId,
        startsAt,
        endsAt: new Date(original.endsAt.getTime() + shift),
        bookingClosesAt: new Date(original.bookingClosesAt.getTime() + shift),
        venue: original.venue,
        online: original.online,
        capacity: original.capacity,
        trainerName: original.trainerName,
        proposed: true,
      })
      .returning({ id: sessions.id });
    const keep = trainedBy.filter((t) => t.sessionId === original.id && trainers.has(t.personId));
    if (keep.length) await tx.insert(sessionTrainers).values(keep.map((t) => ({ sessionId: proposed.id, personId: t.personId })));
  }
  return originals.length;
}

/** The current framework's groups and competencies by code: a course of an earlier version keeps those that continue. */
async function currentByCode(s: ServiceContext, tx: Executor) {
  const current = and(eq(competencyFrameworks.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true));
  const [groups, comps] = await Promise.all([
    tx.select({ id: workforceGroups.id, code: workforceGroups.code }).from(workforceGroups).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId)).where(current),
    tx.select({ id: competencies.id, code: competencies.code }).from(competencies).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId)).where(current),
  ]);
  const pick = (rows: { id: string; code: string }[]) => (codes: string[]) => [...new Set(codes)].flatMap((code) => rows.filter((r) => r.code === code).map((r) => r.id));
  return { groups: pick(groups), competencies: pick(comps), competencyIds: new Set(comps.map((c) => c.id)) };
}

const STUB_MODE: DeliveryMode = 'Face to face';

/** A draft course to write for an accepted gap: the theme, or the competency with the groups that require it. */
function stubFor(gap: typeof yearReviewGaps.$inferSelect, year: string, current: Awaited<ReturnType<typeof currentByCode>>): CourseInput {
  const competency = gap.kind === 'competency' && current.competencyIds.has(gap.key) ? gap.key : undefined;
  const title = `New course: ${gap.kind === 'theme' ? gap.key : gap.label}`;
  return {
    title: title.length > 200 ? `${title.slice(0, 199)}…` : title,
    summary: `To be written. A gap accepted in the review of ${year}: ${gap.label}. ${gap.note}`.slice(0, 1000),
    learningOutcomes: ['To be written'],
    themes: (gap.kind === 'theme' ? [gap.key] : ['Core safeguarding']) as CourseInput['themes'],
    deliveryMode: STUB_MODE,
    durationMinutes: 180,
    provider: 'To be commissioned',
    prerequisites: '',
    requiresManagerApproval: false,
    asksManagerFollowUp: false,
    workforceGroupIds: [],
    competencyIds: competency ? [competency] : [],
  };
}
