// Erasing a person: their identity goes, their records stay as anonymous rows, so every figure
// counted from bookings, attendance, feedback ratings and survey answers is what it was.
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { NO_PENDING_MANAGER } from './line-manager';
import {
  apiTokens,
  auditLog,
  authSessions,
  bookingApprovals,
  bookings,
  competencyConfirmationRequests,
  competencyConfirmations,
  erasureRequests,
  feedback,
  followUpSurveys,
  impactResponses,
  managerResponses,
  outbox,
  people,
  personRoles,
  rateLimits,
  signInTokens,
  workforceGroupRequests,
} from '../../db/schema';
import { auditChange } from '../audit/log';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { conflict, invalid, notFound } from '../shared/errors';

export const ERASED_NAME = 'Erased person';
/** A unique address no mail can reach (`.invalid` is reserved, RFC 2606). */
export const erasedEmail = (personId: string) => `erased-${personId}@erased.invalid`;
/** Stands in for a line manager's address kept on an erased person's records. */
const ERASED_ADDRESS = 'erased@erased.invalid';

/** The coordinator's view of a person before erasing them: what goes and what stays. */
export async function erasureCandidate(s: ServiceContext, personId: string) {
  const [person] = await s.db
    .select({ id: people.id, name: people.name, email: people.email, erasedAt: people.erasedAt })
    .from(people)
    .where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id)));
  if (!person) throw notFound('Person');
  const [{ bookingCount }] = await s.db.select({ bookingCount: sql<number>`count(*)::int` }).from(bookings).where(eq(bookings.personId, personId));
  return { ...person, bookingCount };
}

/**
 * Erases a person in one transaction: name, email and job title replaced by a placeholder; line
 * manager addresses, sessions, API tokens, sign-in links, pending tokens, sign-in rate-limit rows
 * and mail to or about them removed; free text they wrote (or a manager wrote about them)
 * cleared. Bookings, attendance, ratings and answers stay, with their organisation and workforce
 * group, so the figures do not move. Audited without any personal data.
 */
export async function erasePerson(s: PersonalContext, personId: string): Promise<void> {
  if (personId === s.actor.id) throw invalid({ confirm: 'You cannot erase yourself. Ask another coordinator to do it.' });
  await s.db.transaction(async (tx) => {
    const [person] = await tx
      .select({ id: people.id, name: people.name, email: people.email, erasedAt: people.erasedAt })
      .from(people)
      .where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id)))
      .for('update');
    if (!person) throw notFound('Person');
    if (person.erasedAt) throw conflict('This person has already been erased');
    await anonymisePerson(tx, s, person);
  });
}

/**
 * The erasure itself, inside the caller's transaction, for a person the caller has locked and
 * found not yet erased: by a coordinator (erasePerson) or by the retention job, whose context
 * has no actor. `detail` goes into the audit entry (never anything personal).
 */
