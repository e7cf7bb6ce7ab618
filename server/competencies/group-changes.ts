// A person's workforce group decides which competencies they need, so who may change it is a
// rule: a coordinator, for anyone in the partnership; an organisation lead, for the people of
// their own organisation; nobody for themselves (they ask instead, and one of those decides).
// A person whose role straddles two groups trains to the higher. Every change is audited, and
// the person is emailed whatever is decided about their request.
import { and, asc, eq, isNull, ne, or, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/database';
import { organisations, people, personRoles, workforceGroupRequests, workforceGroups } from '../../db/schema';
import { auditChange } from '../audit/log';
import { listWorkforceGroups } from '../catalogue/service';
import { queueMail } from '../mail/outbox';
import type { PersonalContext } from '../shared/context';
import { conflict, forbidden, invalid, isUniqueViolation, notFound } from '../shared/errors';
import { competencyMail } from './messages';
import type { GroupChangeDecisionInput, GroupChangeRequestInput } from './schemas';

/** Shown wherever a group is chosen. */
export const STRADDLE_GUIDANCE = 'If your role straddles two groups, choose the higher.';

const groupName = (g: { name: string } | null) => g?.name ?? 'no group';

async function personOf(s: PersonalContext, personId: string) {
  const [person] = await s.db
    .select({
      id: people.id,
      name: people.name,
      email: people.email,
      jobTitle: people.jobTitle,
      organisationId: people.organisationId,
      organisation: organisations.name,
      group: { id: workforceGroups.id, name: workforceGroups.name },
    })
    .from(people)
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .leftJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId))
    .where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id)));
  if (!person) throw notFound('Person');
  return person;
}
export type GroupPerson = Awaited<ReturnType<typeof personOf>>;

async function actorOrganisation(s: PersonalContext) {
  const [me] = await s.db.select({ organisationId: people.organisationId }).from(people).where(eq(people.id, s.actor.id));
  return me?.organisationId;
}

/** Which people's groups the actor may change: all (a coordinator), one organisation's (a lead), or none. */
async function decidesFor(s: PersonalContext): Promise<'all' | { organisationId: string } | 'none'> {
  if (s.actor.roles.includes('coordinator')) return 'all';
  const organisationId = s.actor.roles.includes('organisation lead') ? await actorOrganisation(s) : undefined;
  return organisationId ? { organisationId } : 'none';
}

/** Refuses unless the actor may change this person's group. */
async function checkMayChange(s: PersonalContext, person: Pick<GroupPerson, 'id' | 'organisationId'>) {
  if (person.id === s.actor.id) throw forbidden('Nobody can change their own workforce group: ask for the change, and a coordinator or your organisation’s lead will decide it');
  const scope = await decidesFor(s);
  if (scope === 'all' || (scope !== 'none' && scope.organisationId === person.organisationId)) return;
  throw forbidden('Only a coordinator, or a lead of the person’s own organisation, can change their workforce group');
}

/** The group, if it is one of the current framework's. */
async function currentGroup(s: PersonalContext, groupId: string) {
  const group = (await listWorkforceGroups(s)).find((g) => g.id === groupId);
  if (!group) throw invalid({ workforceGroupId: 'Choose a workforce group of the current framework' });
  return group;
}

async function moveToGroup(tx: Executor, s: PersonalContext, person: GroupPerson, group: { id: string; name: string }, requestId?: string) {
  await tx.update(people).set({ workforceGroupId: group.id }).where(eq(people.id, person.id));
  await auditChange(tx, s, 'person.workforce-group.changed', 'person', person.id, { from: person.group?.id ?? null, to: group.id, ...(requestId ? { requestId } : {}) });
}

/** A person, with their group, for the page that sets it: only for those who may change it. */
export async function personForGroupChange(s: PersonalContext, personId: string) {
  const person = await personOf(s, personId);
  await checkMayChange(s, person);
  return { person, groups: await listWorkforceGroups(s) };
}

/** A coordinator, or the person's organisation's lead, sets their group. */
export async function setWorkforceGroup(s: PersonalContext, personId: string, groupId: string) {
  const person = await personOf(s, personId);
  await checkMayChange(s, person);
  const group = await currentGroup(s, groupId);
  if (person.group?.id === group.id) return person;
  await s.db.transaction((tx) => moveToGroup(tx, s, person, group));
  return person;
}

// ---- Requests ---------------------------------------------------------------------------

const wanted = alias(workforceGroups, 'wanted_group');
const from = alias(workforceGroups, 'from_group');

function requests(s: PersonalContext, where: SQL | undefined) {
  return s.db
    .select({
      id: workforceGroupRequests.id,
      reason: workforceGroupRequests.reason,
      requestedAt: workforceGroupRequests.requestedAt,
      person: { id: people.id, name: people.name, organisationId: people.organisationId },
      organisation: organisations.name,
      from: { id: from.id, name: from.name },
      wanted: { id: wanted.id, name: wanted.name },
    })
    .from(workforceGroupRequests)
    .innerJoin(people, eq(people.id, workforceGroupRequests.personId))
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .innerJoin(wanted, eq(wanted.id, workforceGroupRequests.workforceGroupId))
    .leftJoin(from, eq(from.id, workforceGroupRequests.fromGroupId))
    .where(and(eq(workforceGroupRequests.partnershipId, s.partnership.id), isNull(workforceGroupRequests.decision), where))
    .orderBy(asc(workforceGroupRequests.requestedAt), asc(workforceGroupRequests.id));
}
export type GroupRequest = Awaited<ReturnType<typeof requests>>[number];

