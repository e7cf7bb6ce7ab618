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
import { alias, type AnyPgColumn, type PgSelect } from 'drizzle-orm/pg-core';
import { rowsOf } from '../../db/database';
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
import { addDays, fromLondon, londonDay, yearContaining } from '../shared/dates';
import { breakdownShown, isSuppressed, meanFrom, NOT_SHOWN, peopleCount, SMALL_GROUP, percent, rate, type Mean, type Rate, type Suppressed } from '../shared/statistics';

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
export const dayAfter = (day: string) => addDays(day, 1);

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

const meanOfMoments = (m: { n: number; sum: number; squares: number }) => meanFrom(m.n, m.sum, m.squares);

/** For breakdowns of their own beside the dashboard's (by theme, coded themes): a count of the rows meeting a condition. */
export const countWhere = (condition: SQL) => sql<number>`coalesce(count(*) filter (where ${condition}), 0)`.mapWith(Number);
/** A three-month survey that went out. */
export const SENT = sql`${followUpSurveys.sentAt} is not null`;

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

// ---- Reading them: one statement ----------------------------------------------------------------
//
// Every figure of a range comes from one statement: the range's bookings (filtered, with their
// person's organisation and group) are joined once to their feedback, their three-month survey
// and its answer, and the line manager's survey and its answer (a booking has at most one of
// each, so no row is counted twice), and every count, breakdown and mean is an aggregate over
// those rows. Scanning the bookings and joining the answers is what costs; doing it once, rather
// than once for each figure, keeps the figures near the cost of the raw SQL. The dashboard reads
// the period before in a second statement, run beside the first
// (docs/decisions/0014-impact-figures-in-one-statement.md).

const managerSurveys = alias(followUpSurveys, 'manager_surveys');
const named = (expression: SQL | AnyPgColumn, name: string) => sql`${expression}`.as(name);

/** The columns of a select, each named. */
const columns = (fields: Record<string, SQL>) => sql.join(Object.entries(fields).map(([name, expression]) => sql`${expression} as ${sql.identifier(name)}`), sql`, `);
/** A query's one row as a JSON object. */
const jsonRow = (query: SQL) => sql`(select row_to_json(x) from (${query}) x)`;
/** A query's rows as a JSON list of objects, in the order given. */
const jsonRows = (query: SQL, order: SQL = sql`1`) => sql`(select coalesce(json_agg(x order by ${order}), '[]') from (${query}) x)`;
/** n, sum and sum of squares of an expression, as a JSON object, for meanFrom. */
const jsonMoments = (expression: SQL, where: SQL = sql`true`) =>
  sql`json_build_object('n', count(${expression}) filter (where ${where}), 'sum', coalesce(sum(${expression}) filter (where ${where}), 0), 'squares', coalesce(sum((${expression}) * (${expression})) filter (where ${where}), 0))`;
const count = (condition: SQL = sql`true`) => sql`count(*) filter (where ${condition})`;

type Moments = { n: number; sum: number; squares: number };
interface ImpactData {
  sessions: { courses: number; sessionsDelivered: number; sessionsCancelled: number; minutes: number; placesOffered: number };
  bookings: {
    bookings: number;
    attendances: number;
    heldAndCame: number;
    confirmedAtStart: number;
    didNotAttend: number;
    lateCancellations: number;
    walkIns: number;
    responses: number;
    outcomes: Moments;
    relevance: Moments;
    delivery: Moments;
    before: Moments;
    after: Moments;
    change: Moments;
    sent: number;
    answered: number;
    changed: number;
    improved: number;
    improvedAsked: number;
    shared: number;
    now: Moments;
    held: Moments;
    managersSent: number;
    managersAnswered: number;
    seen: number;
    /** The competency self-assessments given, and of them those saying each. */
    rated: number;
    confident: number;
    developing: number;
    notYet: number;
  };
  reached: { people: number; organisations: number; sectors: number; completions: number };
  bySector: { key: string; attendances: number; people: number }[];
  byOrganisation: { key: string; label: string; attendances: number; people: number }[];
  monthsDelivered: { month: string; n: number }[];
  monthsCame: { month: string; n: number }[];
  responsesOverall: { sent: number; answered: number }[];
  responsesBySector: { group: string | null; sent: number; answered: number }[];
  responsesByGroup: { group: string | null; sent: number; answered: number }[];
  confidenceAfter: { everyone: Moments; answered: Moments }[];
}

/** The headline figures alone: what impactFigures reads. */
const HEADLINES: (keyof ImpactData)[] = ['sessions', 'bookings', 'reached'];

