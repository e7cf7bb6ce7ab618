// A practitioner's competency profile: each competency their workforce group requires in the
// current version of the partnership's framework, its status, since when, when it is due for
// refresh, and the evidence behind it. Also the framework itself, as the API publishes it.
// The rules are docs/decisions/0010-competency-status-rules.md; in short, on London days:
//
// - Evidence of LEARNING: came to (attended or partly attended) a session of a course mapped to
//   the competency and gave the day's feedback, dated the session's day; or completed e-learning
//   mapped to it, dated the completion.
// - Evidence of APPLICATION: the person's own three-month survey on a course mapped to the
//   competency said their practice had changed, or rated them confident in that competency; the
//   line manager's three-month survey said they have seen the change; or a manager confirmed it
//   (competency_confirmations). Each is dated the day it was given.
// - Evidence recorded against a competency of an earlier framework version counts for the
//   current competency that continues it (continues_competency_id, back through the versions).
// - The refresh period is the competency's own months, else the framework's default. A piece of
//   evidence is CURRENT from its day up to, and not including, the day that many months later.
// - not started: no evidence of learning at all. Evidence of application alone is listed but
//   counts for nothing until there is learning.
//   due for refresh: evidence of learning, none of it current. Only new evidence of learning
//   clears it: evidence of application does not, and time never does.
//   applied: current evidence of learning and current evidence of application, in either order.
//   learned: current evidence of learning, and no current evidence of application.
// - since: the first day of the unbroken run of days up to today with the status it has now
//   (null when not started). refreshDue: the day the latest learning stops being current, which
//   for "due for refresh" is the day it became due (null when not started).
// - Evidence dated after today does not count yet.
//
// competencyStandings is the pure core; profileFor feeds it with one query per kind of evidence.
import { and, asc, eq, gt, inArray, notExists } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  bookings,
  competencies,
  competencyConfirmations,
  competencyFrameworks,
  competencyRequirements,
  courseCompetencies,
  courses,
  eLearningCompletions,
  feedback,
  followUpSurveys,
  impactResponses,
  LIVE_BOOKING_STATUSES,
  managerResponses,
  people,
  sessions,
  workforceGroups,
  type BookingStatus,
} from '../../db/schema';
import { sessionRegisterColumns, withSessionAndCourse } from '../bookings/joins';
import { currentPublishedProspectus, placesLeft } from '../catalogue/service';
import { auditChange } from '../audit/log';
import { addMonths, londonDay } from '../shared/dates';
import { forbidden, invalid, notFound } from '../shared/errors';
import type { PersonalContext, ServiceContext } from '../shared/context';
import type { ConfirmationInput } from './schemas';

export const COMPETENCY_STATUSES = ['not started', 'learned', 'applied', 'due for refresh'] as const;
export type CompetencyStatus = (typeof COMPETENCY_STATUSES)[number];

export const EVIDENCE_KINDS = ['course', 'e-learning', 'three-month survey', 'manager survey', 'manager confirmation'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
/** What a piece of evidence shows: that the person learned the competency, or applies it in practice. */
export type Shows = 'learning' | 'application';

export interface Evidence {
  /** One piece of evidence, however many competencies (or versions of one) it is recorded against. */
  key: string;
  /** The competency it is recorded against: a current one, or one of an earlier version. */
  competencyId: string;
  kind: EvidenceKind;
  shows: Shows;
  /** The London day it counts from, "2026-03-03". */
  on: string;
  /** The course it came from; null for a manager's confirmation. */
  course: { id: string; title: string } | null;
  /** What it is, in words: "Attended and gave feedback", "Said practice had changed", "Confirmed by sam@example.org". */
  detail: string;
}

/** A piece of evidence in words: "Safeguarding core workshop: attended and gave feedback". */
export const describeEvidence = (e: Pick<Evidence, 'course' | 'detail'>) => (e.course ? `${e.course.title}: ${e.detail[0].toLowerCase()}${e.detail.slice(1)}` : e.detail);

export interface RequiredCompetency {
  id: string;
  code: string;
  domain: string;
  statement: string;
  /** The competency's own refresh period, else the framework's default. */
  refreshMonths: number;
  /** This competency's id, then those of the earlier versions it continues, newest first. */
  lineage: string[];
}

export interface CompetencyStanding extends RequiredCompetency {
  status: CompetencyStatus;
  since: string | null;
  refreshDue: string | null;
  /** The evidence that counts for it, newest first. */
  evidence: Evidence[];
}

// ---- The rules ------------------------------------------------------------------------------

/** The status on a day, from the evidence known by then (see the rules at the top). */
function statusOn(evidence: Evidence[], months: number, day: string): CompetencyStatus {
  const known = evidence.filter((e) => e.on <= day);
  const current = (e: Evidence) => day < addMonths(e.on, months);
  const learning = known.filter((e) => e.shows === 'learning');
  if (!learning.length) return 'not started';
  if (!learning.some(current)) return 'due for refresh';
  return known.some((e) => e.shows === 'application' && current(e)) ? 'applied' : 'learned';
}

const newestFirst = (a: Evidence, b: Evidence) => b.on.localeCompare(a.on) || a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key);

