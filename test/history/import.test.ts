// Past years imported from a spreadsheet (docs/history-import.md), against a hand-counted file:
// year-2023-24.csv holds 32 rows for 2023-24 (its columns in another order and case than the
// documentation's). Who is in it:
//   Neglect: recognising and responding (Neglect, face to face)
//     14 Jun 2023 9:30-12:30, 20 places: p01-p10 attended (all ten rated the day: five 4→7, five
//       5→8; all sent the survey on 13 Sep 2023, p01-p08 answered: practice changed yes ×6,
//       not yet, no; outcome improved yes ×4, not yet ×2, not applicable ×2; shared yes ×5);
//       p11 did not attend; p12 cancelled late.
//     8 Nov 2023 1pm-4pm, 15 places: p13-p17 attended and rated it 3→6 (p17 with a comment); three unnamed people
//       attended; p19 partly attended; p18 cancelled (its organisation, Riverside Youth Project,
//       is new: its sector is given on p10's row). All nine who came were sent the survey on
//       7 Feb 2024; p13-p16 answered (yes, yes, yes, no; outcome yes, no, n/a, n/a; shared yes ×2).
//   Domestic abuse awareness (live online)
//     20 Feb 2024 10am, no end given (three hours), 25 places: p01 (again) and p20-p24 attended,
//       all sent the survey on 20 May 2024, none answered; p25 and p26 did not attend.
//     12 Mar 2024: p27 and p28 cancelled, so the session did not run.
// Hand-counted: 3 sessions delivered (9 hours) and 1 cancelled, of 2 courses; 60 places; 32
// bookings; 25 attendances by 24 people (p01 came twice) from 4 organisations in 4 sectors;
// take-up 25 of 60; attendance 25 of 28; 3 did not attend; feedback 15 of 25, confidence +3.0 each;
// surveys 12 of 25 answered; practice changed 9 of 12; outcome improved 5 of 8; shared 7 of 12.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { and, count, eq, like } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, courses, feedback, followUpSurveys, impactResponses, organisations, partnerships, people, prospectuses, sessions } from '../../db/schema';
import { createCourse, updateCourse, withdrawCourse } from '../../server/catalogue/manage/course-service';
import { updateProspectus } from '../../server/catalogue/manage/prospectus-service';
import { createSession } from '../../server/catalogue/manage/session-service';
import { sessionInput } from '../../server/catalogue/schemas';
import { markingPermission } from '../../server/attendance/service';
import { importHistory } from '../../server/history/service';
import { describeProblem } from '../../server/history/rows';
import { getReport } from '../../server/review/report';
import { getReview } from '../../server/review/service';
import type { PersonalContext, ServiceContext } from '../../server/shared/context';
import { fixedClock } from '../../server/shared/clock';
import { isDomainError } from '../../server/shared/errors';
import { makePerson, seed, testConfig } from '../support/app';
import { createTestDatabase } from '../support/database';

const FILE = new URL('./year-2023-24.csv', import.meta.url);
const csv = readFileSync(FILE, 'utf8');

/** A whole course form for changing `course`, as a coordinator would send it. */
const courseChange = (course: { summary: string }) => ({
  title: 'Changed',
  summary: course.summary,
  learningOutcomes: [],
  themes: [],
  deliveryMode: 'Face to face' as const,
  durationMinutes: 60,
  provider: '',
  prerequisites: '',
  requiresManagerApproval: false,
  asksManagerFollowUp: false,
  workforceGroupIds: [],
  competencyIds: [],
});

interface World {
  database: OpenDatabase;
  db: OpenDatabase['db'];
  s: ServiceContext;
  reviewer: PersonalContext;
}

/** A database of its own for a group of tests, with the hand-counted year imported or not, so no test leans on another's. */
function useWorld(options: { imported?: boolean } = {}): World {
  const w = {} as World;
  beforeAll(async () => {
    w.database = await createTestDatabase();
    w.db = w.database.db;
    await seed(w.db, 'partnership');
    const [partnership] = await w.db.select().from(partnerships);
    w.s = { db: w.db, clock: fixedClock('2026-11-23T10:00:00Z'), config: testConfig(), partnership, actor: null };
    const person = await makePerson(w.db, ['reviewer']);
    w.reviewer = { ...w.s, actor: { id: person.id, roles: ['practitioner', 'reviewer'] } };
    if (options.imported) expect((await importHistory(w.s, csv)).problems).toEqual([]);
  });
  afterAll(() => w.database.close());
  return w;
}

