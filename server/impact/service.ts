// The PPL group's impact figures: what the training delivered and what it changed, for a date
// range (a prospectus year by default) and the filters the dashboard offers, with the same figures
// for the period of the same length just before. Every rate carries its count, denominator and
// Wilson interval and every mean its n and t interval (../shared/statistics); counts of 1 to 4
// people, and breakdown cells for fewer than 5, are suppressed (decision 0012). The definitions, said on the page as well:
//
// - A session belongs to the range by the London day it starts; `to` is the first day after it.
// - Sessions, courses, training hours and places offered come from delivered sessions (cancelled
//   ones are counted apart). The filters on people (sector, organisation, workforce group) narrow
//   the people counted, never the sessions.
// - Bookings: every request for a place, the waiting list and later cancellations included, walk-ins
//   not. Attendances: attended or partly attended, walk-ins included.
// - Take-up: attendances of people who held a place ÷ places offered. Attendance rate: the same
//   attendances ÷ the places confirmed when the session started (those marked attended, partly
//   attended or did not attend). Walk-ins are counted apart, in neither.
// - On the day: the feedback given ÷ attendances; ratings and the confidence change (after minus
//   before, for each person) as means.
// - Three months on: surveys answered ÷ surveys sent (still-open ones included, so a recent range
//   rises as answers arrive). Practice changed and shared learning ÷ answers; a better outcome for
//   a child or family ÷ those who answered that question other than "not applicable".
//   Confidence held: confidence now minus confidence after the course, for each person who gave both.
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import { withSessionCourseAndPerson } from '../bookings/joins';
import {
  bookings,
  courses,
  eLearningCompletions,
  feedback,
  followUpSurveys,
  impactResponses,
  managerResponses,
  organisations,
  people,
  prospectuses,
  sessions,
  workforceGroups,
  type DeliveryMode,
  type Role,
  type Sector,
} from '../../db/schema';
import { listWorkforceGroups } from '../catalogue/service';
import { listOrganisations } from '../organisations/service';
import { forbidden, invalid } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import { fromLondon, londonDay, yearContaining } from '../shared/dates';
import { breakdownShown, isSuppressed, meanFrom, peopleCount, percent, rate, type Mean, type Rate, type Suppressed } from '../shared/statistics';

export interface ImpactFilters {
  theme?: string;
  courseId?: string;
  mode?: DeliveryMode;
  sector?: Sector;
  organisationId?: string;
  /** A workforce group's code, in whichever framework version the person's group belongs to. */
  workforceGroup?: string;
}

export interface ImpactRange {
  /** First London day, included. */
  from: string;
  /** The London day after the last, not included. */
  to: string;
}

