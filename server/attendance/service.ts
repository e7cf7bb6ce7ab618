import { withSessionCourseAndPerson } from '../bookings/joins';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { bookings, courses, feedback, people, prospectuses, sessions, sessionTrainers, type BookingStatus } from '../../db/schema';
import { formatDate } from '../shared/dates';
import { auditChange } from '../audit/log';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { DAY, MINUTE } from '../shared/clock';
import { conflict, forbidden, invalid, notFound } from '../shared/errors';
import { queueMail, type QueuedMail } from '../mail/outbox';
import { syncFollowUps } from '../follow-ups/service';

// Attendance: who came. A session's trainers mark it from 15 minutes before the start
// until the partnership's lock period after the end; after that only a coordinator may
// amend it. Every change is audited with what it was before.

export const ATTENDANCE_MARKS = ['attended', 'partly attended', 'did not attend'] as const;
export type AttendanceMark = (typeof ATTENDANCE_MARKS)[number];
/** Bookings that belong on the register: a place was held, so attendance can be marked. */
export const ON_REGISTER: BookingStatus[] = ['confirmed', ...ATTENDANCE_MARKS];
const CAME: BookingStatus[] = ['attended', 'partly attended'];
const OPENS_BEFORE_START = 15 * MINUTE;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface MarkingWindow {
  opensAt: Date;
  locksAt: Date;
}

export function markingWindow(session: { startsAt: Date; endsAt: Date }, lockDays: number): MarkingWindow {
  return { opensAt: new Date(session.startsAt.getTime() - OPENS_BEFORE_START), locksAt: new Date(session.endsAt.getTime() + lockDays * DAY) };
}

/** Whether the actor may mark this session's register now, and if not, why not. */
export async function markingPermission(db: Database | Tx, s: PersonalContext, session: typeof sessions.$inferSelect) {
  const { actor } = s;
  const window = markingWindow(session, s.partnership.attendanceLockDays);
  const now = s.clock.now();
  const coordinator = actor.roles.includes('coordinator');
  // Another trainer's session is not theirs to know about: the caller answers "not found".
  if (!coordinator) {
    const [trains] = await db
      .select()
      .from(sessionTrainers)
      .where(and(eq(sessionTrainers.sessionId, session.id), eq(sessionTrainers.personId, actor.id)));
    if (!trains) return { allowed: false as const, notTheirs: true, reason: 'You are not a trainer for this session', window };
  }
  if (session.status === 'cancelled') return { allowed: false as const, reason: 'This session was cancelled', window };
  if (now < window.opensAt) return { allowed: false as const, reason: 'The register opens 15 minutes before the session starts', window };
  if (coordinator) {
    if (await isImported(db, session.courseId)) return { allowed: false as const, reason: 'This session was imported from past records: import them again to change its attendance', window };
    return { allowed: true as const, window };
  }
  if (now > window.locksAt) return { allowed: false as const, reason: `The register locked on ${formatDate(window.locksAt)}: ask a coordinator to change it`, window };
  return { allowed: true as const, window };
}

/** Whether the course's year was imported from past records (read-only but for another import). */
async function isImported(db: Database | Tx, courseId: string) {
  const [row] = await db.select({ importedAt: prospectuses.importedAt }).from(courses).innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId)).where(eq(courses.id, courseId));
  return Boolean(row?.importedAt);
}

async function lockedSession(tx: Tx, s: ServiceContext, sessionId: string) {
  const [session] = await tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id)))
    .for('update');
  if (!session) throw notFound('Session');
  return session;
}

async function assertMayMark(tx: Tx, s: ServiceContext, session: typeof sessions.$inferSelect) {
  const { actor } = s;
  if (!actor) return;
  const permission = await markingPermission(tx, { ...s, actor }, session);
  if (!permission.allowed) {
    // A person who does not train the session learns nothing about it.
    if ('notTheirs' in permission) throw notFound('Session');
    throw forbidden(permission.reason);
  }
}

/** The email inviting an attendee to give feedback, sent when they are first marked as having come. */
async function feedbackInvitations(tx: Tx, s: ServiceContext, sessionId: string, bookingIds: string[]): Promise<QueuedMail[]> {
  if (!bookingIds.length) return [];
  const rows = await withSessionCourseAndPerson(tx.select({ bookingId: bookings.id, name: people.name, email: people.email, title: courses.title, startsAt: sessions.startsAt }).from(bookings).$dynamic())
    .where(and(eq(bookings.sessionId, sessionId), inArray(bookings.id, bookingIds)));
  return rows.map((r) => ({
    to: r.email,
    subject: `Tell us what you thought of ${r.title}`,
    text: [
      `Hello ${r.name},`,
      '',
      `Thank you for coming to ${r.title} on ${formatDate(r.startsAt)}.`,
      'Please tell us what you thought. It takes about 5 minutes, and once you have, you can download your certificate of attendance.',
      '',
      `Give feedback: ${s.config.baseUrl}/feedback/${r.bookingId}`,
      '',
      'In three months we will ask you again what difference the course has made to your practice.',
      '',
      s.partnership.name,
    ].join('\n'),
  }));
}