function standing(competency: RequiredCompetency, all: Evidence[], today: string): CompetencyStanding {
  const months = competency.refreshMonths;
  // One piece of evidence recorded against two versions of the competency counts once.
  const byKey = new Map(all.filter((e) => competency.lineage.includes(e.competencyId) && e.on <= today).map((e) => [e.key, e]));
  const evidence = [...byKey.values()].sort(newestFirst);
  const status = statusOn(evidence, months, today);
  const latestLearning = evidence.find((e) => e.shows === 'learning')?.on;
  // The status only changes on the day a piece of evidence counts from, or the day it stops being
  // current; walking those days back from today finds where the present status began.
  const changes = [...new Set(evidence.flatMap((e) => [e.on, addMonths(e.on, months)]))].filter((d) => d <= today).sort();
  let since: string | null = null;
  if (status !== 'not started') {
    for (let i = changes.length - 1; i >= 0 && statusOn(evidence, months, changes[i]) === status; i--) since = changes[i];
  }
  return { ...competency, status, since, refreshDue: latestLearning ? addMonths(latestLearning, months) : null, evidence };
}

/**
 * The rules' core: each required competency's status, since, refresh date and evidence, from the
 * person's evidence (recorded against any version of any competency) as it stands at `now`.
 */
export function competencyStandings(required: RequiredCompetency[], evidence: Evidence[], now: Date): CompetencyStanding[] {
  const today = londonDay(now);
  return required.map((competency) => standing(competency, evidence, today));
}

/**
 * Each competency's id followed by the earlier versions it continues, newest first. A chain is
 * followed until it ends (or, should the data ever loop, until it comes back on itself).
 */
export function lineages(ids: string[], continues: Map<string, string | null>): Map<string, string[]> {
  return new Map(
    ids.map((id) => {
      const chain = [id];
      for (let next = continues.get(id); next && !chain.includes(next); next = continues.get(next)) chain.push(next);
      return [id, chain];
    }),
  );
}

// ---- Reading the evidence -------------------------------------------------------------------

const CAME: BookingStatus[] = ['attended', 'partly attended'];
type Scope = Pick<ServiceContext, 'db' | 'partnership'>;

/** Courses come to, one row per competency the course develops; feedback decides whether each counts yet. */
function attendedCourses(s: Scope, personId: string) {
  return withSessionAndCourse(
    s.db
      .select({
        bookingId: bookings.id,
        status: bookings.status,
        startsAt: sessions.startsAt,
        course: { id: courses.id, title: courses.title },
        competencyId: courseCompetencies.competencyId,
        feedbackId: feedback.id,
      })
      .from(bookings)
      .$dynamic(),
  )
    .innerJoin(courseCompetencies, eq(courseCompetencies.courseId, courses.id))
    .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
    .where(and(eq(bookings.partnershipId, s.partnership.id), eq(bookings.personId, personId), inArray(bookings.status, CAME)));
}

async function eLearningEvidence(s: Scope, personId: string): Promise<Evidence[]> {
  const rows = await s.db
    .select({ id: eLearningCompletions.id, completedOn: eLearningCompletions.completedOn, course: { id: courses.id, title: courses.title }, competencyId: courseCompetencies.competencyId })
    .from(eLearningCompletions)
    .innerJoin(courses, eq(courses.id, eLearningCompletions.courseId))
    .innerJoin(courseCompetencies, eq(courseCompetencies.courseId, courses.id))
    .where(and(eq(eLearningCompletions.partnershipId, s.partnership.id), eq(eLearningCompletions.personId, personId)));
  return rows.map((r) => ({ key: `e-learning:${r.id}`, competencyId: r.competencyId, kind: 'e-learning', shows: 'learning', on: r.completedOn, course: r.course, detail: 'Completed the e-learning' }));
}