/** Everything an import writes, counted, to tell whether anything changed. */
async function everything(db: OpenDatabase['db']) {
  const n = async (table: PgTable) => (await db.select({ n: count() }).from(table))[0].n;
  return {
    prospectuses: await n(prospectuses),
    courses: await n(courses),
    sessions: await n(sessions),
    bookings: await n(bookings),
    feedback: await n(feedback),
    surveys: await n(followUpSurveys),
    answers: await n(impactResponses),
    people: await n(people),
    organisations: await n(organisations),
    audit: await n(auditLog),
  };
}

describe('a file before any import', () => {
  const w = useWorld();

  it('imports nothing and names each bad row by line and column', async () => {
    const lines = csv.trimEnd().split('\r\n');
    const broken = [
      lines[0],
      lines[1].replace(',attended,', ',atended,').replace(/^attended,/, 'atended,'),
      lines[2].replace('2023-06-14 09:30,2023-06-14 12:30', '2023-06-31 09:30,2023-06-14 12:30'),
      lines[3].replace(',4,7,4,5,', ',4,7,9,5,'),
      lines[4].replace('RMBC', 'Rotherham Knitting Circle'),
      lines[5].replace(',4,7,4,5,', ',4,,4,5,'),
      lines[6].replace('I now', 'I now').replace(',2023-09-13,', ',2023-09-13,').replace(/,[^,]*$/, ',Amelia told me what had happened at 14 Elm Road'),
      ...lines.slice(7),
    ].join('\r\n');
    const before = await everything(w.db);
    const result = await importHistory(w.s, broken);
    const said = result.problems.map(describeProblem);
    expect(said).toEqual([
      "line 2, status: 'atended' is not one of: attended, partly attended, did not attend, cancelled, late cancellation",
      "line 3, session start: '2023-06-31 09:30' is not a date and time in the form YYYY-MM-DD or YYYY-MM-DD HH:MM",
      "line 4, relevance: '9' is not a whole number from 1 to 5",
      "line 5, organisation: 'Rotherham Knitting Circle' is not an organisation of the partnership: check its name, or give its sector to add it",
      'line 6, confidence after: is empty, but the day’s other ratings are given: give all four (confidence before, confidence after, relevance, delivery) or none',
      'line 7, comment: may identify someone: it holds what looks like a name (Amelia) and an address (14 Elm Road). Remove that from the comment, or leave the comment out',
    ]);
    expect(result.years).toEqual([]);
    expect(await everything(w.db)).toEqual(before);
  });

  it('refuses a year that has not ended, and a capacity below the places the file records', async () => {
    const header = csv.split('\r\n')[0];
    const row = (start: string, capacity: string, email: string) => `attended,Course,${start},,${capacity},RMBC,,${email},,,,,,,,,,,,,,`;
    const result = await importHistory(w.s, [header, row('2026-05-01 10:00', '', 'a@example.org'), row('2022-05-01 10:00', '1', 'b@example.org'), row('2022-05-01 10:00', '', 'c@example.org')].join('\n'));
    expect(result.problems.map(describeProblem)).toEqual([
      'line 2, session start: falls in 2026-27, which has not ended: only years that have ended can be imported',
      'line 3, capacity: 1 is fewer than the 2 people the file records as having a place at this session',
    ]);
  });

  it('says what is wrong with a file that is not the records file', async () => {
    const result = await importHistory(w.s, 'name,email\nA,a@example.org\n');
    expect(result.problems.map(describeProblem)).toEqual([
      "line 1: the file cannot be read: the header is missing these columns: 'course', 'session_start', 'organisation', 'status' (it needs 'course', 'session_start', 'organisation', 'status')",
    ]);
  });

  it('a dry run says what the import would do and writes nothing', async () => {
    const before = await everything(w.db);
    const result = await importHistory(w.s, csv, { dryRun: true });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ dryRun: true, unchanged: false, rows: 32, newOrganisations: ['Riverside Youth Project'], newPeople: 28, anonymousAttendees: 3 });
    expect(result.years).toEqual([{ year: '2023-24', courses: 2, sessionsDelivered: 3, sessionsCancelled: 1, records: 32, attended: 25, feedback: 15, surveysSent: 25, surveysAnswered: 12 }]);
    expect(await everything(w.db)).toEqual(before);
  });

  it('refuses a year the system ran itself', async () => {
    await w.db.insert(prospectuses).values({ partnershipId: w.s.partnership.id, year: '2021-22', title: 'Run here', startsOn: '2021-04-01', endsOn: '2022-03-31' });
    const header = csv.split('\r\n')[0];
    const result = await importHistory(w.s, `${header}\nattended,Course,2021-05-01 10:00,,,RMBC,,,,,,,,,,,,,,,,\n`);
    expect(result.problems.map(describeProblem)).toEqual(['line 2, session start: falls in 2021-22, a year this system ran itself: only years before the system can be imported']);
  });

  it('imports the example in docs/history-import.md', async () => {
    const docs = await readFile(new URL('../../docs/history-import.md', import.meta.url), 'utf8');
    const example = docs.match(/```csv\n([\s\S]*?)```/)![1];
    const result = await importHistory(w.s, example, { dryRun: true });
    expect(result.problems).toEqual([]);
    expect(result.years).toEqual([{ year: '2023-24', courses: 1, sessionsDelivered: 1, sessionsCancelled: 0, records: 3, attended: 2, feedback: 2, surveysSent: 1, surveysAnswered: 1 }]);
  });

  it('is for coordinators only', async () => {
    await expect(importHistory(w.reviewer, csv)).rejects.toSatisfy((e) => isDomainError(e, 'forbidden'));
  });

});