/** The next London day: "2026-03-31" gives "2026-04-01". */
export function dayAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The period asked for: a prospectus year by its label, or dates (`to` not included), or by
 * default the prospectus year that today falls in (the partnership's year, when there is none).
 */
export async function impactRange(s: ServiceContext, given: { year?: string; from?: string; to?: string }): Promise<ImpactRange & { year: string | null }> {
  if (given.from || given.to) {
    if (!given.from || !given.to) throw invalid({ [given.from ? 'to' : 'from']: 'Enter both dates, or choose a year' }, 'The dates are not valid');
    if (given.to <= given.from) throw invalid({ to: 'The end must be after the start' }, 'The dates are not valid');
    return { from: given.from, to: given.to, year: null };
  }
  const today = londonDay(s.clock.now());
  const years = await prospectusYears(s);
  const chosen = given.year ? years.find((y) => y.year === given.year) : years.find((y) => y.startsOn <= today && today <= y.endsOn);
  if (given.year && !chosen) throw invalid({ year: 'Choose a year from the list' }, 'There is no prospectus for that year');
  if (chosen) return { from: chosen.startsOn, to: dayAfter(chosen.endsOn), year: chosen.year };
  const fallback = yearContaining(s.clock.now(), s.partnership.yearStartMonth);
  return { from: fallback.startsOn, to: dayAfter(fallback.endsOn), year: fallback.label };
}

/** The partnership's prospectus years, newest first. */
export function prospectusYears(s: ServiceContext) {
  return s.db
    .select({ year: prospectuses.year, startsOn: prospectuses.startsOn, endsOn: prospectuses.endsOn })
    .from(prospectuses)
    .where(eq(prospectuses.partnershipId, s.partnership.id))
    .orderBy(desc(prospectuses.startsOn));
}

/** What the dashboard's filters offer: the years, the courses of the years, organisations and workforce groups. */
export async function impactChoices(s: ServiceContext) {
  checkCanReadImpact(s);
  const [years, courseList, organisationList, groups] = await Promise.all([
    prospectusYears(s),
    s.db
      .select({ id: courses.id, title: courses.title, year: prospectuses.year })
      .from(courses)
      .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
      .where(eq(courses.partnershipId, s.partnership.id))
      .orderBy(desc(prospectuses.startsOn), asc(courses.title)),
    listOrganisations(s),
    listWorkforceGroups(s),
  ]);
  return { years, courses: courseList, organisations: organisationList.map((o) => ({ id: o.id, name: o.name })), workforceGroups: groups.map((g) => ({ code: g.code, name: g.name })) };
}

/** Only the PPL group (reviewers) and coordinators read the impact figures. */
export const IMPACT_READERS: Role[] = ['reviewer', 'coordinator'];

export function checkCanReadImpact(s: ServiceContext) {
  if (s.actor && !s.actor.roles.some((r) => IMPACT_READERS.includes(r))) throw forbidden('Only reviewers and coordinators can see the impact figures');
}

// ---- Aggregates -----------------------------------------------------------------------------

const int = (expression: SQL) => sql<number>`coalesce(${expression}, 0)`.mapWith(Number);
export const countWhere = (condition: SQL) => int(sql`count(*) filter (where ${condition})`);
/** n, sum and sum of squares of an expression, for meanFrom. */
const moments = (expression: SQL, where: SQL = sql`true`) => ({
  n: int(sql`count(${expression}) filter (where ${where})`),
  sum: int(sql`sum(${expression}) filter (where ${where})`),
  squares: int(sql`sum((${expression}) * (${expression})) filter (where ${where})`),
});
const meanOfMoments = (m: { n: number; sum: number; squares: number }) => meanFrom(m.n, m.sum, m.squares);

const CAME = sql`${bookings.status} in ('attended', 'partly attended')`;
const HELD_A_PLACE = sql`not ${bookings.walkIn}`;
const CONFIRMED_AT_START = sql`not ${bookings.walkIn} and ${bookings.status} in ('attended', 'partly attended', 'did not attend')`;

/** The range and the filters on sessions and courses. */
function sessionConditions(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): SQL[] {
  return [
    eq(sessions.partnershipId, s.partnership.id),
    gte(sessions.startsAt, fromLondon(range.from)),
    lt(sessions.startsAt, fromLondon(range.to)),
    ...courseConditions(filters),
  ];
}

/** The filters on courses, for sessions and e-learning alike. */
function courseConditions(filters: ImpactFilters): SQL[] {
  return [
    filters.courseId ? eq(courses.id, filters.courseId) : undefined,
    filters.mode ? eq(courses.deliveryMode, filters.mode) : undefined,
    filters.theme ? sql`${courses.themes} @> ${JSON.stringify([filters.theme])}::jsonb` : undefined,
  ].filter((c): c is SQL => c !== undefined);
}

/** The filters on people. */
function personConditions(filters: ImpactFilters): SQL[] {
  return [
    filters.sector ? eq(organisations.sector, filters.sector) : undefined,
    filters.organisationId ? eq(organisations.id, filters.organisationId) : undefined,
    filters.workforceGroup ? eq(workforceGroups.code, filters.workforceGroup) : undefined,
  ].filter((c): c is SQL => c !== undefined);
}

/** Joins a booking's session, course, person, organisation and workforce group to a query from `bookings`. */
export const withEverything = <Q extends PgSelect>(query: Q) =>
  withSessionCourseAndPerson(query).innerJoin(organisations, eq(organisations.id, people.organisationId)).leftJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId));

/** Bookings of the range's sessions, filtered (and by `also`). */
export const bookingConditions = (s: ServiceContext, range: ImpactRange, filters: ImpactFilters, also?: SQL) => and(...sessionConditions(s, range, filters), ...personConditions(filters), also);

