import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { apiTokens, authSessions } from '../../db/schema';
import { DAY } from '../shared/clock';
import { liveToken } from './sessions';
import { auditChange } from '../audit/log';
import { notFound } from '../shared/errors';
import type { PersonalContext } from '../shared/context';
import { generateToken, hashToken } from '../shared/tokens';

/** How long a new token may work, in days; blank for until it is revoked. */
export const TOKEN_LIFETIMES = ['30', '90', '365'] as const;

export const apiTokenInput = z.object({
  name: z.string('Enter a name for the token').trim().min(1, 'Enter a name for the token').max(100, 'The name must be 100 characters or fewer'),
  expiresInDays: z
    .enum(['', ...TOKEN_LIFETIMES], 'Choose how long the token works')
    .optional()
    .transform((v) => (v ? Number(v) : undefined)),
});

/** Creates a personal API token, with an expiry if asked; the token itself is returned once and never stored. */
export async function createApiToken(s: PersonalContext, name: string, expiresInDays?: number) {
  const token = `sct_${generateToken()}`;
  const now = s.clock.now();
  const expiresAt = expiresInDays ? new Date(now.getTime() + expiresInDays * DAY) : null;
  await s.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ partnershipId: s.partnership.id, personId: s.actor.id, name, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdAt: now, expiresAt })
      .returning({ id: apiTokens.id });
    await auditChange(tx, s, 'api-token.created', 'api-token', row.id, { name, expiresAt: expiresAt?.toISOString() ?? null });
  });
  return token;
}

/** The actor's working tokens, newest first, with when each was last used and when it expires. */
export async function listApiTokens(s: PersonalContext) {
  return s.db
    .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, expiresAt: apiTokens.expiresAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.personId, s.actor.id), liveToken(s.clock.now())))
    .orderBy(desc(apiTokens.createdAt));
}

/** "Sign out on all devices": every session of the actor ends and every API token is revoked, together. */
export async function signOutEverywhere(s: PersonalContext) {
  await s.db.transaction(async (tx) => {
    await tx.delete(authSessions).where(eq(authSessions.personId, s.actor.id));
    const revoked = await tx
      .update(apiTokens)
      .set({ revokedAt: s.clock.now() })
      .where(and(eq(apiTokens.personId, s.actor.id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    for (const { id } of revoked) await auditChange(tx, s, 'api-token.revoked', 'api-token', id, { signedOutEverywhere: true });
  });
}

/** Revokes one of the actor's own tokens. */
export async function revokeApiToken(s: PersonalContext, tokenId: string) {
  await s.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: s.clock.now() })
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.personId, s.actor.id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (!row) throw notFound('API token');
    await auditChange(tx, s, 'api-token.revoked', 'api-token', row.id);
  });
}
