import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { Database } from '../../db/database';
import { partnerships, type Role } from '../../db/schema';
import { createApiToken, listApiTokens, revokeApiToken } from '../../server/accounts/api-tokens';
import { Problem } from '../../server/api/schemas';
import { buildApp, makePerson } from '../support/app';
import { loadSignedInPerson } from '../../server/accounts/sessions';

type Built = ReturnType<typeof buildApp>;

/** A person with the roles and a personal API token, made as the account page would. */
export async function personWithToken(db: Database, built: Built, roles: Role[]) {
  const person = await makePerson(db, roles);
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, built.config.partnership));
  const viewer = (await loadSignedInPerson(db, person.id, partnership.id))!;
  const scope = { db, clock: built.clock, config: built.config, partnership, actor: viewer };
  const token = await createApiToken(scope, 'Integration');
  const revoke = async () => revokeApiToken(scope, (await listApiTokens(scope))[0].id);
  return { ...person, token, revoke };
}

/**
 * A call on the API, a GET unless told, with a bearer token when given. A body is sent as
 * JSON; a string body is sent as it is (to send malformed JSON).
 */
export function callApi(built: Built, path: string, token?: string, { method = 'GET', body }: { method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return built.app.request(path, { method, headers, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A successful JSON answer (200 unless told), checked against its response schema. */
export async function expectBody<S extends z.ZodType>(res: Response, schema: S, status = 200): Promise<z.output<S>> {
  expect(res.status, await res.clone().text()).toBe(status);
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
