// The coordinator's rules for building a prospectus: prospectuses, courses and sessions.
// Every read and write is scoped to the viewer's partnership; another partnership's
// records are "not found". Every write is one transaction with its audit entry.
import { and, asc, count, desc, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/database';
import {
  competencies,
  competencyFrameworks,
  courseCompetencies,
  courses,
  courseWorkforceGroups,
  DELIVERY_MODES,
  people,
  personRoles,
  prospectuses,
  sessions,
  sessionTrainers,
  THEMES,
  workforceGroups,
} from '../../db/schema';
import { formatDate, fromLondon, yearContaining, yearStarting } from '../shared/dates';
import { audit, type AuditAction, type AuditSubject } from '../audit/log';
import { cancelSession as cancelSessionAndBookings, fillFreedPlaces } from '../bookings/service';
import { conflict, invalid, notFound } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import type { Course, Prospectus, Session } from './service';

// ---- Input: shared field rules ------------------------------------------------------

const requiredText = (message: string, max: number, tooLong: string) => z.string(message).trim().min(1, message).max(max, tooLong);
const optionalText = (max: number, tooLong: string) => z.string().trim().max(max, tooLong).default('');

/** A checkbox group posts nothing, one value or several: always a list. */
export const asList = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

export function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 2000 && y <= 2100 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** "2027-04-01"; `what` reads as in "Enter the date the prospectus starts". */
const dateField = (what: string) =>
  z
    .string(`Enter ${what}`)
    .trim()
    .min(1, `Enter ${what}`)
    .refine(isRealDate, `${what[0].toUpperCase()}${what.slice(1)} must be a real date`);

/** "9:30", "09.30" or "14:00" as "HH:MM" (the 24-hour clock); blank gives "" when optional. */
const timeField = (what: string, optional = false) =>
  z
    .string(`Enter ${what}`)
    .trim()
    .default('')
    .transform((v, ctx) => {
      if (!v && optional) return '';
      const m = /^(\d{1,2})[:.](\d{2})$/.exec(v);
      if (!m || +m[1] > 23 || +m[2] > 59) {
        ctx.issues.push({ code: 'custom', message: v ? `Enter ${what} using the 24-hour clock, like 09:30 or 14:00` : `Enter ${what}`, input: v });
        return z.NEVER;
      }
      return `${m[1].padStart(2, '0')}:${m[2]}`;
    });

/** A whole number from a form field or a JSON number. */
const wholeNumber = (missing: string, wrong: string, min: number, max: number, outOfRange: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? Number(v.trim()) : v) : v),
    z.number({ error: (issue) => (issue.input === undefined ? missing : wrong) }).int(wrong).min(min, outOfRange).max(max, outOfRange),
  );

/** Yes/no radios, or a JSON boolean. */
const yesNo = (message: string) =>
  z.preprocess((v) => (v === true ? 'yes' : v === false ? 'no' : v), z.enum(['yes', 'no'], message)).transform((v) => v === 'yes');

const idList = (message: string) => z.preprocess(asList, z.array(z.uuid(message)));

/**
 * Runs a check across fields as soon as the fields it reads are valid, even while others
 * are not, so the error summary lists every problem at once.
 */
const onceValid = (fields: string[]) => ({
  when: (payload: { issues: { path?: PropertyKey[] }[] }) => !payload.issues.some((issue) => fields.includes(String(issue.path?.[0]))),
});

// ---- Prospectuses -------------------------------------------------------------------

export const prospectusInput = z
  .object({
    year: z
      .string('Enter the year, like 2027-28')
      .trim()
      .regex(/^\d{4}-\d{2}$/, 'Enter the year, like 2027-28')
      .refine((y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), 'The year must be two years in a row, like 2027-28'),
    title: requiredText('Enter a title', 200, 'The title must be 200 characters or fewer'),
    introduction: optionalText(2000, 'The introduction must be 2,000 characters or fewer'),
    startsOn: dateField('the date the prospectus starts'),
    endsOn: dateField('the date the prospectus ends'),
  })
  .refine((p) => p.endsOn > p.startsOn, { path: ['endsOn'], error: 'The date the prospectus ends must be after the date it starts', ...onceValid(['startsOn', 'endsOn']) });