/** The signed-in person's own open request, if any. */
export async function myOpenGroupRequest(s: PersonalContext): Promise<GroupRequest | undefined> {
  const [open] = await requests(s, eq(workforceGroupRequests.personId, s.actor.id));
  return open;
}

/** What the request form needs: the person's group, the groups to choose from, and an open request. */
export async function groupRequestForm(s: PersonalContext) {
  const [person, groups, open] = await Promise.all([personOf(s, s.actor.id), listWorkforceGroups(s), myOpenGroupRequest(s)]);
  return { person, groups, open };
}

/** Who decides a person's request: the partnership's coordinators and their organisation's leads, never themselves. */
async function decidersOf(tx: Executor, s: PersonalContext, person: GroupPerson) {
  const rows = await tx
    .selectDistinct({ email: people.email })
    .from(people)
    .innerJoin(personRoles, eq(personRoles.personId, people.id))
    .where(
      and(
        eq(people.partnershipId, s.partnership.id),
        ne(people.id, person.id),
        or(eq(personRoles.role, 'coordinator'), and(eq(personRoles.role, 'organisation lead'), eq(people.organisationId, person.organisationId))),
      ),
    )
    .orderBy(asc(people.email));
  return rows.map((r) => r.email);
}

/** A person asks to change their group, saying why; those who decide it are emailed. One open request at a time. */
export async function requestGroupChange(s: PersonalContext, input: GroupChangeRequestInput) {
  const [person, group] = await Promise.all([personOf(s, s.actor.id), currentGroup(s, input.workforceGroupId)]);
  if (person.group?.id === group.id) throw invalid({ workforceGroupId: 'That is your group already: choose a different one' });
  const now = s.clock.now();
  try {
    return await s.db.transaction(async (tx) => {
      const [request] = await tx
        .insert(workforceGroupRequests)
        .values({ partnershipId: s.partnership.id, personId: person.id, fromGroupId: person.group?.id ?? null, workforceGroupId: group.id, reason: input.reason, requestedAt: now })
        .returning();
      const deciders = await decidersOf(tx, s, person);
      await queueMail(tx, { partnershipId: s.partnership.id, now }, deciders.map((to) => competencyMail.groupChangeRequested(s, to, person, groupName(person.group), group.name, input.reason)));
      await auditChange(tx, s, 'workforce-group.change-requested', 'workforce group request', request.id, { from: person.group?.id ?? null, to: group.id });
      return request;
    });
  } catch (error) {
    // One open request per person: the partial unique index holds it against two sent at once.
    if (isUniqueViolation(error)) throw conflict('You have already asked to change your workforce group. Wait for the answer before asking again.', { workforceGroupId: 'You have already asked to change your workforce group' });
    throw error;
  }
}

/** Open requests the actor can decide, oldest first: all of them for a coordinator, their organisation's for a lead. */
export async function openGroupRequests(s: PersonalContext): Promise<GroupRequest[]> {
  const scope = await decidesFor(s);
  if (scope === 'none') throw forbidden('Only a coordinator or an organisation lead can decide workforce group changes');
  const notMine = ne(workforceGroupRequests.personId, s.actor.id);
  return requests(s, scope === 'all' ? notMine : and(notMine, eq(people.organisationId, scope.organisationId)));
}

/** One open request, for the actor to decide. */
export async function groupRequest(s: PersonalContext, requestId: string): Promise<GroupRequest> {
  const [request] = await requests(s, eq(workforceGroupRequests.id, requestId));
  if (!request) {
    const [decided] = await s.db.select({ id: workforceGroupRequests.id }).from(workforceGroupRequests).where(and(eq(workforceGroupRequests.id, requestId), eq(workforceGroupRequests.partnershipId, s.partnership.id)));
    throw decided ? conflict('This request has already been decided') : notFound('Request');
  }
  await checkMayChange(s, request.person);
  return request;
}

/**
 * Approves (the person's group is set) or declines (with a reason) a request; the person is
 * emailed either way. One conditional update decides it, so two deciders at once cannot both.
 */
export async function decideGroupRequest(s: PersonalContext, requestId: string, input: GroupChangeDecisionInput) {
  const request = await groupRequest(s, requestId);
  const person = await personOf(s, request.person.id);
  // A request made under an earlier framework version names a group the person can no longer be in.
  if (input.decision === 'approved' && !(await listWorkforceGroups(s)).some((g) => g.id === request.wanted.id)) {
    throw conflict('The group asked for is not in the current framework. Decline the request and ask them to choose again.');
  }
  const now = s.clock.now();
  return s.db.transaction(async (tx) => {
    const [decided] = await tx
      .update(workforceGroupRequests)
      .set({ decision: input.decision, decidedAt: now, decidedBy: s.actor.id, declineReason: input.decision === 'declined' ? input.reason : '' })
      .where(and(eq(workforceGroupRequests.id, request.id), isNull(workforceGroupRequests.decision)))
      .returning();
    if (!decided) throw conflict('This request has already been decided');
    if (input.decision === 'approved') await moveToGroup(tx, s, person, request.wanted, request.id);
    else await auditChange(tx, s, 'workforce-group.change-declined', 'workforce group request', request.id, { reason: input.reason });
    await queueMail(tx, { partnershipId: s.partnership.id, now }, competencyMail.groupChangeDecided(s, person, request.wanted.name, input.decision, decided.declineReason));
    return decided;
  });
}
