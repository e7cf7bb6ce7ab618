import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { apiTokens, authSessions, people, personRoles, type Role } from '../../db/schema';
import type { SignedInPerson } from '../shared/context';
import { DAY, MINUTE } from '../shared/clock';
import type { Config } from '../shared/config';
import { generateToken, hashToken } from '../shared/tokens';

// Sessions as the Lucia guide describes them: the cookie holds a random token, the
// database only its SHA-256; an idle timeout that renews with use, and an absolute lifetime.

export const SESSION_COOKIE = 'session';

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export const sessionPolicy = (config: Pick<Config, 'sessionIdleMinutes' | 'sessionAbsoluteDays'>): SessionPolicy => ({
  idleMs: config.sessionIdleMinutes * MINUTE,
  absoluteMs: config.sessionAbsoluteDays * DAY,
});

export async function createSession(db: Database, personId: string, now: Date, policy: SessionPolicy) {
  const token = generateToken();
  const session = {
    id: hashToken(token),
    personId,
    createdAt: now,
    idleExpiresAt: new Date(Math.min(now.getTime() + policy.idleMs, now.getTime() + policy.absoluteMs)),
    expiresAt: new Date(now.getTime() + policy.absoluteMs),
  };
  await db.insert(authSessions).values(session);
  return { token, session };
}

/** The live session for a cookie token, renewed when half its idle time has gone; null if none. */
export async function validateSession(db: Database, token: string, now: Date, policy: SessionPolicy) {
  const id = hashToken(token);
  const [session] = await db.select().from(authSessions).where(eq(authSessions.id, id)).limit(1);
  if (!session) return null;
  if (now >= session.expiresAt || now >= session.idleExpiresAt) {
    await db.delete(authSessions).where(eq(authSessions.id, id));
    return null;
  }
  if (session.idleExpiresAt.getTime() - now.getTime() < policy.idleMs / 2) {
    session.idleExpiresAt = new Date(Math.min(now.getTime() + policy.idleMs, session.expiresAt.getTime()));
    await db.update(authSessions).set({ idleExpiresAt: session.idleExpiresAt }).where(eq(authSessions.id, id));
  }
  return session;
}

export async function endSession(db: Database, sessionId: string) {
  await db.delete(authSessions).where(eq(authSessions.id, sessionId));
}

/** An API token works while it is neither revoked nor past its expiry. */
export const liveToken = (now: Date) => and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)));

/**
 * The person a valid session or API token belongs to, with their roles; only someone of the
 * partnership the app serves, so a credential made for one partnership is refused by another's,
 * and never an erased person.
 */
export async function loadSignedInPerson(db: Database, personId: string, partnershipId: string): Promise<SignedInPerson | undefined> {
  const [person] = await db
    .select({ id: people.id, name: people.name, email: people.email, organisationId: people.organisationId })
    .from(people)
    .where(and(eq(people.id, personId), eq(people.partnershipId, partnershipId), isNull(people.erasedAt)))
    .limit(1);
  if (!person) return undefined;
  const roles = await db.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, personId));
  return { ...person, roles: roles.map((r) => r.role).sort() as Role[] };
}
