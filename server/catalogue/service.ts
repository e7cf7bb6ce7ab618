import { and, asc, desc, eq, inArray, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { sqlBuiltOnce } from '../../db/built-once';
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
} from '../../db/schema';
import { londonMonth, toLondonFields } from '../shared/dates';
import { notFound } from '../shared/errors';
import type { Clock } from '../shared/clock';
import type { ServiceContext } from '../shared/context';

export type Course = typeof courses.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Prospectus = typeof prospectuses.$inferSelect;

export interface CourseFilters {
  theme?: string;
  mode?: string;
  group?: string;
  /** "2026-12": courses with a session starting in that London month. */
  month?: string;
  /** Words that must all appear in the title, summary or outcomes. */
  q?: string;
}

export interface SessionSummary extends Session {
  placesLeft: number;
  trainers: string[];
  bookable: boolean;
}

export interface CourseListing extends Course {
  workforceGroupIds: string[];
  sessions: SessionSummary[];
}

/** Coordinators see drafts; everyone else only published prospectuses. */
const canSeeDrafts = (s: Pick<ServiceContext, 'actor'>) => Boolean(s.actor?.roles.includes('coordinator'));

/** The prospectus for the year that contains today, or else the latest one; drafts only for coordinators. */
export const currentProspectus = (s: ServiceContext, year?: string) => prospectusNow(s, canSeeDrafts(s), year);

/** The published prospectus everyone sees now, whoever asks: a coordinator's drafts are left out. */
export const currentPublishedProspectus = (s: ServiceContext) => prospectusNow(s, false);

/**
 * How the prospectus shown now is chosen, in one query that the pages and their cache version
 * (publicPageVersion) share: the given year's, else the one whose year contains today (published
 * before a draft), else the latest.
 */
function prospectusNowChoice(partnershipId: string | SQL, today: string | Placeholder, drafts: boolean, year?: string | Placeholder) {
  const covering = sql`(${prospectuses.startsOn} <= ${today} and ${prospectuses.endsOn} >= ${today})`;
  return {
    where: and(eq(prospectuses.partnershipId, partnershipId), drafts ? undefined : eq(prospectuses.status, 'published'), year ? eq(prospectuses.year, year) : undefined),
    // 'published' sorts before 'draft' descending; outside the covering ones only the start counts.
    orderBy: [desc(covering), sql`case when ${covering} then ${prospectuses.status} end desc nulls last`, desc(prospectuses.startsOn)],
  };
}

async function prospectusNow(s: ServiceContext, drafts: boolean, year?: string): Promise<Prospectus | undefined> {
  const choice = prospectusNowChoice(s.partnership.id, toLondonFields(s.clock.now()).date, drafts, year);
  const [p] = await s.db.select().from(prospectuses).where(choice.where).orderBy(...choice.orderBy).limit(1);
  return p;
}

export async function listProspectuses(s: ServiceContext) {
  return s.db.select().from(prospectuses).where(eq(prospectuses.partnershipId, s.partnership.id)).orderBy(desc(prospectuses.startsOn));
}

export function placesLeft(session: Pick<Session, 'capacity' | 'placesTaken'>) {
  return Math.max(0, session.capacity - session.placesTaken);
}

async function sessionSummaries(db: Executor, courseIds: string[], now: Date): Promise<Map<string, SessionSummary[]>> {
  const byCourse = new Map<string, SessionSummary[]>();
  if (!courseIds.length) return byCourse;
  const rows = await db.select().from(sessions).where(inArray(sessions.courseId, courseIds)).orderBy(asc(sessions.startsAt));
  const trainers = rows.length
    ? await db
        .select({ sessionId: sessionTrainers.sessionId, name: people.name })
        .from(sessionTrainers)
        .innerJoin(people, eq(people.id, sessionTrainers.personId))
        .where(inArray(sessionTrainers.sessionId, rows.map((r) => r.id)))
    : [];
  for (const row of rows) {
    const names = trainers.filter((t) => t.sessionId === row.id).map((t) => t.name);
    if (row.trainerName) names.push(row.trainerName);
    const summary: SessionSummary = {
      ...row,
      placesLeft: placesLeft(row),
      trainers: names,
      bookable: row.status === 'scheduled' && !row.proposed && row.bookingClosesAt > now,
    };
    byCourse.set(row.courseId, [...(byCourse.get(row.courseId) ?? []), summary]);
  }
  return byCourse;
}

const words = (text: string) => text.toLowerCase().split(/\s+/).filter(Boolean);