// ---- The figures ----------------------------------------------------------------------------

/** A count of people: the number, or suppressed when it is 1 to 4 (../shared/statistics peopleCount). */
export type Count = number | Suppressed;

export interface Delivery {
  courses: number;
  sessionsDelivered: number;
  sessionsCancelled: number;
  trainingHours: number;
  placesOffered: number;
  bookings: Count;
  attendances: Count;
  didNotAttend: Count;
  lateCancellations: Count;
  walkIns: Count;
  eLearningCompletions: Count;
  peopleTrained: Count;
  organisationsReached: number;
  sectorsReached: number;
  takeUp: Rate;
  attendanceRate: Rate;
}

export interface DayZero {
  responses: Count;
  responseRate: Rate;
  outcomesMet: Mean;
  relevance: Mean;
  delivery: Mean;
  confidenceBefore: Mean;
  confidenceAfter: Mean;
  confidenceChange: Mean;
}

export interface FollowUp {
  sent: Count;
  answered: Count;
  responseRate: Rate;
  practiceChanged: Rate;
  outcomeImproved: Rate;
  sharedLearning: Rate;
  confidenceNow: Mean;
  confidenceHeld: Mean;
  /** The competency self-assessments given, each answer counted once per competency rated. */
  selfAssessments: { rated: number; confident: Rate; developing: Rate; notYet: Rate };
}

export interface Managers {
  sent: Count;
  answered: Count;
  responseRate: Rate;
  seenChange: Rate;
}

export interface ImpactFigures {
  range: ImpactRange;
  delivery: Delivery;
  dayZero: DayZero;
  followUp: FollowUp;
  managers: Managers;
}

