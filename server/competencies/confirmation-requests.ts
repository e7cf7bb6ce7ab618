// A practitioner asks their line manager, by an emailed link, to confirm that they apply a
// competency in practice (evidence from outside the prospectus: supervision, experience,
// training elsewhere). Only when the partnership takes such confirmations; only to the manager
// address on the person's account, never one typed with the request, so nobody can mail
// arbitrary addresses; one open request per person and competency. The link is 160 random bits
// kept only as a hash, works once and expires. Confirming records the confirmation through
// confirmCompetency, as the partnership acting on the link; declining is recorded too, and the
// person is told either way.
import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm';
import { competencies, competencyConfirmationRequests, competencyFrameworks, organisations, partnerships, people } from '../../db/schema';
import { isOwnAddress, normaliseEmail } from '../accounts/people';
import { auditChange } from '../audit/log';
import { listCompetencies } from '../catalogue/service';
import { queueMail } from '../mail/outbox';
import { DAY } from '../shared/clock';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { conflict, forbidden, invalid, isUniqueViolation, notFound } from '../shared/errors';
import { generateToken, hashToken } from '../shared/tokens';
import { competencyMail } from './messages';
import type { ConfirmationRequestInput, ManagerAnswerInput } from './schemas';
import { confirmCompetency, myCompetencyProfile } from './service';

/** How long a manager's link works: long enough to bring up at the next supervision. */
export const CONFIRMATION_LINK_DAYS = 30;

type Partnership = Pick<ServiceContext, 'partnership'>;
export const takesManagerConfirmations = (s: Partnership) => s.partnership.managerConfirmations;

/**
 * A coordinator turns confirmations by emailed link on or off, audited. Off, links already sent
 * stop working too: the setting is honoured wherever a request is made or answered.
 */
export async function setManagerConfirmations(s: ServiceContext, on: boolean) {
  if (!s.actor?.roles.includes('coordinator')) throw forbidden('Only a coordinator can change this setting');
  return s.db.transaction(async (tx) => {
    const [before] = await tx.select({ on: partnerships.managerConfirmations }).from(partnerships).where(eq(partnerships.id, s.partnership.id)).for('update');
    if (before.on === on) return on;
    await tx.update(partnerships).set({ managerConfirmations: on }).where(eq(partnerships.id, s.partnership.id));
    await auditChange(tx, s, 'partnership.manager-confirmations.changed', 'partnership', s.partnership.id, { before: before.on, after: on });
    return on;
  });
}

/** The setting off means the feature is not there at all: no page, no form, no request. */
function requireSetting(s: Partnership) {
  if (!takesManagerConfirmations(s)) throw notFound('Page');
}

async function requester(s: PersonalContext) {
  const [person] = await s.db
    .select({ id: people.id, name: people.name, email: people.email, jobTitle: people.jobTitle, lineManagerEmail: people.lineManagerEmail })
    .from(people)
    .where(and(eq(people.id, s.actor.id), eq(people.partnershipId, s.partnership.id)));
  if (!person) throw notFound('Person');
  return person;
}

/**
 * The address a request would go to, or why there is none. A person holds one account, so their
 * own address is the one a manager's must not be (promise 9: nobody confirms their own).
 */
function managerAddress(person: { email: string; lineManagerEmail: string | null }): { email: string } | { refusal: string } {
  const email = person.lineManagerEmail && normaliseEmail(person.lineManagerEmail);
  if (!email) return { refusal: 'Your account does not have your line manager’s email address, so we cannot ask them. Ask the partnership’s training coordinator to add it.' };
  if (isOwnAddress(person.email, email)) return { refusal: 'The line manager’s email address on your account is your own, and nobody can confirm their own competency. Ask the partnership’s training coordinator to put your line manager’s address on your account.' };
  return { email };
}

/** Not answered and not past its time: what a link needs to work, and what the person's list shows. */
const openAt = (now: Date) => and(isNull(competencyConfirmationRequests.decision), gt(competencyConfirmationRequests.expiresAt, now));

