// The coordinator's rules for sessions (the dates of a course): adding and changing them,
// within the prospectus's year, with trainers who hold the role, and never with fewer places
// than are taken. Cancelling a session is a booking rule: cancelSession in
// server/bookings/service. Every read and write is scoped to the context's partnership; every
// write is one transaction with its audit entry.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/database';
import { courses, people, personRoles, prospectuses, sessions, sessionTrainers } from '../../../db/schema';
import { formatDate, fromLondon } from '../../shared/dates';
import { fillFreedPlaces } from '../../bookings/service';
import { conflict, invalid, notFound } from '../../shared/errors';
import type { ServiceContext } from '../../shared/context';
import type { SessionInput } from '../schemas';
import type { Prospectus, Session } from '../service';
import { auditChange } from '../../audit/log';
import { courseIn } from './course-service';
import { getProspectus, refuseImported } from './prospectus-service';
import { capacityBelowPlacesTaken } from '../../bookings/service';

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
  refuseImported(prospectus);
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
    await auditChange(tx, s, 'session.created', 'session', session.id, { courseId, ...input });
    return session;
  });
}

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
      // Saving a proposed date is the coordinator confirming it.
      .set({ ...sessionColumns(input), proposed: false })
      .where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id), sql`${sessions.placesTaken} <= ${input.capacity}`))
      .returning();
    if (!session) {
      const [{ placesTaken }] = await tx.select({ placesTaken: sessions.placesTaken }).from(sessions).where(eq(sessions.id, sessionId));
      throw invalid({ capacity: capacityBelowPlacesTaken(placesTaken) }, 'Capacity is too low');
    }
    await writeTrainers(tx, sessionId, input.trainerIds);
    await auditChange(tx, s, 'session.updated', 'session', sessionId, input);
    // More places, or a later start, may let people on the waiting list in.
    await fillFreedPlaces(tx, s, sessionId);
    return session;
  });
}

/** Confirms a date a year-end review proposed, as it stands. Confirming twice changes nothing. */
export async function confirmProposedSession(s: ServiceContext, sessionId: string): Promise<void> {
  await getSessionForManaging(s, sessionId);
  await s.db.transaction(async (tx) => {
    const [confirmed] = await tx
      .update(sessions)
      .set({ proposed: false })
      .where(and(eq(sessions.id, sessionId), eq(sessions.partnershipId, s.partnership.id), eq(sessions.proposed, true)))
      .returning({ id: sessions.id });
    if (confirmed) await auditChange(tx, s, 'session.confirmed', 'session', sessionId);
  });
}
