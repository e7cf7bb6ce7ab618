// Shared pieces of the competency profile tests: practitioners in a workforce group, courses that
// develop competencies (in a prospectus of the test's choosing), and each kind of evidence made
// through the services that make it in the app: attendance and the day's feedback, an e-learning
// import, the three-month survey, the line manager's survey and a manager's confirmation.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import type { Database, OpenDatabase } from '../../db/database';
import {
  competencies,
  competencyFrameworks,
  courseCompetencies,
  courses,
  followUpSurveys,
  partnerships,
  people,
  prospectuses,
  sessions,
  workforceGroups,
  type DeliveryMode,
  type Role,
} from '../../db/schema';
import { recordAttendance, type AttendanceMark } from '../../server/attendance/service';
import { bookPlace } from '../../server/bookings/service';
import { confirmCompetency, currentFramework, myCompetencyProfile, requirementsByGroup } from '../../server/competencies/service';
import { readEvidenceDays, WorkforceStatuses } from '../../server/competencies/workforce-statuses';
import { importCompletions } from '../../server/elearning/service';
import { giveFeedback } from '../../server/feedback/service';
import { answerImpactSurvey, answerManagerSurvey, sendDueFollowUps, surveyByToken, surveyForAttendee, type ImpactInput } from '../../server/follow-ups/service';
import { buildApp, makePerson, seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { actingAs, bookingScope } from '../support/fixtures';
import { surveyMailTo } from '../follow-ups/helpers';

const DAY = 86_400_000;

export interface CompetencyWorld {
  database: OpenDatabase;
  built: ReturnType<typeof buildApp>;
  /** Last year's prospectus (2025-26), where evidence comes from. */
  pastYear: string;
  /** This year's (2026-27), where suggestions come from: the app's clock is 23 November 2026. */
  thisYear: string;
}

/** A test file's own database with the partnership and its framework, the app, and two years' prospectuses. */
export function competencyWorld(): CompetencyWorld {
  const world = {} as CompetencyWorld;
  beforeAll(async () => {
    world.database = await createTestDatabase();
    await seed(world.database.db, 'partnership');
    world.built = buildApp(world.database.db);
    world.pastYear = (await makeProspectus(world.database.db, '2025-26')).id;
    world.thisYear = (await makeProspectus(world.database.db, '2026-27')).id;
  });
  afterAll(() => world.database?.close());
  return world;
}
const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

export async function partnershipId(db: Database) {
  const [p] = await db.select({ id: partnerships.id }).from(partnerships).where(eq(partnerships.slug, 'rotherham'));
  return p.id;
}

/** The current framework's competency ids by code. */
export async function competencyIds(db: Database): Promise<Record<string, string>> {
  const rows = await db
    .select({ id: competencies.id, code: competencies.code })
    .from(competencies)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId))
    .where(eq(competencyFrameworks.current, true))
    .orderBy(asc(competencies.code));
  return Object.fromEntries(rows.map((r) => [r.code, r.id]));
}

/**
 * A practitioner in the current framework's group with that code (or in none), with a line
 * manager's address; in the organisation given (else the first), holding any other roles given.
 */
export async function practitioner(db: Database, group: string | null = '3', options: { name?: string; organisationId?: string; roles?: Role[] } = {}) {
  const person = await makePerson(db, options.roles ?? [], { name: options.name });
  const [found] = group
    ? await db
        .select({ id: workforceGroups.id })
        .from(workforceGroups)
        .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId))
        .where(and(eq(competencyFrameworks.current, true), eq(workforceGroups.code, group)))
    : [undefined];
  const managerEmail = `manager.${person.id.slice(0, 8)}@partner.example`;
  const organisationId = options.organisationId ?? person.organisationId;
  await db.update(people).set({ workforceGroupId: found?.id ?? null, lineManagerEmail: managerEmail, organisationId }).where(eq(people.id, person.id));
  return { ...person, organisationId, name: options.name, managerEmail };
}
export type Practitioner = Awaited<ReturnType<typeof practitioner>>;

