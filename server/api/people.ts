import { asc, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { organisations, people, personRoles, workforceGroups } from '../../db/schema';
import { scope } from '../http/context';
import type { ServiceContext } from '../shared/context';
import { apiGet } from './operation';
import { Me, PeoplePage, rolesOut } from './schemas';

const wholeNumber = (what: string) => z.coerce.number(`Enter the ${what} as a whole number`).int(`Enter the ${what} as a whole number`);
const pageQuery = z.object({
  page: wholeNumber('page').min(1, 'The page must be 1 or more').default(1).describe('Which page, from 1'),
  pageSize: wholeNumber('page size').min(1, 'The page size must be between 1 and 100').max(100, 'The page size must be between 1 and 100').default(25).describe('People per page, at most 100'),
});

/**
 * People in the partnership, by name, with their organisation, workforce group and roles.
 * No accounts service lists people yet; this read belongs there once a page needs it too.
 */
async function listPeople(s: Pick<ServiceContext, 'db' | 'partnership'>, page: number, pageSize: number) {
  const inPartnership = eq(people.partnershipId, s.partnership.id);
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
  const roles = rows.length ? await s.db.select().from(personRoles).where(inArray(personRoles.personId, rows.map((r) => r.id))) : [];
  const rolesOf = (id: string) => rolesOut(roles.filter((r) => r.personId === id).map((r) => r.role));
  return { people: rows.map((row) => ({ ...row, roles: rolesOf(row.id) })), total };
}

export const peopleOperations = [
  apiGet('/api/v1/me', 'signed-in', { operationId: 'getMe', tag: 'Account', summary: 'The person the API token belongs to', response: Me }, async (c) => {
    const { id, name, email, organisationId, roles } = c.get('viewer')!;
    return { id, name, email, organisationId, roles: rolesOut(roles) };
  }),
  apiGet(
    '/api/v1/people',
    ['coordinator'],
    { operationId: 'listPeople', tag: 'People', summary: 'People with accounts, by name, a page at a time', query: pageQuery, response: PeoplePage },
    async (c, _params, { page, pageSize }) => {
      return { ...(await listPeople(scope(c), page, pageSize)), page, pageSize };
    },
  ),
];
