// Every status of a whole workforce at once, for the learning-needs figures and the gap map. The
// rules are the profile's (statusFrom, ./service), which only ask for the latest evidence of
// learning and the latest of application on or before a day; so the evidence is read for its
// days alone (who, which course or competency, learning or application, the London day as a
// number), one narrow query per kind, and each person's latest days are kept in typed arrays
// rather than as evidence records. What counts as evidence, and on which day, is decision 10.
import { and, eq, exists, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { rowsOf } from '../../db/database';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import {
  bookings,
  competencyConfirmations,
  courseCompetencies,
  courses,
  eLearningCompletions,
  feedback,
  followUpSurveys,
  impactResponses,
  managerResponses,
  sessions,
  type BookingStatus,
} from '../../db/schema';
import { DAY } from '../shared/clock';
import type { ServiceContext } from '../shared/context';
import { statusFrom, type CompetencyStatus, type RequiredCompetency } from './service';

type Scope = Pick<ServiceContext, 'db' | 'partnership'>;
const CAME: BookingStatus[] = ['attended', 'partly attended'];

/** The London day of a moment, as days since 1 January 1970. */
const londonDayNumber = (moment: AnyPgColumn) => sql<number>`((${moment} at time zone 'Europe/London')::date - date '1970-01-01')`;
/** A stored day ("2026-03-03") as days since 1 January 1970. */
const dayNumber = (day: AnyPgColumn | SQL) => sql<number>`(${day}::date - date '1970-01-01')`;
/** A column of a query run as it is (readEvidenceDays), by the name its rows give it. */
const as = (expression: AnyPgColumn | SQL, name: string) => sql`${expression}`.as(name);
const dayNumberOf = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY;

/** A day of evidence: from a course (counting for what the course develops) or for one competency. */
interface EvidenceDay {
  personId: string;
  day: number;
}
type CourseDay = EvidenceDay & { courseId: string };
type CompetencyDay = EvidenceDay & { competencyId: string };

/** The days of a partnership's evidence, by kind: what statuses are made of. */
export interface EvidenceDays {
  /** Each course with the competencies (of any version) it develops. */
  mappings: Map<string, string[]>;
  /** Courses come to with the day's feedback, and e-learning completed. */
  learning: CourseDay[];
  /** Three-month answers saying practice changed, and line managers' saying they have seen it. */
  appliedCourses: CourseDay[];
  /** Self-assessments of confident in a competency, and managers' confirmations. */
  appliedCompetencies: CompetencyDay[];
}

/** The days of all the partnership's evidence: six narrow queries, run together. */
export async function readEvidenceDays(s: Scope): Promise<EvidenceDays> {
  const p = s.partnership.id;
  const attendee = and(eq(followUpSurveys.id, impactResponses.surveyId), eq(followUpSurveys.respondent, 'attendee'));
  // Run as they are, each row as the database gives it: drizzle's mapping of each value is what
  // reading many thousands of rows would spend.
  const rows = async <T>(query: SQLWrapper) => rowsOf<T>(await s.db.execute(query));
  const [mapped, courseDays, eLearningDays, changedDays, confidentDays, managerDays, confirmationDays] = await Promise.all([
    rows<{ courseId: string; competencyId: string }>(
      s.db
        .select({ courseId: as(courseCompetencies.courseId, 'courseId'), competencyId: as(courseCompetencies.competencyId, 'competencyId') })
        .from(courseCompetencies)
        .innerJoin(courses, eq(courses.id, courseCompetencies.courseId))
        .where(eq(courses.partnershipId, p)),
    ),
    rows<CourseDay>(
      s.db
        .select({ personId: as(bookings.personId, 'personId'), courseId: as(sessions.courseId, 'courseId'), day: as(londonDayNumber(sessions.startsAt), 'day') })
        .from(bookings)
        .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
        .where(and(eq(bookings.partnershipId, p), inArray(bookings.status, CAME), exists(s.db.select({ one: sql`1` }).from(feedback).where(eq(feedback.bookingId, bookings.id))))),
    ),
    rows<CourseDay>(
      s.db
        .select({ personId: as(eLearningCompletions.personId, 'personId'), courseId: as(eLearningCompletions.courseId, 'courseId'), day: as(dayNumber(eLearningCompletions.completedOn), 'day') })
        .from(eLearningCompletions)
        .where(eq(eLearningCompletions.partnershipId, p)),
    ),
    rows<CourseDay>(
      s.db
        .select({ personId: as(bookings.personId, 'personId'), courseId: as(sessions.courseId, 'courseId'), day: as(londonDayNumber(impactResponses.createdAt), 'day') })
        .from(impactResponses)
        .innerJoin(followUpSurveys, attendee)
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
        .where(and(eq(impactResponses.partnershipId, p), eq(impactResponses.practiceChanged, 'yes'))),
    ),
    rows<CompetencyDay>(
      s.db
        .select({ personId: as(bookings.personId, 'personId'), competencyId: as(sql<string>`rated.key`, 'competencyId'), day: as(londonDayNumber(impactResponses.createdAt), 'day') })
        .from(impactResponses)
        .innerJoin(followUpSurveys, attendee)
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .innerJoin(sql`jsonb_each_text(${impactResponses.competencies}) as rated`, sql`rated.value = 'confident'`)
        // The answers rating any competency confident, picked out before the joins.
        .where(and(eq(impactResponses.partnershipId, p), sql`${impactResponses.competencies} @? '$.* ? (@ == "confident")'`)),
    ),
    rows<CourseDay>(
      s.db
        .select({ personId: as(bookings.personId, 'personId'), courseId: as(sessions.courseId, 'courseId'), day: as(londonDayNumber(managerResponses.createdAt), 'day') })
        .from(managerResponses)
        .innerJoin(followUpSurveys, and(eq(followUpSurveys.id, managerResponses.surveyId), eq(followUpSurveys.respondent, 'manager')))
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
        .where(and(eq(managerResponses.partnershipId, p), eq(managerResponses.seenChange, 'yes'))),
    ),
    rows<CompetencyDay>(
      s.db
        .select({ personId: as(competencyConfirmations.personId, 'personId'), competencyId: as(competencyConfirmations.competencyId, 'competencyId'), day: as(londonDayNumber(competencyConfirmations.confirmedAt), 'day') })
        .from(competencyConfirmations)
        .where(eq(competencyConfirmations.partnershipId, p))),
    ]);
  const mappings = new Map<string, string[]>();
  for (const { courseId, competencyId } of mapped) {
    const list = mappings.get(courseId);
    if (list) list.push(competencyId);
    else mappings.set(courseId, [competencyId]);
  }
  return { mappings, learning: [...courseDays, ...eLearningDays], appliedCourses: [...changedDays, ...managerDays], appliedCompetencies: [...confidentDays, ...confirmationDays] };
}

/** No evidence: below every day. */
const NONE = -0x80000000;

/**
 * The statuses of the people given (by their place in the list) in the competencies given (by
 * theirs) on each of the days given, from the partnership's evidence days.
 */
export class WorkforceStatuses {
  /** The latest day of learning, and of application, on or before each day: [(person * competencies + competency) * days + day]. */
  private readonly learning: Int32Array;
  private readonly application: Int32Array;
  /** The latest day of learning in any competency on or before each day: [person * days + day]. */
  private readonly anyLearning: Int32Array;
  private readonly texts = new Map<number, string>();

  constructor(
    evidence: EvidenceDays,
    people: readonly string[],
    private readonly competencies: readonly RequiredCompetency[],
    private readonly days: readonly string[],
  ) {
    const D = days.length;
    const K = competencies.length;
    const until = days.map(dayNumberOf);
    this.learning = new Int32Array(people.length * K * D).fill(NONE);
    this.application = new Int32Array(people.length * K * D).fill(NONE);
    this.anyLearning = new Int32Array(people.length * D).fill(NONE);
    const person = new Map<string, number>();
    people.forEach((id, i) => person.set(id, i));
    // Which of the competencies given a piece of evidence counts for: those whose lineage has its competency.
    const byCompetency = new Map<string, number[]>();
    competencies.forEach((c, k) => c.lineage.forEach((id) => byCompetency.set(id, [...(byCompetency.get(id) ?? []), k])));
    const byCourse = new Map([...evidence.mappings].map(([courseId, ids]) => [courseId, [...new Set(ids.flatMap((id) => byCompetency.get(id) ?? []))]]));
    /** Keeps the day as the latest on or before each day asked about, in D places from `at`. */
    const latest = (into: Int32Array, at: number, day: number) => {
      for (let d = 0; d < D; d++) if (day <= until[d] && day > into[at + d]) into[at + d] = day;
    };
    /** `alsoAny`: the latest day of the kind whatever the competency, one per person. */
    const record = (into: Int32Array, rows: EvidenceDay[], targets: (row: number) => number[] | undefined, alsoAny?: Int32Array) => {
      for (let row = 0; row < rows.length; row++) {
        const p = person.get(rows[row].personId);
        const ks = targets(row);
        if (p === undefined || ks === undefined) continue;
        for (let i = 0; i < ks.length; i++) latest(into, (p * K + ks[i]) * D, rows[row].day);
        if (alsoAny) latest(alsoAny, p * D, rows[row].day);
      }
    };
    const { learning, appliedCourses, appliedCompetencies } = evidence;
    // Learning in anything at all: a course that develops no competency is no evidence of anything.
    record(this.learning, learning, (row) => byCourse.get(learning[row].courseId), this.anyLearning);
    record(this.application, appliedCourses, (row) => byCourse.get(appliedCourses[row].courseId));
    record(this.application, appliedCompetencies, (row) => byCompetency.get(appliedCompetencies[row].competencyId));
  }

  private text(day: number): string | undefined {
    if (day === NONE) return undefined;
    let text = this.texts.get(day);
    if (text === undefined) this.texts.set(day, (text = new Date(day * DAY).toISOString().slice(0, 10)));
    return text;
  }

  /** The status of the person (by place) in the competency (by place) on the day (by place). */
  status(person: number, competency: number, day: number): CompetencyStatus {
    const at = (person * this.competencies.length + competency) * this.days.length + day;
    return statusFrom(this.text(this.learning[at]), this.text(this.application[at]), this.competencies[competency].refreshMonths, this.days[day]);
  }

  /** Whether the person has learning in any competency current on the day (by place): as a status, learned. */
  learnedWithin(person: number, months: number, day: number): boolean {
    return statusFrom(this.text(this.anyLearning[person * this.days.length + day]), undefined, months, this.days[day]) === 'learned';
  }
}
