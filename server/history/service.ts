// Past years brought in from a spreadsheet of their records (docs/history-import.md), so the
// dashboard, the review and the years side by side reach back before the system. All or nothing:
// every row is checked, and every problem named by line and column, before anything is written;
// then the whole file is written in one transaction. Importing a year again replaces what its last
// import wrote (its sessions and records; its courses are kept, so a review of it stands), and
// importing the very same file again changes nothing (its SHA-256 is kept on the year). Years the
// system ran itself are refused: an imported year is read-only except by another import.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import {
  bookings,
  competencyFrameworks,
  courses,
  eLearningCompletions,
  feedback,
  followUpSurveys,
  impactResponses,
  organisations,
  people,
  personRoles,
  prospectuses,
  sessions,
  workforceGroups,
  yearReviewDecisions,
  type Role,
} from '../../db/schema';
import { auditChange } from '../audit/log';
import type { ServiceContext } from '../shared/context';
import { CsvError, readCsvTable } from '../shared/csv';
import { addDays, fromLondon, londonDay, yearContaining, yearStarting } from '../shared/dates';
import { forbidden } from '../shared/errors';
import { hashToken } from '../shared/tokens';
import { DEFAULT_LENGTH_MINUTES, HISTORY_COLUMNS, readHistoryRow, type HistoryProblem, type HistoryRow } from './rows';

/** Who imports past years: coordinators (and the command line, as the partnership itself). */
export const HISTORY_IMPORTERS: Role[] = ['coordinator'];
/** A year of a partnership's records is a few thousand rows; far more is the wrong file. */
export const MAX_HISTORY_CHARACTERS = 20_000_000;
/** The largest upload of such a file, in bytes (the import page's own body limit). */
export const MAX_HISTORY_UPLOAD_BYTES = 25 * 1024 * 1024;

/** The address of an attendee the records do not name: unique, and no mail can reach it (RFC 2606). */
const anonymousEmail = (id: string) => `anonymous-${id}@imported.invalid`;
const ANONYMOUS_PATTERN = 'anonymous-%@imported.invalid';
export const ANONYMOUS_NAME = 'Attendee not named in the records';

export interface YearImported {
  year: string;
  courses: number;
  sessionsDelivered: number;
  sessionsCancelled: number;
  /** Rows of the file for the year: one person's booking of one session each. */
  records: number;
  attended: number;
  feedback: number;
  surveysSent: number;
  surveysAnswered: number;
}

export interface HistoryImport {
  /** Non-empty: nothing was imported (or would be, on a dry run). */
  problems: HistoryProblem[];
  /** What the problems need to be put right (the names the file may use). */
  hints: string[];
  dryRun: boolean;
  /** The same file was imported before: nothing changed. */
  unchanged: boolean;
  rows: number;
  years: YearImported[];
  newOrganisations: string[];
  newPeople: number;
  anonymousAttendees: number;
}

const empty = (rows: number, problems: HistoryProblem[], hints: string[] = [], dryRun = false): HistoryImport => ({
  problems,
  hints,
  dryRun,
  unchanged: false,
  rows,
  years: [],
  newOrganisations: [],
  newPeople: 0,
  anonymousAttendees: 0,
});

const key = (text: string) => text.trim().toLowerCase();

/** A session of the file: the rows of one course (in one year) with the same start. */
interface FileSession {
  year: string;
  courseKey: string;
  startsAt: Date;
  endsAt?: Date;
  capacity?: number;
  rows: HistoryRow[];
}

interface FileCourse {
  year: string;
  title: string;
  theme?: string;
  mode?: string;
  sessions: Map<string, FileSession>;
}

