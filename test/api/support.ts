import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { Database } from '../../db/database';
import { partnerships, type Role } from '../../db/schema';
import { createApiToken, listApiTokens, revokeApiToken } from '../../server/accounts/api-tokens';
import { loadSignedInPerson } from '../../server/accounts/people';
import { Problem } from '../../server/api/schemas';
import { buildApp, makePerson } from '../support/app';

type Built = ReturnType<typeof buildApp>;

/** A person with the roles and a personal API token, made as the account page would. */
export async function personWithToken(db: Database, built: Built, roles: Role[]) {
  const person = await makePerson(db, roles);
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, built.config.partnership));
  const viewer = (await loadSignedInPerson(db, person.id))!;
  const scope = { db, clock: built.clock, config: built.config, partnership, viewer };
  const token = await createApiToken(scope, 'Integration');
  const revoke = async () => revokeApiToken(scope, (await listApiTokens(scope))[0].id);
  return { ...person, token, revoke };
}

/** A GET on the API, with a bearer token when given. */
export const callApi = (built: Built, path: string, token?: string) =>
  built.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** A 200 JSON answer, checked against its response schema. */
export async function expectBody<S extends z.ZodType>(res: Response, schema: S): Promise<z.output<S>> {
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return schema.parse(await res.json());
}

/** An error as application/problem+json with the given status. */
export async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = Problem.parse(await res.json());
  expect(body.status).toBe(status);
  return body;
}