export type ProspectusInput = z.infer<typeof prospectusInput>;

/** The audit entry for a coordinator's change, in the change's transaction. */
const record = (tx: Executor, s: ServiceContext, action: AuditAction, subjectType: AuditSubject, subjectId: string, detail: Record<string, unknown> = {}) =>
  audit(tx, { partnershipId: s.partnership.id, actorId: s.actor?.id ?? null, action, subjectType, subjectId, detail });

/** PostgreSQL's unique_violation, however the driver wraps it. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}

const yearTaken = (year: string) => conflict(`There is already a prospectus for ${year}`, { year: `There is already a prospectus for ${year}` });

/** The unique index decides, so two coordinators saving the same year at once get a message, not a 500. */
async function withUniqueYear<T>(year: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw yearTaken(year);
    throw error;
  }
}

export async function listProspectusesWithCounts(s: ServiceContext) {
  return s.db
    .select({ ...getTableColumns(prospectuses), courseCount: count(courses.id) })
    .from(prospectuses)
    .leftJoin(courses, and(eq(courses.prospectusId, prospectuses.id), eq(courses.withdrawn, false)))
    .where(eq(prospectuses.partnershipId, s.partnership.id))
    .groupBy(prospectuses.id)
    .orderBy(desc(prospectuses.startsOn));
}

export async function getProspectus(s: ServiceContext, id: string): Promise<Prospectus> {
  const [p] = await s.db.select().from(prospectuses).where(and(eq(prospectuses.id, id), eq(prospectuses.partnershipId, s.partnership.id)));
  if (!p) throw notFound('Prospectus');
  return p;
}

/** The year after the latest prospectus (or the current one), as the partnership's year runs: "2027-28", 1 April to 31 March. */
export async function nextProspectusYear(s: ServiceContext) {
  const startMonth = s.partnership.yearStartMonth;
  const [latest] = await s.db.select({ year: prospectuses.year }).from(prospectuses).where(eq(prospectuses.partnershipId, s.partnership.id)).orderBy(desc(prospectuses.year)).limit(1);
  const { label, startsOn, endsOn } = latest ? yearStarting(Number(latest.year.slice(0, 4)) + 1, startMonth) : yearContaining(s.clock.now(), startMonth);
  return { year: label, startsOn, endsOn };
}

export async function createProspectus(s: ServiceContext, input: ProspectusInput): Promise<Prospectus> {
  return withUniqueYear(input.year, () =>
    s.db.transaction(async (tx) => {
      const [p] = await tx.insert(prospectuses).values({ partnershipId: s.partnership.id, ...input, status: 'draft' }).returning();
      await record(tx, s, 'prospectus.created', 'prospectus', p.id, input);
      return p;
    }),
  );
}

export async function updateProspectus(s: ServiceContext, id: string, input: ProspectusInput): Promise<Prospectus> {
  await getProspectus(s, id);
  return withUniqueYear(input.year, () =>
    s.db.transaction(async (tx) => {
      const [p] = await tx.update(prospectuses).set(input).where(and(eq(prospectuses.id, id), eq(prospectuses.partnershipId, s.partnership.id))).returning();
      await record(tx, s, 'prospectus.updated', 'prospectus', id, input);
      return p;
    }),
  );
}

/** Publishing makes a draft visible to everyone. Publishing twice changes nothing. */
export async function publishProspectus(s: ServiceContext, id: string): Promise<{ published: boolean }> {
  await getProspectus(s, id);
  return s.db.transaction(async (tx) => {
    const [p] = await tx
      .update(prospectuses)
      .set({ status: 'published', publishedAt: s.clock.now() })
      .where(and(eq(prospectuses.id, id), eq(prospectuses.partnershipId, s.partnership.id), eq(prospectuses.status, 'draft')))
      .returning({ id: prospectuses.id, year: prospectuses.year });
    if (p) await record(tx, s, 'prospectus.published', 'prospectus', id, { year: p.year });
    return { published: Boolean(p) };
  });
}