/**
 * The person's own three-month answers: practice changed counts for every competency the course
 * develops, a self-assessment of confident for the competency rated.
 */
async function surveyEvidence(s: Scope, personId: string): Promise<Evidence[]> {
  const rows = await withSessionAndCourse(
    s.db
      .select({
        id: impactResponses.id,
        answeredAt: impactResponses.createdAt,
        practiceChanged: impactResponses.practiceChanged,
        ratings: impactResponses.competencies,
        course: { id: courses.id, title: courses.title },
        mapped: courseCompetencies.competencyId,
      })
      .from(impactResponses)
      .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .$dynamic(),
  )
    .leftJoin(courseCompetencies, eq(courseCompetencies.courseId, courses.id))
    .where(and(eq(impactResponses.partnershipId, s.partnership.id), eq(bookings.personId, personId), eq(followUpSurveys.respondent, 'attendee')));
  const responses = new Map<string, { row: (typeof rows)[number]; mapped: Set<string> }>();
  for (const row of rows) {
    const response = responses.get(row.id) ?? { row, mapped: new Set<string>() };
    if (row.mapped) response.mapped.add(row.mapped);
    responses.set(row.id, response);
  }
  return [...responses.values()].flatMap(({ row, mapped }) => {
    const changed = row.practiceChanged === 'yes' ? [...mapped] : [];
    const confident = Object.keys(row.ratings).filter((id) => row.ratings[id] === 'confident');
    return [...new Set([...changed, ...confident])].map((competencyId): Evidence => ({
      key: `three-month survey:${row.id}`,
      competencyId,
      kind: 'three-month survey',
      shows: 'application',
      on: londonDay(row.answeredAt),
      course: row.course,
      detail: [changed.includes(competencyId) && 'Said practice had changed', confident.includes(competencyId) && 'Rated confident in this competency'].filter(Boolean).join('; '),
    }));
  });
}

/** The line manager's three-month answers that say they have seen the change, for every competency the course develops. */
async function managerSurveyEvidence(s: Scope, personId: string): Promise<Evidence[]> {
  const rows = await withSessionAndCourse(
    s.db
      .select({ id: managerResponses.id, answeredAt: managerResponses.createdAt, course: { id: courses.id, title: courses.title }, competencyId: courseCompetencies.competencyId })
      .from(managerResponses)
      .innerJoin(followUpSurveys, eq(followUpSurveys.id, managerResponses.surveyId))
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .$dynamic(),
  )
    .innerJoin(courseCompetencies, eq(courseCompetencies.courseId, courses.id))
    .where(
      and(
        eq(managerResponses.partnershipId, s.partnership.id),
        eq(bookings.personId, personId),
        eq(followUpSurveys.respondent, 'manager'),
        eq(managerResponses.seenChange, 'yes'),
      ),
    );
  return rows.map((r) => ({ key: `manager survey:${r.id}`, competencyId: r.competencyId, kind: 'manager survey', shows: 'application', on: londonDay(r.answeredAt), course: r.course, detail: 'Line manager has seen the change in practice' }));
}

async function confirmationEvidence(s: Scope, personId: string): Promise<Evidence[]> {
  const rows = await s.db
    .select()
    .from(competencyConfirmations)
    .where(and(eq(competencyConfirmations.partnershipId, s.partnership.id), eq(competencyConfirmations.personId, personId)));
  return rows.map((r) => ({
    key: `manager confirmation:${r.id}`,
    competencyId: r.competencyId,
    kind: 'manager confirmation',
    shows: 'application',
    on: londonDay(r.confirmedAt),
    course: null,
    detail: `Confirmed by ${r.confirmedByEmail}${r.note ? `: ${r.note}` : ''}`,
  }));
}

// ---- The profile ----------------------------------------------------------------------------

export type Framework = typeof competencyFrameworks.$inferSelect;

/** The partnership's current framework version, if it has one. */
export async function currentFramework(s: Scope): Promise<Framework | undefined> {
  const [framework] = await s.db
    .select()
    .from(competencyFrameworks)
    .where(and(eq(competencyFrameworks.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true)));
  return framework;
}