/** The rows grouped by year, course and session, with the problems only a look across rows finds. */
function group(rows: HistoryRow[], startMonth: number, today: string, problems: HistoryProblem[]) {
  const coursesByKey = new Map<string, FileCourse>();
  const firstLine = new Map<string, number>();
  const seen = (what: string, line: number) => {
    const earlier = firstLine.get(what);
    if (earlier === undefined) firstLine.set(what, line);
    return earlier;
  };
  const differs = (line: number, column: string, value: string, earlier: string, earlierLine: number | undefined) =>
    problems.push({ line, column, message: `'${value}' differs from '${earlier}' given on line ${earlierLine} for the same ${column === 'theme' || column === 'mode' ? 'course' : 'session'}` });

  for (const row of rows) {
    const year = yearContaining(row.startsAt, startMonth);
    if (year.endsOn >= today) {
      problems.push({ line: row.line, column: 'session start', message: `falls in ${year.label}, which has not ended: only years that have ended can be imported` });
      continue;
    }
    const courseKey = `${year.label}|${key(row.course)}`;
    let course = coursesByKey.get(courseKey);
    if (!course) coursesByKey.set(courseKey, (course = { year: year.label, title: row.course, sessions: new Map() }));
    for (const column of ['theme', 'mode'] as const) {
      const value = row[column];
      if (!value) continue;
      if (course[column] && course[column] !== value) differs(row.line, column, value, course[column]!, firstLine.get(`${courseKey}|${column}`));
      else if (!course[column]) {
        course[column] = value;
        seen(`${courseKey}|${column}`, row.line);
      }
    }
    const sessionKey = row.startsAt.toISOString();
    let session = course.sessions.get(sessionKey);
    if (!session) course.sessions.set(sessionKey, (session = { year: year.label, courseKey, startsAt: row.startsAt, rows: [] }));
    const at = `${courseKey}|${sessionKey}`;
    if (row.endsAt) {
      if (session.endsAt && session.endsAt.getTime() !== row.endsAt.getTime()) differs(row.line, 'session end', row.endsAt.toISOString(), session.endsAt.toISOString(), firstLine.get(`${at}|end`));
      else if (!session.endsAt) {
        session.endsAt = row.endsAt;
        seen(`${at}|end`, row.line);
      }
    }
    if (row.capacity !== undefined) {
      if (session.capacity !== undefined && session.capacity !== row.capacity) differs(row.line, 'capacity', String(row.capacity), String(session.capacity), firstLine.get(`${at}|capacity`));
      else if (session.capacity === undefined) {
        session.capacity = row.capacity;
        seen(`${at}|capacity`, row.line);
      }
    }
    if (row.email) {
      const earlier = seen(`${at}|${row.email}`, row.line);
      if (earlier !== undefined) problems.push({ line: row.line, column: 'email', message: `${row.email} is also on line ${earlier} for the same session` });
    }
    session.rows.push(row);
  }
  for (const course of coursesByKey.values()) {
    for (const session of course.sessions.values()) {
      const held = session.rows.filter((r) => r.status !== 'cancelled').length;
      if (session.capacity !== undefined && session.capacity < held) {
        problems.push({ line: firstLine.get(`${session.courseKey}|${session.startsAt.toISOString()}|capacity`), column: 'capacity', message: `${session.capacity} is fewer than the ${held} people the file records as having a place at this session` });
      }
    }
  }
  return coursesByKey;
}

/** The file's rows checked on their own and across each other; nothing looked up yet. `fatal`: the file as a whole cannot be read. */
function readFile(csvText: string, today: string, startMonth: number) {
  const unreadable = (problem: HistoryProblem) => ({ fatal: true, problems: [problem], rows: [] as HistoryRow[], courses: new Map<string, FileCourse>(), count: 0 });
  if (csvText.length > MAX_HISTORY_CHARACTERS) return unreadable({ message: 'the file is larger than 20 MB; import one year at a time' });
  let table;
  try {
    table = readCsvTable(csvText, HISTORY_COLUMNS);
  } catch (error) {
    if (error instanceof CsvError) return unreadable({ line: error.line, message: `the file cannot be read: ${error.message}` });
    throw error;
  }
  if (!table.rows.length) return unreadable({ message: 'the file has no records in it, only a header' });
  const problems: HistoryProblem[] = [...table.problems];
  const rows = table.rows.flatMap((r) => readHistoryRow(r.line, r.values, today, problems) ?? []);
  const courses = group(rows, startMonth, today, problems);
  return { fatal: false, problems, rows, courses, count: table.rows.length };
}