// ---- Courses ------------------------------------------------------------------------

export const courseInput = z.object({
  title: requiredText('Enter the course title', 200, 'The title must be 200 characters or fewer'),
  summary: requiredText('Enter a summary', 1000, 'The summary must be 1,000 characters or fewer'),
  learningOutcomes: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) : v),
    z
      .array(z.string().max(300, 'Each learning outcome must be 300 characters or fewer'), 'Enter at least one learning outcome')
      .min(1, 'Enter at least one learning outcome')
      .max(20, 'Enter 20 learning outcomes or fewer'),
  ),
  themes: z.preprocess(asList, z.array(z.enum(THEMES, 'Select themes from the list')).min(1, 'Select at least one theme')),
  deliveryMode: z.enum(DELIVERY_MODES, 'Select how the course is delivered'),
  durationMinutes: wholeNumber('Enter the length in minutes', 'Enter the length as a whole number of minutes, like 180', 15, 7200, 'The length must be between 15 and 7,200 minutes'),
  provider: requiredText('Enter who provides the course', 200, 'The provider must be 200 characters or fewer'),
  prerequisites: optionalText(1000, 'Prerequisites must be 1,000 characters or fewer'),
  requiresManagerApproval: yesNo('Select whether a line manager must approve each place'),
  asksManagerFollowUp: yesNo('Select whether to ask the attendee’s line manager about changes in practice three months on'),
  workforceGroupIds: idList('Select workforce groups from the list'),
  competencyIds: idList('Select competencies from the list'),
});
export type CourseInput = z.infer<typeof courseInput>;

/** A course in the partnership, whatever its prospectus's status. */
async function courseIn(s: ServiceContext, db: Executor, courseId: string): Promise<Course> {
  const [course] = await db.select().from(courses).where(and(eq(courses.id, courseId), eq(courses.partnershipId, s.partnership.id)));
  if (!course) throw notFound('Course');
  return course;
}

/** Workforce groups and competencies must come from the partnership's current framework. */
async function checkFramework(s: ServiceContext, db: Executor, input: Pick<CourseInput, 'workforceGroupIds' | 'competencyIds'>) {
  const current = and(eq(competencyFrameworks.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true));
  const [groups, comps] = await Promise.all([
    input.workforceGroupIds.length
      ? db.select({ id: workforceGroups.id }).from(workforceGroups).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId)).where(and(current, inArray(workforceGroups.id, input.workforceGroupIds)))
      : [],
    input.competencyIds.length
      ? db.select({ id: competencies.id }).from(competencies).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId)).where(and(current, inArray(competencies.id, input.competencyIds)))
      : [],
  ]);
  const errors: Record<string, string> = {};
  if (groups.length !== new Set(input.workforceGroupIds).size) errors.workforceGroupIds = 'Select workforce groups from the list';
  if (comps.length !== new Set(input.competencyIds).size) errors.competencyIds = 'Select competencies from the list';
  if (Object.keys(errors).length) throw invalid(errors);
}

/** The course's own columns, and its links to groups and competencies (replaced whole). */
async function writeCourseLinks(tx: Executor, courseId: string, input: CourseInput) {
  await tx.delete(courseWorkforceGroups).where(eq(courseWorkforceGroups.courseId, courseId));
  await tx.delete(courseCompetencies).where(eq(courseCompetencies.courseId, courseId));
  const groupIds = [...new Set(input.workforceGroupIds)];
  const competencyIds = [...new Set(input.competencyIds)];
  if (groupIds.length) await tx.insert(courseWorkforceGroups).values(groupIds.map((workforceGroupId) => ({ courseId, workforceGroupId })));
  if (competencyIds.length) await tx.insert(courseCompetencies).values(competencyIds.map((competencyId) => ({ courseId, competencyId })));
}

