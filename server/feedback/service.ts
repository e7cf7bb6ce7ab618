import { withSessionCourseAndPerson } from '../bookings/joins';
import { and, avg, count, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, courses, feedback, people, sessions, sessionTrainers } from '../../db/schema';
import { auditChange } from '../audit/log';
import { conflict, invalid, notFound } from '../shared/errors';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import type { PersonalContext, ServiceContext } from '../shared/context';

// Feedback on the day, and the certificate it unlocks. Only the attendee gives it, once.
// Trainers see their sessions' feedback only in aggregate, and only from three responses,
// so no answer can be traced to one person.

export const SUMMARY_THRESHOLD = 3;
const CAME = ['attended', 'partly attended'] as const;

const rating = (max: number, message: string) => z.coerce.number(message).int(message).min(1, message).max(max, message);
const freeText = (max: number) => z.string().trim().max(max, `Must be ${max} characters or fewer`).default('');

export const feedbackInput = z.object({
  outcomesMet: z.array(rating(4, 'Select how well each learning outcome was met'), 'Select how well each learning outcome was met'),
  relevance: rating(5, 'Select how relevant the course was to your role'),
  delivery: rating(5, 'Select how good the delivery was'),
  confidenceBefore: rating(10, 'Select your confidence before the course, from 1 to 10'),
  confidenceAfter: rating(10, 'Select your confidence after the course, from 1 to 10'),
  willDoDifferently: freeText(2000),
  comments: freeText(2000),
});
export type FeedbackInput = z.infer<typeof feedbackInput>;

/** An attendance of the actor's own, with what the feedback form needs. */
export async function attendanceForFeedback(s: PersonalContext, bookingId: string) {
  const [row] = await withSessionCourseAndPerson(s.db.select({ booking: bookings, course: courses, session: sessions, personName: people.name, given: feedback.id }).from(bookings).$dynamic())
    .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
    .where(and(eq(bookings.id, bookingId), eq(bookings.partnershipId, s.partnership.id)));
  // Someone else's booking is "not found", so it does not reveal that it exists.
  if (!row || row.booking.personId !== s.actor.id) throw notFound('Booking');
  return { ...row, attended: (CAME as readonly string[]).includes(row.booking.status), feedbackGiven: Boolean(row.given) };
}

/** A short code for certificates: 50 bits, read aloud or typed as XXXX-XXXX-XX. */
function certificateCode(): string {
  const bytes = new Uint8Array(7);
  crypto.getRandomValues(bytes);
  const code = encodeBase32UpperCaseNoPadding(bytes).slice(0, 10);
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

export async function giveFeedback(s: PersonalContext, bookingId: string, input: FeedbackInput) {
  const found = await attendanceForFeedback(s, bookingId);
  if (!found.attended) throw conflict('You can give feedback once your attendance has been recorded');
  if (found.feedbackGiven) throw conflict('You have already given feedback for this course');
  if (input.outcomesMet.length !== found.course.learningOutcomes.length) {
    throw invalid({ outcomesMet: 'Select how well each learning outcome was met' }, 'Answer every question');
  }
  return s.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(feedback)
      .values({ partnershipId: s.partnership.id, bookingId, ...input, createdAt: s.clock.now() })
      .onConflictDoNothing()
      .returning({ id: feedback.id });
    if (!row) throw conflict('You have already given feedback for this course');
    await tx.update(bookings).set({ certificateCode: found.booking.certificateCode ?? certificateCode() }).where(eq(bookings.id, bookingId));
    await auditChange(tx, s, 'feedback.given', 'booking', bookingId);
    return row;
  });
}

