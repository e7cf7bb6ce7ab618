// A person's line manager's address, which approves places and answers the three-month survey.
// An address the person gives is kept aside, unused, until the manager confirms it from an
// emailed link (decision 0015); a coordinator's address (the people import) is used at once.
// The person's own address is refused either way, and so is a confirmation from the person's
// own signed-in browser. Emails asking one address to act as a manager are rate-limited.
import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/database';
import { people } from '../../db/schema';
import { audit, auditChange } from '../audit/log';
import { queueMail } from '../mail/outbox';
import { DAY } from '../shared/clock';
import { formatDate } from '../shared/dates';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { DomainError, forbidden, invalid, notFound } from '../shared/errors';
import { generateToken, hashToken } from '../shared/tokens';
import { hitRateLimit } from './rate-limit';
import { emailField, isOwnAddress, normaliseEmail, OWN_ADDRESS } from './people';

/** How long a manager's confirmation link works. */
export const MANAGER_LINK_DAYS = 14;
/** Emails a day asking one address to act as someone's manager (confirm an address, approve a place). */
export const MANAGER_MAILS_PER_DAY = 10;
/** No address waiting for a manager's confirmation, nor its link. */
export const NO_PENDING_MANAGER = { pendingLineManagerEmail: null, pendingManagerTokenHash: null, pendingManagerExpiresAt: null };

export const lineManagerInput = z.object({ lineManagerEmail: emailField });

/**
 * Counts one more email asking `address` to act as a manager, and says whether it may go:
 * nobody can use the service to flood an address with requests.
 */
export function mayMailManager(tx: Executor, s: Pick<ServiceContext, 'clock'>, address: string): Promise<boolean> {
  return hitRateLimit(tx, `manager-mail:${normaliseEmail(address)}`, MANAGER_MAILS_PER_DAY, DAY, s.clock.now());
}

export const tooMany = () =>
  new DomainError('rate_limited', 'We have sent that address too many requests today', {
    lineManagerEmail: 'We have sent that address too many requests today. Try again tomorrow.',
  });

interface Proposer {
  id: string;
  name: string;
  email: string;
  jobTitle: string;
}

/**
 * Keeps `managerEmail` aside for the person and emails the manager a link to confirm it; the
 * caller owns the transaction. The address in use stays as it was until the manager confirms.
 */
export async function proposeLineManager(tx: Executor, s: ServiceContext, person: Proposer, managerEmail: string) {
  const address = normaliseEmail(managerEmail);
  if (isOwnAddress(person.email, address)) throw invalid({ lineManagerEmail: OWN_ADDRESS });
  if (!(await mayMailManager(tx, s, address))) throw tooMany();
  const now = s.clock.now();
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + MANAGER_LINK_DAYS * DAY);
  await tx
    .update(people)
    .set({ pendingLineManagerEmail: address, pendingManagerTokenHash: hashToken(token), pendingManagerExpiresAt: expiresAt })
    .where(eq(people.id, person.id));
  await queueMail(tx, { partnershipId: s.partnership.id, now }, managerRequestMail(s, person, address, token, expiresAt));
  await audit(tx, { partnershipId: s.partnership.id, actorId: s.actor?.id ?? person.id, action: 'person.line-manager.proposed', subjectType: 'person', subjectId: person.id, detail: { email: address }, at: s.clock.now() });
}

/** The email asking `address` to confirm they are the person's line manager, with the link for `token`. */
export function managerRequestMail(s: Pick<ServiceContext, 'config' | 'partnership'>, person: Pick<Proposer, 'name' | 'jobTitle'>, address: string, token: string, expiresAt: Date) {
  return {
    to: address,
    subject: `Are you ${person.name}’s line manager?`,
    text: [
      'Hello,',
      '',
      `${person.name} (${person.jobTitle}) gave this address as their line manager’s for ${s.partnership.shortName} safeguarding training.`,
      'Their line manager approves their places on some courses and is asked, three months after a course, whether their practice changed.',
      '',
      `If you are their line manager, confirm it here: ${s.config.baseUrl}/line-manager/${token}`,
      '',
      `The link works until ${formatDate(expiresAt)}. If you are not their line manager, ignore this email: the address will not be used.`,
      '',
      s.partnership.name,
    ].join('\n'),
    clearAfterSending: true,
  };
}