const courseColumns = ({ workforceGroupIds: _g, competencyIds: _c, ...columns }: CourseInput) => columns;

/** Courses can be added to a draft or a published prospectus (published ones show at once). */
export async function createCourse(s: ServiceContext, prospectusId: string, input: CourseInput): Promise<Course> {
  await getProspectus(s, prospectusId);
  await checkFramework(s, s.db, input);
  return s.db.transaction(async (tx) => {
    const now = s.clock.now();
    const [course] = await tx
      .insert(courses)
      .values({ partnershipId: s.partnership.id, prospectusId, ...courseColumns(input), createdAt: now, updatedAt: now })
      .returning();
    await writeCourseLinks(tx, course.id, input);
    await record(tx, s, 'course.created', 'course', course.id, { prospectusId, ...input });
    return course;
  });
}

export async function updateCourse(s: ServiceContext, courseId: string, input: CourseInput): Promise<Course> {
  await courseIn(s, s.db, courseId);
  await checkFramework(s, s.db, input);
  return s.db.transaction(async (tx) => {
    const [course] = await tx
      .update(courses)
      .set({ ...courseColumns(input), updatedAt: s.clock.now() })
      .where(and(eq(courses.id, courseId), eq(courses.partnershipId, s.partnership.id)))
      .returning();
    await writeCourseLinks(tx, courseId, input);
    await record(tx, s, 'course.updated', 'course', courseId, input);
    return course;
  });
}

/** Scheduled sessions still to come: each must be cancelled (telling who booked) before the course is withdrawn. */
export async function upcomingSessionCount(s: ServiceContext, courseId: string, db: Executor = s.db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(sessions)
    .where(and(eq(sessions.courseId, courseId), eq(sessions.partnershipId, s.partnership.id), eq(sessions.status, 'scheduled'), gt(sessions.startsAt, s.clock.now())));
  return row.n;
}

/** Takes the course off the prospectus. Its past sessions and their records stay. */
export async function withdrawCourse(s: ServiceContext, courseId: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    const course = await courseIn(s, tx, courseId);
    if (course.withdrawn) return;
    const upcoming = await upcomingSessionCount(s, courseId, tx);
    if (upcoming) throw conflict(`Cancel the ${upcoming} upcoming ${upcoming === 1 ? 'date' : 'dates'} of this course before withdrawing it, so the people booked are told`);
    await tx.update(courses).set({ withdrawn: true, updatedAt: s.clock.now() }).where(and(eq(courses.id, courseId), eq(courses.partnershipId, s.partnership.id)));
    await record(tx, s, 'course.withdrawn', 'course', courseId, { title: course.title });
  });
}

/** Every course of a prospectus, withdrawn ones too, with how many dates are scheduled. */
export async function listCoursesForManaging(s: ServiceContext, prospectusId: string) {
  return s.db
    .select({
      ...getTableColumns(courses),
      scheduledSessions: sql<number>`count(${sessions.id}) filter (where ${sessions.status} = 'scheduled')`.mapWith(Number),
    })
    .from(courses)
    .leftJoin(sessions, eq(sessions.courseId, courses.id))
    .where(and(eq(courses.partnershipId, s.partnership.id), eq(courses.prospectusId, prospectusId)))
    .groupBy(courses.id)
    .orderBy(asc(courses.withdrawn), asc(courses.title));
}

// ---- Sessions -----------------------------------------------------------------------

