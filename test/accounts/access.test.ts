// Every route of the app has its cases in the authorization matrix (test/support/access-cases.ts,
// run by access-people, access-manage, access-staff and access-api): a route added without them fails here.
// Also what the matrix does not ask: the dev mailbox outside demo mode, and the API and cookies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { ROLES } from '../../db/schema';
import { routeTable } from '../../server/app';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, TestClient } from '../support/app';
import { apiMatrix, manageMatrix, otherStaffMatrix, peopleMatrix } from '../support/access-cases';
import { EVERYONE } from '../support/access-world';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
});
afterAll(() => database.close());

const matrices = { pages: peopleMatrix, manage: manageMatrix, staff: otherStaffMatrix, api: apiMatrix };
const covered = Object.values(matrices).flatMap((m) => Object.keys(m));

describe('the authorization matrix covers every route', () => {
  it('has a case for every route in the route table, and for nothing else', () => {
    const routes = routeTable(built.deps).map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.filter((key) => !covered.includes(key)), 'routes without cases in test/support/access-cases.ts').toEqual([]);
    expect(covered.filter((key) => !routes.includes(key)), 'cases for routes the app does not have').toEqual([]);
    expect(new Set(covered).size, 'a route in two matrices').toBe(covered.length);
  });

  it('asks each case as every caller, anonymous and each role', () => {
    expect(EVERYONE).toEqual(['anonymous', ...ROLES]);
    const cases = Object.values(matrices).flatMap((m) => Object.values(m).flat());
    for (const c of cases) expect(Object.keys(c.expect).sort()).toEqual([...EVERYONE].sort());
    // Most routes with an object in their path ask about another partnership's too.
    const withObjects = Object.entries(matrices).flatMap(([, m]) => Object.entries(m).filter(([key]) => key.includes('/:')));
    const acrossPartnerships = withObjects.filter(([, cases]) => cases.some((c) => c.object.startsWith('another partnership')));
    expect(acrossPartnerships.length / withObjects.length).toBeGreaterThan(0.8);
  });
});

describe('what the matrix does not ask', () => {
  it('has no dev mailbox outside demo mode', async () => {
    const live = buildApp(database.db, { config: { demo: false } });
    expect(routeTable(live.deps).some((r) => r.path.startsWith('/dev/'))).toBe(false);
    expect((await new TestClient(live.app).get('/dev/mailbox')).status).toBe(404);
    expect((await new TestClient(built.app).get('/dev/mailbox')).status).toBe(200);
  });

  it('ignores the session cookie on the API, so other sites cannot use a signed-in browser against it', async () => {
    const coordinator = await makePerson(database.db, ['coordinator']);
    const browser = await new TestClient(built.app).signInAs(database.db, coordinator.id, built.clock.now(), built.config);
    expect((await browser.get('/account')).status).toBe(200);
    expect((await browser.get('/api/v1/me')).status).toBe(401);
  });
});