/** What the database already holds that the file names: its years, organisations, workforce groups and people. */
async function lookUp(s: ServiceContext, db: Executor, rows: HistoryRow[], years: string[]) {
  const partnershipId = s.partnership.id;
  const emails = [...new Set(rows.flatMap((r) => (r.email ? [r.email] : [])))];
  const [yearRows, organisationRows, groupRows, personRows] = await Promise.all([
    db
      .select({ id: prospectuses.id, year: prospectuses.year, importedAt: prospectuses.importedAt, importedSha256: prospectuses.importedSha256 })
      .from(prospectuses)
      .where(and(eq(prospectuses.partnershipId, partnershipId), inArray(prospectuses.year, years))),
    db.select({ id: organisations.id, name: organisations.name, shortName: organisations.shortName }).from(organisations).where(eq(organisations.partnershipId, partnershipId)),
    db
      .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name })
      .from(workforceGroups)
      .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId))
      .where(and(eq(competencyFrameworks.partnershipId, partnershipId), eq(competencyFrameworks.current, true))),
    emails.length ? db.select({ id: people.id, email: people.email }).from(people).where(and(eq(people.partnershipId, partnershipId), inArray(people.email, emails))) : [],
  ]);
  const organisationId = new Map<string, string>();
  for (const o of organisationRows) {
    organisationId.set(key(o.shortName), o.id);
    organisationId.set(key(o.name), o.id);
  }
  const groupId = new Map<string, string>();
  for (const g of groupRows) {
    groupId.set(key(g.name), g.id);
    groupId.set(key(g.code), g.id);
  }
  return {
    years: new Map(yearRows.map((y) => [y.year, y])),
    organisationId,
    organisationNames: organisationRows.map((o) => o.name).sort(),
    groupId,
    groupNames: groupRows.map((g) => `${g.code} (${g.name})`),
    personId: new Map(personRows.map((p) => [p.email, p.id])),
  };
}
type Found = Awaited<ReturnType<typeof lookUp>>;

/** The problems only the database can show: years the system ran, organisations and groups it does not know. */
function checkAgainst(found: Found, courses: Map<string, FileCourse>, rows: HistoryRow[]) {
  const problems: HistoryProblem[] = [];
  const hints = new Set<string>();
  for (const [year, existing] of found.years) {
    if (existing.importedAt) continue;
    const first = [...courses.values()].filter((c) => c.year === year).flatMap((c) => [...c.sessions.values()].flatMap((x) => x.rows))[0];
    problems.push({ line: first?.line, column: 'session start', message: `falls in ${year}, a year this system ran itself: only years before the system can be imported` });
  }
  // A new organisation's sector may be given on any of its rows.
  const withSector = new Set(rows.flatMap((r) => (r.sector ? [key(r.organisation)] : [])));
  const reported = new Set<string>();
  for (const row of rows) {
    const organisation = key(row.organisation);
    if (!found.organisationId.has(organisation) && !withSector.has(organisation) && !reported.has(organisation)) {
      reported.add(organisation);
      problems.push({ line: row.line, column: 'organisation', message: `'${row.organisation}' is not an organisation of the partnership: check its name, or give its sector to add it` });
      hints.add(`The organisations are (full or short name): ${found.organisationNames.join('; ')}.`);
    }
    if (row.workforceGroup && !found.groupId.has(key(row.workforceGroup))) {
      problems.push({ line: row.line, column: 'workforce group', message: `'${row.workforceGroup}' is not a workforce group of the current framework` });
      hints.add(`The workforce groups are (code or name): ${found.groupNames.join('; ')}.`);
    }
  }
  return { problems, hints: [...hints] };
}

const summarise = (courses: Map<string, FileCourse>): YearImported[] => {
  const byYear = new Map<string, YearImported>();
  for (const course of courses.values()) {
    const y = byYear.get(course.year) ?? { year: course.year, courses: 0, sessionsDelivered: 0, sessionsCancelled: 0, records: 0, attended: 0, feedback: 0, surveysSent: 0, surveysAnswered: 0 };
    byYear.set(course.year, y);
    y.courses += 1;
    for (const session of course.sessions.values()) {
      if (sessionStatus(session) === 'delivered') y.sessionsDelivered += 1;
      else y.sessionsCancelled += 1;
      for (const row of session.rows) {
        y.records += 1;
        if (row.status === 'attended' || row.status === 'partly attended') y.attended += 1;
        if (row.ratings) y.feedback += 1;
        if (row.followUpSentOn) y.surveysSent += 1;
        if (row.answer) y.surveysAnswered += 1;
      }
    }
  }
  return [...byYear.values()].sort((a, b) => a.year.localeCompare(b.year));
};

/** A session none of whose rows had a place on the day (all cancelled) did not run. */
const sessionStatus = (session: FileSession) => (session.rows.some((r) => r.status !== 'cancelled') ? ('delivered' as const) : ('cancelled' as const));

export function checkCanImport(s: ServiceContext) {
  if (s.actor && !s.actor.roles.some((r) => HISTORY_IMPORTERS.includes(r))) throw forbidden('Only coordinators can import past years’ records');
}

