// One database may hold several partnerships, each served by its own app: every credential,
// a browser's session as well as an API token, works only for the partnership it was made for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { eq } from 'drizzle-orm';
import { organisations, partnerships, people, signInTokens } from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { createSession, sessionPolicy } from '../../server/accounts/sessions';
import { generateToken, hashToken } from '../../server/shared/tokens';
import { createTestDatabase } from '../support/database';
import { buildApp, seed, TestClient } from '../support/app';

let database: OpenDatabase;
let rotherham: ReturnType<typeof buildApp>;
let sheffield: ReturnType<typeof buildApp>;
let person: { id: string; email: string };
let partnership: typeof partnerships.$inferSelect;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  rotherham = buildApp(database.db);
  sheffield = buildApp(database.db, { config: { partnership: 'sheffield' } });
  [partnership] = await database.db.insert(partnerships).values({ slug: 'sheffield', name: 'Sheffield Children Safeguarding Partnership', shortName: 'SCSP', area: 'Sheffield' }).returning();
  const [org] = await database.db.insert(organisations).values({ partnershipId: partnership.id, name: 'Sheffield City Council', shortName: 'SCC', sector: 'Local authority', partnerStatus: 'statutory partner' }).returning();
  [person] = await database.db.insert(people).values({ partnershipId: partnership.id, name: 'Sian Sheffield', email: 'sian@sheffield.example', organisationId: org.id, jobTitle: 'Social worker' }).returning();
});
afterAll(() => database.close());

describe('credentials of another partnership', () => {
  it('refuses a session cookie made for partnership A in the app serving partnership B', async () => {
    const { token } = await createSession(database.db, person.id, sheffield.clock.now(), sessionPolicy(sheffield.config));
    const atHome = new TestClient(sheffield.app);
    atHome.cookies.set('session', token);
    const home = await atHome.get('/account');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('sian@sheffield.example');

    const elsewhere = new TestClient(rotherham.app);
    elsewhere.cookies.set('session', token);
    const res = await elsewhere.get('/account');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Faccount');
  });

  it('refuses an API token made for partnership A in the app serving partnership B', async () => {
    const viewer = { id: person.id, name: 'Sian Sheffield', email: person.email, organisationId: '', roles: ['practitioner' as const] };
    const token = await createApiToken({ db: database.db, clock: sheffield.clock, config: sheffield.config, partnership, actor: viewer }, 'Script');
    const headers = { authorization: `Bearer ${token}` };
    expect((await sheffield.app.request('/api/v1/bookings', { headers })).status).toBe(200);
    expect((await rotherham.app.request('/api/v1/bookings', { headers })).status).toBe(401);
  });

  it('refuses a sign-in link made for partnership A in the app serving partnership B, and leaves it working at home', async () => {
    const token = generateToken();
    await database.db.insert(signInTokens).values({ tokenHash: hashToken(token), personId: person.id, expiresAt: new Date(sheffield.clock.now().getTime() + 10 * 60_000) });

    const elsewhere = new TestClient(rotherham.app);
    const refused = await elsewhere.post('/sign-in/link', { token });
    expect(refused.status).toBe(400);
    expect(elsewhere.cookies.has('session')).toBe(false);
    const [unused] = await database.db.select().from(signInTokens).where(eq(signInTokens.tokenHash, hashToken(token)));
    expect(unused.usedAt).toBeNull();

    const atHome = new TestClient(sheffield.app);
    const signedIn = await atHome.post('/sign-in/link', { token });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account');
    expect((await atHome.get('/account')).status).toBe(200);
  });
});