/** The person's requests still waiting for an answer, with the competency's code, soonest to expire first. */
export async function myOpenConfirmationRequests(s: PersonalContext) {
  return s.db
    .select({ id: competencyConfirmationRequests.id, competencyId: competencies.id, code: competencies.code, requestedAt: competencyConfirmationRequests.requestedAt, expiresAt: competencyConfirmationRequests.expiresAt })
    .from(competencyConfirmationRequests)
    .innerJoin(competencies, eq(competencies.id, competencyConfirmationRequests.competencyId))
    .where(and(eq(competencyConfirmationRequests.partnershipId, s.partnership.id), eq(competencyConfirmationRequests.personId, s.actor.id), openAt(s.clock.now())))
    .orderBy(asc(competencyConfirmationRequests.expiresAt));
}

/**
 * What the request form needs: where the request would go (or why it cannot), the person's
 * required competencies, and which of them already wait for an answer.
 */
export async function confirmationRequestForm(s: PersonalContext) {
  requireSetting(s);
  const [person, profile, open] = await Promise.all([requester(s), myCompetencyProfile(s), myOpenConfirmationRequests(s)]);
  const openIds = new Set(open.map((r) => r.competencyId));
  return {
    manager: managerAddress(person),
    competencies: profile.competencies.filter((c) => !openIds.has(c.id)),
    open,
  };
}

/** The person asks their recorded line manager to confirm one of their required competencies. */
export async function requestConfirmation(s: PersonalContext, input: ConfirmationRequestInput) {
  requireSetting(s);
  const [person, profile] = await Promise.all([requester(s), myCompetencyProfile(s)]);
  const manager = managerAddress(person);
  if ('refusal' in manager) throw conflict(manager.refusal);
  const competency = profile.competencies.find((c) => c.id === input.competencyId);
  if (!competency) throw invalid({ competencyId: 'Choose a competency your workforce group needs' });
  const now = s.clock.now();
  const token = generateToken();
  try {
    return await s.db.transaction(async (tx) => {
      // A request that expired unanswered stops being the open one, so the person can ask again.
      await tx
        .update(competencyConfirmationRequests)
        .set({ decision: 'lapsed', decidedAt: now })
        .where(and(eq(competencyConfirmationRequests.personId, person.id), eq(competencyConfirmationRequests.competencyId, competency.id), isNull(competencyConfirmationRequests.decision), lte(competencyConfirmationRequests.expiresAt, now)));
      const expiresAt = new Date(now.getTime() + CONFIRMATION_LINK_DAYS * DAY);
      const [request] = await tx
        .insert(competencyConfirmationRequests)
        .values({ partnershipId: s.partnership.id, personId: person.id, competencyId: competency.id, managerEmail: manager.email, note: input.note, tokenHash: hashToken(token), requestedAt: now, expiresAt })
        .returning();
      await queueMail(tx, { partnershipId: s.partnership.id, now }, competencyMail.confirmationRequest(s, manager.email, person, competency, input.note, token, expiresAt));
      await auditChange(tx, s, 'competency.confirmation-requested', 'competency confirmation request', request.id, { competencyId: competency.id, managerEmail: manager.email });
      return { request, managerEmail: manager.email };
    });
  } catch (error) {
    // The partial unique index holds one open request per competency, however many are sent at once.
    if (isUniqueViolation(error)) {
      const message = `You have already asked your line manager to confirm ${competency.code}`;
      throw conflict(`${message}. Wait for their answer, or until the link expires.`, { competencyId: message });
    }
    throw error;
  }
}

/** Open, answered, past its time, stopped by the setting, or about a competency a new framework version has replaced. */
export type RequestState = 'open' | 'confirmed' | 'declined' | 'expired' | 'closed' | 'retired';

