import { and, asc, count, eq, getTableColumns, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import { builtOnce } from '../../db/built-once';
import { commitWith, together, type Database, type Executor } from '../../db/database';
import {
  bookingApprovals,
  bookings,
  courses,
  LIVE_BOOKING_STATUSES,
  people,
  personRoles,
  prospectuses,
  sessions,
  type BookingStatus,
  type DeliveryMode,
} from '../../db/schema';
import { audit, auditChange } from '../audit/log';
import { conflict, forbidden, invalid, isUniqueViolation, notFound } from '../shared/errors';
import type { Actor, ServiceContext } from '../shared/context';
import { queueMail, type QueuedMail } from '../mail/outbox';
import { generateToken, hashToken } from '../shared/tokens';
import { bookingMail, type Recipient, type SessionDetails } from './messages';
import { addWorkingDays } from '../shared/working-days';
import type { PgSelect } from 'drizzle-orm/pg-core';
import { sessionDetailColumns } from './joins';
import { waitingListPosition } from './queries';
import { mayMailManager } from '../accounts/line-manager';
import { usableManagerEmail } from '../accounts/people';

// The booking rules. Promise 1: a session never has more places held (confirmed or pending
// approval) than its capacity. Every change that takes or frees a place first locks the
// session's row (SELECT ... FOR UPDATE), so changes to one session happen one at a time
// on any number of app instances; sessions.places_taken is kept in the same transaction,
// and a CHECK constraint (places_taken <= capacity) is the backstop.

export type Booking = typeof bookings.$inferSelect;
type Session = typeof sessions.$inferSelect;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const HOLDS_PLACE: BookingStatus[] = ['confirmed', 'pending approval'];
const isCoordinator = (actor: Actor) => actor === null || actor.roles.includes('coordinator');

/** Locks session rows in a fixed order (so two sessions locked together cannot deadlock). */
async function lockSessions(tx: Tx, partnershipId: string, sessionIds: string[]) {
  const rows = await tx
    .select()
    .from(sessions)
    .where(and(inArray(sessions.id, sessionIds), eq(sessions.partnershipId, partnershipId)))
    .orderBy(asc(sessions.id))
    .for('update');
  return new Map(rows.map((r) => [r.id, r]));
}

/** What a booking's emails say about its session, whether it asks for approval, and what decides whether it is open to book. */
const bookingDetailColumns = {
  details: { ...sessionDetailColumns, requiresManagerApproval: courses.requiresManagerApproval },
  prospectusStatus: prospectuses.status,
  withdrawn: courses.withdrawn,
};
/** A session is open to book (for anyone but a coordinator) while its prospectus is published and its course not withdrawn. */
const openToBook = (row: { prospectusStatus: string; withdrawn: boolean }) => row.prospectusStatus === 'published' && !row.withdrawn;
/** Joins a session's course and prospectus, as bookingDetailColumns reads them. */
const withCourseAndProspectus = <Q extends PgSelect>(query: Q) =>
  query.innerJoin(courses, eq(courses.id, sessions.courseId)).innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId));

async function sessionDetails(db: Executor, sessionId: string): Promise<SessionDetails & { requiresManagerApproval: boolean; published: boolean }> {
  const [row] = await withCourseAndProspectus(db.select(bookingDetailColumns).from(sessions).$dynamic()).where(eq(sessions.id, sessionId));
  return { ...row.details, published: openToBook(row) };
}

/** Who a booking's emails go to, with what they need to say. */
type Booked = Recipient & { jobTitle: string; lineManagerEmail: string | null };

async function recipient(db: Executor, booking: Pick<Booking, 'id' | 'personId'>): Promise<Booked> {
  const [person] = await db
    .select({ name: people.name, email: people.email, jobTitle: people.jobTitle, lineManagerEmail: people.lineManagerEmail })
    .from(people)
    .where(eq(people.id, booking.personId));
  return { bookingId: booking.id, ...person };
}

/** Moves the place count and leaves the CHECK constraint to refuse an overflow. */
const movePlaces = builtOnce('move_places', (db) =>
  db
    .update(sessions)
    .set({ placesTaken: sql`${sessions.placesTaken} + ${sql.placeholder('delta')}` })
    .where(eq(sessions.id, sql.placeholder('sessionId'))),
);
const adjustPlaces = (tx: Tx, sessionId: string, delta: number) => movePlaces(tx, { sessionId, delta });