/** The figures for a range in one statement: those named, or all. */
async function readImpact(s: ServiceContext, range: ImpactRange, filters: ImpactFilters, only?: (keyof ImpactData)[]): Promise<ImpactData> {
  const month = sql`to_char(${sessions.startsAt} at time zone 'Europe/London', 'YYYY-MM')`;
  const rangeSessions = s.db
    .select({
      courseId: named(sessions.courseId, 'course_id'),
      status: named(sessions.status, 'status'),
      minutes: named(sql`extract(epoch from ${sessions.endsAt} - ${sessions.startsAt}) / 60`, 'minutes'),
      capacity: named(sessions.capacity, 'capacity'),
      month: named(month, 'month'),
    })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(...sessionConditions(s, range, filters)));
  const facts = withEverything(
    s.db
      .select({
        personId: named(bookings.personId, 'person_id'),
        status: named(bookings.status, 'status'),
        walkIn: named(bookings.walkIn, 'walk_in'),
        lateCancellation: named(bookings.lateCancellation, 'late_cancellation'),
        organisationId: named(organisations.id, 'organisation_id'),
        sector: named(organisations.sector, 'sector'),
        groupName: named(workforceGroups.name, 'group_name'),
        month: named(month, 'month'),
        given: named(sql`${feedback.id} is not null`, 'given'),
        outcomes: named(sql`(select avg(value::numeric) from jsonb_array_elements_text(${feedback.outcomesMet}) as value)`, 'outcomes'),
        relevance: named(feedback.relevance, 'relevance'),
        delivery: named(feedback.delivery, 'delivery'),
        confidenceBefore: named(feedback.confidenceBefore, 'confidence_before'),
        confidenceAfter: named(feedback.confidenceAfter, 'confidence_after'),
        sentAt: named(followUpSurveys.sentAt, 'sent_at'),
        answered: named(sql`${impactResponses.id} is not null`, 'answered'),
        practiceChanged: named(impactResponses.practiceChanged, 'practice_changed'),
        outcomeImproved: named(impactResponses.outcomeImproved, 'outcome_improved'),
        sharedLearning: named(impactResponses.sharedLearning, 'shared_learning'),
        confidenceNow: named(impactResponses.confidenceNow, 'confidence_now'),
        rated: named(sql`rated.all`, 'rated'),
        confident: named(sql`rated.confident`, 'confident'),
        developing: named(sql`rated.developing`, 'developing'),
        notYet: named(sql`rated.not_yet`, 'not_yet'),
        managerSentAt: named(managerSurveys.sentAt, 'manager_sent_at'),
        managerAnswered: named(sql`${managerResponses.id} is not null`, 'manager_answered'),
        seenChange: named(managerResponses.seenChange, 'seen_change'),
      })
      .from(bookings)
      .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
      .leftJoin(followUpSurveys, and(eq(followUpSurveys.bookingId, bookings.id), eq(followUpSurveys.respondent, 'attendee')))
      .leftJoin(impactResponses, eq(impactResponses.surveyId, followUpSurveys.id))
      // The competency self-assessments of the answer, counted by what they say.
      .leftJoin(
        sql`lateral (select count(*) as all, count(*) filter (where value = 'confident') as confident, count(*) filter (where value = 'developing') as developing,
          count(*) filter (where value = 'not yet') as not_yet from jsonb_each_text(${impactResponses.competencies})) as rated`,
        sql`true`,
      )
      .leftJoin(managerSurveys, and(eq(managerSurveys.bookingId, bookings.id), eq(managerSurveys.respondent, 'manager')))
      .leftJoin(managerResponses, eq(managerResponses.surveyId, managerSurveys.id))
      .$dynamic(),
  ).where(bookingConditions(s, range, filters));
  const completed = s.db
    .select({
      personId: named(people.id, 'person_id'),
      organisationId: named(organisations.id, 'organisation_id'),
      sector: named(organisations.sector, 'sector'),
      completion: named(sql`1`, 'completion'),
    })
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

  const came = sql`status in ('attended', 'partly attended')`;
  const given = sql`given`;
  const answered = sql`answered`;
  /** The range's surveys sent to those who came (the non-response check's rows). */
  const surveyed = sql`sent_at is not null`;
  const responses = (group: SQL) => sql`select ${columns({ group, sent: count(), answered: count(answered) })} from facts where ${surveyed} group by 1`;
  const parts: Record<keyof ImpactData, SQL> = {
    sessions: jsonRow(
      sql`select ${columns({
        courses: sql`count(distinct course_id) filter (where status = 'delivered')`,
        sessionsDelivered: count(sql`status = 'delivered'`),
        sessionsCancelled: count(sql`status = 'cancelled'`),
        minutes: sql`coalesce(sum(minutes) filter (where status = 'delivered'), 0)`,
        placesOffered: sql`coalesce(sum(capacity) filter (where status = 'delivered'), 0)`,
      })} from range_sessions`,
    ),
    bookings: jsonRow(
      sql`select ${columns({
        bookings: count(sql`not walk_in`),
        attendances: count(came),
        heldAndCame: count(sql`not walk_in and ${came}`),
        confirmedAtStart: count(sql`not walk_in and status in ('attended', 'partly attended', 'did not attend')`),
        didNotAttend: count(sql`status = 'did not attend'`),
        lateCancellations: count(sql`status = 'cancelled' and late_cancellation`),
        walkIns: count(sql`walk_in and ${came}`),
        responses: count(sql`${came} and ${given}`),
        outcomes: jsonMoments(sql`outcomes`, given),
        relevance: jsonMoments(sql`relevance`, given),
        delivery: jsonMoments(sql`delivery`, given),
        before: jsonMoments(sql`confidence_before`, given),
        after: jsonMoments(sql`confidence_after`, given),
        change: jsonMoments(sql`confidence_after - confidence_before`, given),
        sent: count(sql`sent_at is not null`),
        answered: count(answered),
        changed: count(sql`practice_changed = 'yes'`),
        improved: count(sql`outcome_improved = 'yes'`),
        improvedAsked: count(sql`outcome_improved in ('yes', 'not yet', 'no')`),
        shared: count(sql`shared_learning`),
        now: jsonMoments(sql`confidence_now`, answered),
        held: jsonMoments(sql`confidence_now - confidence_after`, sql`${answered} and ${given}`),
        managersSent: count(sql`manager_sent_at is not null`),
        managersAnswered: count(sql`manager_answered`),
        seen: count(sql`seen_change = 'yes'`),
        rated: sql`coalesce(sum(rated), 0)`,
        confident: sql`coalesce(sum(confident), 0)`,
        developing: sql`coalesce(sum(developing), 0)`,
        notYet: sql`coalesce(sum(not_yet), 0)`,
      })} from facts`,
    ),
    reached: jsonRow(
      sql`select ${columns({
        people: sql`count(distinct person_id)`,
        organisations: sql`count(distinct organisation_id)`,
        sectors: sql`count(distinct sector)`,
        completions: sql`coalesce(sum(completion), 0)`,
      })} from (select person_id, organisation_id, sector, 0 as completion from facts where ${came} union all ${completed}) as trained`,
    ),
    bySector: jsonRows(sql`select sector as key, count(*) as attendances, count(distinct person_id) as people from facts where ${came} group by sector`, sql`x.key`),
    byOrganisation: jsonRows(
      sql`select ${organisations.id} as key, ${organisations.name} as label, came.attendances, came.people from (select organisation_id, count(*) as attendances, count(distinct person_id) as people
        from facts where ${came} group by organisation_id) as came join ${organisations} on ${organisations.id} = came.organisation_id`,
      sql`x.label`,
    ),
    monthsDelivered: jsonRows(sql`select month, count(*) as n from range_sessions where status = 'delivered' group by month`),
    monthsCame: jsonRows(sql`select month, count(*) as n from facts where ${came} group by month`),
    responsesOverall: jsonRows(sql`select ${columns({ sent: count(), answered: count(answered) })} from facts where ${surveyed}`),
    responsesBySector: jsonRows(responses(sql`sector`), sql`x.group`),
    responsesByGroup: jsonRows(responses(sql`coalesce(group_name, 'No group given')`), sql`x.group`),
    confidenceAfter: jsonRows(sql`select ${columns({ everyone: jsonMoments(sql`confidence_after`), answered: jsonMoments(sql`confidence_after`, answered) })} from facts where ${surveyed} and ${given}`),
  };
  const statement = sql`with range_sessions as (${rangeSessions}), facts as materialized (${facts})
    select json_build_object(${sql.join(
      Object.entries(parts).map(([name, part]) => sql`${sql.raw(`'${name}'`)}, ${!only || only.includes(name as keyof ImpactData) ? part : sql`null`}`),
      sql`, `,
    )})::text as data`;
  const [row] = rowsOf<{ data: string }>(await s.db.execute(statement));
  return JSON.parse(row.data) as ImpactData;
}

