// Read-only views of a person's learning, for the pages and the API: the courses they came to,
// with where their feedback and certificate stand, and e-learning finished elsewhere. The rules
// (feedback once, a certificate after it) are in ./service.
import { withSessionAndCourse } from '../bookings/joins';
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { bookings, courses, eLearningCompletions, feedback, sessions, type BookingStatus } from '../../db/schema';
import { notFound } from '../shared/errors';
import { verifyCertificate } from './service';
import type { ServiceContext } from '../shared/context';

const CAME: BookingStatus[] = ['attended', 'partly attended'];

function selectAttended(s: ServiceContext, personId: string, where?: SQL) {
  return withSessionAndCourse(s.db.select({
      bookingId: bookings.id,
      status: bookings.status,
      certificateCode: bookings.certificateCode,
      feedbackId: feedback.id,
      session: { id: sessions.id, startsAt: sessions.startsAt, endsAt: sessions.endsAt },
      course: { id: courses.id, title: courses.title, deliveryMode: courses.deliveryMode, durationMinutes: courses.durationMinutes },
    }).from(bookings).$dynamic())
    .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
    .where(and(eq(bookings.partnershipId, s.partnership.id), eq(bookings.personId, personId), inArray(bookings.status, CAME), where))
    .orderBy(desc(sessions.startsAt));
}

/**
 * Where an attendance stands. The certificate is available as certificateFor allows it: once
 * attended, and after feedback when the partnership asks for feedback first.
 */
function withState(s: ServiceContext, { feedbackId, ...row }: Awaited<ReturnType<typeof selectAttended>>[number]) {
  const feedbackGiven = feedbackId !== null;
  return { ...row, partial: row.status === 'partly attended', feedbackGiven, certificateAvailable: feedbackGiven || !s.partnership.certificateNeedsFeedback };
}
export type AttendedCourse = ReturnType<typeof withState>;

/** The courses a person came to (attended or partly), most recent first. */
export async function attendedCourses(s: ServiceContext, personId: string): Promise<AttendedCourse[]> {
  return (await selectAttended(s, personId)).map((row) => withState(s, row));
}

/** One of the person's attendances; anyone else's booking, or one not attended, is "not found". */
export async function attendedCourse(s: ServiceContext, personId: string, bookingId: string): Promise<AttendedCourse> {
  const [row] = await selectAttended(s, personId, eq(bookings.id, bookingId));
  if (!row) throw notFound('Booking');
  return withState(s, row);
}

/** E-learning a person has completed, most recent first. */
export function eLearningCompletionsOf(s: ServiceContext, personId: string) {
  return s.db
    .select({ id: eLearningCompletions.id, courseId: courses.id, courseTitle: courses.title, completedOn: eLearningCompletions.completedOn })
    .from(eLearningCompletions)
    .innerJoin(courses, eq(courses.id, eLearningCompletions.courseId))
    .where(and(eq(eLearningCompletions.partnershipId, s.partnership.id), eq(eLearningCompletions.personId, personId)))
    .orderBy(desc(eLearningCompletions.completedOn), courses.title);
}

/** A person's learning record: courses attended and e-learning completed. */
export async function learningRecord(s: ServiceContext, personId: string) {
  const [attended, eLearning] = await Promise.all([attendedCourses(s, personId), eLearningCompletionsOf(s, personId)]);
  return { attended, eLearning };
}

/**
 * A certificate code as issued (XXXX-XXXX-XX, base32), from what someone typed: any case, with
 * or without dashes or spaces. Undefined when it cannot be a code.
 */
export function normaliseCertificateCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]+/g, '');
  if (!/^[A-Z2-7]{10}$/.test(plain)) return undefined;
  return `${plain.slice(0, 4)}-${plain.slice(4, 8)}-${plain.slice(8)}`;
}

/** What checking a certificate shows: the name, course, date and duration, and nothing else. */
export async function findCertificate(s: Pick<ServiceContext, 'db' | 'partnership'>, typed: string) {
  const code = normaliseCertificateCode(typed);
  const found = code && (await verifyCertificate(s, code));
  if (!found) return undefined;
  const { name, courseTitle, startsAt, durationMinutes } = found;
  return { name, courseTitle, startsAt, durationMinutes };
}