/**
 * Imports a past year's records file, or with `dryRun` only checks it and says what it would do.
 * Returns the problems (nothing written) or what was imported.
 */
export async function importHistory(s: ServiceContext, csvText: string, options: { dryRun?: boolean } = {}): Promise<HistoryImport> {
  checkCanImport(s);
  const dryRun = Boolean(options.dryRun);
  const today = londonDay(s.clock.now());
  const file = readFile(csvText, today, s.partnership.yearStartMonth);
  if (file.fatal) return empty(file.count, file.problems, [], dryRun);
  const years = [...new Set([...file.courses.values()].map((c) => c.year))].sort();
  const sha256 = hashToken(csvText);

  return s.db.transaction(async (tx) => {
    // One import at a time per partnership: a second waits here and then sees the first's years.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`history-import:${s.partnership.id}`}))`);
    const found = await lookUp(s, tx, file.rows, years);
    const checked = checkAgainst(found, file.courses, file.rows);
    const problems = [...file.problems, ...checked.problems];
    if (problems.length) return empty(file.count, sortProblems(problems), checked.hints, dryRun);

    const newOrganisations = [...new Set(file.rows.filter((r) => !found.organisationId.has(key(r.organisation))).map((r) => r.organisation))];
    const newEmails = [...new Set(file.rows.flatMap((r) => (r.email && !found.personId.has(r.email) ? [r.email] : [])))];
    const result: HistoryImport = {
      ...empty(file.count, [], [], dryRun),
      years: summarise(file.courses),
      newOrganisations: newOrganisations.filter((name, i) => newOrganisations.findIndex((n) => key(n) === key(name)) === i),
      newPeople: newEmails.length,
      anonymousAttendees: file.rows.filter((r) => !r.email).length,
    };
    if (years.every((y) => found.years.get(y)?.importedSha256 === sha256)) return { ...result, unchanged: true, newOrganisations: [], newPeople: 0 };
    if (dryRun) return result;

    for (const year of years) {
      const earlier = found.years.get(year);
      if (earlier) await clearYear(tx, earlier.id);
    }
    await removeUnusedAnonymous(s, tx);
    await writeOrganisations(s, tx, file.rows, found);
    const personOf = await writePeople(s, tx, file.rows, found);
    for (const year of years) {
      const yearCourses = [...file.courses.values()].filter((c) => c.year === year);
      const prospectusId = await writeYear(s, tx, year, yearCourses, found, personOf, sha256);
      await auditChange(tx, s, 'prospectus.history-imported', 'prospectus', prospectusId, { sha256, ...result.years.find((y) => y.year === year) });
    }
    return result;
  });
}