/** The certificate of an attendance, once the partnership's rules allow it. */
export async function certificateFor(s: PersonalContext, bookingId: string) {
  const found = await attendanceForFeedback(s, bookingId);
  if (!found.attended) throw conflict('A certificate is available once your attendance has been recorded');
  if (s.partnership.certificateNeedsFeedback && !found.feedbackGiven) throw conflict('Give feedback on the course to download your certificate');
  let code = found.booking.certificateCode;
  if (!code) {
    // Only where none is set, then read back: two first opens at once must agree on one code.
    await s.db.update(bookings).set({ certificateCode: certificateCode() }).where(and(eq(bookings.id, bookingId), isNull(bookings.certificateCode)));
    [{ code }] = await s.db.select({ code: bookings.certificateCode }).from(bookings).where(eq(bookings.id, bookingId));
  }
  return { code: code!, name: found.personName, courseTitle: found.course.title, startsAt: found.session.startsAt, durationMinutes: found.course.durationMinutes, partial: found.booking.status === 'partly attended' };
}

/** What /verify/CODE shows: the name, course, date and duration, and nothing else. */
export async function verifyCertificate(s: Pick<ServiceContext, 'db' | 'partnership'>, code: string) {
  const [row] = await withSessionCourseAndPerson(s.db.select({ name: people.name, courseTitle: courses.title, startsAt: sessions.startsAt, durationMinutes: courses.durationMinutes, status: bookings.status }).from(bookings).$dynamic())
    .where(and(eq(bookings.certificateCode, code.toUpperCase()), eq(bookings.partnershipId, s.partnership.id), inArray(bookings.status, [...CAME])));
  return row;
}

/** A copy in uniformly random order (Fisher-Yates; sorting by a random comparison is biased). */
function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * A session's feedback in aggregate, for its trainers and for coordinators and reviewers.
 * Below three responses only the count is given.
 */
export async function sessionFeedbackSummary(s: PersonalContext, sessionId: string) {
  const { actor } = s;
  const [session] = await s.db.select().from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id)));
  if (!session) throw notFound('Session');
  const seesAll = actor.roles.includes('coordinator') || actor.roles.includes('reviewer');
  if (!seesAll) {
    const [trains] = await s.db.select().from(sessionTrainers).where(and(eq(sessionTrainers.sessionId, sessionId), eq(sessionTrainers.personId, actor.id)));
    if (!trains) throw notFound('Session'); // another trainer's session is not theirs to know about
  }
  const rows = await s.db
    .select({ outcomesMet: feedback.outcomesMet, willDoDifferently: feedback.willDoDifferently, comments: feedback.comments })
    .from(feedback)
    .innerJoin(bookings, eq(bookings.id, feedback.bookingId))
    .where(eq(bookings.sessionId, sessionId));
  const [totals] = await s.db
    .select({
      responses: count(),
      relevance: avg(feedback.relevance),
      delivery: avg(feedback.delivery),
      confidenceBefore: avg(feedback.confidenceBefore),
      confidenceAfter: avg(feedback.confidenceAfter),
    })
    .from(feedback)
    .innerJoin(bookings, eq(bookings.id, feedback.bookingId))
    .where(eq(bookings.sessionId, sessionId));
  const [course] = await s.db.select({ title: courses.title, learningOutcomes: courses.learningOutcomes }).from(courses).where(eq(courses.id, session.courseId));
  if (totals.responses < SUMMARY_THRESHOLD) return { session, course, responses: totals.responses, summary: null };
  const mean = (v: string | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);
  // Free text in no particular order, so the order answers came in cannot point to who gave them.
  const shuffled = shuffle(rows);
  return {
    session,
    course,
    responses: totals.responses,
    summary: {
      relevance: mean(totals.relevance),
      delivery: mean(totals.delivery),
      confidenceBefore: mean(totals.confidenceBefore),
      confidenceAfter: mean(totals.confidenceAfter),
      outcomesMet: course.learningOutcomes.map((outcome, i) => ({ outcome, average: mean(String(rows.reduce((sum, r) => sum + (r.outcomesMet[i] ?? 0), 0) / rows.length)) })),
      willDoDifferently: shuffled.map((r) => r.willDoDifferently).filter(Boolean),
      comments: shuffled.map((r) => r.comments).filter(Boolean),
    },
  };
}
