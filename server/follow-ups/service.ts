// The three-month impact survey (promises 3 and 4). A survey is created in the transaction that
// records an attendance, and from then on its life is dates in its row: due, sent, the next
// reminder, closing. The jobs below work out what is due from those dates on every run, so a run
// missed while the app was down catches up on the next one, and they claim rows with
// FOR UPDATE SKIP LOCKED so two app instances never take the same survey. Each email is queued
// in the outbox in the same transaction that moves the survey on: it goes if and only if the
// survey's new state commits.
import { withSessionAndCourse, withSessionCourseAndPerson } from '../bookings/joins';
import { and, asc, count, eq, gt, inArray, lte } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/database';
import {
  bookings,
  COMPETENCY_SELF_ASSESSMENTS,
  OUTCOME_IMPROVED,
  competencies,
  courseCompetencies,
  courses,
  followUpLinks,
  followUpSurveys,
  impactResponses,
  managerResponses,
  people,
  sessions,
  type BookingStatus,
  type FollowUpStatus,
} from '../../db/schema';
import { fromLondon, londonParts } from '../shared/dates';
import { audit } from '../audit/log';
import { DAY } from '../shared/clock';
import { conflict, DomainError, invalid, notFound, type FieldErrors } from '../shared/errors';
import { queueMail, type QueuedMail } from '../mail/outbox';
import { generateToken, hashToken } from '../shared/tokens';
import { identifyingDetails, type Finding } from './identifying-details';
import { followUpMail } from './messages';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { usableManagerEmail } from '../accounts/people';

const CAME: BookingStatus[] = ['attended', 'partly attended'];
/** Surveys that are out and may be answered, until they close. */
const OUT: FollowUpStatus[] = ['sent', 'reminded'];
const BATCH = 100;

type Policy = Pick<ServiceContext['partnership'], 'followUpDelayDays' | 'followUpReminderDays' | 'followUpCloseDays'>;

/** 9am London time on the day `followUpDelayDays` after the session: people read it in the morning. */
export function followUpDueAt(policy: Policy, sessionEndsAt: Date): Date {
  const p = londonParts(sessionEndsAt);
  const day = new Date(Date.UTC(p.year, p.month - 1, p.day + policy.followUpDelayDays));
  return fromLondon(day.toISOString().slice(0, 10), '09:00');
}

/** The reminder days that fall before the survey closes, in order. */
export const reminderDays = (policy: Policy) => [...policy.followUpReminderDays].filter((d) => d > 0 && d < policy.followUpCloseDays).sort((a, b) => a - b);

/** How many of the policy's reminders have fallen due by `at` for a survey sent at `sentAt`. */
export const remindersDueBy = (policy: Policy, sentAt: Date, at: Date) => reminderDays(policy).filter((d) => sentAt.getTime() + d * DAY <= at.getTime()).length;

/** When the reminder after `sent` reminders is due, or null when there are no more. */
export function nextReminder(policy: Policy, sentAt: Date, sent: number): Date | null {
  const day = reminderDays(policy)[sent];
  return day === undefined ? null : new Date(sentAt.getTime() + day * DAY);
}

// ---- Keeping surveys in step with attendance -----------------------------------------------

/**
 * Inside the transaction that records attendance: a survey for each booking now marked as
 * having come (and one for the line manager where the course asks and a manager was given),
 * and none for a booking corrected to "did not attend" before its survey went out.
 */
