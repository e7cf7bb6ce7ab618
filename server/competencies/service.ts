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
// competencyStandings is the pure core (statusFrom the status alone, from the latest learning and
// application); evidenceOf feeds it with one query per kind of evidence. A whole workforce's
// statuses are read without the evidence records, as days only (./workforce-statuses).
import { and, asc, eq, gt, inArray, notExists, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
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

/** A piece of evidence and whose it is, as the readers give it for a workforce. */
export type PersonEvidence = Evidence & { personId: string };

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

/**
 * The day evidence from `on` stops being current, remembered: a workforce's statuses ask it of
 * the same few thousand days again and again.
 */
const currentEnds = new Map<number, Map<string, string>>();
function currentUntil(on: string, months: number): string {
  let ends = currentEnds.get(months);
  if (ends === undefined) currentEnds.set(months, (ends = new Map()));
  let end = ends.get(on);
  if (end === undefined) ends.set(on, (end = addMonths(on, months)));
  return end;
}

/**
 * The status on a day from the latest evidence of learning and the latest of application dated
 * on or before it (undefined where there is none): the rules at the top, which only ever ask
 * whether some evidence is current, and evidence is current longest when it is the latest.
 */
export function statusFrom(latestLearning: string | undefined, latestApplication: string | undefined, months: number, day: string): CompetencyStatus {
  if (latestLearning === undefined) return 'not started';
  if (day >= currentUntil(latestLearning, months)) return 'due for refresh';
  return latestApplication !== undefined && day < currentUntil(latestApplication, months) ? 'applied' : 'learned';
}

/** The status on a day, from the evidence known by then. */
function statusOn(evidence: Evidence[], months: number, day: string): CompetencyStatus {
  let learning: string | undefined;
  let application: string | undefined;
  for (const e of evidence) {
    if (e.on > day) continue;
    if (e.shows === 'learning') learning = learning === undefined || e.on > learning ? e.on : learning;
    else application = application === undefined || e.on > application ? e.on : application;
  }
  return statusFrom(learning, application, months, day);
}

const newestFirst = (a: Evidence, b: Evidence) => b.on.localeCompare(a.on) || a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key);

/** The evidence that counts for the competency by `today`: recorded against it or a version it continues, each piece once. */
function countingEvidence(competency: RequiredCompetency, all: Evidence[], today: string): Evidence[] {
  // One piece of evidence recorded against two versions of the competency counts once.
  return [...new Map(all.filter((e) => competency.lineage.includes(e.competencyId) && e.on <= today).map((e) => [e.key, e])).values()];
}