/**
 * Records attendance for bookings on a session's register. Attendees marked as having come
 * for the first time are invited to give feedback. Returns how many bookings changed.
 */
export async function recordAttendance(s: ServiceContext, sessionId: string, marks: Record<string, AttendanceMark>) {
  const { actor } = s;
  const now = s.clock.now();
  return s.db.transaction(async (tx) => {
    const session = await lockedSession(tx, s, sessionId);
    await assertMayMark(tx, s, session);
    const ids = Object.keys(marks);
    const current = ids.length
      ? await tx.select().from(bookings).where(and(eq(bookings.sessionId, sessionId), inArray(bookings.id, ids)))
      : [];
    const unknown = ids.filter((id) => !current.some((b) => b.id === id && ON_REGISTER.includes(b.status)));
    if (unknown.length) throw invalid({ [`mark-${unknown[0]}`]: 'This person is not on the register' }, 'Some people are not on this register');
    const invite: string[] = [];
    const changedIds: string[] = [];
    for (const booking of current) {
      const mark = marks[booking.id];
      if (booking.status === mark) continue;
      await tx.update(bookings).set({ status: mark, attendanceRecordedAt: now, attendanceRecordedBy: actor?.id ?? null }).where(eq(bookings.id, booking.id));
      await auditChange(tx, s, 'attendance.recorded', 'booking', booking.id, { sessionId, from: booking.status, to: mark });
      const [given] = await tx.select({ id: feedback.id }).from(feedback).where(eq(feedback.bookingId, booking.id));
      if (CAME.includes(mark) && !CAME.includes(booking.status) && !given) invite.push(booking.id);
      changedIds.push(booking.id);
    }
    const changed = changedIds.length;
    await syncFollowUps(tx, s, changedIds);
    if (changed && session.status === 'scheduled') await tx.update(sessions).set({ status: 'delivered' }).where(eq(sessions.id, sessionId));
    await queueMail(tx, { partnershipId: s.partnership.id, now }, await feedbackInvitations(tx, s, sessionId, invite));
    return { changed, invited: invite.length };
  });
}

/** "Everyone else came": marks every booking not yet marked as attended. */
export async function markUnmarkedAttended(s: ServiceContext, sessionId: string) {
  const unmarked = await s.db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.sessionId, sessionId), eq(bookings.partnershipId, s.partnership.id), eq(bookings.status, 'confirmed')));
  return recordAttendance(s, sessionId, Object.fromEntries(unmarked.map((b) => [b.id, 'attended' as const])));
}

/** Adds someone who came without a booking, as attended. It takes no place: the session has happened. */
export async function addWalkIn(s: ServiceContext, sessionId: string, personId: string) {
  const { actor } = s;
  const now = s.clock.now();
  return s.db.transaction(async (tx) => {
    const session = await lockedSession(tx, s, sessionId);
    await assertMayMark(tx, s, session);
    const [person] = await tx.select({ id: people.id }).from(people).where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id)));
    if (!person) throw invalid({ personId: 'Choose a person from the list' }, 'Choose a person');
    const [already] = await tx
      .select({ id: bookings.id, status: bookings.status })
      .from(bookings)
      .where(and(eq(bookings.sessionId, sessionId), eq(bookings.personId, personId), inArray(bookings.status, [...ON_REGISTER, 'waitlisted', 'pending approval'])));
    if (already && ON_REGISTER.includes(already.status)) throw conflict('This person is already on the register', { personId: 'This person is already on the register' });
    const recorded = { status: 'attended' as const, walkIn: true, attendanceRecordedAt: now, attendanceRecordedBy: actor?.id ?? null };
    // Someone waiting for a place (on the waiting list, or for approval) who came anyway: their booking becomes the attendance.
    const [booking] = already
      ? await tx.update(bookings).set(recorded).where(eq(bookings.id, already.id)).returning()
      : await tx
          .insert(bookings)
          .values({ partnershipId: s.partnership.id, sessionId, personId, createdAt: now, bookedBy: actor?.id ?? null, ...recorded })
          .returning();
    await auditChange(tx, s, 'attendance.walk-in', 'booking', booking.id, { sessionId, personId, ...(already ? { from: already.status } : {}) });
    if (session.status === 'scheduled') await tx.update(sessions).set({ status: 'delivered' }).where(eq(sessions.id, sessionId));
    await syncFollowUps(tx, s, [booking.id]);
    await queueMail(tx, { partnershipId: s.partnership.id, now }, await feedbackInvitations(tx, s, sessionId, [booking.id]));
    return booking;
  });
}