/** The working day (Monday to Friday) before a date. Bank holidays are not known here. */
export function workingDayBefore(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  do day.setUTCDate(day.getUTCDate() - 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
  return day.toISOString().slice(0, 10);
}

/** Booking closes when asked, or by default at 5pm on the working day before, so the trainer has the register in time. */
function bookingCloses(d: { date: string; bookingClosesDate: string; bookingClosesTime: string }): Date {
  return d.bookingClosesDate ? fromLondon(d.bookingClosesDate, d.bookingClosesTime || '17:00') : fromLondon(workingDayBefore(d.date), '17:00');
}

export const sessionInput = z
  .object({
    date: dateField('the date of the session'),
    startTime: timeField('the start time'),
    endTime: timeField('the end time'),
    where: z.enum(['venue', 'online'], 'Select whether the session is at a venue or online'),
    venue: optionalText(300, 'The venue must be 300 characters or fewer'),
    joiningLink: optionalText(500, 'The joining link must be 500 characters or fewer'),
    capacity: wholeNumber('Enter the number of places', 'Enter the number of places as a whole number, like 20', 1, 1000, 'The number of places must be between 1 and 1,000'),
    bookingClosesDate: z.string().trim().default('').refine((v) => v === '' || isRealDate(v), 'The date booking closes must be a real date'),
    bookingClosesTime: timeField('the time booking closes', true),
    trainerIds: idList('Select trainers from the list'),
    trainerName: optionalText(200, 'The trainer’s name must be 200 characters or fewer'),
  })
  .superRefine(
    (d, ctx) => {
      if (d.where === 'venue' && !d.venue) ctx.addIssue({ code: 'custom', path: ['venue'], message: 'Enter the venue' });
      if (d.where === 'online' && !/^https:\/\/\S+$/.test(d.joiningLink)) {
        ctx.addIssue({ code: 'custom', path: ['joiningLink'], message: d.joiningLink ? 'Enter the joining link as a web address starting https://' : 'Enter the joining link' });
      }
    },
    onceValid(['where', 'venue', 'joiningLink']),
  )
  .refine((d) => d.endTime > d.startTime, { path: ['endTime'], error: 'The end time must be after the start time', ...onceValid(['startTime', 'endTime']) })
  .superRefine(
    (d, ctx) => {
      if (d.bookingClosesTime && !d.bookingClosesDate) ctx.addIssue({ code: 'custom', path: ['bookingClosesDate'], message: 'Enter the date booking closes' });
      else if (bookingCloses(d) > fromLondon(d.date, d.startTime)) ctx.addIssue({ code: 'custom', path: ['bookingClosesDate'], message: 'Booking must close before the session starts' });
    },
    onceValid(['date', 'startTime', 'bookingClosesDate', 'bookingClosesTime']),
  )
  .transform((d) => {
    const online = d.where === 'online';
    return {
      startsAt: fromLondon(d.date, d.startTime),
      endsAt: fromLondon(d.date, d.endTime),
      online,
      venue: online ? '' : d.venue,
      joiningLink: online ? d.joiningLink : '',
      capacity: d.capacity,
      bookingClosesAt: bookingCloses(d),
      trainerIds: [...new Set(d.trainerIds)],
      trainerName: d.trainerName,
    };
  });
export type SessionInput = z.infer<typeof sessionInput>;

export const cancelInput = z.object({
  reason: requiredText('Enter the reason the session is cancelled', 500, 'The reason must be 500 characters or fewer'),
});

/** People who hold the trainer role in the partnership. */
export async function listTrainers(s: ServiceContext, db: Executor = s.db) {
  return db
    .select({ id: people.id, name: people.name, email: people.email })
    .from(people)
    .innerJoin(personRoles, and(eq(personRoles.personId, people.id), eq(personRoles.role, 'trainer')))
    .where(eq(people.partnershipId, s.partnership.id))
    .orderBy(asc(people.name));
}

/** A session and its course, for changing; another partnership's session is not found. */
export async function getSessionForManaging(s: ServiceContext, sessionId: string, db: Executor = s.db) {
  const [row] = await db
    .select({ session: sessions, course: courses, prospectus: prospectuses })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id)));
  if (!row) throw notFound('Session');
  const trainers = await db.select({ personId: sessionTrainers.personId }).from(sessionTrainers).where(eq(sessionTrainers.sessionId, sessionId));
  return { ...row, trainerIds: trainers.map((t) => t.personId) };
}