/**
 * What taking a place means for this person, decided before anything is written: confirmed, or
 * pending approval when the course asks for it (a coordinator's booking counts as approved), the
 * emails to send, and the manager's approval link to store once the booking row exists.
 */
async function placeTerms(
  tx: Tx,
  s: ServiceContext,
  who: Booked,
  personId: string,
  details: SessionDetails & { requiresManagerApproval: boolean },
  approvedByCoordinator: boolean,
  how: 'booked' | 'promoted',
) {
  const now = s.clock.now();
  if (!details.requiresManagerApproval || approvedByCoordinator) {
    return { status: 'confirmed' as BookingStatus, approvalExpiresAt: null, mail: [how === 'promoted' ? bookingMail.promoted(s, who, details) : bookingMail.confirmed(s, who, details)], approval: undefined };
  }
  const approvalExpiresAt = addWorkingDays(now, s.partnership.approvalHoldWorkingDays);
  // Only a confirmed manager's address (never the person's own) is asked, and only a few times
  // a day; otherwise the place waits, as long, for a coordinator's decision.
  const usable = usableManagerEmail(who.email, who.lineManagerEmail);
  const manager = usable && (await mayMailManager(tx, s, usable)) ? usable : null;
  if (manager) {
    const token = generateToken();
    return {
      status: 'pending approval' as BookingStatus,
      approvalExpiresAt,
      mail: [bookingMail.pendingApproval(s, who, details, manager, approvalExpiresAt), bookingMail.approvalRequest(s, { email: manager }, who, details, token, approvalExpiresAt)],
      approval: { tokenHash: hashToken(token), bookingId: who.bookingId, managerEmail: manager, expiresAt: approvalExpiresAt },
    };
  }
  const coordinators = await coordinatorEmails(tx, s.partnership.id, personId);
  return {
    status: 'pending approval' as BookingStatus,
    approvalExpiresAt,
    mail: [bookingMail.pendingApproval(s, who, details, null, approvalExpiresAt), ...coordinators.map((to) => bookingMail.coordinatorApprovalRequest(s, to, who, details, approvalExpiresAt))],
    approval: undefined,
  };
}

/** Gives a waiting booking the place just freed (see placeTerms), and queues its emails. */
async function takePlace(tx: Tx, s: ServiceContext, booking: Booking, details: Awaited<ReturnType<typeof sessionDetails>>, approvedByCoordinator: boolean): Promise<BookingStatus> {
  const terms = await placeTerms(tx, s, await recipient(tx, booking), booking.personId, details, approvedByCoordinator, 'promoted');
  await tx.update(bookings).set({ status: terms.status, approvalExpiresAt: terms.approvalExpiresAt, waitlistedAt: null }).where(eq(bookings.id, booking.id));
  if (terms.approval) await tx.insert(bookingApprovals).values(terms.approval);
  await adjustPlaces(tx, booking.sessionId, 1);
  await queueMail(tx, { partnershipId: s.partnership.id, now: s.clock.now() }, terms.mail);
  return terms.status;
}

/**
 * Gives freed places to the waiting list, first come first served, while places are left.
 * The caller holds the session row's lock (it locked it, or updated the row in this transaction).
 */
export async function fillFreedPlaces(tx: Tx, s: ServiceContext, sessionId: string): Promise<number> {
  const [session] = await tx.select().from(sessions).where(eq(sessions.id, sessionId));
  if (session.status !== 'scheduled' || session.startsAt <= s.clock.now()) return 0;
  const free = session.capacity - session.placesTaken;
  if (free <= 0) return 0;
  const next = await tx
    .select()
    .from(bookings)
    .where(and(eq(bookings.sessionId, sessionId), eq(bookings.status, 'waitlisted')))
    .orderBy(asc(bookings.queueNumber))
    .limit(free);
  if (!next.length) return 0;
  const details = await sessionDetails(tx, sessionId);
  for (const booking of next) {
    // Only a coordinator books for someone else (bookedBy), and their booking counts as approved, promoted or not.
    const status = await takePlace(tx, s, booking, details, booking.bookedBy !== null);
    await audit(tx, { partnershipId: s.partnership.id, actorId: null, action: 'booking.promoted', subjectType: 'booking', subjectId: booking.id, detail: { sessionId, status }, at: s.clock.now() });
  }
  return next.length;
}