/** A prospectus for the year; published unless told. */
export async function makeProspectus(db: Database, year: string, status: 'draft' | 'published' = 'published') {
  const first = Number(year.slice(0, 4));
  const [row] = await db
    .insert(prospectuses)
    .values({ partnershipId: await partnershipId(db), year, title: `Prospectus ${year}`, startsOn: `${first}-04-01`, endsOn: `${first + 1}-03-31`, status })
    .returning();
  return row;
}

let made = 0;
/** A course in the prospectus developing the competencies (by code or id), with one learning outcome. */
export async function makeCourse(
  db: Database,
  prospectusId: string,
  competencyRefs: string[],
  options: { title?: string; mode?: DeliveryMode; asksManagerFollowUp?: boolean; withdrawn?: boolean } = {},
) {
  const ids = await competencyIds(db);
  const [course] = await db
    .insert(courses)
    .values({
      partnershipId: await partnershipId(db),
      prospectusId,
      title: options.title ?? `Competency course ${++made}`,
      summary: 'A course for competency tests',
      learningOutcomes: ['Learn'],
      themes: ['Core safeguarding'],
      deliveryMode: options.mode ?? 'Face to face',
      durationMinutes: 180,
      asksManagerFollowUp: options.asksManagerFollowUp ?? false,
      withdrawn: options.withdrawn ?? false,
    })
    .returning();
  if (competencyRefs.length) await db.insert(courseCompetencies).values(competencyRefs.map((ref) => ({ courseId: course.id, competencyId: ids[ref] ?? ref })));
  return course;
}

/** A three-hour session of the course; booking closes the day before unless told. */
export async function makeSessionOf(db: Database, courseId: string, startsAt: string, options: { bookingClosesAt?: string; status?: 'scheduled' | 'cancelled' | 'delivered'; capacity?: number } = {}) {
  const [session] = await db
    .insert(sessions)
    .values({
      partnershipId: await partnershipId(db),
      courseId,
      startsAt: new Date(startsAt),
      endsAt: new Date(at(startsAt, 3 * 3_600_000)),
      venue: 'Riverside House',
      capacity: options.capacity ?? 20,
      bookingClosesAt: new Date(options.bookingClosesAt ?? at(startsAt, -DAY)),
      status: options.status ?? 'scheduled',
    })
    .returning();
  return session;
}

/**
 * The person books the session ten days before, comes to it (as marked), and gives the day's
 * feedback unless told not to. Returns the booking.
 */
export async function attend(db: Database, person: { id: string }, session: { id: string; startsAt: Date }, options: { mark?: AttendanceMark; feedback?: boolean } = {}) {
  const s = await bookingScope(db, at(session.startsAt.toISOString(), -10 * DAY));
  const booking = await bookPlace(actingAs(s, person.id), { sessionId: session.id, personId: person.id });
  s.clock.set(at(session.startsAt.toISOString(), 30 * 60_000));
  await recordAttendance(s, session.id, { [booking.id]: options.mark ?? 'attended' });
  if (options.feedback ?? true) {
    await giveFeedback(actingAs(s, person.id), booking.id, { outcomesMet: [4], relevance: 5, delivery: 5, confidenceBefore: 4, confidenceAfter: 8, willDoDifferently: '', comments: '' });
  }
  return booking;
}

/** A course in the prospectus and a session of it on the day, come to with feedback. */
export async function learnedOn(
  db: Database,
  person: { id: string },
  prospectusId: string,
  codes: string[],
  startsAt: string,
  options: { feedback?: boolean; mark?: AttendanceMark; title?: string; asksManagerFollowUp?: boolean } = {},
) {
  const course = await makeCourse(db, prospectusId, codes, { title: options.title, asksManagerFollowUp: options.asksManagerFollowUp });
  const session = await makeSessionOf(db, course.id, startsAt);
  const booking = await attend(db, person, session, options);
  return { course, session, booking };
}

/** E-learning completions imported from the provider's CSV, as a coordinator would. */
export async function completedELearning(db: Database, person: { email: string }, courseId: string, completedOn: string) {
  const result = await importCompletions(await bookingScope(db, `${completedOn}T18:00:00Z`), `email,course,completed\n${person.email},${courseId},${completedOn}\n`);
  if (result.imported !== 1) throw new Error(`E-learning not imported: ${JSON.stringify(result)}`);
}