/** The person gives a new line manager's address from their account page. */
export async function changeMyLineManager(s: PersonalContext, managerEmail: string) {
  await s.db.transaction(async (tx) => {
    const [person] = await tx
      .select({ id: people.id, name: people.name, email: people.email, jobTitle: people.jobTitle })
      .from(people)
      .where(and(eq(people.id, s.actor.id), eq(people.partnershipId, s.partnership.id)));
    if (!person) throw notFound('Person');
    await proposeLineManager(tx, s, person, managerEmail);
  });
}

/** The person's line manager's address in use, and one waiting for confirmation. */
export async function myLineManager(s: PersonalContext) {
  const [row] = await s.db
    .select({ confirmed: people.lineManagerEmail, pending: people.pendingLineManagerEmail, pendingUntil: people.pendingManagerExpiresAt })
    .from(people)
    .where(eq(people.id, s.actor.id));
  const now = s.clock.now();
  const waiting = row?.pending && row.pendingUntil && row.pendingUntil > now ? { email: row.pending, until: row.pendingUntil } : undefined;
  return { confirmed: row?.confirmed ?? undefined, waiting };
}

/** The request a manager's link leads to, while it works. */
export async function findManagerRequest(s: ServiceContext, token: string) {
  const [row] = await s.db
    .select({ id: people.id, name: people.name, jobTitle: people.jobTitle, email: people.pendingLineManagerEmail })
    .from(people)
    .where(and(eq(people.pendingManagerTokenHash, hashToken(token)), eq(people.partnershipId, s.partnership.id), gt(people.pendingManagerExpiresAt, s.clock.now())));
  return row?.email ? { ...row, email: row.email } : undefined;
}

/**
 * The manager confirms from their link: the address comes into use and the link stops working.
 * Refused from the person's own signed-in browser: nobody confirms themselves as their manager.
 */
export async function confirmLineManager(s: ServiceContext, token: string) {
  const found = await findManagerRequest(s, token);
  if (!found) throw notFound('Request');
  if (s.actor?.id === found.id) throw forbidden('Only your line manager can confirm their address, from the link we emailed them');
  return s.db.transaction(async (tx) => {
    const [done] = await tx
      .update(people)
      .set({ lineManagerEmail: found.email, ...NO_PENDING_MANAGER })
      .where(and(eq(people.id, found.id), eq(people.pendingManagerTokenHash, hashToken(token))))
      .returning({ id: people.id });
    if (!done) throw notFound('Request');
    await audit(tx, { partnershipId: s.partnership.id, actorId: s.actor?.id ?? null, action: 'person.line-manager.confirmed', subjectType: 'person', subjectId: found.id, detail: { email: found.email }, at: s.clock.now() });
    return found;
  });
}

/** A coordinator sets a person's line manager's address, in use at once (never the person's own). */
export async function setLineManager(s: ServiceContext, personId: string, managerEmail: string) {
  if (!s.actor?.roles.includes('coordinator')) throw forbidden('Only a coordinator can set a line manager’s address');
  const address = normaliseEmail(managerEmail);
  await s.db.transaction(async (tx) => {
    const [person] = await tx.select({ email: people.email }).from(people).where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id)));
    if (!person) throw notFound('Person');
    if (isOwnAddress(person.email, address)) throw invalid({ lineManagerEmail: 'Enter their line manager’s email address, not their own' });
    await tx
      .update(people)
      .set({ lineManagerEmail: address, ...NO_PENDING_MANAGER })
      .where(eq(people.id, personId));
    await auditChange(tx, s, 'person.line-manager.set', 'person', personId, { email: address });
  });
}