/** By line; on one line, in the order found (a stable sort). */
const sortProblems = (problems: HistoryProblem[]) => [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

async function writeOrganisations(s: ServiceContext, tx: Executor, rows: HistoryRow[], found: Found) {
  for (const row of rows) {
    const name = key(row.organisation);
    if (found.organisationId.has(name)) continue;
    const sector = rows.find((r) => key(r.organisation) === name && r.sector)!.sector!;
    const [made] = await tx
      .insert(organisations)
      .values({ partnershipId: s.partnership.id, name: row.organisation, shortName: row.organisation, sector, partnerStatus: 'neither' })
      .returning({ id: organisations.id });
    found.organisationId.set(name, made.id);
  }
}

const BATCH = 500;
async function insertAll<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

/**
 * The person each row is about: an existing account by email; a new one (a practitioner) for a
 * named attendee without one; and, for each row that names nobody, an anonymous person of its
 * own, so that people are still counted as people.
 */
async function writePeople(s: ServiceContext, tx: Executor, rows: HistoryRow[], found: Found): Promise<Map<HistoryRow, string>> {
  const partnershipId = s.partnership.id;
  const now = s.clock.now();
  const personOf = new Map<HistoryRow, string>();
  const created = new Map<string, typeof people.$inferInsert & { id: string }>();
  const anonymous: (typeof people.$inferInsert)[] = [];
  for (const row of rows) {
    const organisationId = found.organisationId.get(key(row.organisation))!;
    const workforceGroupId = row.workforceGroup ? found.groupId.get(key(row.workforceGroup)) : null;
    if (row.email) {
      let id = found.personId.get(row.email) ?? created.get(row.email)?.id;
      if (!id) {
        id = crypto.randomUUID();
        created.set(row.email, { id, partnershipId, name: row.name ?? row.email, email: row.email, organisationId, jobTitle: '', workforceGroupId });
      }
      personOf.set(row, id);
    } else {
      const id = crypto.randomUUID();
      anonymous.push({ id, partnershipId, name: ANONYMOUS_NAME, email: anonymousEmail(id), organisationId, jobTitle: '', workforceGroupId, erasedAt: now });
      personOf.set(row, id);
    }
  }
  const named = [...created.values()];
  await insertAll([...named, ...anonymous], (batch) => tx.insert(people).values(batch));
  await insertAll(named, (batch) => tx.insert(personRoles).values(batch.map((p) => ({ personId: p.id, role: 'practitioner' as const }))));
  return personOf;
}

/** What the year's last import wrote, taken away before it is written again; its courses stay. */
async function clearYear(tx: Executor, prospectusId: string) {
  const yearSessions = sql`(select ${sessions.id} from ${sessions} join ${courses} on ${courses.id} = ${sessions.courseId} where ${courses.prospectusId} = ${prospectusId})`;
  await tx.delete(bookings).where(sql`${bookings.sessionId} in ${yearSessions}`);
  await tx.delete(sessions).where(sql`${sessions.id} in ${yearSessions}`);
}

/** Anonymous attendees of earlier imports whose records were taken away. */
async function removeUnusedAnonymous(s: ServiceContext, tx: Executor) {
  await tx
    .delete(people)
    .where(and(eq(people.partnershipId, s.partnership.id), sql`${people.email} like ${ANONYMOUS_PATTERN}`, sql`not exists (select 1 from ${bookings} where ${bookings.personId} = ${people.id})`));
}

const minutesBetween = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / 60_000);
const endOf = (session: FileSession) => session.endsAt ?? new Date(session.startsAt.getTime() + DEFAULT_LENGTH_MINUTES * 60_000);

