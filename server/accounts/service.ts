import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/database';
import { competencyFrameworks, organisations, people, personRoles, ROLES, signInTokens, workforceGroups, type Role } from '../../db/schema';
import { audit } from '../audit/log';
import { MINUTE } from '../shared/clock';
import { invalid, rateLimited } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import { queueMail } from '../mail/outbox';
import { generateToken, hashToken } from '../shared/tokens';
import { nameText } from '../shared/input';
import { hitRateLimit } from './rate-limit';
import { findPersonByEmail, normaliseEmail } from './people';
import { createSession, sessionPolicy } from './sessions';

export const emailField = z
  .string('Enter an email address')
  .trim()
  .min(1, 'Enter an email address')
  .pipe(z.email('Enter an email address in the correct format, like name@example.com').max(254));
const optionalEmail = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.email('Enter the line manager’s email address in the correct format, like name@example.com').optional());

export const personInput = z.object({
  name: nameText('Enter your full name', 200, 'Your name must be 200 characters or fewer'),
  email: emailField,
  organisationId: z.uuid('Select your organisation'),
  jobTitle: nameText('Enter your job title', 200, 'Your job title must be 200 characters or fewer'),
  workforceGroupId: z.uuid('Select your workforce group'),
  lineManagerEmail: optionalEmail,
});
export type PersonInput = z.infer<typeof personInput>;

export const signInInput = z.object({ email: emailField, next: z.string().optional() });

export const roleField = z.enum(ROLES, 'Select a role');

/**
 * Checks that the organisation belongs to the partnership and the workforce group to its current
 * framework version: not a draft's (which may yet change or go) nor an earlier version's.
 */
async function checkReferences(db: Executor, partnershipId: string, input: Pick<PersonInput, 'organisationId' | 'workforceGroupId'>) {
  const [org] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.id, input.organisationId), eq(organisations.partnershipId, partnershipId), eq(organisations.active, true)));
  const [group] = await db
    .select({ id: workforceGroups.id })
    .from(workforceGroups)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId))
    .where(and(eq(workforceGroups.id, input.workforceGroupId), eq(workforceGroups.partnershipId, partnershipId), eq(competencyFrameworks.current, true)));
  const errors: Record<string, string> = {};
  if (!org) errors.organisationId = 'Select your organisation';
  if (!group) errors.workforceGroupId = 'Select your workforce group';
  if (Object.keys(errors).length) throw invalid(errors);
}

/** Creates a person with roles; the caller owns the transaction. */
export async function createPerson(
  tx: Executor,
  partnershipId: string,
  input: PersonInput,
  roles: readonly Role[],
  actorId: string | null,
): Promise<string> {
  await checkReferences(tx, partnershipId, input);
  const [person] = await tx
    .insert(people)
    .values({ partnershipId, ...input, email: normaliseEmail(input.email), lineManagerEmail: input.lineManagerEmail ?? null })
    .returning({ id: people.id });
  const allRoles = [...new Set<Role>(['practitioner', ...roles])];
  await tx.insert(personRoles).values(allRoles.map((role) => ({ personId: person.id, role })));
  await audit(tx, { partnershipId, actorId, action: 'person.created', subjectType: 'person', subjectId: person.id, detail: { roles: allRoles } });
  return person.id;
}

/** A path on this site to return to after signing in; anything else is dropped. */
export function safeNext(next: string | undefined): string | undefined {
  return next && /^\/(?![/\\])[\w\-/?=&%.]*$/.test(next) && next.length <= 200 ? next : undefined;
}

async function queueSignInLink(tx: Executor, s: ServiceContext, personId: string, email: string, intro: string, next?: string) {
  const token = generateToken();
  const now = s.clock.now();
  await tx.insert(signInTokens).values({ tokenHash: hashToken(token), personId, createdAt: now, expiresAt: new Date(now.getTime() + s.config.signInLinkMinutes * MINUTE) });
  await queueMail(tx, { partnershipId: s.partnership.id, now }, {
    to: email,
    subject: `Your sign-in link for ${s.partnership.shortName} safeguarding training`,
    text: [
      intro,
      '',
      'Use this link to sign in:',
      `${s.config.baseUrl}/sign-in/link?token=${token}${safeNext(next) ? `&next=${encodeURIComponent(next!)}` : ''}`,
      '',
      `The link works once and stops working after ${s.config.signInLinkMinutes} minutes.`,
      'If you did not ask to sign in, you can ignore this email: nobody can sign in without the link.',
      '',
      s.partnership.name,
    ].join('\n'),
    clearAfterSending: true,
  });
}

async function limitSignIn(s: ServiceContext, email: string, address: string | undefined) {
  const windowMs = s.config.signInLimitWindowMinutes * MINUTE;
  const now = s.clock.now();
  const byEmail = await hitRateLimit(s.db, `sign-in:email:${normaliseEmail(email)}`, s.config.signInLimitPerEmail, windowMs, now);
  const byAddress = address ? await hitRateLimit(s.db, `sign-in:address:${address}`, s.config.signInLimitPerAddress, windowMs, now) : true;
  if (!byEmail || !byAddress) {
    throw rateLimited(`Too many sign-in requests. Wait ${s.config.signInLimitWindowMinutes} minutes and try again.`);
  }
}

/**
 * Emails a sign-in link if the email belongs to someone. The caller shows the same
 * page either way, so the answer never tells whether an account exists.
 */
export async function requestSignIn(s: ServiceContext, email: string, address: string | undefined, next?: string): Promise<void> {
  await limitSignIn(s, email, address);
  const person = await findPersonByEmail(s.db, s.partnership.id, email);
  if (!person) return;
  await s.db.transaction((tx) => queueSignInLink(tx, s, person.id, person.email, `Hello ${person.name},`, next));
}

/**
 * Registers a practitioner and emails a sign-in link. An email that already has an
 * account gets a sign-in link instead, and the page says the same thing.
 */
export async function register(s: ServiceContext, input: PersonInput, address: string | undefined, next?: string): Promise<void> {
  await limitSignIn(s, input.email, address);
  await s.db.transaction(async (tx) => {
    const existing = await findPersonByEmail(tx, s.partnership.id, input.email);
    if (existing) {
      await queueSignInLink(tx, s, existing.id, existing.email, `Hello ${existing.name},\n\nSomeone tried to register with this email address, but you already have an account.`, next);
      return;
    }
    const personId = await createPerson(tx, s.partnership.id, input, [], null);
    await queueSignInLink(tx, s, personId, normaliseEmail(input.email), `Hello ${input.name},\n\nThank you for registering for ${s.partnership.name} training.`, next);
  });
}

/** Uses a sign-in link (once, before it expires) and starts a session. */
export async function signInWithLink(s: Pick<ServiceContext, 'db' | 'clock' | 'config'>, token: string) {
  const now = s.clock.now();
  const [used] = await s.db
    .update(signInTokens)
    .set({ usedAt: now })
    .where(and(eq(signInTokens.tokenHash, hashToken(token)), isNull(signInTokens.usedAt), gt(signInTokens.expiresAt, now)))
    .returning({ personId: signInTokens.personId });
  if (!used) return null;
  return createSession(s.db, used.personId, now, sessionPolicy(s.config));
}