/** Delivery and on the day: sessions in one query, the bookings with their feedback in one more. */
async function deliveryAndDayZero(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<{ delivery: Delivery; dayZero: DayZero }> {
  const delivered = sql`${sessions.status} = 'delivered'`;
  const given = sql`${feedback.id} is not null`;
  const outcomes = sql`(select avg(value::numeric) from jsonb_array_elements_text(${feedback.outcomesMet}) as value)`;
  const [[sessionRow], [row], reach] = await Promise.all([
    s.db
      .select({
        courses: int(sql`count(distinct ${courses.id}) filter (where ${delivered})`),
        sessionsDelivered: countWhere(delivered),
        sessionsCancelled: countWhere(sql`${sessions.status} = 'cancelled'`),
        minutes: int(sql`sum(extract(epoch from ${sessions.endsAt} - ${sessions.startsAt}) / 60) filter (where ${delivered})`),
        placesOffered: int(sql`sum(${sessions.capacity}) filter (where ${delivered})`),
      })
      .from(sessions)
      .innerJoin(courses, eq(courses.id, sessions.courseId))
      .where(and(...sessionConditions(s, range, filters))),
    withEverything(
      s.db
        .select({
          bookings: countWhere(HELD_A_PLACE),
          attendances: countWhere(CAME),
          heldAndCame: countWhere(sql`${HELD_A_PLACE} and ${CAME}`),
          confirmedAtStart: countWhere(CONFIRMED_AT_START),
          didNotAttend: countWhere(sql`${bookings.status} = 'did not attend'`),
          lateCancellations: countWhere(sql`${bookings.status} = 'cancelled' and ${bookings.lateCancellation}`),
          walkIns: countWhere(sql`${bookings.walkIn} and ${CAME}`),
          responses: countWhere(sql`${CAME} and ${given}`),
          outcomes: moments(outcomes, given),
          relevance: moments(sql`${feedback.relevance}`, given),
          delivery: moments(sql`${feedback.delivery}`, given),
          before: moments(sql`${feedback.confidenceBefore}`, given),
          after: moments(sql`${feedback.confidenceAfter}`, given),
          change: moments(sql`${feedback.confidenceAfter} - ${feedback.confidenceBefore}`, given),
        })
        .from(bookings)
        .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
        .$dynamic(),
    ).where(bookingConditions(s, range, filters)),
    peopleReached(s, range, filters),
  ]);
  const delivery: Delivery = {
    courses: sessionRow.courses,
    sessionsDelivered: sessionRow.sessionsDelivered,
    sessionsCancelled: sessionRow.sessionsCancelled,
    trainingHours: Math.round(sessionRow.minutes / 6) / 10,
    placesOffered: sessionRow.placesOffered,
    bookings: peopleCount(row.bookings),
    attendances: peopleCount(row.attendances),
    didNotAttend: peopleCount(row.didNotAttend),
    lateCancellations: peopleCount(row.lateCancellations),
    walkIns: peopleCount(row.walkIns),
    eLearningCompletions: peopleCount(reach.completions),
    peopleTrained: peopleCount(reach.people),
    organisationsReached: reach.organisations,
    sectorsReached: reach.sectors,
    takeUp: rate(row.heldAndCame, sessionRow.placesOffered),
    attendanceRate: rate(row.heldAndCame, row.confirmedAtStart),
  };
  const dayZero: DayZero = {
    responses: peopleCount(row.responses),
    responseRate: rate(row.responses, row.attendances),
    outcomesMet: meanOfMoments(row.outcomes),
    relevance: meanOfMoments(row.relevance),
    delivery: meanOfMoments(row.delivery),
    confidenceBefore: meanOfMoments(row.before),
    confidenceAfter: meanOfMoments(row.after),
    confidenceChange: meanOfMoments(row.change),
  };
  return { delivery, dayZero };
}

/** Distinct people, organisations and sectors trained: at a session, or by e-learning completed in the range. */
async function peopleReached(s: ServiceContext, range: ImpactRange, filters: ImpactFilters) {
  const who = { personId: sql`${people.id}`.as('person_id'), organisationId: sql`${organisations.id}`.as('organisation_id'), sector: sql`${organisations.sector}`.as('sector') };
  const attended = withEverything(s.db.select({ ...who, completion: sql<number>`0`.as('completion') }).from(bookings).$dynamic()).where(bookingConditions(s, range, filters, CAME));
  const completed = s.db
    .select({ ...who, completion: sql<number>`1`.as('completion') })
    .from(eLearningCompletions)
    .innerJoin(courses, eq(courses.id, eLearningCompletions.courseId))
    .innerJoin(people, eq(people.id, eLearningCompletions.personId))
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .leftJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId))
    .where(
      and(
        eq(eLearningCompletions.partnershipId, s.partnership.id),
        gte(eLearningCompletions.completedOn, range.from),
        lt(eLearningCompletions.completedOn, range.to),
        ...courseConditions(filters),
        ...personConditions(filters),
      ),
    );
  const [row] = await s.db
    .select({
      people: int(sql`count(distinct person_id)`),
      organisations: int(sql`count(distinct organisation_id)`),
      sectors: int(sql`count(distinct sector)`),
      completions: int(sql`sum(completion)`),
    })
    .from(sql`(${attended} union all ${completed}) as trained`);
  return row;
}

export const SENT = sql`${followUpSurveys.sentAt} is not null`;