export function matchesFilters(course: CourseListing, filters: CourseFilters): boolean {
  if (filters.theme && !course.themes.includes(filters.theme)) return false;
  if (filters.mode && course.deliveryMode !== filters.mode) return false;
  if (filters.group && !course.workforceGroupIds.includes(filters.group)) return false;
  if (filters.month && !course.sessions.some((x) => x.status !== 'cancelled' && londonMonth(x.startsAt) === filters.month)) return false;
  if (filters.q) {
    const haystack = [course.title, course.summary, ...course.learningOutcomes, ...course.themes].join(' ').toLowerCase();
    if (!words(filters.q).every((w) => haystack.includes(w))) return false;
  }
  return true;
}

/** The prospectus's courses with their sessions, filtered. Withdrawn courses are left out. */
export async function listCourses(s: ServiceContext, prospectusId: string, filters: CourseFilters = {}): Promise<CourseListing[]> {
  const rows = await s.db
    .select()
    .from(courses)
    .where(and(eq(courses.partnershipId, s.partnership.id), eq(courses.prospectusId, prospectusId), eq(courses.withdrawn, false)))
    .orderBy(asc(courses.title));
  const ids = rows.map((r) => r.id);
  const [groups, sessionsByCourse] = await Promise.all([
    ids.length ? s.db.select().from(courseWorkforceGroups).where(inArray(courseWorkforceGroups.courseId, ids)) : Promise.resolve([]),
    sessionSummaries(s.db, ids, s.clock.now()),
  ]);
  return rows
    .map((course) => ({
      ...course,
      workforceGroupIds: groups.filter((g) => g.courseId === course.id).map((g) => g.workforceGroupId),
      sessions: sessionsByCourse.get(course.id) ?? [],
    }))
    .filter((course) => matchesFilters(course, filters));
}

/** A course the viewer may see, with its sessions, groups and competencies. */
export async function getCourse(s: ServiceContext, courseId: string) {
  const [row] = await s.db
    .select({ course: courses, prospectus: prospectuses })
    .from(courses)
    .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
    .where(and(eq(courses.id, courseId), eq(courses.partnershipId, s.partnership.id)));
  if (!row || (row.prospectus.status !== 'published' && !canSeeDrafts(s))) throw notFound('Course');
  const [groups, comps, sessionsByCourse] = await Promise.all([
    s.db
      .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name })
      .from(courseWorkforceGroups)
      .innerJoin(workforceGroups, eq(workforceGroups.id, courseWorkforceGroups.workforceGroupId))
      .where(eq(courseWorkforceGroups.courseId, courseId))
      .orderBy(asc(workforceGroups.sortOrder)),
    s.db
      .select({ id: competencies.id, code: competencies.code, domain: competencies.domain, statement: competencies.statement })
      .from(courseCompetencies)
      .innerJoin(competencies, eq(competencies.id, courseCompetencies.competencyId))
      .where(eq(courseCompetencies.courseId, courseId))
      .orderBy(asc(competencies.code)),
    sessionSummaries(s.db, [courseId], s.clock.now()),
  ]);
  return { ...row.course, prospectus: row.prospectus, workforceGroups: groups, competencies: comps, sessions: sessionsByCourse.get(courseId) ?? [] };
}

export async function getSession(s: ServiceContext, sessionId: string) {
  const [row] = await s.db.select({ courseId: sessions.courseId }).from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id)));
  if (!row) throw notFound('Session');
  const course = await getCourse(s, row.courseId);
  const session = course.sessions.find((x) => x.id === sessionId)!;
  return { course, session };
}

/** The current framework's workforce groups, in order. */
export async function listWorkforceGroups(s: Pick<ServiceContext, 'db' | 'partnership'>) {
  return s.db
    .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name, who: workforceGroups.who, outsideScheme: workforceGroups.outsideScheme })
    .from(workforceGroups)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId))
    .where(and(eq(workforceGroups.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true)))
    .orderBy(asc(workforceGroups.sortOrder));
}

export async function listCompetencies(s: Pick<ServiceContext, 'db' | 'partnership'>) {
  return s.db
    .select({ id: competencies.id, code: competencies.code, domain: competencies.domain, statement: competencies.statement })
    .from(competencies)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId))
    .where(and(eq(competencies.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true)))
    .orderBy(asc(competencies.code));
}

