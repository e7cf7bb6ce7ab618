import { listWorkforceGroups } from '../catalogue/service';
import { scope } from '../http/context';
import { listOrganisations } from '../organisations/service';
import { apiGet } from './operation';
import { OrganisationList, organisationOut, WorkforceGroupList } from './schemas';

export const referenceOperations = [
  apiGet(
    '/api/v1/organisations',
    'public',
    { operationId: 'listOrganisations', tag: 'Reference data', summary: 'Partner organisations, by name', response: OrganisationList },
    async (c) => ({ organisations: (await listOrganisations(scope(c))).map(organisationOut) }),
  ),
  apiGet(
    '/api/v1/workforce-groups',
    'public',
    { operationId: 'listWorkforceGroups', tag: 'Reference data', summary: 'Workforce groups of the current competency framework, in order', response: WorkforceGroupList },
    async (c) => ({ workforceGroups: await listWorkforceGroups(scope(c)) }),
  ),
];
