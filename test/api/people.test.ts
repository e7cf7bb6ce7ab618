import { count, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { people } from '../../db/schema';
import { Me, PeoplePage } from '../../server/api/schemas';
import { createTestDatabase } from '../support/database';
import { buildApp } from '../support/app';
import { callApi, expectBody, expectProblem, personWithToken } from './support';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: Awaited<ReturnType<typeof personWithToken>>;
let practitioner: Awaited<ReturnType<typeof personWithToken>>;
const get = (path: string, token?: string) => callApi(built, path, token);

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
  coordinator = await personWithToken(database.db, built, ['coordinator']);
  practitioner = await personWithToken(database.db, built, []);
});
afterAll(() => database.close());

describe('the token holder', () => {
  it('gives the signed-in token holder', async () => {
    const me = await expectBody(await get('/api/v1/me', coordinator.token), Me);
    expect(me).toEqual({ id: coordinator.id, name: expect.any(String), email: coordinator.email, organisationId: coordinator.organisationId, roles: ['practitioner', 'coordinator'] });
    expect((await expectBody(await get('/api/v1/me', practitioner.token), Me)).roles).toEqual(['practitioner']);
  });

  it('answers 401 without a token, with a bogus one, and with a revoked one', async () => {
    const revoked = await personWithToken(database.db, built, ['coordinator']);
    await expectBody(await get('/api/v1/me', revoked.token), Me);
    await revoked.revoke();
    for (const path of ['/api/v1/me', '/api/v1/people']) {
      await expectProblem(await get(path), 401);
      await expectProblem(await get(path, 'sct_not-a-real-token'), 401);
      await expectProblem(await get(path, revoked.token), 401);
    }
  });
});

describe('people', () => {
  it('is for coordinators only', async () => {
    await expectProblem(await get('/api/v1/people', practitioner.token), 403);
  });

  it('lists people by name with organisation, workforce group and roles, a page at a time', async () => {
    // Erased people (and the attendees past records do not name) are not listed.
    const [{ total }] = await database.db.select({ total: count() }).from(people).where(isNull(people.erasedAt));
    const first = await expectBody(await get('/api/v1/people', coordinator.token), PeoplePage);
    expect(first).toMatchObject({ page: 1, pageSize: 25, total });
    expect(first.people).toHaveLength(25);

    const pages = [];
    for (let page = 1; page <= Math.ceil(total / 40); page++) {
      pages.push(...(await expectBody(await get(`/api/v1/people?page=${page}&pageSize=40`, coordinator.token), PeoplePage)).people);
    }
    expect(pages).toHaveLength(total);
    expect(new Set(pages.map((p) => p.id)).size).toBe(total);
    expect(pages.slice(0, 25)).toEqual(first.people);

    const me = pages.find((p) => p.id === coordinator.id)!;
    expect(me).toMatchObject({ email: coordinator.email, organisation: { id: coordinator.organisationId }, roles: ['practitioner', 'coordinator'] });
    expect(me.workforceGroup?.name).toMatch(/^Group \d/);
    expect(pages.find((p) => p.email === 'trainer@rscp.example')?.roles).toEqual(['practitioner', 'trainer']);

    const beyond = await expectBody(await get(`/api/v1/people?page=${total + 1}&pageSize=1`, coordinator.token), PeoplePage);
    expect(beyond.people).toEqual([]);
  });

  it('answers a bad page or page size with a 400 problem', async () => {
    for (const [query, field] of [['page=0', 'page'], ['page=two', 'page'], ['page=1.5', 'page'], ['pageSize=101', 'pageSize'], ['pageSize=0', 'pageSize']]) {
      const body = await expectProblem(await get(`/api/v1/people?${query}`, coordinator.token), 400);
      expect(Object.keys(body.errors ?? {}), query).toEqual([field]);
    }
  });
});