/**
 * Runs `work` in one transaction. The one-live-booking index refusing a second booking (two
 * requests at once) becomes `clash`, the refusal the rule would have given.
 */
async function inTransaction<T>(
  s: ServiceContext,
  work: (tx: Tx) => Promise<T>,
  clash: () => Error | Promise<Error> = () => conflict('You already have a booking for this session'),
): Promise<T> {
  try {
    return await s.db.transaction(work);
  } catch (error) {
    if (isUniqueViolation(error)) throw await clash();
    throw error;
  }
}

/** `work` in one transaction with the sessions locked (see inTransaction). */
const withLockedSessions = <T>(
  s: ServiceContext,
  sessionIds: string[],
  work: (tx: Tx, locked: Awaited<ReturnType<typeof lockSessions>>) => Promise<T>,
  clash?: () => Error | Promise<Error>,
): Promise<T> => inTransaction(s, async (tx) => work(tx, await lockSessions(tx, s.partnership.id, sessionIds)), clash);

/**
 * What a booking's rules need, in the one statement that locks the session's row: the session,
 * what its emails say, whether it is open to book, and the person (with what their emails need).
 * Nothing here may be counted from other rows: a statement that waited for the lock still reads
 * them as they were before it waited.
 */
const lockedForBooking = builtOnce('lock_for_booking', (db) =>
  withCourseAndProspectus(
    db
      .select({
        ...bookingDetailColumns,
        session: sessions,
        deliveryMode: courses.deliveryMode,
        person: { name: people.name, email: people.email, jobTitle: people.jobTitle, lineManagerEmail: people.lineManagerEmail },
      })
      .from(sessions)
      .$dynamic(),
  )
    .leftJoin(people, and(eq(people.id, sql.placeholder('personId')), eq(people.partnershipId, sql.placeholder('partnershipId'))))
    .where(and(eq(sessions.id, sql.placeholder('sessionId')), eq(sessions.partnershipId, sql.placeholder('partnershipId'))))
    .for('update', { of: sessions }),
);
async function lockForBooking(tx: Tx, partnershipId: string, sessionId: string, personId: string) {
  const [row] = await lockedForBooking(tx, { partnershipId, sessionId, personId });
  return row && { ...row, published: openToBook(row) };
}

/**
 * How many wait for the session now. Sent behind the locking read, so PostgreSQL runs it once
 * that read holds the lock (a connection runs its statements in the order sent): no one can
 * join the list meanwhile, and this statement, begun after the wait, counts every booking
 * committed before it. A booking that has to wait is next after these.
 */
const countWaiting = builtOnce('count_waiting', (db) =>
  db.select({ waiting: count() }).from(bookings).where(and(eq(bookings.sessionId, sql.placeholder('sessionId')), eq(bookings.status, 'waitlisted'))),
);

/** A new booking; times that may be null go as ISO text. */
const insertBooking = builtOnce('insert_booking', (db) =>
  db
    .insert(bookings)
    .values({
      id: sql.placeholder('id'),
      partnershipId: sql.placeholder('partnershipId'),
      sessionId: sql.placeholder('sessionId'),
      personId: sql.placeholder('personId'),
      status: sql.placeholder('status'),
      waitlistedAt: sql`${sql.placeholder('waitlistedAt')}::timestamptz`,
      approvalExpiresAt: sql`${sql.placeholder('approvalExpiresAt')}::timestamptz`,
      createdAt: sql.placeholder('createdAt'),
      bookedBy: sql.placeholder('bookedBy'),
    })
    .returning(),
);

export interface BookInput {
  sessionId: string;
  personId: string;
}

/**
 * Books a place, or a place on the waiting list when the session is full. A person may
 * book for themselves; a coordinator may book for anyone (and even after booking closes).
 * Two round trips, the busiest write there is: the locking read with the waiting count; then
 * the booking, the place count (for a place), its audit entry and its email, with the COMMIT.
 */