/** A request by its link's token, as its manager sees it: who, which competency, their note, and whether it can still be answered. */
export async function findConfirmationRequest(s: ServiceContext, token: string) {
  const [row] = await s.db
    .select({
      request: competencyConfirmationRequests,
      person: { name: people.name, email: people.email, jobTitle: people.jobTitle },
      competency: { code: competencies.code, statement: competencies.statement },
      currentFramework: competencyFrameworks.current,
    })
    .from(competencyConfirmationRequests)
    .innerJoin(people, eq(people.id, competencyConfirmationRequests.personId))
    .innerJoin(competencies, eq(competencies.id, competencyConfirmationRequests.competencyId))
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId))
    .where(and(eq(competencyConfirmationRequests.tokenHash, hashToken(token)), eq(competencyConfirmationRequests.partnershipId, s.partnership.id)));
  if (!row) return undefined;
  const { currentFramework, ...found } = row;
  const { decision, expiresAt } = found.request;
  const state: RequestState =
    decision === 'confirmed' || decision === 'declined'
      ? decision
      : !takesManagerConfirmations(s)
        ? 'closed'
        : decision === 'lapsed' || expiresAt <= s.clock.now()
          ? 'expired'
          : !currentFramework
            ? 'retired'
            : 'open';
  return { ...found, state };
}

/**
 * The manager confirms or declines through their link (no account needed). One conditional
 * update takes the link, so of two answers sent at once exactly one counts; the confirmation,
 * the audit entry and the person's email go in the same transaction.
 */
export async function answerConfirmationRequest(s: ServiceContext, token: string, answer: ManagerAnswerInput) {
  const found = await findConfirmationRequest(s, token);
  if (!found) throw notFound('Confirmation request');
  // Someone signed in as the person themselves (a shared mailbox, a forwarded link) cannot answer it.
  if (s.actor?.id === found.request.personId) throw forbidden('Nobody can confirm their own competency');
  if (found.state !== 'open') throw conflict('This link has already been used, or has expired');
  // The partnership acts on the manager's link: whoever is signed in on this browser is not the confirmer.
  const partnership = { ...s, actor: null };
  const now = s.clock.now();
  return s.db.transaction(async (tx) => {
    const [request] = await tx
      .update(competencyConfirmationRequests)
      .set({ decision: answer.decision, decidedAt: now, managerNote: answer.managerNote })
      .where(and(eq(competencyConfirmationRequests.id, found.request.id), openAt(now)))
      .returning();
    if (!request) throw conflict('This link has already been used, or has expired');
    if (answer.decision === 'confirmed') {
      const confirmation = await confirmCompetency({ ...partnership, db: tx }, { personId: request.personId, competencyId: request.competencyId, confirmedByEmail: request.managerEmail, note: answer.managerNote });
      await tx.update(competencyConfirmationRequests).set({ confirmationId: confirmation.id }).where(eq(competencyConfirmationRequests.id, request.id));
    } else {
      await auditChange(tx, partnership, 'competency.confirmation-declined', 'competency confirmation request', request.id, { competencyId: request.competencyId, managerEmail: request.managerEmail });
    }
    await queueMail(tx, { partnershipId: s.partnership.id, now }, competencyMail.confirmationAnswered(s, found.person, found.competency, answer.decision, answer.managerNote));
    return answer.decision;
  });
}

// ---- A coordinator acting for the manager -----------------------------------------------

/**
 * What a coordinator needs to record a confirmation on a line manager's behalf (for a manager
 * who answered by other means): the person, their recorded manager address, and the current
 * framework's competencies. The recording itself is confirmCompetency with the coordinator acting.
 */
export async function confirmationOnBehalfForm(s: ServiceContext, personId: string) {
  if (!s.actor?.roles.includes('coordinator')) throw forbidden('Only a coordinator can record a confirmation for a line manager');
  const [[person], list] = await Promise.all([
    s.db
      .select({ id: people.id, name: people.name, organisation: organisations.name, lineManagerEmail: people.lineManagerEmail })
      .from(people)
      .innerJoin(organisations, eq(organisations.id, people.organisationId))
      .where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id))),
    listCompetencies(s),
  ]);
  if (!person) throw notFound('Person');
  return { person, competencies: list };
}