/** The headline figures from what readImpact read. */
function figuresOf(data: ImpactData, range: ImpactRange): ImpactFigures {
  const { sessions: sessionRow, bookings: row, reached: reach } = data;
  const walkInsHidden = row.walkIns > 0 && row.walkIns < SMALL_GROUP;
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
    // Both rates count those who held a place: attendances less the walk-ins. Where the walk-ins
    // are fewer than 5, that count and the attendances would give them away, so neither rate is shown.
    takeUp: walkInsHidden ? NOT_SHOWN : rate(row.heldAndCame, sessionRow.placesOffered),
    attendanceRate: walkInsHidden ? NOT_SHOWN : rate(row.heldAndCame, row.confirmedAtStart),
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
  const followUp: FollowUp = {
    sent: peopleCount(row.sent),
    answered: peopleCount(row.answered),
    responseRate: rate(row.answered, row.sent),
    practiceChanged: rate(row.changed, row.answered),
    outcomeImproved: rate(row.improved, row.improvedAsked),
    sharedLearning: rate(row.shared, row.answered),
    confidenceNow: meanOfMoments(row.now),
    confidenceHeld: meanOfMoments(row.held),
    selfAssessments: { rated: row.rated, confident: rate(row.confident, row.rated), developing: rate(row.developing, row.rated), notYet: rate(row.notYet, row.rated) },
  };
  const managers: Managers = { sent: peopleCount(row.managersSent), answered: peopleCount(row.managersAnswered), responseRate: rate(row.managersAnswered, row.managersSent), seenChange: rate(row.seen, row.managersAnswered) };
  return { range, delivery, dayZero, followUp, managers };
}