export async function bookPlace(s: ServiceContext, input: BookInput): Promise<Booking & { position?: number; session: Session; course: { id: string; title: string; deliveryMode: DeliveryMode } }> {
  const { actor } = s;
  const forSomeoneElse = Boolean(actor && actor.id !== input.personId);
  if (forSomeoneElse && !isCoordinator(actor)) throw forbidden('You can only book a place for yourself');
  // A coordinator books from a list of people: each refusal names that choice, so the list shows it.
  const refuse = (message: string) => conflict(message, forSomeoneElse ? { personId: message } : {});
  const who = forSomeoneElse ? 'They' : 'You';
  const now = s.clock.now();
  return inTransaction(
    s,
    async (tx) => {
      const [found, [{ waiting }]] = await together(lockForBooking(tx, s.partnership.id, input.sessionId, input.personId), countWaiting(tx, { sessionId: input.sessionId }));
      if (!found) throw notFound('Session');
      const { session, details, person } = found;
      if (!person) throw notFound('Person', { personId: 'Choose a person from the list' });
      if (!found.published && !isCoordinator(actor)) throw notFound('Session');
      if (session.status === 'cancelled') throw refuse('This session has been cancelled');
      if (session.startsAt <= now) throw refuse('This session has already started');
      if (session.bookingClosesAt <= now && !isCoordinator(actor)) throw refuse('Booking for this session has closed');

      // The id is made here so the emails can name the booking before its row is written.
      const booked = { bookingId: crypto.randomUUID(), ...person };
      const takesPlace = session.placesTaken < session.capacity;
      const terms = takesPlace ? await placeTerms(tx, s, booked, input.personId, details, forSomeoneElse && isCoordinator(actor), 'booked') : undefined;
      const status = terms?.status ?? 'waitlisted';
      // A live booking already here is refused by the one-live-booking index (see the clash below).
      const inserted = insertBooking(tx, {
        id: booked.bookingId,
        partnershipId: s.partnership.id,
        sessionId: session.id,
        personId: input.personId,
        status,
        waitlistedAt: terms ? null : now.toISOString(),
        approvalExpiresAt: terms?.approvalExpiresAt?.toISOString() ?? null,
        createdAt: now,
        bookedBy: forSomeoneElse ? actor!.id : null,
      });
      const queued = (mail: QueuedMail | QueuedMail[]) => queueMail(tx, { partnershipId: s.partnership.id, now }, mail);
      const logged = () => auditChange(tx, s, 'booking.created', 'booking', booked.bookingId, { sessionId: session.id, personId: input.personId, status });
      // The writes go with the COMMIT in one round trip (a manager's approval after the booking
      // it names: a connection runs its statements in the order sent).
      const position = terms ? undefined : waiting + 1;
      const [[written]] = await commitWith(
        tx,
        inserted,
        terms && adjustPlaces(tx, session.id, 1),
        terms?.approval && tx.insert(bookingApprovals).values(terms.approval),
        logged(),
        queued(terms ? terms.mail : bookingMail.waitlisted(s, booked, details, position!)),
      );
      return { ...written, position, session, course: { id: details.courseId, title: details.courseTitle, deliveryMode: found.deliveryMode } };
    },
    // Which booking they already have, read once the transaction has ended.
    async () => {
      const live = await liveBookingFor(s.db, input.sessionId, input.personId);
      return refuse(
        live?.status === 'waitlisted'
          ? `${who} are already on the waiting list for this session`
          : live
            ? `${who} already have a place on this session`
            : `${who} already have a booking for this session`,
      );
    },
  );
}

async function loadBooking(db: Executor, partnershipId: string, bookingId: string) {
  const [booking] = await db.select().from(bookings).where(and(eq(bookings.id, bookingId), eq(bookings.partnershipId, partnershipId)));
  if (!booking) throw notFound('Booking');
  return booking;
}

/** Ends a live booking with a reason, frees its place and fills it from the waiting list. */
async function endBooking(
  tx: Tx,
  s: ServiceContext,
  booking: Booking,
  change: { reason: 'cancelled' | 'declined' | 'lapsed' | 'moved'; actorId: string | null; late?: boolean },
) {
  const now = s.clock.now();
  const heldPlace = HOLDS_PLACE.includes(booking.status);
  await tx
    .update(bookings)
    .set({ status: 'cancelled', cancelledAt: now, cancelledBy: change.actorId, cancelReason: change.reason, lateCancellation: change.late ?? false })
    .where(eq(bookings.id, booking.id));
  if (heldPlace) await adjustPlaces(tx, booking.sessionId, -1);
  return heldPlace;
}