export async function syncFollowUps(tx: Executor, s: Pick<ServiceContext, 'partnership'>, bookingIds: string[]) {
  if (!bookingIds.length) return;
  const rows = await withSessionCourseAndPerson(tx.select({ id: bookings.id, status: bookings.status, endsAt: sessions.endsAt, asksManager: courses.asksManagerFollowUp, managerEmail: people.lineManagerEmail, email: people.email }).from(bookings).$dynamic())
    .where(and(inArray(bookings.id, bookingIds), eq(bookings.partnershipId, s.partnership.id)));
  const came = rows.filter((r) => CAME.includes(r.status));
  const gone = rows.filter((r) => !CAME.includes(r.status)).map((r) => r.id);
  if (gone.length) await tx.delete(followUpSurveys).where(and(inArray(followUpSurveys.bookingId, gone), eq(followUpSurveys.status, 'scheduled')));
  const surveys = came.flatMap((r) => {
    const base = { partnershipId: s.partnership.id, bookingId: r.id, dueAt: followUpDueAt(s.partnership, r.endsAt) };
    // Only a confirmed manager's address (decision 0015), and never the person's own.
    const manager = r.asksManager ? usableManagerEmail(r.email, r.managerEmail) : null;
    return [
      { ...base, respondent: 'attendee' as const, managerEmail: null },
      ...(manager ? [{ ...base, respondent: 'manager' as const, managerEmail: manager }] : []),
    ];
  });
  if (surveys.length) await tx.insert(followUpSurveys).values(surveys).onConflictDoNothing();
}

// ---- The jobs ------------------------------------------------------------------------------

export interface JobOptions {
  batch?: number;
  /** Called after each batch with the running total, for progress on long runs. */
  onProgress?: (done: number) => void;
}

/** Surveys with who, which course and when: what their emails and pages need. */
function surveysWithDetails(db: Executor) {
  return withSessionCourseAndPerson(db.select({
      survey: followUpSurveys,
      personId: people.id,
      personName: people.name,
      personEmail: people.email,
      courseId: courses.id,
      courseTitle: courses.title,
      startsAt: sessions.startsAt,
    }).from(followUpSurveys).innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId)).$dynamic());
}

/** Due surveys, claimed for this transaction: other instances skip them rather than wait. */
function claim(tx: Executor, s: ServiceContext, where: ReturnType<typeof and>, batch: number) {
  return surveysWithDetails(tx)
    .where(and(eq(followUpSurveys.partnershipId, s.partnership.id), where))
    .orderBy(asc(followUpSurveys.id))
    .limit(batch)
    .for('update', { of: followUpSurveys, skipLocked: true });
}
type Claimed = Awaited<ReturnType<typeof claim>>[number];

/**
 * Emails each claimed survey a new link: the token goes in the email, only its hash in the
 * database, both in the claiming transaction.
 */
async function emailLinks(tx: Executor, s: ServiceContext, rows: Claimed[], letter: (row: Claimed, token: string) => QueuedMail) {
  const now = s.clock.now();
  const tokens = rows.map(() => generateToken());
  await tx.insert(followUpLinks).values(rows.map((row, i) => ({ tokenHash: hashToken(tokens[i]), surveyId: row.survey.id, createdAt: now })));
  await queueMail(tx, { partnershipId: s.partnership.id, now }, rows.map((row, i) => letter(row, tokens[i])));
}

/** Claims batches until none is left, each batch in its own transaction. */
async function inBatches(s: ServiceContext, options: JobOptions, work: (tx: Executor) => Promise<number>) {
  let done = 0;
  const batch = options.batch ?? BATCH;
  for (;;) {
    const handled = await s.db.transaction(work);
    done += handled;
    if (handled) options.onProgress?.(done);
    if (handled < batch) return done;
  }
}

/** Job: emails every survey that has fallen due and not gone out. */
export async function sendDueFollowUps(s: ServiceContext, options: JobOptions = {}) {
  const now = s.clock.now();
  const batch = options.batch ?? BATCH;
  const sent = await inBatches(s, options, async (tx) => {
    const due = await claim(tx, s, and(eq(followUpSurveys.status, 'scheduled'), lte(followUpSurveys.dueAt, now)), batch);
    if (!due.length) return 0;
    const closesAt = new Date(now.getTime() + s.partnership.followUpCloseDays * DAY);
    await emailLinks(tx, s, due, (row, token) => followUpMail.invitation(s, row, token, closesAt));
    await tx
      .update(followUpSurveys)
      .set({ status: 'sent', sentAt: now, closesAt, nextReminderAt: nextReminder(s.partnership, now, 0) })
      .where(inArray(followUpSurveys.id, due.map((row) => row.survey.id)));
    return due.length;
  });
  return { sent };
}