async function writeYear(s: ServiceContext, tx: Executor, year: string, fileCourses: FileCourse[], found: Found, personOf: Map<HistoryRow, string>, sha256: string) {
  const partnershipId = s.partnership.id;
  const now = s.clock.now();
  let prospectusId = found.years.get(year)?.id;
  if (prospectusId) {
    await tx.update(prospectuses).set({ importedAt: now, importedSha256: sha256 }).where(eq(prospectuses.id, prospectusId));
  } else {
    const dates = yearStarting(Number(year.slice(0, 4)), s.partnership.yearStartMonth);
    const [made] = await tx
      .insert(prospectuses)
      .values({
        partnershipId,
        year,
        title: `Learning and development prospectus ${year}`,
        introduction: `The training of ${year}, imported from the partnership’s records.`,
        startsOn: dates.startsOn,
        endsOn: dates.endsOn,
        status: 'published',
        importedAt: now,
        importedSha256: sha256,
      })
      .returning({ id: prospectuses.id });
    prospectusId = made.id;
    found.years.set(year, { id: prospectusId, year, importedAt: now, importedSha256: sha256 });
  }

  const existing = new Map(
    (await tx.select({ id: courses.id, title: courses.title }).from(courses).where(eq(courses.prospectusId, prospectusId))).map((c) => [key(c.title), c.id]),
  );
  const courseIds: string[] = [];
  for (const course of fileCourses) {
    const first = [...course.sessions.values()][0];
    const values = {
      themes: course.theme ? [course.theme] : [],
      deliveryMode: (course.mode ?? 'Face to face') as typeof courses.$inferInsert.deliveryMode,
      durationMinutes: minutesBetween(first.startsAt, endOf(first)),
      updatedAt: now,
    };
    const id = existing.get(key(course.title));
    if (id) {
      await tx.update(courses).set(values).where(eq(courses.id, id));
      courseIds.push(id);
    } else {
      const [made] = await tx
        .insert(courses)
        .values({ partnershipId, prospectusId, title: course.title, summary: `Imported from the partnership’s records of ${year}.`, learningOutcomes: [], ...values, createdAt: now })
        .returning({ id: courses.id });
      courseIds.push(made.id);
    }
  }
  // A course the file no longer names goes, unless a review decided on it or e-learning was completed on it.
  await tx
    .delete(courses)
    .where(
      and(
        eq(courses.prospectusId, prospectusId),
        sql`${courses.id} not in (${sql.join(courseIds.map((id) => sql`${id}`), sql`, `)})`,
        sql`not exists (select 1 from ${yearReviewDecisions} where ${yearReviewDecisions.courseId} = ${courses.id} or ${yearReviewDecisions.mergeIntoCourseId} = ${courses.id})`,
        sql`not exists (select 1 from ${eLearningCompletions} where ${eLearningCompletions.courseId} = ${courses.id})`,
      ),
    );

  const sessionRows: (typeof sessions.$inferInsert)[] = [];
  const bookingRows: (typeof bookings.$inferInsert)[] = [];
  const feedbackRows: (typeof feedback.$inferInsert)[] = [];
  const surveyRows: (typeof followUpSurveys.$inferInsert)[] = [];
  const answerRows: (typeof impactResponses.$inferInsert)[] = [];
  fileCourses.forEach((course, i) => {
    for (const session of course.sessions.values()) {
      const sessionId = crypto.randomUUID();
      const endsAt = endOf(session);
      const status = sessionStatus(session);
      const held = session.rows.filter((r) => r.status !== 'cancelled').length;
      sessionRows.push({
        id: sessionId,
        partnershipId,
        courseId: courseIds[i],
        startsAt: session.startsAt,
        endsAt,
        capacity: session.capacity ?? Math.max(held, 1),
        placesTaken: held,
        bookingClosesAt: session.startsAt,
        status,
        cancelledReason: status === 'cancelled' ? 'Every place was cancelled (imported records)' : '',
      });
      for (const row of session.rows) {
        const bookingId = crypto.randomUUID();
        const cancelled = row.status === 'cancelled';
        bookingRows.push({
          id: bookingId,
          partnershipId,
          sessionId,
          personId: personOf.get(row)!,
          status: row.status,
          lateCancellation: row.lateCancellation,
          createdAt: session.startsAt,
          cancelledAt: cancelled ? session.startsAt : null,
          cancelReason: cancelled ? 'imported records' : null,
          attendanceRecordedAt: cancelled ? null : endsAt,
        });
        if (row.ratings) feedbackRows.push({ partnershipId, bookingId, outcomesMet: [], ...row.ratings, comments: row.answer ? '' : (row.comment ?? ''), createdAt: endsAt });
        if (row.followUpSentOn) {
          const surveyId = crypto.randomUUID();
          const sentAt = fromLondon(row.followUpSentOn, '09:00');
          const closesAt = fromLondon(addDays(row.followUpSentOn, s.partnership.followUpCloseDays), '09:00');
          surveyRows.push({
            id: surveyId,
            partnershipId,
            bookingId,
            respondent: 'attendee',
            status: row.answer ? 'answered' : 'closed',
            dueAt: sentAt,
            sentAt,
            closesAt,
            answeredAt: row.answer ? sentAt : null,
            closedAt: row.answer ? null : closesAt,
          });
          if (row.answer) answerRows.push({ partnershipId, surveyId, ...row.answer, practiceChangeHow: row.comment ?? '', competencies: {}, quotationConsent: false, createdAt: sentAt });
        }
      }
    }
  });
  await insertAll(sessionRows, (batch) => tx.insert(sessions).values(batch));
  await insertAll(bookingRows, (batch) => tx.insert(bookings).values(batch));
  await insertAll(feedbackRows, (batch) => tx.insert(feedback).values(batch));
  await insertAll(surveyRows, (batch) => tx.insert(followUpSurveys).values(batch));
  await insertAll(answerRows, (batch) => tx.insert(impactResponses).values(batch));
  return prospectusId;
}

export interface ImportedYear {
  year: string;
  importedAt: Date;
  courses: number;
  sessions: number;
}

/** The years brought in from past records, newest first. */
export async function importedYears(s: ServiceContext): Promise<ImportedYear[]> {
  checkCanImport(s);
  const rows = await s.db
    .select({
      year: prospectuses.year,
      importedAt: prospectuses.importedAt,
      courses: sql<number>`count(distinct ${courses.id})`.mapWith(Number),
      sessions: sql<number>`count(${sessions.id})`.mapWith(Number),
    })
    .from(prospectuses)
    .leftJoin(courses, eq(courses.prospectusId, prospectuses.id))
    .leftJoin(sessions, eq(sessions.courseId, courses.id))
    .where(and(eq(prospectuses.partnershipId, s.partnership.id), sql`${prospectuses.importedAt} is not null`))
    .groupBy(prospectuses.id)
    .orderBy(sql`${prospectuses.startsOn} desc`);
  return rows.map((r) => ({ ...r, importedAt: r.importedAt! }));
}