/** Every competency of the partnership, of every version, with the one it continues: the lineages' links. */
async function continuations(s: Scope) {
  const rows = await s.db.select({ id: competencies.id, continues: competencies.continuesCompetencyId }).from(competencies).where(eq(competencies.partnershipId, s.partnership.id));
  return new Map(rows.map((r) => [r.id, r.continues]));
}

/** A course come to that would count as learning for a required competency once its feedback is given. */
export interface AwaitingFeedback {
  bookingId: string;
  course: { id: string; title: string };
  on: string;
  competencyCodes: string[];
}

export interface CompetencyProfile {
  person: { id: string; name: string };
  /** The current framework version; null when the partnership has none yet. */
  framework: Pick<Framework, 'id' | 'version' | 'title' | 'defaultRefreshMonths'> | null;
  /** The person's group in the current version; null with the reason in `groupMissing`. */
  workforceGroup: { id: string; code: string; name: string } | null;
  groupMissing: 'not set' | 'not in the current framework' | null;
  /** As of this London day. */
  asOf: string;
  competencies: CompetencyStanding[];
  awaitingFeedback: AwaitingFeedback[];
}

/**
 * A person's profile. Their group is read by its code in the current framework version, so a
 * person whose group was chosen under an earlier version keeps it; a code the current version no
 * longer has is "not in the current framework".
 */
async function profileFor(s: ServiceContext, personId: string): Promise<CompetencyProfile> {
  const [[person], framework] = await Promise.all([
    s.db
      .select({ id: people.id, name: people.name, groupCode: workforceGroups.code })
      .from(people)
      .leftJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId))
      .where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id))),
    currentFramework(s),
  ]);
  if (!person) throw notFound('Person');
  const asOf = londonDay(s.clock.now());
  const frameworkOut = framework ? { id: framework.id, version: framework.version, title: framework.title, defaultRefreshMonths: framework.defaultRefreshMonths } : null;
  const base = { person: { id: person.id, name: person.name }, framework: frameworkOut, asOf, competencies: [], awaitingFeedback: [] };
  if (person.groupCode === null) return { ...base, workforceGroup: null, groupMissing: 'not set' };
  if (!framework) return { ...base, workforceGroup: null, groupMissing: 'not in the current framework' };

  const [requirements, links, attended, ...evidence] = await Promise.all([
    s.db
      .select({
        group: { id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name },
        competency: { id: competencies.id, code: competencies.code, domain: competencies.domain, statement: competencies.statement, refreshMonths: competencies.refreshMonths },
      })
      .from(workforceGroups)
      .leftJoin(competencyRequirements, eq(competencyRequirements.workforceGroupId, workforceGroups.id))
      .leftJoin(competencies, and(eq(competencies.id, competencyRequirements.competencyId), eq(competencies.frameworkId, framework.id)))
      .where(and(eq(workforceGroups.frameworkId, framework.id), eq(workforceGroups.code, person.groupCode)))
      .orderBy(asc(competencies.code)),
    continuations(s),
    attendedCourses(s, personId),
    eLearningEvidence(s, personId),
    surveyEvidence(s, personId),
    managerSurveyEvidence(s, personId),
    confirmationEvidence(s, personId),
  ]);
  if (!requirements.length) return { ...base, workforceGroup: null, groupMissing: 'not in the current framework' };

  const rows = requirements.flatMap((r) => (r.competency ? [r.competency] : []));
  const chains = lineages(rows.map((c) => c.id), links);
  const required: RequiredCompetency[] = rows.map(({ refreshMonths, ...c }) => ({ ...c, refreshMonths: refreshMonths ?? framework.defaultRefreshMonths, lineage: chains.get(c.id)! }));
  const courseEvidence: Evidence[] = attended
    .filter((a) => a.feedbackId !== null)
    .map((a) => ({
      key: `course:${a.bookingId}`,
      competencyId: a.competencyId,
      kind: 'course',
      shows: 'learning',
      on: londonDay(a.startsAt),
      course: a.course,
      detail: a.status === 'partly attended' ? 'Partly attended and gave feedback' : 'Attended and gave feedback',
    }));
  return {
    ...base,
    workforceGroup: requirements[0].group,
    groupMissing: null,
    competencies: competencyStandings(required, [...courseEvidence, ...evidence.flat()], s.clock.now()),
    awaitingFeedback: awaitingFeedback(required, attended.filter((a) => a.feedbackId === null)),
  };
}