function standing(competency: RequiredCompetency, all: Evidence[], today: string): CompetencyStanding {
  const months = competency.refreshMonths;
  const evidence = countingEvidence(competency, all, today).sort(newestFirst);
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

/** Whose evidence to read: one person, the people of one organisation, or everyone in the partnership. */
export type Workforce = { personId: string } | { organisationId: string } | 'partnership';

/** The condition on a person id column that keeps to the workforce (the partnership is each query's own condition). */
function ofWorkforce(s: Scope, personColumn: AnyPgColumn, workforce: Workforce): SQL | undefined {
  if (workforce === 'partnership') return undefined;
  if ('personId' in workforce) return eq(personColumn, workforce.personId);
  return inArray(personColumn, s.db.select({ id: people.id }).from(people).where(eq(people.organisationId, workforce.organisationId)));
}

/**
 * The London day of a moment, remembered: a workforce's courses share a few hundred session
 * start times, and formatting each in London time is what reading many rows would spend.
 */
function londonDays() {
  const days = new Map<number, string>();
  return (d: Date) => {
    let day = days.get(d.getTime());
    if (day === undefined) days.set(d.getTime(), (day = londonDay(d)));
    return day;
  };
}

/**
 * Each course of the partnership with the competencies it develops: a few hundred rows, put
 * beside the bookings in memory rather than joined to each of a workforce's many thousands.
 */
type CourseMappings = Awaited<ReturnType<typeof courseMappings>>;
async function courseMappings(s: Scope) {
  const rows = await s.db
    .select({ id: courses.id, title: courses.title, competencyId: courseCompetencies.competencyId })
    .from(courses)
    .innerJoin(courseCompetencies, eq(courseCompetencies.courseId, courses.id))
    .where(eq(courses.partnershipId, s.partnership.id));
  const byCourse = new Map<string, { course: { id: string; title: string }; competencyIds: string[] }>();
  for (const { id, title, competencyId } of rows) {
    const entry = byCourse.get(id) ?? { course: { id, title }, competencyIds: [] };
    entry.competencyIds.push(competencyId);
    byCourse.set(id, entry);
  }
  return byCourse;
}

/** The competencies a course develops, each with the course: what e-learning and the managers' answers count for. */
const developedBy = (mappings: CourseMappings, courseId: string) => {
  const mapped = mappings.get(courseId);
  return mapped ? mapped.competencyIds.map((competencyId) => ({ competencyId, course: mapped.course })) : [];
};

/** Courses come to, one row per competency the course develops; feedback decides whether each counts yet. */
async function attendedCourses(s: Scope, workforce: Workforce, mappings: CourseMappings) {
  const rows = await s.db
    .select({ bookingId: bookings.id, personId: bookings.personId, status: bookings.status, startsAt: sessions.startsAt, courseId: sessions.courseId, feedbackId: feedback.id })
    .from(bookings)
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
    .where(and(eq(bookings.partnershipId, s.partnership.id), ofWorkforce(s, bookings.personId, workforce), inArray(bookings.status, CAME)));
  return rows.flatMap(({ courseId, ...row }) => developedBy(mappings, courseId).map(({ competencyId, course }) => ({ ...row, course, competencyId })));
}
type AttendedCourse = Awaited<ReturnType<typeof attendedCourses>>[number];

async function eLearningEvidence(s: Scope, workforce: Workforce, mappings: CourseMappings): Promise<PersonEvidence[]> {
  const rows = await s.db
    .select({ id: eLearningCompletions.id, personId: eLearningCompletions.personId, completedOn: eLearningCompletions.completedOn, courseId: eLearningCompletions.courseId })
    .from(eLearningCompletions)
    .where(and(eq(eLearningCompletions.partnershipId, s.partnership.id), ofWorkforce(s, eLearningCompletions.personId, workforce)));
  return rows.flatMap((r) =>
    developedBy(mappings, r.courseId).map(({ competencyId, course }) => ({ key: `e-learning:${r.id}`, personId: r.personId, competencyId, kind: 'e-learning', shows: 'learning', on: r.completedOn, course, detail: 'Completed the e-learning' })),
  );
}

/**
 * The people's own three-month answers: practice changed counts for every competency the course
 * develops, a self-assessment of confident for the competency rated.
 */
async function surveyEvidence(s: Scope, workforce: Workforce, mappings: CourseMappings): Promise<PersonEvidence[]> {
  const rows = await withSessionAndCourse(
    s.db
      .select({
        id: impactResponses.id,
        personId: bookings.personId,
        answeredAt: impactResponses.createdAt,
        practiceChanged: impactResponses.practiceChanged,
        ratings: impactResponses.competencies,
        course: { id: courses.id, title: courses.title },
      })
      .from(impactResponses)
      .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .$dynamic(),
  ).where(and(eq(impactResponses.partnershipId, s.partnership.id), ofWorkforce(s, bookings.personId, workforce), eq(followUpSurveys.respondent, 'attendee')));
  const responses = rows.map((row) => ({ row, mapped: mappings.get(row.course.id)?.competencyIds ?? [] }));
  return responses.flatMap(({ row, mapped }) => {
    const changed = row.practiceChanged === 'yes' ? mapped : [];
    const confident = Object.keys(row.ratings).filter((id) => row.ratings[id] === 'confident');
    const on = londonDay(row.answeredAt);
    return [...new Set([...changed, ...confident])].map((competencyId): PersonEvidence => ({
      key: `three-month survey:${row.id}`,
      personId: row.personId,
      competencyId,
      kind: 'three-month survey',
      shows: 'application',
      on,
      course: row.course,
      detail: [changed.includes(competencyId) && 'Said practice had changed', confident.includes(competencyId) && 'Rated confident in this competency'].filter(Boolean).join('; '),
    }));
  });
}

/** The line managers' three-month answers that say they have seen the change, for every competency the course develops. */
async function managerSurveyEvidence(s: Scope, workforce: Workforce, mappings: CourseMappings): Promise<PersonEvidence[]> {
  const rows = await s.db
    .select({ id: managerResponses.id, personId: bookings.personId, answeredAt: managerResponses.createdAt, courseId: sessions.courseId })
    .from(managerResponses)
    .innerJoin(followUpSurveys, eq(followUpSurveys.id, managerResponses.surveyId))
    .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .where(
      and(
        eq(managerResponses.partnershipId, s.partnership.id),
        ofWorkforce(s, bookings.personId, workforce),
        eq(followUpSurveys.respondent, 'manager'),
        eq(managerResponses.seenChange, 'yes'),
      ),
    );
  return rows.flatMap((r) => {
    const on = londonDay(r.answeredAt);
    return developedBy(mappings, r.courseId).map(({ competencyId, course }) => ({
      key: `manager survey:${r.id}`,
      personId: r.personId,
      competencyId,
      kind: 'manager survey',
      shows: 'application',
      on,
      course,
      detail: 'Line manager has seen the change in practice',
    }));
  });
}

async function confirmationEvidence(s: Scope, workforce: Workforce): Promise<PersonEvidence[]> {
  const rows = await s.db
    .select()
    .from(competencyConfirmations)
    .where(and(eq(competencyConfirmations.partnershipId, s.partnership.id), ofWorkforce(s, competencyConfirmations.personId, workforce)));
  return rows.map((r) => ({
    key: `manager confirmation:${r.id}`,
    personId: r.personId,
    competencyId: r.competencyId,
    kind: 'manager confirmation',
    shows: 'application',
    on: londonDay(r.confirmedAt),
    course: null,
    detail: `Confirmed by ${r.confirmedByEmail}${r.note ? `: ${r.note}` : ''}`,
  }));
}

/**
 * Every kind of evidence for the workforce, one query each (five, in parallel), however many
 * people it holds; and the courses come to whose feedback is still to give, which count once it is.
 */
export async function evidenceOf(s: Scope, workforce: Workforce): Promise<{ evidence: PersonEvidence[]; awaitingFeedback: AttendedCourse[] }> {
  const mappings = await courseMappings(s);
  const [attended, ...others] = await Promise.all([
    attendedCourses(s, workforce, mappings),
    eLearningEvidence(s, workforce, mappings),
    surveyEvidence(s, workforce, mappings),
    managerSurveyEvidence(s, workforce, mappings),
    confirmationEvidence(s, workforce),
  ]);
  const day = londonDays();
  const courseEvidence = attended
    .filter((a) => a.feedbackId !== null)
    .map((a): PersonEvidence => ({
      key: `course:${a.bookingId}`,
      personId: a.personId,
      competencyId: a.competencyId,
      kind: 'course',
      shows: 'learning',
      on: day(a.startsAt),
      course: a.course,
      detail: a.status === 'partly attended' ? 'Partly attended and gave feedback' : 'Attended and gave feedback',
    }));
  return { evidence: [...courseEvidence, ...others.flat()], awaitingFeedback: attended.filter((a) => a.feedbackId === null) };
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

/** A workforce group of the current framework version and the competencies it requires, by code. */
export interface GroupRequirements {
  group: { id: string; code: string; name: string };
  required: RequiredCompetency[];
}

/**
 * Every group of the framework version, in order, keyed by its code, each with what it requires
 * and the competencies' lineages back through the versions.
 */
export async function requirementsByGroup(s: Scope, framework: Framework): Promise<Map<string, GroupRequirements>> {
  const [rows, links] = await Promise.all([
    s.db
      .select({
        group: { id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name },
        competency: { id: competencies.id, code: competencies.code, domain: competencies.domain, statement: competencies.statement, refreshMonths: competencies.refreshMonths },
      })
      .from(workforceGroups)
      .leftJoin(competencyRequirements, eq(competencyRequirements.workforceGroupId, workforceGroups.id))
      .leftJoin(competencies, and(eq(competencies.id, competencyRequirements.competencyId), eq(competencies.frameworkId, framework.id)))
      .where(eq(workforceGroups.frameworkId, framework.id))
      .orderBy(asc(workforceGroups.sortOrder), asc(competencies.code)),
    continuations(s),
  ]);
  const chains = lineages([...new Set(rows.flatMap((r) => (r.competency ? [r.competency.id] : [])))], links);
  const groups = new Map<string, GroupRequirements>();
  for (const { group, competency } of rows) {
    const entry = groups.get(group.code) ?? { group, required: [] };
    if (competency) {
      const { refreshMonths, ...c } = competency;
      entry.required.push({ ...c, refreshMonths: refreshMonths ?? framework.defaultRefreshMonths, lineage: chains.get(c.id)! });
    }
    groups.set(group.code, entry);
  }
  return groups;
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

  const [groups, { evidence, awaitingFeedback: unfed }] = await Promise.all([requirementsByGroup(s, framework), evidenceOf(s, { personId })]);
  const requirements = groups.get(person.groupCode);
  if (!requirements) return { ...base, workforceGroup: null, groupMissing: 'not in the current framework' };
  return {
    ...base,
    workforceGroup: requirements.group,
    groupMissing: null,
    competencies: competencyStandings(requirements.required, evidence, s.clock.now()),
    awaitingFeedback: awaitingFeedback(requirements.required, unfed),
  };
}

/** Courses come to without feedback yet, each with the required competencies it would count for. */
function awaitingFeedback(required: RequiredCompetency[], rows: AttendedCourse[]): AwaitingFeedback[] {
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
