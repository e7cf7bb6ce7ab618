import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/database';
import { competencyFrameworks, organisations, outbox, people, personRoles, ROLES, signInTokens, workforceGroups, type Role } from '../../db/schema';
import { audit } from '../audit/log';
import { MINUTE } from '../shared/clock';
import { invalid, rateLimited } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import { queueMail } from '../mail/outbox';
import { generateToken, hashToken } from '../shared/tokens';
import { nameText } from '../shared/input';
import { hitRateLimit } from './rate-limit';
import { emailField, findPersonByEmail, isOwnAddress, normaliseEmail, OWN_ADDRESS } from './people';
import { proposeLineManager } from './line-manager';
import { createSession, sessionPolicy } from './sessions';

const optionalEmail = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.email('Enter the line manager’s email address in the correct format, like name@example.com').optional());

export const personInput = z
  .object({
    name: nameText('Enter your full name', 200, 'Your name must be 200 characters or fewer'),
    email: emailField,
    organisationId: z.uuid('Select your organisation'),
    jobTitle: nameText('Enter your job title', 200, 'Your job title must be 200 characters or fewer'),
    workforceGroupId: z.uuid('Select your workforce group'),
    lineManagerEmail: optionalEmail,
  })
  .refine((p) => !isOwnAddress(p.email, p.lineManagerEmail), { path: ['lineManagerEmail'], message: OWN_ADDRESS });
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
  input: Omit<PersonInput, 'lineManagerEmail'> & { lineManagerEmail?: string },
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

/** The sign-in email's text, greeting first. */
function signInMailText(s: ServiceContext, intro: string, token: string, next?: string) {
  return [
    intro,
    '',
    'Use this link to sign in:',
    `${s.config.baseUrl}/sign-in/link?token=${token}${safeNext(next) ? `&next=${encodeURIComponent(next!)}` : ''}`,
    '',
    `The link works once and stops working after ${s.config.signInLinkMinutes} minutes.`,
    'If you did not ask to sign in, you can ignore this email: nobody can sign in without the link.',
    '',
    s.partnership.name,
  ].join('\n');
}

const signInSubject = (s: ServiceContext) => `Your sign-in link for ${s.partnership.shortName} safeguarding training`;

async function queueSignInLink(tx: Executor, s: ServiceContext, personId: string, email: string, intro: string, next?: string) {
  const token = generateToken();
  const now = s.clock.now();
  await tx.insert(signInTokens).values({ tokenHash: hashToken(token), personId, createdAt: now, expiresAt: new Date(now.getTime() + s.config.signInLinkMinutes * MINUTE) });
  await queueMail(tx, { partnershipId: s.partnership.id, now }, { to: email, subject: signInSubject(s), text: signInMailText(s, intro, token, next), clearAfterSending: true });
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
 * Emails a sign-in link if the email belongs to someone. The caller shows the same page either
 * way, and the work is the same too: one statement finds the person, stores the link's hash and
 * queues the email, writing nothing when nobody has the email, so neither the answer nor its
 * time tells whether an account exists.
 */
export async function requestSignIn(s: ServiceContext, email: string, address: string | undefined, next?: string): Promise<void> {
  await limitSignIn(s, email, address);
  const token = generateToken();
  const now = s.clock.now();
  const at = (d: Date) => sql`${d.toISOString()}::timestamptz`; // postgres.js does not serialise Date inside sql``
  // The greeting holds the person's name, which only the database knows here.
  const [beforeName, afterName] = signInMailText(s, 'Hello \u0000,', token, next).split('\u0000');
  await s.db.execute(sql`
    with person as (
      select ${people.id} as id, ${people.name} as name, ${people.email} as email from ${people}
      where ${people.partnershipId} = ${s.partnership.id} and ${people.email} = ${normaliseEmail(email)} and ${people.erasedAt} is null
    ), link as (
      insert into ${signInTokens} (token_hash, person_id, created_at, expires_at)
      select ${hashToken(token)}, id, ${at(now)}, ${at(new Date(now.getTime() + s.config.signInLinkMinutes * MINUTE))} from person
    )
    insert into ${outbox} (partnership_id, "to", subject, text, clear_after_sending, created_at, next_attempt_at)
    select ${s.partnership.id}, email, ${signInSubject(s)}, ${beforeName} || name || ${afterName}, true, ${at(now)}, ${at(now)} from person`);
}

/**
 * Registers a practitioner and emails a sign-in link. An email that already has an
 * account gets a sign-in link instead, and the page says the same thing. A line manager's
 * address given here waits for the manager to confirm it (decision 0015).
 */
export async function register(s: ServiceContext, input: PersonInput, address: string | undefined, next?: string): Promise<void> {
  await limitSignIn(s, input.email, address);
  await s.db.transaction(async (tx) => {
    const existing = await findPersonByEmail(tx, s.partnership.id, input.email);
    if (existing) {
      if (existing.erasedAt) return; // an erased person's placeholder address reaches nobody
      await queueSignInLink(tx, s, existing.id, existing.email, `Hello ${existing.name},\n\nSomeone tried to register with this email address, but you already have an account.`, next);
      return;
    }
    const { lineManagerEmail, ...person } = input;
    const personId = await createPerson(tx, s.partnership.id, person, [], null);
    if (lineManagerEmail) await proposeLineManager(tx, s, { id: personId, ...person, email: normaliseEmail(input.email) }, lineManagerEmail);
    await queueSignInLink(tx, s, personId, normaliseEmail(input.email), `Hello ${input.name},\n\nThank you for registering for ${s.partnership.name} training.`, next);
  });
}

/** Uses a sign-in link (once, before it expires) and starts a session. */
export async function signInWithLink(s: Pick<ServiceContext, 'db' | 'clock' | 'config' | 'partnership'>, token: string) {
  const now = s.clock.now();
  // A link works only in the partnership its person belongs to: elsewhere it is not valid, and stays unused.
  const ofThisPartnership = s.db.select({ id: people.id }).from(people).where(eq(people.partnershipId, s.partnership.id));
  const [used] = await s.db
    .update(signInTokens)
    .set({ usedAt: now })
    .where(and(eq(signInTokens.tokenHash, hashToken(token)), isNull(signInTokens.usedAt), gt(signInTokens.expiresAt, now), inArray(signInTokens.personId, ofThisPartnership)))
    .returning({ personId: signInTokens.personId });
  if (!used) return null;
  return createSession(s.db, used.personId, now, sessionPolicy(s.config));
}
