import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/database';
import { auditLog, competencyFrameworks, organisations, outbox, people, personRoles, ROLES, signInTokens, workforceGroups, type Role } from '../../db/schema';
import { audit, type AuditAction } from '../audit/log';
import { DAY, MINUTE } from '../shared/clock';
import { invalid, rateLimited } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import { generateToken, hashToken } from '../shared/tokens';
import { nameText } from '../shared/input';
import { hitRateLimit } from './rate-limit';
import { emailField, isOwnAddress, normaliseEmail, OWN_ADDRESS } from './people';
import { MANAGER_LINK_DAYS, managerRequestMail, mayMailManager, tooMany } from './line-manager';
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
 *
 * Both cases do the same work, so the time taken does not tell whether the email has an
 * account: the same checks, then one statement that makes the person if the email is free
 * (with their role, audit entries and the manager's email), finds them otherwise, and stores a
 * sign-in link and queues its email for whichever it is. Nothing is sent to an erased person's
 * placeholder address.
 */
export async function register(s: ServiceContext, input: PersonInput, address: string | undefined, next?: string): Promise<void> {
  await limitSignIn(s, input.email, address);
  const email = normaliseEmail(input.email);
  const manager = input.lineManagerEmail ? normaliseEmail(input.lineManagerEmail) : null;
  if (manager && isOwnAddress(email, manager)) throw invalid({ lineManagerEmail: OWN_ADDRESS });
  const now = s.clock.now();
  const at = (d: Date) => sql`${d.toISOString()}::timestamptz`; // postgres.js does not serialise Date inside sql``
  const token = generateToken();
  const managerToken = generateToken();
  const managerExpiresAt = new Date(now.getTime() + MANAGER_LINK_DAYS * DAY);
  const managerMail = managerRequestMail(s, input, manager ?? '', managerToken, managerExpiresAt);
  const [beforeIntro, afterIntro] = signInMailText(s, '\u0000', token, next).split('\u0000');
  const partnershipId = s.partnership.id;
  await s.db.transaction(async (tx) => {
    await checkReferences(tx, partnershipId, input);
    // Counted whichever the case, so that too takes the same time.
    if (manager && !(await mayMailManager(tx, s, manager))) throw tooMany();
    await tx.execute(sql`
      with made as (
        insert into ${people} (partnership_id, name, email, organisation_id, job_title, workforce_group_id, pending_line_manager_email, pending_manager_token_hash, pending_manager_expires_at)
        values (${partnershipId}, ${input.name}, ${email}, ${input.organisationId}, ${input.jobTitle}, ${input.workforceGroupId}, ${manager}::text,
          case when ${manager}::text is null then null else ${hashToken(managerToken)} end, case when ${manager}::text is null then null else ${at(managerExpiresAt)} end)
        on conflict (partnership_id, email) do nothing
        returning id, email
      ), known as (
        select id, name, email from ${people} where partnership_id = ${partnershipId} and email = ${email} and erased_at is null
      ), roles as (
        insert into ${personRoles} (person_id, role) select id, ${'practitioner' satisfies Role} from made
      ), audited as (
        insert into ${auditLog} (partnership_id, actor_id, action, subject_type, subject_id, detail)
        select ${partnershipId}::uuid, null, ${'person.created' satisfies AuditAction}, 'person', id::text, ${JSON.stringify({ roles: ['practitioner'] })}::jsonb from made
        union all
        select ${partnershipId}::uuid, id, ${'person.line-manager.proposed' satisfies AuditAction}, 'person', id::text, jsonb_build_object('email', ${manager}::text) from made where ${manager}::text is not null
      ), manager_mail as (
        insert into ${outbox} (partnership_id, "to", subject, text, clear_after_sending, created_at, next_attempt_at)
        select ${partnershipId}::uuid, ${manager}::text, ${managerMail.subject}, ${managerMail.text}, true, ${at(now)}, ${at(now)} from made where ${manager}::text is not null
      ), recipient as (
        select id, email, ${`Hello ${input.name},\n\nThank you for registering for ${s.partnership.name} training.`} as intro from made
        union all
        select id, email, 'Hello ' || name || ${',\n\nSomeone tried to register with this email address, but you already have an account.'} from known
      ), link as (
        insert into ${signInTokens} (token_hash, person_id, created_at, expires_at)
        select ${hashToken(token)}, id, ${at(now)}, ${at(new Date(now.getTime() + s.config.signInLinkMinutes * MINUTE))} from recipient
      )
      insert into ${outbox} (partnership_id, "to", subject, text, clear_after_sending, created_at, next_attempt_at)
      select ${partnershipId}::uuid, email, ${signInSubject(s)}, ${beforeIntro} || intro || ${afterIntro}, true, ${at(now)}, ${at(now)} from recipient`);
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
  // The retention policy counts a person's last sign-in as activity.
  await s.db.update(people).set({ lastSignedInAt: now }).where(eq(people.id, used.personId));
  return createSession(s.db, used.personId, now, sessionPolicy(s.config));
}
