// Read-only views of bookings, for the API and the pages: a person's own bookings, and a
// session's register. The rules that change bookings are in ./service.
import { sessionRegisterColumns, withSessionAndCourse } from './joins';
import { and, asc, count, eq, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { bookingApprovals, bookings, courses, LIVE_BOOKING_STATUSES, organisations, people, sessions, sessionTrainers, type BookingStatus, type Role } from '../../db/schema';
import { notFound } from '../shared/errors';
import type { Executor } from '../../db/database';
import type { ServiceContext } from '../shared/context';

/** Statuses of a booking that had a place: confirmed, and after the session what attendance recorded. */
const HAD_PLACE: BookingStatus[] = ['confirmed', 'attended', 'partly attended', 'did not attend'];

const ahead = alias(bookings, 'ahead');
/** Whoever made a booking on someone's behalf (a coordinator). */
const booker = alias(people, 'booker');
/** A waitlisted booking's place in the queue (1 is next); else null. */
export function waitingListPosition(db: Executor): SQL<number | null> {
  const waitingUpTo = db
    .select({ n: count() })
    .from(ahead)
    .where(and(eq(ahead.sessionId, bookings.sessionId), eq(ahead.status, 'waitlisted'), lte(ahead.queueNumber, bookings.queueNumber)));
  return sql<number | null>`case when ${bookings.status} = 'waitlisted' then (${waitingUpTo}) end`.mapWith((n) => (n === null ? null : Number(n)));
}

function selectPersonBookings(s: ServiceContext, where: SQL) {
  return withSessionAndCourse(s.db.select({
      id: bookings.id,
      personId: bookings.personId,
      status: bookings.status,
      position: waitingListPosition(s.db),
      bookedAt: bookings.createdAt,
      cancelledAt: bookings.cancelledAt,
      cancelReason: bookings.cancelReason,
      late: bookings.lateCancellation,
      approvalExpiresAt: bookings.approvalExpiresAt,
      session: {
        id: sessions.id,
        startsAt: sessions.startsAt,
        endsAt: sessions.endsAt,
        status: sessions.status,
        cancelledReason: sessions.cancelledReason,
        online: sessions.online,
        venue: sessions.venue,
        joiningLink: sessions.joiningLink,
      },
      course: { id: courses.id, title: courses.title, deliveryMode: courses.deliveryMode },
    }).from(bookings).$dynamic())
    .where(and(eq(bookings.partnershipId, s.partnership.id), where))
    .orderBy(asc(sessions.startsAt), asc(bookings.createdAt));
}

type PersonBookingRow = Awaited<ReturnType<typeof selectPersonBookings>>[number];

/**
 * What the person may do with a booking now. The joining link goes only to someone with a
 * confirmed place: a person on the waiting list or awaiting approval has no place yet.
 */
function withActions(row: PersonBookingRow, now: Date) {
  return {
    ...row,
    session: { ...row.session, joiningLink: row.status === 'confirmed' ? row.session.joiningLink : '' },
    canCancel: LIVE_BOOKING_STATUSES.includes(row.status) && row.session.startsAt > now,
  };
}
export type PersonBooking = ReturnType<typeof withActions>;

/**
 * A person's bookings, every status: upcoming (the session has not ended) soonest first,
 * and past, most recent first.
 */
export async function listPersonBookings(s: ServiceContext, personId: string): Promise<{ upcoming: PersonBooking[]; past: PersonBooking[] }> {
  const now = s.clock.now();
  const rows = (await selectPersonBookings(s, eq(bookings.personId, personId))).map((row) => withActions(row, now));
  return { upcoming: rows.filter((b) => b.session.endsAt > now), past: rows.filter((b) => b.session.endsAt <= now).reverse() };
}

/** A booking just made, in the same shape as findBooking, from what making it read and wrote (no second read). */
export function newPersonBooking(
  booking: Pick<PersonBookingRow, 'id' | 'personId' | 'status' | 'cancelledAt' | 'cancelReason' | 'approvalExpiresAt'> & { createdAt: Date; lateCancellation: boolean; position?: number },
  session: PersonBookingRow['session'],
  course: PersonBookingRow['course'],
  now: Date,
): PersonBooking {
  const { createdAt, lateCancellation, position, ...rest } = booking;
  const { id, startsAt, endsAt, status, cancelledReason, online, venue, joiningLink } = session;
  return withActions({ ...rest, position: position ?? null, bookedAt: createdAt, late: lateCancellation, session: { id, startsAt, endsAt, status, cancelledReason, online, venue, joiningLink }, course }, now);
}

/** One booking in the same shape as listPersonBookings; callers check whose it is. */
export async function findBooking(s: ServiceContext, bookingId: string): Promise<PersonBooking> {
  const [row] = await selectPersonBookings(s, eq(bookings.id, bookingId));
  if (!row) throw notFound('Booking');
  return withActions(row, s.clock.now());
}

/**
 * A session's register: who has a place (confirmed, or their attendance once recorded), who
 * awaits a line manager's approval, the waiting list in order with positions, and who
 * cancelled (with the late flag). Each with their name, email, job title and organisation, and
 * who booked it when someone booked on their behalf.
 */
export async function sessionRegister(s: ServiceContext, sessionId: string) {
  const [session] = await s.db
    .select({ ...sessionRegisterColumns, cancelledReason: sessions.cancelledReason })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id)));
  if (!session) throw notFound('Session');
  const [trainers, rows] = await Promise.all([
    s.db.select({ personId: sessionTrainers.personId }).from(sessionTrainers).where(eq(sessionTrainers.sessionId, sessionId)),
    s.db
      .select({
        id: bookings.id,
        status: bookings.status,
        queueNumber: bookings.queueNumber,
        bookedAt: bookings.createdAt,
        cancelledAt: bookings.cancelledAt,
        cancelReason: bookings.cancelReason,
        late: bookings.lateCancellation,
        approvalExpiresAt: bookings.approvalExpiresAt,
        /** Whether a line manager's link is out for the place (else a coordinator decides it). */
        managerAsked: sql<boolean>`exists (select 1 from ${bookingApprovals} where ${bookingApprovals.bookingId} = ${bookings.id} and ${bookingApprovals.decision} is null)`.mapWith(Boolean),
        person: { id: people.id, name: people.name, email: people.email, jobTitle: people.jobTitle },
        organisation: { id: organisations.id, name: organisations.name },
        bookedBy: { id: booker.id, name: booker.name },
      })
      .from(bookings)
      .innerJoin(people, eq(people.id, bookings.personId))
      .innerJoin(organisations, eq(organisations.id, people.organisationId))
      .leftJoin(booker, eq(booker.id, bookings.bookedBy))
      .where(eq(bookings.sessionId, sessionId))
      .orderBy(asc(people.name), asc(bookings.queueNumber)),
  ]);
  const waiting = rows.filter((r) => r.status === 'waitlisted').sort((a, b) => a.queueNumber - b.queueNumber);
  const positions = new Map(waiting.map((r, i) => [r.id, i + 1]));
  const entries = rows.map(({ queueNumber: _, person, organisation, ...row }) => ({ ...row, person: { ...person, organisation }, position: positions.get(row.id) ?? null }));
  const inStatus = (statuses: BookingStatus[]) => entries.filter((e) => statuses.includes(e.status));
  return {
    session: { ...session, trainerIds: trainers.map((t) => t.personId) },
    confirmed: inStatus(HAD_PLACE),
    pendingApproval: inStatus(['pending approval']),
    waitingList: inStatus(['waitlisted']).sort((a, b) => a.position! - b.position!),
    cancelled: inStatus(['cancelled']),
  };
}
export type SessionRegister = Awaited<ReturnType<typeof sessionRegister>>;
export type RegisterEntry = SessionRegister['confirmed'][number];

/** Every entry of a register: places, approvals pending, the waiting list in order, then cancellations. */
export const registerEntries = (r: SessionRegister): RegisterEntry[] => [...r.confirmed, ...r.pendingApproval, ...r.waitingList, ...r.cancelled];

/** Coordinators read every register; a trainer reads the registers of the sessions they train. */
export const mayReadRegister = (person: { id: string; roles: readonly Role[] }, register: Pick<SessionRegister, 'session'>) =>
  person.roles.includes('coordinator') || register.session.trainerIds.includes(person.id);
