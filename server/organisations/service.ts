import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { organisations, PARTNER_STATUSES, SECTORS } from '../../db/schema';
import { auditChange } from '../audit/log';
import { conflict, notFound } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import { nameText, yesNo } from '../shared/input';

export type Organisation = typeof organisations.$inferSelect;

export const organisationInput = z.object({
  name: nameText('Enter the organisation’s name', 200, 'The name must be 200 characters or fewer'),
  shortName: nameText('Enter a short name', 40, 'The short name must be 40 characters or fewer'),
  sector: z.enum(SECTORS, 'Select the sector'),
  partnerStatus: z.enum(PARTNER_STATUSES, 'Select whether it is a statutory partner, a relevant agency or neither'),
  active: yesNo('Select whether people can choose this organisation'),
});
export type OrganisationInput = z.infer<typeof organisationInput>;

export async function listOrganisations(s: Pick<ServiceContext, 'db' | 'partnership'>, options: { activeOnly?: boolean } = {}) {
  return s.db
    .select()
    .from(organisations)
    .where(and(eq(organisations.partnershipId, s.partnership.id), options.activeOnly ? eq(organisations.active, true) : undefined))
    .orderBy(asc(organisations.name));
}

export async function getOrganisation(s: ServiceContext, id: string) {
  const [org] = await s.db.select().from(organisations).where(and(eq(organisations.id, id), eq(organisations.partnershipId, s.partnership.id)));
  if (!org) throw notFound('Organisation');
  return org;
}

async function assertNameFree(s: ServiceContext, name: string, exceptId?: string) {
  const [clash] = await s.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.partnershipId, s.partnership.id), sql`lower(${organisations.name}) = lower(${name})`, exceptId ? ne(organisations.id, exceptId) : undefined));
  if (clash) throw conflict('An organisation with that name already exists', { name: 'An organisation with that name already exists' });
}

export async function createOrganisation(s: ServiceContext, input: OrganisationInput) {
  await assertNameFree(s, input.name);
  return s.db.transaction(async (tx) => {
    const [org] = await tx.insert(organisations).values({ partnershipId: s.partnership.id, ...input }).returning();
    await auditChange(tx, s, 'organisation.created', 'organisation', org.id, input);
    return org;
  });
}

export async function updateOrganisation(s: ServiceContext, id: string, input: OrganisationInput) {
  await getOrganisation(s, id);
  await assertNameFree(s, input.name, id);
  return s.db.transaction(async (tx) => {
    const [org] = await tx.update(organisations).set(input).where(and(eq(organisations.id, id), eq(organisations.partnershipId, s.partnership.id))).returning();
    await auditChange(tx, s, 'organisation.updated', 'organisation', id, input);
    return org;
  });
}