/** Months a prospectus runs over, "2026-04" to "2027-03". */
export function prospectusMonths(p: Pick<Prospectus, 'startsOn' | 'endsOn'>): string[] {
  const months: string[] = [];
  let [y, m] = p.startsOn.split('-').map(Number);
  const [ey, em] = p.endsOn.split('-').map(Number);
  while (y < ey || (y === ey && m <= em)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return months;
}


/**
 * What a signed-out viewer's prospectus or course page shows, as one version string read in one
 * statement: the row versions (PostgreSQL's xmin, new on every insert and update) of the
 * published prospectus, its courses, their groups and competencies, their sessions (places taken
 * included), their trainers' names, the current framework's workforce groups and the partnership,
 * with the next moment a session starts or closes for booking (the page's words change then too).
 * Any committed change to any of them, by any instance, gives a new version: the count of row
 * versions and the sum of their xmins (an update or insert brings a transaction id newer than
 * every one it replaces, so the sum grows unless rows were deleted, and then the count falls). `by` picks the
 * prospectus: a year, the one covering `today` (else the latest), or the one a course is in.
 * Undefined when there is no such published prospectus (or course). The partnership is named
 * by its slug (the app's configuration), so a signed-out page can be answered from the cache
 * before the partnership's row is read.
 */
export async function publicPageVersion(
  s: { db: Executor; clock: Clock; partnershipSlug: string },
  by: { year?: string } | { courseId: string },
): Promise<{ prospectusId: string; version: string } | undefined> {
  const now = s.clock.now();
  const values = { partnershipSlug: s.partnershipSlug, now: now.toISOString() };
  const [row] =
    'courseId' in by
      ? await courseVersion(s.db, { ...values, courseId: by.courseId })
      : by.year
        ? await yearVersion(s.db, { ...values, today: toLondonFields(now).date, year: by.year })
        : await nowVersion(s.db, { ...values, today: toLondonFields(now).date });
  if (!row?.prospectus_id || !row.version) return undefined;
  const next = row.next_change ? new Date(row.next_change).getTime() : 'none';
  return { prospectusId: row.prospectus_id, version: `${row.version}.${next}` };
}

/**
 * The version of publicPageVersion for the prospectus `chosen` picks (a query of one row, `id`
 * and `xmin`): read on every signed-out page, so made once (db/built-once.ts) for each way of
 * choosing it.
 */
function versionOf(name: string, chosen: SQLWrapper) {
  const now = sql`${sql.placeholder('now')}::timestamptz`;
  return sqlBuiltOnce<{ prospectus_id: string | null; version: string | null; next_change: string | Date | null }>(
    name,
    sql`
      with pt as (select id, xmin from partnerships where slug = ${sql.placeholder('partnershipSlug')}),
      p as (${chosen}),
      c as (select id, xmin from courses where prospectus_id = (select id from p)),
      se as (select id, xmin, starts_at, booking_closes_at from sessions where course_id in (select id from c)),
      parts as (
        select xmin::text::bigint as v from p
        union all select xmin::text::bigint from c
        union all select xmin::text::bigint from course_workforce_groups where course_id in (select id from c)
        union all select cc.xmin::text::bigint + k.xmin::text::bigint from course_competencies cc join competencies k on k.id = cc.competency_id where cc.course_id in (select id from c)
        union all select xmin::text::bigint from se
        union all select st.xmin::text::bigint + pe.xmin::text::bigint from session_trainers st join people pe on pe.id = st.person_id where st.session_id in (select id from se)
        union all select wg.xmin::text::bigint + f.xmin::text::bigint from workforce_groups wg join competency_frameworks f on f.id = wg.framework_id
          where wg.partnership_id = (select id from pt) and f.current
        union all select xmin::text::bigint from pt
      )
      select (select id from p) as prospectus_id, count(*) || '.' || sum(v) as version,
        (select least(min(starts_at) filter (where starts_at > ${now}), min(booking_closes_at) filter (where booking_closes_at > ${now})) from se) as next_change
      from parts`,
  );
}
/** The prospectus page's choice is the one it renders (prospectusNow), made by the same conditions. */
function shownNow(year?: Placeholder) {
  const shown = prospectusNowChoice(sql`(select id from pt)`, sql.placeholder('today'), false, year);
  return new QueryBuilder()
    .select({ id: prospectuses.id, xmin: sql`${prospectuses}.xmin`.as('xmin') })
    .from(prospectuses)
    .where(shown.where)
    .orderBy(...shown.orderBy)
    .limit(1);
}
const nowVersion = versionOf('page_version_now', shownNow());
const yearVersion = versionOf('page_version_year', shownNow(sql.placeholder('year')));
const courseVersion = versionOf(
  'page_version_course',
  sql`select p.id, p.xmin from prospectuses p join courses c on c.prospectus_id = p.id
    where c.id = ${sql.placeholder('courseId')} and c.partnership_id = (select id from pt) and p.status = 'published'`,
);