export async function anonymisePerson(tx: Executor, s: ServiceContext, person: { id: string; name: string; email: string }, detail: Record<string, unknown> = {}) {
  const now = s.clock.now();

  await tx
    .update(people)
    .set({
      name: ERASED_NAME,
      email: erasedEmail(person.id),
      jobTitle: '',
      lineManagerEmail: null,
      ...NO_PENDING_MANAGER,
      erasedAt: now,
    })
    .where(eq(people.id, person.id));
  await tx.delete(personRoles).where(eq(personRoles.personId, person.id));
  await tx.delete(authSessions).where(eq(authSessions.personId, person.id));
  await tx.delete(signInTokens).where(eq(signInTokens.personId, person.id));
  await tx.delete(apiTokens).where(eq(apiTokens.personId, person.id));
  await tx.delete(rateLimits).where(eq(rateLimits.key, `sign-in:email:${person.email}`));
  await eraseMail(tx, s.partnership.id, person);

  // Free text about them; ratings and answers stay.
  const theirBookings = tx.select({ id: bookings.id }).from(bookings).where(eq(bookings.personId, person.id));
  const theirSurveys = tx.select({ id: followUpSurveys.id }).from(followUpSurveys).where(inArray(followUpSurveys.bookingId, theirBookings));
  await tx.update(feedback).set({ willDoDifferently: '', comments: '' }).where(inArray(feedback.bookingId, theirBookings));
  await tx
    .update(impactResponses)
    .set({ practiceChangeHow: '', outcomeExample: '', sharedHow: '', barriers: '', quotationConsent: false, featuredAt: null, featuredBy: null })
    .where(inArray(impactResponses.surveyId, theirSurveys));
  await tx.update(managerResponses).set({ example: '' }).where(inArray(managerResponses.surveyId, theirSurveys));
  await tx.update(followUpSurveys).set({ managerEmail: ERASED_ADDRESS }).where(and(inArray(followUpSurveys.id, theirSurveys), eq(followUpSurveys.respondent, 'manager')));
  await tx.update(bookingApprovals).set({ managerEmail: ERASED_ADDRESS }).where(inArray(bookingApprovals.bookingId, theirBookings));
  await tx.update(competencyConfirmations).set({ confirmedByEmail: ERASED_ADDRESS, note: '' }).where(eq(competencyConfirmations.personId, person.id));
  await tx.delete(competencyConfirmationRequests).where(eq(competencyConfirmationRequests.personId, person.id));
  await tx.update(workforceGroupRequests).set({ reason: '', declineReason: '' }).where(eq(workforceGroupRequests.personId, person.id));

  // Addresses in the audit entries about them; the entries themselves stay.
  const theirConfirmations = tx.select({ id: sql<string>`${competencyConfirmations.id}::text` }).from(competencyConfirmations).where(eq(competencyConfirmations.personId, person.id));
  await tx
    .update(auditLog)
    .set({ detail: sql`${auditLog.detail} - 'email' - 'managerEmail' - 'confirmedByEmail'` })
    .where(
      and(
        eq(auditLog.partnershipId, s.partnership.id),
        or(
          and(eq(auditLog.subjectType, 'person'), eq(auditLog.subjectId, person.id)),
          and(eq(auditLog.subjectType, 'booking'), inArray(auditLog.subjectId, tx.select({ id: sql<string>`${bookings.id}::text` }).from(bookings).where(eq(bookings.personId, person.id)))),
          and(eq(auditLog.subjectType, 'competency confirmation'), inArray(auditLog.subjectId, theirConfirmations)),
        ),
      ),
    );
  await tx.update(erasureRequests).set({ closedAt: now }).where(and(eq(erasureRequests.personId, person.id), isNull(erasureRequests.closedAt)));
  await auditChange(tx, s, 'person.erased', 'person', person.id, detail);
}

/**
 * Mail to them goes, sent or not. Mail that names them to someone else goes too while unsent
 * (it was about a person who is no more); once sent, only its record stays, without the text.
 */
async function eraseMail(tx: Executor, partnershipId: string, person: { name: string; email: string }) {
  // The name as a whole word, so erasing "Sam Lee" leaves mail about "Sam Leeson" alone.
  const wholeName = `(^|[^[:alnum:]])${person.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^[:alnum:]])`;
  const mentions = (column: typeof outbox.subject | typeof outbox.text) => or(sql`${column} ~ ${wholeName}`, sql`strpos(lower(${column}), ${person.email}) > 0`);
  const inPartnership = eq(outbox.partnershipId, partnershipId);
  await tx.delete(outbox).where(and(inPartnership, or(eq(outbox.to, person.email), and(eq(outbox.status, 'pending'), or(mentions(outbox.subject), mentions(outbox.text))))));
  await tx
    .update(outbox)
    .set({ to: ERASED_ADDRESS, subject: 'Removed when a person was erased', text: '' })
    .where(and(inPartnership, or(mentions(outbox.subject), mentions(outbox.text))));
}

/** A person's own request to be erased, for a coordinator to act on; asking twice keeps one request. */
export async function requestErasure(s: PersonalContext): Promise<void> {
  await s.db.transaction(async (tx) => {
    const [made] = await tx
      .insert(erasureRequests)
      .values({ partnershipId: s.partnership.id, personId: s.actor.id, requestedAt: s.clock.now() })
      .onConflictDoNothing()
      .returning({ id: erasureRequests.id });
    if (made) await auditChange(tx, s, 'person.erasure-requested', 'person', s.actor.id);
  });
}

/** Whether the signed-in person has asked to be erased and is waiting. */
export async function myErasureRequest(s: PersonalContext) {
  const [open] = await s.db
    .select({ requestedAt: erasureRequests.requestedAt })
    .from(erasureRequests)
    .where(and(eq(erasureRequests.personId, s.actor.id), isNull(erasureRequests.closedAt)));
  return open;
}

/** Open requests to be erased, oldest first, for the coordinator's people page. */
export async function openErasureRequests(s: ServiceContext) {
  return s.db
    .select({ personId: people.id, name: people.name, email: people.email, requestedAt: erasureRequests.requestedAt })
    .from(erasureRequests)
    .innerJoin(people, eq(people.id, erasureRequests.personId))
    .where(and(eq(erasureRequests.partnershipId, s.partnership.id), isNull(erasureRequests.closedAt)))
    .orderBy(erasureRequests.requestedAt);
}
