// What the trainer's pages and API read: the sessions a person trains, and a session's
// register with whether the actor may mark it now. The rules that change attendance are
// in ./service.
import { and, asc, eq, gte } from 'drizzle-orm';
import { courses, sessions, sessionTrainers } from '../../db/schema';
import { mayReadRegister, sessionRegister } from '../bookings/queries';
import { DAY } from '../shared/clock';
import { forbidden, notFound } from '../shared/errors';
import { markingPermission, markingWindow } from './service';
import type { Actor, PersonalContext } from '../shared/context';
import { sessionRegisterColumns } from '../bookings/joins';

/** How far back "Your sessions" reaches. */
export const RECENT_DAYS = 60;

export const REGISTER_STATES = ['not open yet', 'open', 'locked', 'cancelled'] as const;
export type RegisterState = (typeof REGISTER_STATES)[number];

/**
 * Whether the register of a session the actor trains can be marked now, as
 * markingPermission decides it: a coordinator may still amend it after the lock.
 */
function registerState(session: { status: string; startsAt: Date; endsAt: Date }, lockDays: number, now: Date, actor: NonNullable<Actor>): RegisterState {
  const window = markingWindow(session, lockDays);
  if (session.status === 'cancelled') return 'cancelled';
  if (now < window.opensAt) return 'not open yet';
  if (now > window.locksAt && !actor.roles.includes('coordinator')) return 'locked';
  return 'open';
}

/**
 * The sessions the actor trains: upcoming (not yet ended) soonest first, and those that
 * ended in the last RECENT_DAYS days, most recent first.
 */
export async function trainerSessions(s: PersonalContext) {
  const { actor } = s;
  const now = s.clock.now();
  const rows = await s.db
    .select(sessionRegisterColumns)
    .from(sessionTrainers)
    .innerJoin(sessions, eq(sessions.id, sessionTrainers.sessionId))
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(eq(sessionTrainers.personId, actor.id), eq(sessions.partnershipId, s.partnership.id), gte(sessions.endsAt, new Date(now.getTime() - RECENT_DAYS * DAY))))
    .orderBy(asc(sessions.startsAt));
  const listed = rows.map((row) => ({ ...row, register: registerState(row, s.partnership.attendanceLockDays, now, actor) }));
  return { upcoming: listed.filter((x) => x.endsAt > now), past: listed.filter((x) => x.endsAt <= now).reverse() };
}
export type TrainerSession = Awaited<ReturnType<typeof trainerSessions>>['upcoming'][number];

/** A session's register, for its trainers and for coordinators; to anyone else it is not found. */
export async function readableRegister(s: PersonalContext, sessionId: string) {
  const { actor } = s;
  const register = await sessionRegister(s, sessionId);
  if (!mayReadRegister(actor, register)) throw notFound('Session');
  return register;
}

/** The register, and whether the actor may mark it now (and if not, why not). */
export async function attendanceSheet(s: PersonalContext, sessionId: string) {
  const register = await readableRegister(s, sessionId);
  const [session] = await s.db.select().from(sessions).where(eq(sessions.id, register.session.id));
  return { register, permission: await markingPermission(s.db, s, session) };
}
export type AttendanceSheet = Awaited<ReturnType<typeof attendanceSheet>>;

/** Refuses a change to the register before reading the form: the page says why. */
export async function markableSheet(s: PersonalContext, sessionId: string) {
  const sheet = await attendanceSheet(s, sessionId);
  if (!sheet.permission.allowed) throw forbidden(sheet.permission.reason);
  return sheet;
}