/** Dates must fall in the prospectus's year, and trainers must hold the trainer role. */
async function checkSession(s: ServiceContext, db: Executor, prospectus: Prospectus, input: SessionInput) {
  const errors: Record<string, string> = {};
  const first = fromLondon(prospectus.startsOn);
  const afterLast = fromLondon(prospectus.endsOn, '23:59');
  if (input.startsAt < first || input.startsAt > afterLast) {
    errors.date = `The date must be in the prospectus year, between ${formatDate(first)} and ${formatDate(afterLast)}`;
  }
  if (input.trainerIds.length) {
    const trainers = new Set((await listTrainers(s, db)).map((t) => t.id));
    if (!input.trainerIds.every((id) => trainers.has(id))) errors.trainerIds = 'Select trainers from the list';
  }
  if (Object.keys(errors).length) throw invalid(errors);
}

async function writeTrainers(tx: Executor, sessionId: string, trainerIds: string[]) {
  await tx.delete(sessionTrainers).where(eq(sessionTrainers.sessionId, sessionId));
  if (trainerIds.length) await tx.insert(sessionTrainers).values(trainerIds.map((personId) => ({ sessionId, personId })));
}

const sessionColumns = ({ trainerIds: _t, ...columns }: SessionInput) => columns;

export async function createSession(s: ServiceContext, courseId: string, input: SessionInput): Promise<Session> {
  const course = await courseIn(s, s.db, courseId);
  if (course.withdrawn) throw conflict('This course has been withdrawn: it cannot have new dates');
  await checkSession(s, s.db, await getProspectus(s, course.prospectusId), input);
  return s.db.transaction(async (tx) => {
    const [session] = await tx.insert(sessions).values({ partnershipId: s.partnership.id, courseId, ...sessionColumns(input) }).returning();
    await writeTrainers(tx, session.id, input.trainerIds);
    await record(tx, s, 'session.created', 'session', session.id, { courseId, ...input });
    return session;
  });
}

const placesTakenMessage = (taken: number) =>
  `The number of places cannot be less than the ${taken} ${taken === 1 ? 'place' : 'places'} already taken`;

/**
 * Changes a session. The capacity check is part of the UPDATE itself, so a booking that
 * takes a place at the same moment cannot leave more places taken than there are.
 */
export async function updateSession(s: ServiceContext, sessionId: string, input: SessionInput): Promise<Session> {
  const current = await getSessionForManaging(s, sessionId);
  if (current.session.status === 'cancelled') throw conflict('This session has been cancelled: it cannot be changed');
  await checkSession(s, s.db, current.prospectus, input);
  return s.db.transaction(async (tx) => {
    const [session] = await tx
      .update(sessions)
      .set(sessionColumns(input))
      .where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id), sql`${sessions.placesTaken} <= ${input.capacity}`))
      .returning();
    if (!session) {
      const [{ placesTaken }] = await tx.select({ placesTaken: sessions.placesTaken }).from(sessions).where(eq(sessions.id, sessionId));
      throw invalid({ capacity: placesTakenMessage(placesTaken) });
    }
    await writeTrainers(tx, sessionId, input.trainerIds);
    await record(tx, s, 'session.updated', 'session', sessionId, input);
    // More places, or a later start, may let people on the waiting list in.
    await fillFreedPlaces(tx, s, sessionId);
    return session;
  });
}

/**
 * Cancels a session: it stays on the prospectus marked Cancelled, every live booking ends
 * and everyone booked or waiting is emailed the reason (with a calendar cancellation), in
 * one transaction. Cancelling it again changes nothing.
 */
export async function cancelSession(s: ServiceContext, sessionId: string, reason: string): Promise<{ cancelled: boolean; told: number }> {
  await getSessionForManaging(s, sessionId);
  const result = await cancelSessionAndBookings(s, sessionId, reason);
  return { cancelled: !result.alreadyCancelled, told: result.bookingsEnded };
}
