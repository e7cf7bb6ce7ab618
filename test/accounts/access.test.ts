import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { ROLES, type Role } from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { routeTable } from '../../server/app';
import { isApiPath, type RouteDef } from '../../server/http/routes';
import { partnerships } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, TestClient } from '../support/app';
import { loadSignedInPerson } from '../../server/accounts/sessions';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
const clients = new Map<Role | 'anonymous', TestClient>();
const personOf = new Map<Role, string>();

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const concretePath = (route: RouteDef) => route.path.replace(/:[A-Za-z]+/g, UNKNOWN_ID);

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
  clients.set('anonymous', new TestClient(built.app));
  for (const role of ROLES) {
    // Each person holds exactly one role besides practitioner (practitioner alone for 'practitioner').
    const person = await makePerson(database.db, role === 'practitioner' ? [] : [role]);
    personOf.set(role, person.id);
    clients.set(role, await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config));
  }
});
afterAll(() => database.close());

async function freshToken(role: Role) {
  const [partnership] = await database.db.select().from(partnerships);
  const viewer = (await loadSignedInPerson(database.db, personOf.get(role)!, partnership.id))!;
  return createApiToken({ db: database.db, clock: built.clock, config: built.config, partnership, actor: viewer }, `${role} token`);
}

async function call(route: RouteDef, who: Role | 'anonymous') {
  // A fresh session each time: some routes (signing out everywhere) end the caller's sessions.
  const client = who === 'anonymous' ? clients.get(who)! : await new TestClient(built.app).signInAs(database.db, personOf.get(who)!, built.clock.now(), built.config);
  const path = concretePath(route);
  if (isApiPath(path)) {
    // A fresh token too: signing out on all devices revokes the caller's tokens.
    const headers: Record<string, string> = who === 'anonymous' ? {} : { authorization: `Bearer ${await freshToken(who)}` };
    return client.request(path, { method: route.method, headers });
  }
  return route.method === 'GET' ? client.get(path) : client.post(path, {});
}

const isSignInRedirect = (res: Response) => res.status === 303 && (res.headers.get('location') ?? '').startsWith('/sign-in?next=');

describe('every route checks who may use it', () => {
  it('has routes to check', () => {
    expect(routeTable(built.deps).length).toBeGreaterThan(10);
  });

  it('sends anonymous people to sign in (pages) or answers 401 (API) on every route that needs an account', async () => {
    for (const route of routeTable(built.deps).filter((r) => r.access !== 'public')) {
      const res = await call(route, 'anonymous');
      if (isApiPath(route.path)) {
        expect(res.status, `${route.method} ${route.path}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      } else {
        expect(isSignInRedirect(res), `${route.method} ${route.path} gave ${res.status}`).toBe(true);
      }
    }
  });

  it('refuses people without the route’s role, and lets those with it through', async () => {
    for (const route of routeTable(built.deps)) {
      if (route.access === 'public' || route.access === 'signed-in') continue;
      for (const role of ROLES) {
        const res = await call(route, role);
        const label = `${route.method} ${route.path} as ${role}: ${res.status}`;
        if (route.access.includes(role)) {
          expect(res.status, label).not.toBe(403);
          expect(isSignInRedirect(res), label).toBe(false);
        } else {
          expect(res.status, label).toBe(403);
        }
      }
    }
    // Every route as every role, the allowed ones running their real pages (dashboards and
    // workbooks among them): more than the default 30 s on a busy two-core machine.
  }, 120_000);

  it('lets any signed-in person use the signed-in routes, and anyone the public ones', async () => {
    for (const route of routeTable(built.deps)) {
      if (route.access !== 'signed-in' && route.access !== 'public') continue;
      const res = await call(route, route.access === 'public' ? 'anonymous' : 'practitioner');
      const label = `${route.method} ${route.path}: ${res.status}`;
      expect(res.status, label).not.toBe(403);
      expect(res.status, label).not.toBe(401);
      expect(isSignInRedirect(res), label).toBe(false);
    }
  });

  it('has no dev mailbox outside demo mode', async () => {
    const live = buildApp(database.db, { config: { demo: false } });
    expect(routeTable(live.deps).some((r) => r.path.startsWith('/dev/'))).toBe(false);
    expect((await new TestClient(live.app).get('/dev/mailbox')).status).toBe(404);
    expect((await clients.get('anonymous')!.get('/dev/mailbox')).status).toBe(200);
  });
});

describe('the API and cookies', () => {
  it('ignores the session cookie, so other sites cannot use a signed-in browser against the API', async () => {
    const coordinatorBrowser = clients.get('coordinator')!;
    expect((await coordinatorBrowser.get('/account')).status).toBe(200);
    const res = await coordinatorBrowser.get('/api/v1/me');
    expect(res.status).toBe(401);
  });
});