/**
 * Cancels a booking or leaves a waiting list, until the session starts. Inside the
 * partnership's late window (working days before the start) a cancelled place is
 * recorded as late. The freed place goes to the waiting list in the same transaction.
 */
export async function cancelBooking(s: ServiceContext, bookingId: string): Promise<{ late: boolean; promoted: number }> {
  const { actor } = s;
  const now = s.clock.now();
  const first = await loadBooking(s.db, s.partnership.id, bookingId);
  if (actor && actor.id !== first.personId && !isCoordinator(actor)) throw notFound('Booking');
  return withLockedSessions(s, [first.sessionId], async (tx, locked) => {
    const booking = await loadBooking(tx, s.partnership.id, bookingId);
    const session = locked.get(booking.sessionId)!;
    if (!LIVE_BOOKING_STATUSES.includes(booking.status)) throw conflict('This booking has already ended');
    if (session.startsAt <= now) throw conflict('The session has started, so the booking can no longer be cancelled');
    const late = HOLDS_PLACE.includes(booking.status) && now > addWorkingDays(session.startsAt, -s.partnership.lateCancellationWorkingDays);
    const heldPlace = await endBooking(tx, s, booking, { reason: 'cancelled', actorId: actor?.id ?? null, late });
    await queueMail(tx, { partnershipId: s.partnership.id, now }, bookingMail.cancelled(s, await recipient(tx, booking), await sessionDetails(tx, session.id), heldPlace));
    await auditChange(tx, s, 'booking.cancelled', 'booking', booking.id, { late, heldPlace });
    const promoted = heldPlace ? await fillFreedPlaces(tx, s, session.id) : 0;
    return { late, promoted };
  });
}

/** The approval a manager's link leads to, if it is still waiting for a decision. */
export async function findApproval(s: ServiceContext, token: string) {
  const [row] = await s.db
    .select({ approval: bookingApprovals, booking: bookings, personName: people.name, jobTitle: people.jobTitle })
    .from(bookingApprovals)
    .innerJoin(bookings, eq(bookings.id, bookingApprovals.bookingId))
    .innerJoin(people, eq(people.id, bookings.personId))
    .where(and(eq(bookingApprovals.tokenHash, hashToken(token)), eq(bookings.partnershipId, s.partnership.id)));
  if (!row) return undefined;
  const open = row.approval.decision === null && row.booking.status === 'pending approval' && row.approval.expiresAt > s.clock.now();
  return { ...row, open, session: await sessionDetails(s.db, row.booking.sessionId) };
}

/** Confirms or releases a place waiting for approval, in the caller's transaction with the session locked. */
async function applyDecision(tx: Tx, s: ServiceContext, booking: Booking, decision: 'approved' | 'declined', by: 'line manager' | 'coordinator') {
  const now = s.clock.now();
  const who = await recipient(tx, booking);
  const details = await sessionDetails(tx, booking.sessionId);
  if (decision === 'approved') {
    await tx.update(bookings).set({ status: 'confirmed', approvalExpiresAt: null }).where(eq(bookings.id, booking.id));
    await queueMail(tx, { partnershipId: s.partnership.id, now }, bookingMail.approved(s, who, details, by));
  } else {
    await endBooking(tx, s, booking, { reason: 'declined', actorId: s.actor?.id ?? null });
    await queueMail(tx, { partnershipId: s.partnership.id, now }, bookingMail.declined(s, who, details, by));
    await fillFreedPlaces(tx, s, booking.sessionId);
  }
}

/** A line manager approves or declines through their emailed link (no account needed). */
export async function decideApproval(s: ServiceContext, token: string, decision: 'approved' | 'declined') {
  const found = await findApproval(s, token);
  if (!found) throw notFound('Approval');
  const now = s.clock.now();
  return withLockedSessions(s, [found.booking.sessionId], async (tx) => {
    const [approval] = await tx
      .update(bookingApprovals)
      .set({ decision, decidedAt: now })
      .where(and(eq(bookingApprovals.tokenHash, hashToken(token)), sql`${bookingApprovals.decision} is null`, sql`${bookingApprovals.expiresAt} > ${now.toISOString()}::timestamptz`))
      .returning();
    const booking = await loadBooking(tx, s.partnership.id, found.booking.id);
    if (!approval || booking.status !== 'pending approval') throw conflict('This request has already been decided or has expired');
    await applyDecision(tx, { ...s, actor: null }, booking, decision, 'line manager');
    await audit(tx, { partnershipId: s.partnership.id, actorId: null, action: `booking.${decision}`, subjectType: 'booking', subjectId: booking.id, detail: { managerEmail: approval.managerEmail }, at: now });
    return decision;
  });
}