/** Courses come to without feedback yet, each with the required competencies it would count for. */
function awaitingFeedback(required: RequiredCompetency[], rows: Awaited<ReturnType<typeof attendedCourses>>): AwaitingFeedback[] {
  const byBooking = new Map<string, AwaitingFeedback>();
  for (const row of rows) {
    const codes = required.filter((c) => c.lineage.includes(row.competencyId)).map((c) => c.code);
    if (!codes.length) continue;
    const entry = byBooking.get(row.bookingId) ?? { bookingId: row.bookingId, course: row.course, on: londonDay(row.startsAt), competencyCodes: [] };
    entry.competencyCodes = [...new Set([...entry.competencyCodes, ...codes])].sort();
    byBooking.set(row.bookingId, entry);
  }
  return [...byBooking.values()].sort((a, b) => b.on.localeCompare(a.on));
}

/** The signed-in person's own competency profile. */
export function myCompetencyProfile(s: PersonalContext): Promise<CompetencyProfile> {
  return profileFor(s, s.actor.id);
}

// ---- Suggestions ----------------------------------------------------------------------------

/** Competencies that need learning: never started, or due for refresh. */
export const needsLearning = (c: CompetencyStanding) => c.status === 'not started' || c.status === 'due for refresh';

export interface SuggestedSession {
  sessionId: string;
  course: { id: string; title: string };
  startsAt: Date;
  endsAt: Date;
  online: boolean;
  venue: string;
  placesLeft: number;
  /** Codes of the competencies needing learning that the course develops. */
  develops: string[];
}

/**
 * Sessions the person could book now (scheduled, booking open, not started) in the current
 * published prospectus, of courses that develop a competency of theirs not started or due for
 * refresh, nearest first. Courses they already hold a live booking for are left out.
 */
export async function suggestedSessions(s: PersonalContext, profile: CompetencyProfile, limit = 5): Promise<SuggestedSession[]> {
  const needed = profile.competencies.filter(needsLearning);
  if (!needed.length) return [];
  const prospectus = await currentPublishedProspectus(s);
  if (!prospectus) return [];
  const now = s.clock.now();
  const bookedSession = alias(sessions, 'booked_session');
  const booked = s.db
    .select({ id: bookings.id })
    .from(bookings)
    .innerJoin(bookedSession, eq(bookedSession.id, bookings.sessionId))
    .where(and(eq(bookedSession.courseId, courses.id), eq(bookings.personId, s.actor.id), inArray(bookings.status, LIVE_BOOKING_STATUSES)));
  const rows = await s.db
    .select({ ...sessionRegisterColumns, competencyId: courseCompetencies.competencyId })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .innerJoin(courseCompetencies, eq(courseCompetencies.courseId, courses.id))
    .where(
      and(
        eq(sessions.partnershipId, s.partnership.id),
        eq(courses.prospectusId, prospectus.id),
        eq(courses.withdrawn, false),
        eq(sessions.status, 'scheduled'),
        gt(sessions.bookingClosesAt, now),
        gt(sessions.startsAt, now),
        inArray(courseCompetencies.competencyId, needed.flatMap((c) => c.lineage)),
        notExists(booked),
      ),
    )
    .orderBy(asc(sessions.startsAt), asc(sessions.id));
  const bySession = new Map<string, SuggestedSession>();
  for (const { id, courseId, courseTitle, startsAt, endsAt, online, venue, competencyId, ...places } of rows) {
    const entry = bySession.get(id) ?? { sessionId: id, course: { id: courseId, title: courseTitle }, startsAt, endsAt, online, venue, placesLeft: placesLeft(places), develops: [] };
    const codes = needed.filter((c) => c.lineage.includes(competencyId)).map((c) => c.code);
    entry.develops = [...new Set([...entry.develops, ...codes])].sort();
    bySession.set(id, entry);
  }
  return [...bySession.values()].slice(0, limit);
}

// ---- The framework --------------------------------------------------------------------------

/**
 * The current framework version as anyone may read it: its groups in order, and its
 * competencies by code, each with the groups that require it, its refresh period and the courses
 * of the current published prospectus that develop it. Undefined when there is no framework yet.
 */