describe('the hand-counted year, imported', () => {
  const w = useWorld({ imported: true });

  it('imports into an archived prospectus marked as imported', async () => {
    const [year] = await w.db.select().from(prospectuses).where(eq(prospectuses.year, '2023-24'));
    expect(year).toMatchObject({ status: 'published', startsOn: '2023-04-01', endsOn: '2024-03-31' });
    expect(year.importedAt).toEqual(w.s.clock.now());
    const entries = await w.db.select().from(auditLog).where(eq(auditLog.action, 'prospectus.history-imported'));
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({ subjectId: year.id, actorId: null, detail: expect.objectContaining({ year: '2023-24', records: 32 }) });
    const anonymous = await w.db.select().from(people).where(like(people.email, 'anonymous-%'));
    expect(anonymous).toHaveLength(3);
    expect(anonymous.every((p) => p.erasedAt !== null)).toBe(true);
  });

  it('gives a review whose figures are the hand-counted ones', async () => {
    const review = await getReview(w.reviewer, '2023-24');
    const [domestic, neglect] = review.courses;
    expect(domestic.course).toMatchObject({ title: 'Domestic abuse awareness', deliveryMode: 'Live online', themes: ['Domestic abuse'] });
    expect(neglect.course).toMatchObject({ title: 'Neglect: recognising and responding', deliveryMode: 'Face to face', themes: ['Neglect'] });
    const da = domestic.figures;
    expect(da.delivery).toMatchObject({ sessionsDelivered: 1, sessionsCancelled: 1, trainingHours: 3, placesOffered: 25, attendances: 6 });
    expect(da.followUp.sent).toBe(6);
    expect(da.followUp.answered).toBe(0);
    const ng = neglect.figures;
    expect(ng.delivery).toMatchObject({ sessionsDelivered: 2, sessionsCancelled: 0, trainingHours: 6, placesOffered: 35, attendances: 19, peopleTrained: 19 });
    expect(ng.delivery.takeUp).toMatchObject({ count: 19, of: 35 });
    expect(ng.followUp.practiceChanged).toMatchObject({ count: 9, of: 12 });
  });

  it('gives a drafted section whose every number is the hand-counted one', async () => {
    const report = await getReport(w.reviewer, '2023-24');
    const text = Object.fromEntries(report.paragraphs.map((p) => [p.key, p.text]));
    expect(text.delivery).toBe('In 2023-24 the partnership delivered 3 sessions of 2 courses, 9 hours of training, with 60 places offered. The number of sessions cancelled was 1.');
    expect(text.reach).toBe('24 people from 4 organisations in 4 sectors attended, 25 attendances in all. Take-up of the places offered was 42% (25 of 60). Fewer than 5 people who had a place did not attend.');
    expect(text.onTheDay).toBe('On the day, 60% (15 of 25) of attendances were followed by feedback. Confidence rose on average by 3.0 (15 people; 95% interval 3.0 to 3.0) points on a scale of 1 to 10.');
    expect(text.threeMonths).toBe(
      'Three months later, 75% (9 of 12) of those who answered said their practice had changed. 48% (12 of 25) of the surveys sent were answered. 63% (5 of 8) of those it applied to said an outcome for a child or family had improved, and 58% (7 of 12) had shared their learning with colleagues.',
    );
    // No line manager was surveyed: the sentence is left out, not given a number.
    expect(text.managers).toBe('');
    expect(report.figures.delivery.attendanceRate).toMatchObject({ count: 25, of: 28 });
  });

  it('keeps the comments with the answers they came with, never as consented quotations', async () => {
    const answers = await w.db.select({ how: impactResponses.practiceChangeHow, consent: impactResponses.quotationConsent }).from(impactResponses);
    expect(answers.filter((a) => a.how)).toEqual([{ how: 'I now use the graded care profile at every home visit.', consent: false }]);
    const comments = await w.db.select({ comments: feedback.comments }).from(feedback);
    expect(comments.filter((c) => c.comments)).toEqual([{ comments: 'Useful case studies and time to talk.' }]);
  });

  it('importing the same file again changes nothing', async () => {
    const before = await everything(w.db);
    const result = await importHistory(w.s, csv);
    expect(result).toMatchObject({ unchanged: true, problems: [] });
    expect(await everything(w.db)).toEqual(before);
  });

  it('leaves an imported year read-only but for another import', async () => {
    const [course] = await w.db.select().from(courses).innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId)).where(and(eq(prospectuses.year, '2023-24'), eq(courses.title, 'Domestic abuse awareness')));
    const coordinator: ServiceContext = { ...w.s, actor: { id: w.reviewer.actor.id, roles: ['coordinator'] } };
    const change = updateCourse(coordinator, course.courses.id, { ...courseChange(course.courses), title: 'Changed' });
    await expect(change).rejects.toSatisfy((e) => isDomainError(e, 'conflict') && /imported from the partnership’s past records/.test((e as Error).message));
  });

  it('refuses every other change to an imported year: the prospectus, a new course or date, withdrawing, the register', async () => {
    const coordinator: PersonalContext = { ...w.s, actor: { id: w.reviewer.actor.id, roles: ['coordinator'] } };
    const [{ courses: course, prospectuses: year }] = await w.db
      .select()
      .from(courses)
      .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
      .where(and(eq(prospectuses.year, '2023-24'), eq(courses.title, 'Domestic abuse awareness')));
    const [session] = await w.db.select().from(sessions).where(and(eq(sessions.courseId, course.id), eq(sessions.status, 'delivered')));
    const before = await everything(w.db);
    const refusedAsImported = (change: Promise<unknown>) => expect(change).rejects.toSatisfy((e) => isDomainError(e, 'conflict') && /imported from the partnership’s past records/.test((e as Error).message));
    await refusedAsImported(updateProspectus(coordinator, year.id, { year: year.year, title: 'Renamed', introduction: '', startsOn: year.startsOn, endsOn: year.endsOn }));
    await refusedAsImported(createCourse(coordinator, year.id, { ...courseChange(course), title: 'A course added later' }));
    await refusedAsImported(withdrawCourse(coordinator, course.id));
    await refusedAsImported(createSession(coordinator, course.id, sessionInput.parse({ date: '2023-10-10', startTime: '09:30', endTime: '12:30', where: 'venue', venue: 'Riverside House', capacity: '10' })));
    // The register, which a coordinator may otherwise change at any time.
    expect(await markingPermission(w.db, coordinator, session)).toMatchObject({ allowed: false, reason: expect.stringContaining('imported from past records') });
    expect(await everything(w.db)).toEqual(before);
  });
});