/**
 * A coordinator approves or declines a place waiting for approval: the way a place is decided
 * when the person has no confirmed line manager, and open to them for any waiting place.
 */
export async function decideApprovalAsCoordinator(s: ServiceContext, bookingId: string, decision: 'approved' | 'declined') {
  if (!isCoordinator(s.actor)) throw forbidden('Only a coordinator can decide this');
  const first = await loadBooking(s.db, s.partnership.id, bookingId);
  return withLockedSessions(s, [first.sessionId], async (tx) => {
    const booking = await loadBooking(tx, s.partnership.id, bookingId);
    if (booking.status !== 'pending approval') throw conflict('This place has already been decided or has lapsed');
    if (booking.personId === s.actor?.id) throw forbidden('Another coordinator must decide your own place');
    // A manager's link still open for the place stops working.
    await tx.update(bookingApprovals).set({ decision, decidedAt: s.clock.now() }).where(and(eq(bookingApprovals.bookingId, booking.id), isNull(bookingApprovals.decision)));
    await applyDecision(tx, s, booking, decision, 'coordinator');
    await auditChange(tx, s, `booking.${decision}`, 'booking', booking.id, { by: 'coordinator' });
    return decision;
  });
}

/** Coordinators' addresses, who decide places when no manager can; never the person's own. */
async function coordinatorEmails(db: Executor, partnershipId: string, personId: string) {
  const rows = await db
    .selectDistinct({ email: people.email })
    .from(people)
    .innerJoin(personRoles, eq(personRoles.personId, people.id))
    .where(and(eq(people.partnershipId, partnershipId), eq(personRoles.role, 'coordinator'), ne(people.id, personId)))
    .orderBy(asc(people.email));
  return rows.map((r) => r.email);
}

/** Job: releases places held for approval past their time, and fills them from the waiting list. */
export async function lapseApprovals(s: ServiceContext): Promise<{ lapsed: number }> {
  const now = s.clock.now();
  const due = await s.db
    .select({ id: bookings.id, sessionId: bookings.sessionId })
    .from(bookings)
    .where(and(eq(bookings.partnershipId, s.partnership.id), eq(bookings.status, 'pending approval'), lte(bookings.approvalExpiresAt, now)));
  let lapsed = 0;
  for (const { id, sessionId } of due) {
    lapsed += await withLockedSessions(s, [sessionId], async (tx) => {
      const booking = await loadBooking(tx, s.partnership.id, id);
      if (booking.status !== 'pending approval') return 0; // decided meanwhile
      await endBooking(tx, s, booking, { reason: 'lapsed', actorId: null });
      await queueMail(tx, { partnershipId: s.partnership.id, now }, bookingMail.lapsed(s, await recipient(tx, booking), await sessionDetails(tx, sessionId)));
      await audit(tx, { partnershipId: s.partnership.id, actorId: null, action: 'booking.lapsed', subjectType: 'booking', subjectId: id, at: now });
      await fillFreedPlaces(tx, s, sessionId);
      return 1;
    });
  }
  return { lapsed };
}

/** The one message for a capacity below the places held, wherever a capacity is changed. */
export const capacityBelowPlacesTaken = (taken: number) => `The number of places must be at least ${taken}, the places already taken`;

/** Changes a session's capacity; never below the places held. Raising it promotes from the waiting list. */
export async function changeCapacity(s: ServiceContext, sessionId: string, capacity: number) {
  return withLockedSessions(s, [sessionId], async (tx, locked) => {
    const session = locked.get(sessionId);
    if (!session) throw notFound('Session');
    if (session.status !== 'scheduled') throw conflict(`This session has been ${session.status}: its capacity cannot change`);
    if (capacity < session.placesTaken) {
      throw invalid({ capacity: capacityBelowPlacesTaken(session.placesTaken) }, 'Capacity is too low');
    }
    await tx.update(sessions).set({ capacity }).where(eq(sessions.id, sessionId));
    await auditChange(tx, s, 'session.capacity-changed', 'session', sessionId, { from: session.capacity, to: capacity });
    return { promoted: await fillFreedPlaces(tx, s, sessionId) };
  });
}