/**
 * Job: reminds people who have not answered, as the policy says (by default 14 and 28 days after
 * sending). After a long outage only one reminder goes, the latest that has fallen due.
 */
export async function sendFollowUpReminders(s: ServiceContext, options: JobOptions = {}) {
  const now = s.clock.now();
  const batch = options.batch ?? BATCH;
  const reminded = await inBatches(s, options, async (tx) => {
    const due = await claim(tx, s, and(inArray(followUpSurveys.status, OUT), lte(followUpSurveys.nextReminderAt, now), gt(followUpSurveys.closesAt, now)), batch);
    if (!due.length) return 0;
    await emailLinks(tx, s, due, (row, token) => followUpMail.reminder(s, row, token, row.survey.closesAt!));
    for (const row of due) {
      const sentAt = row.survey.sentAt!;
      const passed = remindersDueBy(s.partnership, sentAt, now);
      await tx
        .update(followUpSurveys)
        .set({ status: 'reminded', remindersSent: passed, nextReminderAt: nextReminder(s.partnership, sentAt, passed) })
        .where(eq(followUpSurveys.id, row.survey.id));
    }
    return due.length;
  });
  return { reminded };
}

/** Job: closes surveys whose time is up. Their links stop working (they already do, by date). */
export async function closeExpiredFollowUps(s: ServiceContext) {
  const now = s.clock.now();
  const closed = await s.db
    .update(followUpSurveys)
    .set({ status: 'closed', closedAt: now, nextReminderAt: null })
    .where(and(eq(followUpSurveys.partnershipId, s.partnership.id), inArray(followUpSurveys.status, OUT), lte(followUpSurveys.closesAt, now)))
    .returning({ id: followUpSurveys.id });
  return { closed: closed.length };
}

/** Counts of surveys by who they ask and where they stand, for `npm run jobs -- status`. */
export async function followUpCounts(db: Executor) {
  return db
    .select({ respondent: followUpSurveys.respondent, status: followUpSurveys.status, surveys: count() })
    .from(followUpSurveys)
    .groupBy(followUpSurveys.respondent, followUpSurveys.status)
    .orderBy(followUpSurveys.respondent, followUpSurveys.status);
}

// ---- Finding a survey ----------------------------------------------------------------------

/** Where a survey stands for the person holding its link. */
export type SurveyState = 'open' | 'answered' | 'closed';

async function loadSurvey(s: ServiceContext, where: ReturnType<typeof and>) {
  const [row] = await surveysWithDetails(s.db).where(and(eq(followUpSurveys.partnershipId, s.partnership.id), where));
  if (!row || row.survey.status === 'scheduled') return undefined;
  const now = s.clock.now();
  const state: SurveyState =
    row.survey.status === 'answered' ? 'answered' : row.survey.status === 'closed' || (row.survey.closesAt && row.survey.closesAt <= now) ? 'closed' : 'open';
  const courseCompetencyList = await s.db
    .select({ id: competencies.id, code: competencies.code, statement: competencies.statement })
    .from(courseCompetencies)
    .innerJoin(competencies, eq(competencies.id, courseCompetencies.competencyId))
    .where(eq(courseCompetencies.courseId, row.courseId))
    .orderBy(asc(competencies.code));
  return { ...row, state, competencies: courseCompetencyList };
}
export type FoundSurvey = NonNullable<Awaited<ReturnType<typeof loadSurvey>>>;

/** The survey an emailed link leads to; undefined for a link that never was (or is mistyped). */
export async function surveyByToken(s: ServiceContext, token: string) {
  const [link] = await s.db.select({ surveyId: followUpLinks.surveyId }).from(followUpLinks).where(eq(followUpLinks.tokenHash, hashToken(token)));
  return link ? loadSurvey(s, eq(followUpSurveys.id, link.surveyId)) : undefined;
}