describe('a corrected file', () => {
  const w = useWorld({ imported: true });

  it('a corrected file replaces what the year’s last import wrote, and its review stands', async () => {
    const before = await everything(w.db);
    // p25 did attend after all; and one unnamed attendee was p29.
    const corrected = csv.replace('did not attend,Domestic abuse awareness,2024-02-20 10:00,,,TRFT,,p25@', 'attended,Domestic abuse awareness,2024-02-20 10:00,,,TRFT,,p25@').replace(',RMBC,,,,,,,,,,,2024-02-07', ',RMBC,,p29@example.org,,,,,,,,,2024-02-07');
    expect(corrected).not.toBe(csv);
    const result = await importHistory(w.s, corrected);
    expect(result.problems).toEqual([]);
    expect(result.years[0]).toMatchObject({ attended: 26, records: 32 });
    const after = await everything(w.db);
    // One anonymous attendee became p29 (a new person); nothing else was added twice.
    expect(after).toEqual({ ...before, audit: before.audit + 1 });
    const report = await getReport(w.reviewer, '2023-24');
    expect(report.figures.delivery.attendances).toBe(26);
    expect(await w.db.select({ n: count() }).from(people).where(like(people.email, 'anonymous-%'))).toEqual([{ n: 2 }]);
    expect(await w.db.select({ n: count() }).from(people).where(eq(people.email, 'p29@example.org'))).toEqual([{ n: 1 }]);
  });

});
