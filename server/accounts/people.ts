import { and, eq } from 'drizzle-orm';
import type { Database, Executor } from '../../db/database';
import { people, personRoles, type Role } from '../../db/schema';
import type { SignedInPerson } from '../http/context';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function loadSignedInPerson(db: Database, personId: string): Promise<SignedInPerson | undefined> {
  const [person] = await db
    .select({ id: people.id, name: people.name, email: people.email, organisationId: people.organisationId })
    .from(people)
    .where(eq(people.id, personId))
    .limit(1);
  if (!person) return undefined;
  const roles = await db.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, personId));
  return { ...person, roles: roles.map((r) => r.role).sort() as Role[] };
}

export async function findPersonByEmail(db: Executor, partnershipId: string, email: string) {
  const [person] = await db
    .select()
    .from(people)
    .where(and(eq(people.partnershipId, partnershipId), eq(people.email, normaliseEmail(email))))
    .limit(1);
  return person;
}