/** Every answer of the three-month survey; the course's competencies rated as told (others "developing"). */
const impactAnswers = (competencyIds: string[], practiceChanged: 'yes' | 'not yet' | 'no', confident: string[]): ImpactInput => ({
  practiceChanged,
  practiceChangeHow: practiceChanged === 'yes' ? 'I ask about home conditions at every visit' : '',
  outcomeImproved: 'not yet',
  outcomeExample: '',
  sharedLearning: 'no',
  sharedHow: '',
  barriers: '',
  confidenceNow: 7,
  competencies: Object.fromEntries(competencyIds.map((id) => [id, confident.includes(id) ? 'confident' : 'developing'])),
  quotationConsent: 'no',
});

/** The person answers their three-month survey on the booking, sent when due, on the day given. */
export async function answeredSurvey(db: Database, person: { id: string }, bookingId: string, on: string, answers: { practiceChanged: 'yes' | 'not yet' | 'no'; confident?: string[] }) {
  const s = await bookingScope(db, `${on}T12:00:00Z`);
  await sendDueFollowUps(s);
  const [survey] = await db.select().from(followUpSurveys).where(and(eq(followUpSurveys.bookingId, bookingId), eq(followUpSurveys.respondent, 'attendee')));
  const found = await surveyForAttendee(actingAs(s, person.id), survey.id);
  const ids = await competencyIds(db);
  await answerImpactSurvey(s, found, impactAnswers(found.competencies.map((c) => c.id), answers.practiceChanged, (answers.confident ?? []).map((code) => ids[code])));
}

/** The line manager answers their three-month survey about the person, from the emailed link. */
export async function managerAnswered(db: Database, managerEmail: string, on: string, seenChange: 'yes' | 'no' | 'too early to say') {
  const s = await bookingScope(db, `${on}T12:00:00Z`);
  await sendDueFollowUps(s);
  const [mail] = await surveyMailTo(db, managerEmail);
  const found = await surveyByToken(s, mail.token!);
  await answerManagerSurvey(s, found!, { seenChange, example: '' });
}

/** A line manager's confirmation that the person applies the competency, on the day. */
export async function confirmedBy(db: Database, person: { id: string }, code: string, managerEmail: string, on: string, note = '') {
  const ids = await competencyIds(db);
  return confirmCompetency(await bookingScope(db, `${on}T12:00:00Z`), { personId: person.id, competencyId: ids[code], confirmedByEmail: managerEmail, note });
}

/** The codes a group requires in the seeded framework: every competency from its group up. */
export const GROUP_3 = ['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'D1'];

/**
 * Everyone's status in each competency their group requires on each day, as the learning-needs
 * figures read them (the whole partnership's evidence days at once) and as each person's profile
 * on that day has it: "day person code status" lines, the same lines when the two agree.
 */
export async function statusesTwoWays(db: Database, days: string[]) {
  const s = await bookingScope(db);
  const groups = await requirementsByGroup(s, (await currentFramework(s))!);
  const required = [...new Map([...groups.values()].flatMap((g) => g.required.map((c) => [c.id, c] as const))).values()];
  const everyone = await db
    .select({ id: people.id, code: workforceGroups.code })
    .from(people)
    .innerJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId))
    .where(eq(people.partnershipId, s.partnership.id));
  const workforce = new WorkforceStatuses(await readEvidenceDays(s), everyone.map((p) => p.id), required, days);
  const read: string[] = [];
  const profiles: string[] = [];
  for (const [d, day] of days.entries()) {
    for (const [i, person] of everyone.entries()) {
      const profile = await myCompetencyProfile(actingAs(await bookingScope(db, `${day}T12:00:00Z`), person.id));
      for (const c of groups.get(person.code)?.required ?? []) {
        read.push(`${day} ${person.id} ${c.code} ${workforce.status(i, required.findIndex((r) => r.id === c.id), d)}`);
        profiles.push(`${day} ${person.id} ${c.code} ${profile.competencies.find((p) => p.id === c.id)!.status}`);
      }
    }
  }
  return { read, profiles };
}