export async function frameworkOverview(s: ServiceContext) {
  const framework = await currentFramework(s);
  if (!framework) return undefined;
  const [groups, rows, requirements, links, prospectus] = await Promise.all([
    s.db
      .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name, who: workforceGroups.who, outsideScheme: workforceGroups.outsideScheme })
      .from(workforceGroups)
      .where(eq(workforceGroups.frameworkId, framework.id))
      .orderBy(asc(workforceGroups.sortOrder)),
    s.db
      .select({ id: competencies.id, code: competencies.code, domain: competencies.domain, statement: competencies.statement, refreshMonths: competencies.refreshMonths })
      .from(competencies)
      .where(eq(competencies.frameworkId, framework.id))
      .orderBy(asc(competencies.code)),
    s.db
      .select({ competencyId: competencyRequirements.competencyId, groupId: competencyRequirements.workforceGroupId })
      .from(competencyRequirements)
      .innerJoin(workforceGroups, eq(workforceGroups.id, competencyRequirements.workforceGroupId))
      .where(eq(workforceGroups.frameworkId, framework.id)),
    continuations(s),
    currentPublishedProspectus(s),
  ]);
  const mappings = prospectus
    ? await s.db
        .select({ competencyId: courseCompetencies.competencyId, course: { id: courses.id, title: courses.title } })
        .from(courseCompetencies)
        .innerJoin(courses, eq(courses.id, courseCompetencies.courseId))
        .where(and(eq(courses.prospectusId, prospectus.id), eq(courses.withdrawn, false)))
        .orderBy(asc(courses.title))
    : [];
  const chains = lineages(rows.map((c) => c.id), links);
  return {
    framework,
    workforceGroups: groups,
    competencies: rows.map((c) => {
      const lineage = chains.get(c.id)!;
      const courseList = mappings.filter((m) => lineage.includes(m.competencyId)).map((m) => m.course);
      return {
        ...c,
        refreshMonths: c.refreshMonths ?? framework.defaultRefreshMonths,
        requiredFor: groups.filter((g) => requirements.some((r) => r.competencyId === c.id && r.groupId === g.id)).map(({ id, code, name }) => ({ id, code, name })),
        courses: [...new Map(courseList.map((course) => [course.id, course])).values()],
      };
    }),
  };
}

// ---- Managers' confirmations ----------------------------------------------------------------

/**
 * Records a manager's confirmation that a person applies a competency of the current framework
 * in practice. Made by the partnership (actor null: acting on the manager's emailed link, see
 * ./confirmation-requests, which sends it only to the person's recorded manager address) or by a
 * coordinator acting for the manager; nobody confirms their own competency (promise 9).
 */
export async function confirmCompetency(s: ServiceContext, input: ConfirmationInput) {
  if (s.actor && !s.actor.roles.includes('coordinator')) throw forbidden('Only a line manager or a coordinator can confirm a competency');
  const confirmedByEmail = input.confirmedByEmail.trim().toLowerCase();
  const framework = await currentFramework(s);
  const [[person], [competency], [confirmer]] = await Promise.all([
    s.db.select({ id: people.id, email: people.email }).from(people).where(and(eq(people.id, input.personId), eq(people.partnershipId, s.partnership.id))),
    framework
      ? s.db.select({ id: competencies.id }).from(competencies).where(and(eq(competencies.id, input.competencyId), eq(competencies.frameworkId, framework.id)))
      : Promise.resolve([]),
    s.db.select({ id: people.id }).from(people).where(and(eq(people.email, confirmedByEmail), eq(people.partnershipId, s.partnership.id))),
  ]);
  if (!person) throw notFound('Person');
  if (!competency) throw invalid({ competencyId: 'Choose a competency of the current framework' });
  if (person.email === confirmedByEmail || person.id === s.actor?.id) throw forbidden('Nobody can confirm their own competency');
  return s.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(competencyConfirmations)
      .values({ partnershipId: s.partnership.id, ...input, confirmedByEmail, confirmedBy: confirmer?.id ?? null, confirmedAt: s.clock.now() })
      .returning();
    await auditChange(tx, s, 'competency.confirmed', 'competency confirmation', row.id, { personId: person.id, competencyId: competency.id, confirmedByEmail });
    return row;
  });
}
