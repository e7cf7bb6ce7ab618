import { and, eq, gt, isNull, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { builtOnce, sqlBuiltOnce } from '../../db/built-once';
import { rowFromJson, rowsOf, type Database } from '../../db/database';
import { apiTokens, authSessions, partnerships, type Role } from '../../db/schema';
import type { Partnership, SignedInPerson } from '../shared/context';
import { DAY, MINUTE } from '../shared/clock';
import type { Config } from '../shared/config';
import { generateToken, hashToken } from '../shared/tokens';
import { writeTokenUses, type TokenUseBatch } from './token-uses';

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

/**
 * The partnership the app serves (named by its slug) with the live session for a cookie token
 * and the person it signs in, renewed when half its idle time has gone (signedIn null when there
 * is none). One statement reads all three (a renewal or an expiry adds a write). The partnership
 * is undefined when no partnership has that slug.
 */
export async function validateSession(db: Database, token: string, now: Date, policy: SessionPolicy, partnershipSlug: string) {
  const id = hashToken(token);
  const [row] = await sessionSignIn(db, { id, partnershipSlug });
  const partnership = row && rowFromJson(partnerships, row.partnership);
  if (!row?.person_id) return { partnership, signedIn: null };
  const session = { id, personId: row.person_id, expiresAt: new Date(row.expires_at!), idleExpiresAt: new Date(row.idle_expires_at!) };
  if (now >= session.expiresAt || now >= session.idleExpiresAt) {
    await db.delete(authSessions).where(eq(authSessions.id, id));
    return { partnership, signedIn: null };
  }
  if (session.idleExpiresAt.getTime() - now.getTime() < policy.idleMs / 2) {
    session.idleExpiresAt = new Date(Math.min(now.getTime() + policy.idleMs, session.expiresAt.getTime()));
    await db.update(authSessions).set({ idleExpiresAt: session.idleExpiresAt }).where(eq(authSessions.id, id));
  }
  return { partnership, signedIn: { session, person: signedInPerson(row) } };
}

/** How often an API token's "last used" is written: a busy integration does not write on every call. */
const LAST_USED_EVERY = MINUTE;

/**
 * The partnership the app serves (named by its slug) and the person a live API token signs in,
 * in one statement: the partnership, the token, the person and their roles. The person is
 * undefined when the token is unknown, revoked, expired or another partnership's, or its person
 * is erased; the partnership when no partnership has that slug. The token's "last used", when
 * due (at most once a minute), is written now or handed to `tokenUses` to write with others.
 */
export async function personForApiToken(db: Database, token: string, now: Date, partnershipSlug: string, tokenUses?: TokenUseBatch) {
  const [row] = await apiTokenSignIn(db, {
    tokenHash: hashToken(token),
    partnershipSlug,
    now: now.toISOString(),
    lastUsedBefore: new Date(now.getTime() - LAST_USED_EVERY).toISOString(),
  });
  const person = row?.id ? signedInPerson(row) : undefined;
  if (person && row.last_use_due) {
    const use = { tokenId: row.token_id!, at: now };
    if (tokenUses) tokenUses.mark(use);
    else await writeTokenUses(db, [use]);
  }
  return { partnership: row && rowFromJson(partnerships, row.partnership), person };
}

/** The partnership the app serves, by its slug: for a request that signs no one in. */
export async function partnershipServed(db: Database, partnershipSlug: string): Promise<Partnership | undefined> {
  const [partnership] = await partnershipBySlug(db, { partnershipSlug });
  return partnership;
}

/** A signed-in person's row as the two statements above read it (null when the person is not one who may sign in). */
interface PersonRow {
  id: string | null;
  name: string;
  email: string;
  organisation_id: string;
  roles: string | null;
}
const personColumns = sql`p.id, p.name, p.email, p.organisation_id, (select string_agg(r.role::text, ',' order by r.role::text) from person_roles r where r.person_id = p.id) as roles`;
/** Only someone of the partnership the app serves (a credential made for one is refused by another's), and never an erased person. */
const personOf = (partnershipId: string | SQL) => sql`p.partnership_id = ${partnershipId} and p.erased_at is null`;
/** An API token works while it is neither revoked nor past its expiry. */
export const liveToken = (now: Date | Placeholder) => and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)));

// Every request runs one of these three: their SQL is made once (db/built-once.ts). The
// partnership is read in the same statement as the credential, as JSON beside the person.
const served = sql`pt as (select * from partnerships where slug = ${sql.placeholder('partnershipSlug')})`;
const partnershipBySlug = builtOnce('partnership_served', (db) => db.select().from(partnerships).where(eq(partnerships.slug, sql.placeholder('partnershipSlug'))).limit(1));
const sessionSignIn = sqlBuiltOnce<PersonRow & { partnership: unknown; person_id: string | null; expires_at: string | Date | null; idle_expires_at: string | Date | null }>(
  'session_sign_in',
  sql`with ${served}
    select row_to_json(pt) as partnership, s.person_id, s.expires_at, s.idle_expires_at, ${personColumns}
    from pt left join auth_sessions s on s.id = ${sql.placeholder('id')}
    left join people p on p.id = s.person_id and ${personOf(sql`pt.id`)}`,
);
const apiTokenSignIn = sqlBuiltOnce<PersonRow & { partnership: unknown; token_id: string | null; last_use_due: boolean | null }>(
  'api_token_sign_in',
  sql`with ${served}, token as (
      select ${apiTokens.id} as id, ${apiTokens.personId} as person_id, ${apiTokens.lastUsedAt} as last_used_at from ${apiTokens}
      where ${and(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')), eq(apiTokens.partnershipId, sql`(select id from pt)`), liveToken(sql.placeholder('now')))}
    )
    select row_to_json(pt) as partnership, token.id as token_id,
      (token.last_used_at is null or token.last_used_at <= ${sql.placeholder('lastUsedBefore')}::timestamptz) as last_use_due, ${personColumns}
    from pt left join token on true left join people p on p.id = token.person_id and ${personOf(sql`pt.id`)}`,
);
const signedInPerson = (row: PersonRow): SignedInPerson | undefined =>
  row.id ? { id: row.id, name: row.name, email: row.email, organisationId: row.organisation_id, roles: (row.roles ? row.roles.split(',') : []) as Role[] } : undefined;

export async function endSession(db: Database, sessionId: string) {
  await db.delete(authSessions).where(eq(authSessions.id, sessionId));
}

/** The person as a valid credential signs them in, with their roles (see `personOf`). */
export async function loadSignedInPerson(db: Database, personId: string, partnershipId: string): Promise<SignedInPerson | undefined> {
  const [row] = rowsOf<PersonRow>(await db.execute(sql`select ${personColumns} from people p where p.id = ${personId} and ${personOf(partnershipId)}`));
  return row && signedInPerson(row);
}