/** The headline figures for a range. */
export async function impactFigures(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<ImpactFigures> {
  checkCanReadImpact(s);
  return figuresOf(await readImpact(s, range, filters, HEADLINES), range);
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

const breakdownsOf = (data: ImpactData) => ({ bySector: breakdown(data.bySector.map((r) => ({ ...r, label: r.key }))), byOrganisation: breakdown(data.byOrganisation) });

export interface MonthRow {
  /** "2026-05" */
  month: string;
  sessionsDelivered: number;
  attendances: Cell;
}

/** Sessions delivered and attendances in each London month of the range. */
export async function deliveryByMonth(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<MonthRow[]> {
  checkCanReadImpact(s);
  return monthsOf(await readImpact(s, range, filters, ['monthsDelivered', 'monthsCame']), range);
}

function monthsOf(data: ImpactData, range: ImpactRange): MonthRow[] {
  const months = monthsIn(range).map((month) => ({
    month,
    sessionsDelivered: data.monthsDelivered.find((r) => r.month === month)?.n ?? 0,
    came: data.monthsCame.find((r) => r.month === month)?.n ?? 0,
  }));
  // A month with no sessions shows it had no attendances, so its 0 cannot be the second cell hidden beside a small one.
  const held = months.filter((m) => m.sessionsDelivered > 0 || m.came > 0);
  const shown = suppressColumn(held, (m) => m.came);
  return months.map(({ month, sessionsDelivered, came }) => {
    const i = held.findIndex((m) => m.month === month);
    return { month, sessionsDelivered, attendances: i < 0 ? came : shown[i] };
  });
}

/** Every month the range touches, "2026-04" to "2027-03". */
function monthsIn(range: ImpactRange): string[] {
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
 * The headline figures and, from the same read, the check on who answered: those who answered the
 * three-month survey beside everyone it was sent to, by sector, by workforce group and by their
 * confidence after the course, saying in words where the answers may not speak for everyone.
 */
export async function figuresWithCheck(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<{ figures: ImpactFigures; check: NonResponseCheck }> {
  checkCanReadImpact(s);
  const data = await readImpact(s, range, filters, [...HEADLINES, 'responsesOverall', 'responsesBySector', 'responsesByGroup', 'confidenceAfter']);
  return { figures: figuresOf(data, range), check: nonResponseOf(data) };
}

function nonResponseOf(data: ImpactData): NonResponseCheck {
  const [[total], bySector, byGroup, [confidence]] = [data.responsesOverall, data.responsesBySector, data.responsesByGroup, data.confidenceAfter];
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
  checkCanReadImpact(s);
  const previous = previousRange(range);
  // The period before in a statement of its own, run beside the range's.
  const [data, before] = await Promise.all([readImpact(s, range, filters), readImpact(s, previous, filters, HEADLINES)]);
  return { current: figuresOf(data, range), previous: figuresOf(before, previous), ...breakdownsOf(data), byMonth: monthsOf(data, range), nonResponse: nonResponseOf(data) };
}