async function followUpFigures(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<FollowUp> {
  const answered = sql`${impactResponses.id} is not null`;
  const [[row], ratings] = await Promise.all([
    withEverything(
      s.db
        .select({
          sent: countWhere(SENT),
          answered: countWhere(answered),
          changed: countWhere(sql`${impactResponses.practiceChanged} = 'yes'`),
          improved: countWhere(sql`${impactResponses.outcomeImproved} = 'yes'`),
          improvedAsked: countWhere(sql`${impactResponses.outcomeImproved} in ('yes', 'not yet', 'no')`),
          shared: countWhere(sql`${impactResponses.sharedLearning}`),
          now: moments(sql`${impactResponses.confidenceNow}`, answered),
          held: moments(sql`${impactResponses.confidenceNow} - ${feedback.confidenceAfter}`, sql`${answered} and ${feedback.id} is not null`),
        })
        .from(followUpSurveys)
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .leftJoin(impactResponses, eq(impactResponses.surveyId, followUpSurveys.id))
        .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
        .$dynamic(),
    ).where(bookingConditions(s, range, filters, eq(followUpSurveys.respondent, 'attendee'))),
    withEverything(
      s.db
        .select({ rating: sql<string>`rating.value`, n: int(sql`count(*)`) })
        .from(impactResponses)
        .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .innerJoin(sql`jsonb_each_text(${impactResponses.competencies}) as rating`, sql`true`)
        .$dynamic(),
    )
      .where(bookingConditions(s, range, filters))
      .groupBy(sql`rating.value`),
  ]);
  const rated = ratings.reduce((total, r) => total + r.n, 0);
  const ratedAs = (value: string) => rate(ratings.find((r) => r.rating === value)?.n ?? 0, rated);
  return {
    sent: peopleCount(row.sent),
    answered: peopleCount(row.answered),
    responseRate: rate(row.answered, row.sent),
    practiceChanged: rate(row.changed, row.answered),
    outcomeImproved: rate(row.improved, row.improvedAsked),
    sharedLearning: rate(row.shared, row.answered),
    confidenceNow: meanOfMoments(row.now),
    confidenceHeld: meanOfMoments(row.held),
    selfAssessments: { rated, confident: ratedAs('confident'), developing: ratedAs('developing'), notYet: ratedAs('not yet') },
  };
}

async function managerFigures(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<Managers> {
  const [row] = await withEverything(
    s.db
      .select({
        sent: countWhere(SENT),
        answered: countWhere(sql`${managerResponses.id} is not null`),
        seen: countWhere(sql`${managerResponses.seenChange} = 'yes'`),
      })
      .from(followUpSurveys)
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .leftJoin(managerResponses, eq(managerResponses.surveyId, followUpSurveys.id))
      .$dynamic(),
  ).where(bookingConditions(s, range, filters, eq(followUpSurveys.respondent, 'manager')));
  return { sent: peopleCount(row.sent), answered: peopleCount(row.answered), responseRate: rate(row.answered, row.sent), seenChange: rate(row.seen, row.answered) };
}

/** The headline figures for a range. */
export async function impactFigures(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<ImpactFigures> {
  checkCanReadImpact(s);
  const [{ delivery, dayZero }, followUp, managers] = await Promise.all([deliveryAndDayZero(s, range, filters), followUpFigures(s, range, filters), managerFigures(s, range, filters)]);
  return { range, delivery, dayZero, followUp, managers };
}

// ---- Breakdowns -----------------------------------------------------------------------------

/** A count of people in a breakdown, or null where it is suppressed (fewer than 5, or hidden so another cannot be worked out). */
export type Cell = number | null;

export interface BreakdownRow {
  key: string;
  label: string;
  attendances: Cell;
  people: Cell;
}

/** Hides the small cells of one column of a breakdown, and a second where one alone would be given away by the total. */
export function suppressColumn<R>(rows: R[], read: (row: R) => number): Cell[] {
  const counts = rows.map(read);
  const shown = breakdownShown(counts);
  return counts.map((n, i) => (shown[i] ? n : null));
}

function breakdown(rows: { key: string; label: string; attendances: number; people: number }[]): BreakdownRow[] {
  const attendances = suppressColumn(rows, (r) => r.attendances);
  const peopleCells = suppressColumn(rows, (r) => r.people);
  return rows.map((r, i) => ({ key: r.key, label: r.label, attendances: attendances[i], people: peopleCells[i] }));
}

/** Attendances and distinct people trained at sessions, by sector and by organisation. */
export async function reachBreakdowns(s: ServiceContext, range: ImpactRange, filters: ImpactFilters) {
  checkCanReadImpact(s);
  const columns = { attendances: int(sql`count(*)`), people: int(sql`count(distinct ${bookings.personId})`) };
  const [bySector, byOrganisation] = await Promise.all([
    withEverything(s.db.select({ key: organisations.sector, ...columns }).from(bookings).$dynamic())
      .where(bookingConditions(s, range, filters, CAME))
      .groupBy(organisations.sector)
      .orderBy(organisations.sector),
    withEverything(s.db.select({ key: organisations.id, label: organisations.name, ...columns }).from(bookings).$dynamic())
      .where(bookingConditions(s, range, filters, CAME))
      .groupBy(organisations.id, organisations.name)
      .orderBy(organisations.name),
  ]);
  return { bySector: breakdown(bySector.map((r) => ({ ...r, label: r.key }))), byOrganisation: breakdown(byOrganisation) };
}

export interface MonthRow {
  /** "2026-05" */
  month: string;
  sessionsDelivered: number;
  attendances: Cell;
}

/** Sessions delivered and attendances in each London month of the range. */
export async function deliveryByMonth(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<MonthRow[]> {
  checkCanReadImpact(s);
  const month = sql<string>`to_char(${sessions.startsAt} at time zone 'Europe/London', 'YYYY-MM')`;
  const [delivered, came] = await Promise.all([
    s.db
      .select({ month, n: int(sql`count(*)`) })
      .from(sessions)
      .innerJoin(courses, eq(courses.id, sessions.courseId))
      .where(and(...sessionConditions(s, range, filters), eq(sessions.status, 'delivered')))
      .groupBy(month),
    withEverything(s.db.select({ month, n: int(sql`count(*)`) }).from(bookings).$dynamic())
      .where(bookingConditions(s, range, filters, CAME))
      .groupBy(month),
  ]);
  const months = monthsOf(range).map((m) => ({ month: m, sessionsDelivered: delivered.find((r) => r.month === m)?.n ?? 0, came: came.find((r) => r.month === m)?.n ?? 0 }));
  // A month with no sessions shows it had no attendances, so its 0 cannot be the second cell hidden beside a small one.
  const held = months.filter((m) => m.sessionsDelivered > 0 || m.came > 0);
  const shown = suppressColumn(held, (m) => m.came);
  return months.map(({ month, sessionsDelivered, came: n }) => {
    const i = held.findIndex((m) => m.month === month);
    return { month, sessionsDelivered, attendances: i < 0 ? n : shown[i] };
  });
}

/** Every month the range touches, "2026-04" to "2027-03". */
function monthsOf(range: ImpactRange): string[] {
  const months: string[] = [];
  const [y, m] = range.from.split('-').map(Number);
  for (let index = y * 12 + m - 1; ; index++) {
    const month = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    if (`${month}-01` >= range.to || months.length >= 120) break;
    months.push(month);
  }
  return months;
}

// ---- Who answered -----------------------------------------------------------------------------

/** How far a group's response rate may stray from the overall rate before the page warns. */
export const NON_RESPONSE_GAP = 0.15;

export interface NonResponseRow {
  by: 'sector' | 'workforce group';
  group: string;
  /** Sent a three-month survey (they attended, and it fell due). */
  sent: Cell;
  answered: Cell;
  responseRate: Rate;
  /** In words, when this group's rate differs from the overall by more than NON_RESPONSE_GAP. */
  warning: string | null;
}

export interface NonResponseCheck {
  overall: Rate;
  rows: NonResponseRow[];
  /** Confidence after the course, of everyone sent a survey and of those who answered. */
  confidenceAfter: { everyone: Mean; answered: Mean };
  warnings: string[];
}

/**
 * Compares those who answered the three-month survey with everyone it was sent to, by sector, by
 * workforce group and by their confidence after the course, and says in words where the answers
 * may not speak for everyone.
 */
export async function nonResponseCheck(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<NonResponseCheck> {
  checkCanReadImpact(s);
  const answered = sql`${impactResponses.id} is not null`;
  const where = bookingConditions(s, range, filters, sql`${followUpSurveys.respondent} = 'attendee' and ${SENT}`);
  /** Surveys sent and answered, for each value of `group` (one row for the whole when it is constant). */
  const responses = (group: SQL) =>
    withEverything(
      s.db
        .select({ group: sql<string | null>`${group}`, sent: countWhere(SENT), answered: countWhere(answered) })
        .from(followUpSurveys)
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .leftJoin(impactResponses, eq(impactResponses.surveyId, followUpSurveys.id))
        .$dynamic(),
    )
      .where(where)
      .groupBy(group)
      .orderBy(group);
  const [[total], bySector, byGroup, [confidence]] = await Promise.all([
    responses(sql`'everyone'::text`),
    responses(sql`${organisations.sector}`),
    responses(sql`coalesce(${workforceGroups.name}, 'No group given')`),
    withEverything(
      s.db
        .select({ everyone: moments(sql`${feedback.confidenceAfter}`), answered: moments(sql`${feedback.confidenceAfter}`, answered) })
        .from(followUpSurveys)
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .innerJoin(feedback, eq(feedback.bookingId, bookings.id))
        .leftJoin(impactResponses, eq(impactResponses.surveyId, followUpSurveys.id))
        .$dynamic(),
    ).where(where),
  ]);
  const overall = total ? rate(total.answered, total.sent) : rate(0, 0);
  const rowsOf = (by: NonResponseRow['by'], groups: { group: string | null; sent: number; answered: number }[]): NonResponseRow[] => {
    const sent = suppressColumn(groups, (g) => g.sent);
    return groups.map((g, i) => {
      const group = g.group ?? 'Not known';
      if (sent[i] === null) return { by, group, sent: null, answered: null, responseRate: rate(0, 0), warning: null };
      const responseRate = rate(g.answered, g.sent);
      return { by, group, sent: g.sent, answered: g.answered, responseRate, warning: responseGapWarning(by, group, responseRate, overall) };
    });
  };
  const rows = [...rowsOf('sector', bySector), ...rowsOf('workforce group', byGroup)];
  const confidenceAfter = { everyone: meanOfMoments(confidence.everyone), answered: meanOfMoments(confidence.answered) };
  const warnings = rows.flatMap((r) => (r.warning ? [r.warning] : []));
  if (!isSuppressed(confidenceAfter.everyone) && !isSuppressed(confidenceAfter.answered)) {
    const difference = confidenceAfter.answered.mean - confidenceAfter.everyone.mean;
    if (Math.abs(difference) >= 1) {
      warnings.push(
        `Those who answered left the course ${difference > 0 ? 'more' : 'less'} confident than everyone surveyed (${confidenceAfter.answered.mean.toFixed(1)} against ${confidenceAfter.everyone.mean.toFixed(1)} out of 10): the answers may paint the change ${difference > 0 ? 'brighter' : 'darker'} than it is.`,
      );
    }
  }
  return { overall, rows, confidenceAfter, warnings };
}


/** "Police answered less often than everyone (31% against 58%): ...", when the gap is more than NON_RESPONSE_GAP. */
function responseGapWarning(by: NonResponseRow['by'], group: string, groupRate: Rate, overall: Rate): string | null {
  if (isSuppressed(groupRate) || isSuppressed(overall)) return null;
  const gap = groupRate.value - overall.value;
  if (Math.abs(gap) <= NON_RESPONSE_GAP) return null;
  const who = by === 'sector' ? 'this sector' : 'this workforce group';
  return `${group} answered ${gap < 0 ? 'less' : 'more'} often than everyone (${percent(groupRate.value)} against ${percent(overall.value)}): the answers may ${gap < 0 ? 'under-represent' : 'over-represent'} ${who}.`;
}

// ---- The dashboard ------------------------------------------------------------------------------

/** The period of the same length just before a range. */
export function previousRange(range: ImpactRange): ImpactRange {
  const day = (iso: string) => Date.UTC(...(iso.split('-').map(Number) as [number, number, number]).map((v, i) => (i === 1 ? v - 1 : v)) as [number, number, number]);
  const length = day(range.to) - day(range.from);
  return { from: new Date(day(range.from) - length).toISOString().slice(0, 10), to: range.from };
}

export interface ImpactDashboard {
  current: ImpactFigures;
  previous: ImpactFigures;
  bySector: BreakdownRow[];
  byOrganisation: BreakdownRow[];
  byMonth: MonthRow[];
  nonResponse: NonResponseCheck;
}

/** Everything the dashboard shows, for the range and the period before it. */
export async function impactDashboard(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<ImpactDashboard> {
  const [current, previous, reach, byMonth, nonResponse] = await Promise.all([
    impactFigures(s, range, filters),
    impactFigures(s, previousRange(range), filters),
    reachBreakdowns(s, range, filters),
    deliveryByMonth(s, range, filters),
    nonResponseCheck(s, range, filters),
  ]);
  return { current, previous, ...reach, byMonth, nonResponse };
}
