import { z } from 'zod';
import { scope } from '../http/context';
import { listPeople } from '../accounts/people';
import { apiGet } from './operation';
import { Me, PeoplePage, rolesOut } from './schemas';

const wholeNumber = (what: string) => z.coerce.number(`Enter the ${what} as a whole number`).int(`Enter the ${what} as a whole number`);
const pageQuery = z.object({
  page: wholeNumber('page').min(1, 'The page must be 1 or more').default(1).describe('Which page, from 1'),
  pageSize: wholeNumber('page size').min(1, 'The page size must be between 1 and 100').max(100, 'The page size must be between 1 and 100').default(25).describe('People per page, at most 100'),
});

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
