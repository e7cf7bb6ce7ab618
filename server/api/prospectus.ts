import { z } from 'zod';
import { filtersSchema } from '../catalogue/schemas';
import { currentProspectus } from '../catalogue/service';
import { notFound } from '../shared/errors';
import { scope } from '../http/context';
import type { ServiceContext } from '../shared/context';
import { apiGet } from './operation';
import { prospectusOut, ProspectusSchema } from './schemas';

export const yearParam = filtersSchema.shape.year.describe('A prospectus year like 2026-27; by default the one covering today, or else the latest');
export const NO_PROSPECTUS = 'No prospectus you can see for that year (drafts are visible to coordinators only)';

/** The prospectus asked for (or the current one), or a 404. */
export async function findProspectus(s: ServiceContext, year: string | undefined) {
  const prospectus = await currentProspectus(s, year);
  if (!prospectus) throw notFound('Prospectus');
  return prospectus;
}

const query = z.object({ year: yearParam });

export const prospectusOperations = [
  apiGet('/api/v1/prospectus', 'public', { operationId: 'getProspectus', tag: 'Prospectus', summary: 'The current prospectus, or the one for a year', query, response: ProspectusSchema, notFound: NO_PROSPECTUS }, async (c, _params, { year }) => {
    return prospectusOut(await findProspectus(scope(c), year));
  }),
];