/** An attendee's own survey, reached from "Your learning" when signed in; anyone else's is not found. */
export async function surveyForAttendee(s: PersonalContext, surveyId: string) {
  const found = await loadSurvey(s, and(eq(followUpSurveys.id, surveyId), eq(followUpSurveys.respondent, 'attendee')));
  if (!found || found.personId !== s.actor.id) throw notFound('Survey');
  return found;
}

/** The attendee's surveys that are out and open, soonest closing first, for "Your learning". */
export async function openSurveysOf(s: ServiceContext, personId: string) {
  return withSessionAndCourse(s.db.select({ surveyId: followUpSurveys.id, courseTitle: courses.title, startsAt: sessions.startsAt, closesAt: followUpSurveys.closesAt }).from(followUpSurveys).innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId)).$dynamic())
    .where(
      and(
        eq(followUpSurveys.partnershipId, s.partnership.id),
        eq(bookings.personId, personId),
        eq(followUpSurveys.respondent, 'attendee'),
        inArray(followUpSurveys.status, OUT),
        gt(followUpSurveys.closesAt, s.clock.now()),
      ),
    )
    .orderBy(asc(followUpSurveys.closesAt));
}

// ---- Answering -----------------------------------------------------------------------------

const freeText = (max: number) => z.string().trim().max(max, `Must be ${max} characters or fewer`).default('');
const yesNo = (message: string) => z.enum(['yes', 'no'], message).transform((v) => v === 'yes');

export const impactInput = z.object({
  practiceChanged: z.enum(['yes', 'not yet', 'no'], 'Select whether your practice has changed since the course'),
  practiceChangeHow: freeText(2000),
  outcomeImproved: z.enum(OUTCOME_IMPROVED, 'Select whether an outcome for a child or family has improved'),
  outcomeExample: freeText(2000),
  sharedLearning: yesNo('Select whether you have shared the learning with colleagues'),
  sharedHow: freeText(2000),
  barriers: freeText(2000),
  confidenceNow: z.coerce
    .number('Select how confident you are now, from 1 to 10')
    .int('Select how confident you are now, from 1 to 10')
    .min(1, 'Select how confident you are now, from 1 to 10')
    .max(10, 'Select how confident you are now, from 1 to 10'),
  competencies: z.record(z.string(), z.enum(COMPETENCY_SELF_ASSESSMENTS, 'Select how you rate yourself against this competency')),
  quotationConsent: yesNo('Select whether we may quote your answers in the annual report'),
  /** Ticked after a warning: "my answers do not identify a child or family". */
  confirmedNoIdentifyingDetails: z.boolean().default(false),
});
export type ImpactInput = z.input<typeof impactInput>;

export const managerInput = z.object({
  seenChange: z.enum(['yes', 'no', 'too early to say'], 'Select whether you have seen a change in their practice'),
  example: freeText(2000),
  confirmedNoIdentifyingDetails: z.boolean().default(false),
});
export type ManagerInput = z.input<typeof managerInput>;

/** The free-text answers checked for identifying details, by field. */
const IMPACT_FREE_TEXT = ['practiceChangeHow', 'outcomeExample', 'sharedHow', 'barriers'] as const;
const MANAGER_FREE_TEXT = ['example'] as const;

/**
 * Raised, and nothing saved, when free text looks like it identifies someone and the person has
 * not yet confirmed it does not. The page shows what was found, field by field.
 */
export class IdentifyingDetailsFound extends DomainError {
  constructor(readonly findings: Record<string, Finding[]>) {
    super('invalid', 'Check your answers do not identify a child or family');
  }
}

function checkIdentifyingDetails(answers: Record<string, unknown>, fields: readonly string[], confirmed: boolean) {
  if (confirmed) return;
  const findings: Record<string, Finding[]> = {};
  for (const field of fields) {
    const found = identifyingDetails(String(answers[field] ?? ''));
    if (found.length) findings[field] = found;
  }
  if (Object.keys(findings).length) throw new IdentifyingDetailsFound(findings);
}

/**
 * The answers, or every problem with them at once, in the order the form asks: the schema's,
 * then the rules that look across answers (`also`), each message keyed by its field.
 */