/** Moves a booking to another session of the same course (a coordinator's action). */
export async function moveBooking(s: ServiceContext, bookingId: string, toSessionId: string) {
  const { actor } = s;
  const now = s.clock.now();
  const first = await loadBooking(s.db, s.partnership.id, bookingId);
  return withLockedSessions(s, [first.sessionId, toSessionId], async (tx, locked) => {
    const booking = await loadBooking(tx, s.partnership.id, bookingId);
    const from = locked.get(booking.sessionId)!;
    const to = locked.get(toSessionId);
    if (!to || to.courseId !== from.courseId || to.id === from.id) {
      throw invalid({ toSessionId: 'Choose another session of the same course' }, 'Choose another session of the same course');
    }
    if (!HOLDS_PLACE.includes(booking.status)) throw conflict('Only a booking with a place can be moved');
    if (to.status !== 'scheduled' || to.startsAt <= now) throw invalid({ toSessionId: 'That session has been cancelled or has started' }, 'That session is not open');
    if (to.placesTaken >= to.capacity) throw invalid({ toSessionId: 'That session is full: raise its capacity first' }, 'That session is full');
    await endBooking(tx, s, booking, { reason: 'moved', actorId: actor?.id ?? null });
    // The new booking is the coordinator's, so it is confirmed: as when they book for someone, it counts as approved.
    const [moved] = await tx
      .insert(bookings)
      .values({ partnershipId: s.partnership.id, sessionId: to.id, personId: booking.personId, status: 'confirmed', createdAt: now, bookedBy: actor?.id ?? null })
      .returning();
    await adjustPlaces(tx, to.id, 1);
    const who = await recipient(tx, moved);
    await queueMail(tx, { partnershipId: s.partnership.id, now }, bookingMail.moved(s, who, await sessionDetails(tx, from.id), await sessionDetails(tx, to.id)));
    await auditChange(tx, s, 'booking.moved', 'booking', moved.id, { fromBookingId: booking.id, fromSessionId: from.id, toSessionId: to.id });
    const promoted = await fillFreedPlaces(tx, s, from.id);
    return { booking: moved, promoted };
  }, () => conflict('They already have a booking for this session', { toSessionId: 'They already have a booking for this session' }));
}

/** Cancels a session: every live booking ends and everyone booked or waiting is emailed. */
export async function cancelSession(s: ServiceContext, sessionId: string, reason: string) {
  const { actor } = s;
  const now = s.clock.now();
  return withLockedSessions(s, [sessionId], async (tx, locked) => {
    const session = locked.get(sessionId);
    if (!session) throw notFound('Session');
    if (session.status === 'cancelled') return { bookingsEnded: 0, alreadyCancelled: true };
    if (session.status === 'delivered') throw conflict('This session has been delivered: it cannot be cancelled');
    const live = await tx.select().from(bookings).where(and(eq(bookings.sessionId, sessionId), inArray(bookings.status, LIVE_BOOKING_STATUSES)));
    const details = await sessionDetails(tx, sessionId);
    const mail: QueuedMail[] = [];
    for (const booking of live) {
      const heldPlace = await endBooking(tx, s, booking, { reason: 'cancelled', actorId: actor?.id ?? null });
      mail.push(bookingMail.sessionCancelled(s, await recipient(tx, booking), details, heldPlace, reason));
    }
    await tx.update(sessions).set({ status: 'cancelled', cancelledReason: reason }).where(eq(sessions.id, sessionId));
    await queueMail(tx, { partnershipId: s.partnership.id, now }, mail);
    await auditChange(tx, s, 'session.cancelled', 'session', sessionId, { reason, bookingsEnded: live.length });
    return { bookingsEnded: live.length, alreadyCancelled: false };
  });
}

/** A person's live booking for a session, if they have one (with their waiting-list position). */
export async function liveBookingFor(db: Executor, sessionId: string, personId: string) {
  const [booking] = await db
    .select({ ...getTableColumns(bookings), position: waitingListPosition(db) })
    .from(bookings)
    .where(and(eq(bookings.sessionId, sessionId), eq(bookings.personId, personId), inArray(bookings.status, LIVE_BOOKING_STATUSES)));
  return booking && { ...booking, position: booking.position ?? undefined };
}
