import { z } from 'zod';
import { and, asc, count, eq, ilike, inArray, isNull, or } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { organisations, people, personRoles, ROLES, workforceGroups, type Role } from '../../db/schema';
import { auditChange } from '../audit/log';
import type { ServiceContext } from '../shared/context';
import { invalid, notFound } from '../shared/errors';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const emailField = z
  .string('Enter an email address')
  .trim()
  .min(1, 'Enter an email address')
  .pipe(z.email('Enter an email address in the correct format, like name@example.com').max(254));

/** Nobody is their own line manager: an address that is the person's own is refused. */
export const OWN_ADDRESS = 'Enter your line manager’s email address, not your own';
export const isOwnAddress = (email: string, managerEmail: string | null | undefined) => Boolean(managerEmail) && normaliseEmail(managerEmail!) === normaliseEmail(email);
/** The line manager's address to ask, where there is one that is not the person's own. */
export const usableManagerEmail = (email: string, managerEmail: string | null | undefined) => (managerEmail && !isOwnAddress(email, managerEmail) ? managerEmail : null);

export async function findPersonByEmail(db: Executor, partnershipId: string, email: string) {
  const [person] = await db
    .select()
    .from(people)
    .where(and(eq(people.partnershipId, partnershipId), eq(people.email, normaliseEmail(email))))
    .limit(1);
  return person;
}

export const PEOPLE_PAGE_SIZE = 50;

/** `%` and `_` typed in a search are matched as themselves. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

async function rolesOf(s: ServiceContext, personIds: string[]) {
  const rows = personIds.length ? await s.db.select().from(personRoles).where(inArray(personRoles.personId, personIds)) : [];
  return (personId: string) => ROLES.filter((role) => rows.some((r) => r.personId === personId && r.role === role));
}

/** "p•••@partner.example": enough to tell two people of one name apart, without handing out the address. */
export const maskEmail = (email: string) => email.replace(/^(.)[^@]*/, '$1•••');

/** People whose name or email contains the words, alphabetically; the first page only. */
export async function searchPeople(s: ServiceContext, q = '') {
  const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 5);
  const rows = await s.db
    .select({ id: people.id, name: people.name, email: people.email, organisation: organisations.name })
    .from(people)
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .where(and(eq(people.partnershipId, s.partnership.id), isNull(people.erasedAt), ...words.map((w) => or(ilike(people.name, likePattern(w)), ilike(people.email, likePattern(w))))))
    .orderBy(asc(people.name), asc(people.email))
    .limit(PEOPLE_PAGE_SIZE + 1);
  const roles = await rolesOf(s, rows.map((r) => r.id));
  return { people: rows.slice(0, PEOPLE_PAGE_SIZE).map((r) => ({ ...r, roles: roles(r.id) })), more: rows.length > PEOPLE_PAGE_SIZE };
}

export async function getPersonWithRoles(s: ServiceContext, personId: string) {
  const [person] = await s.db
    .select({
      id: people.id,
      name: people.name,
      email: people.email,
      jobTitle: people.jobTitle,
      organisation: organisations.name,
      lineManagerEmail: people.lineManagerEmail,
      pendingLineManagerEmail: people.pendingLineManagerEmail,
      erasedAt: people.erasedAt,
    })
    .from(people)
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id)));
  if (!person) throw notFound('Person');
  return { ...person, roles: (await rolesOf(s, [personId]))(personId) };
}

/**
 * Gives a person exactly these roles. A coordinator cannot remove their own coordinator
 * role, so a partnership is never left without one by accident.
 */
export async function setRoles(s: ServiceContext, personId: string, roles: Role[]): Promise<{ granted: Role[]; removed: Role[] }> {
  await getPersonWithRoles(s, personId);
  if (personId === s.actor?.id && s.actor.roles.includes('coordinator') && !roles.includes('coordinator')) {
    throw invalid({ roles: 'You cannot remove your own coordinator role. Ask another coordinator to do it.' });
  }
  return s.db.transaction(async (tx) => {
    const current = (await tx.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, personId))).map((r) => r.role);
    const granted = roles.filter((r) => !current.includes(r));
    const removed = current.filter((r) => !roles.includes(r));
    if (removed.length) await tx.delete(personRoles).where(and(eq(personRoles.personId, personId), inArray(personRoles.role, removed)));
    if (granted.length) await tx.insert(personRoles).values(granted.map((role) => ({ personId, role }))).onConflictDoNothing();
    if (granted.length || removed.length) {
      await auditChange(tx, s, 'person.roles.changed', 'person', personId, { granted, removed });
    }
    return { granted, removed };
  });
}

/** People in the partnership, by name, with their organisation, workforce group and roles, a page at a time. */
export async function listPeople(s: ServiceContext, page: number, pageSize: number) {
  const inPartnership = and(eq(people.partnershipId, s.partnership.id), isNull(people.erasedAt));
  const [rows, [{ total }]] = await Promise.all([
    s.db
      .select({
        id: people.id,
        name: people.name,
        email: people.email,
        jobTitle: people.jobTitle,
        organisation: { id: organisations.id, name: organisations.name },
        workforceGroup: { id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name },
      })
      .from(people)
      .innerJoin(organisations, eq(organisations.id, people.organisationId))
      .leftJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId))
      .where(inPartnership)
      .orderBy(asc(people.name), asc(people.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    s.db.select({ total: count() }).from(people).where(inPartnership),
  ]);
  const roles = await rolesOf(s, rows.map((r) => r.id));
  return { people: rows.map((row) => ({ ...row, roles: roles(row.id) })), total };
}