function parse<S extends z.ZodObject>(schema: S, input: Record<string, unknown>, also: FieldErrors = {}): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success && !Object.keys(also).length) return result.data;
  const found: FieldErrors = { ...also };
  for (const issue of result.error?.issues ?? []) found[String(issue.path[0] ?? 'form')] ??= issue.message;
  const ordered = Object.fromEntries(
    [...Object.keys(schema.shape), 'form'].flatMap((key) => (key === 'competencies' ? Object.entries(found).filter(([k]) => k.startsWith('competency-')) : found[key] ? [[key, found[key]]] : [])),
  );
  throw invalid(ordered);
}

/** Marks the survey answered if it still may be, or says why not: the one-use rule, kept in SQL. */
async function takeAnswer(tx: Executor, s: ServiceContext, survey: FoundSurvey) {
  const now = s.clock.now();
  const [taken] = await tx
    .update(followUpSurveys)
    .set({ status: 'answered', answeredAt: now, nextReminderAt: null })
    .where(and(eq(followUpSurveys.id, survey.survey.id), inArray(followUpSurveys.status, OUT), gt(followUpSurveys.closesAt, now)))
    .returning({ id: followUpSurveys.id });
  if (!taken) throw conflict('This survey has already been answered or has closed');
  return now;
}

/** Saves the attendee's answers, once, while the survey is open. */
export async function answerImpactSurvey(s: ServiceContext, survey: FoundSurvey, input: ImpactInput) {
  if (survey.survey.respondent !== 'attendee') throw notFound('Survey');
  const expected = survey.competencies.map((c) => c.id);
  const rated = (input.competencies ?? {}) as Record<string, unknown>;
  const also: FieldErrors = {};
  if (input.practiceChanged === 'yes' && !String(input.practiceChangeHow ?? '').trim()) also.practiceChangeHow = 'Tell us how your practice has changed';
  expected.forEach((id, i) => {
    if (!COMPETENCY_SELF_ASSESSMENTS.includes(rated[id] as never)) also[`competency-${i}`] = `Select how you rate yourself against competency ${i + 1}`;
  });
  const answers = parse(impactInput, { ...input, competencies: Object.fromEntries(expected.map((id) => [id, rated[id]]).filter(([, v]) => v !== undefined)) }, also);
  checkIdentifyingDetails(answers, IMPACT_FREE_TEXT, answers.confirmedNoIdentifyingDetails);
  const { confirmedNoIdentifyingDetails, ...response } = answers;
  const competencyAnswers = Object.fromEntries(expected.map((id) => [id, answers.competencies[id]]));
  return s.db.transaction(async (tx) => {
    const now = await takeAnswer(tx, s, survey);
    await tx.insert(impactResponses).values({ partnershipId: s.partnership.id, surveyId: survey.survey.id, ...response, competencies: competencyAnswers, createdAt: now });
    await audit(tx, { partnershipId: s.partnership.id, actorId: survey.personId, action: 'follow-up.answered', subjectType: 'follow-up survey', subjectId: survey.survey.id, detail: { confirmedNoIdentifyingDetails }, at: now });
  });
}

/** Saves the line manager's answers, once, while the survey is open. */
export async function answerManagerSurvey(s: ServiceContext, survey: FoundSurvey, input: ManagerInput) {
  if (survey.survey.respondent !== 'manager') throw notFound('Survey');
  const answers = parse(managerInput, { ...input });
  checkIdentifyingDetails(answers, MANAGER_FREE_TEXT, answers.confirmedNoIdentifyingDetails);
  const { confirmedNoIdentifyingDetails, ...response } = answers;
  return s.db.transaction(async (tx) => {
    const now = await takeAnswer(tx, s, survey);
    await tx.insert(managerResponses).values({ partnershipId: s.partnership.id, surveyId: survey.survey.id, ...response, createdAt: now });
    await audit(tx, { partnershipId: s.partnership.id, actorId: null, action: 'follow-up.answered', subjectType: 'follow-up survey', subjectId: survey.survey.id, detail: { respondent: 'manager', confirmedNoIdentifyingDetails }, at: now });
  });
}

