import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { apiTokens } from '../../db/schema';
import { auditChange } from '../audit/log';
import { notFound } from '../shared/errors';
import type { PersonalContext } from '../shared/context';
import { generateToken, hashToken } from '../shared/tokens';

export const apiTokenInput = z.object({
  name: z.string('Enter a name for the token').trim().min(1, 'Enter a name for the token').max(100, 'The name must be 100 characters or fewer'),
});

/** Creates a personal API token; the token itself is returned once and never stored. */
export async function createApiToken(s: PersonalContext, name: string) {
  const token = `sct_${generateToken()}`;
  await s.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ partnershipId: s.partnership.id, personId: s.actor.id, name, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdAt: s.clock.now() })
      .returning({ id: apiTokens.id });
    await auditChange(tx, s, 'api-token.created', 'api-token', row.id, { name });
  });
  return token;
}

export async function listApiTokens(s: PersonalContext) {
  return s.db
    .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.personId, s.actor.id), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
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
