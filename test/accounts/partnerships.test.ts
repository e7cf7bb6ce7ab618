// One database may hold several partnerships, each served by its own app: every credential,
// a browser's session as well as an API token, works only for the partnership it was made for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { eq } from 'drizzle-orm';
import { organisations, partnerships, people, signInTokens } from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { createSession, partnershipServed, personForApiToken, sessionPolicy, validateSession } from '../../server/accounts/sessions';
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

describe('the partnership served, read in the statement that signs the request in', () => {
  it('is the same row, every column mapped, whether read alone, with a session or with an API token, valid or not', async () => {
    // Columns of every kind set away from their defaults: JSON arrays, booleans, numbers, a time.
    await database.db
      .update(partnerships)
      .set({ followUpReminderDays: [10, 20, 30], chargeExemptSectors: ['Voluntary sector'], managerConfirmations: true, nonAttendanceChargeFullDayPence: 5000 })
      .where(eq(partnerships.id, partnership.id));
    const [alone] = await database.db.select().from(partnerships).where(eq(partnerships.id, partnership.id));
    const now = sheffield.clock.now();
    const { token } = await createSession(database.db, person.id, now, sessionPolicy(sheffield.config));
    const apiToken = await createApiToken({ db: database.db, clock: sheffield.clock, config: sheffield.config, partnership: alone, actor: { id: person.id, roles: ['practitioner'] } }, 'Mapping check');

    expect(await partnershipServed(database.db, 'sheffield')).toEqual(alone);
    const bySession = await validateSession(database.db, token, now, sessionPolicy(sheffield.config), 'sheffield');
    expect(bySession.partnership).toEqual(alone);
    expect(bySession.signedIn?.person?.email).toBe('sian@sheffield.example');
    expect((await validateSession(database.db, generateToken(), now, sessionPolicy(sheffield.config), 'sheffield')).partnership).toEqual(alone);
    const byToken = await personForApiToken(database.db, apiToken, now, 'sheffield');
    expect(byToken.partnership).toEqual(alone);
    expect(byToken.person?.email).toBe('sian@sheffield.example');
    expect(await personForApiToken(database.db, 'sct_not-a-token', now, 'sheffield')).toEqual({ partnership: alone, person: undefined });
    expect(alone.createdAt).toBeInstanceOf(Date);
    // No partnership of that name: nothing, whatever the credential.
    expect(await partnershipServed(database.db, 'nowhere')).toBeUndefined();
    expect((await validateSession(database.db, token, now, sessionPolicy(sheffield.config), 'nowhere')).partnership).toBeUndefined();
    expect((await personForApiToken(database.db, apiToken, now, 'nowhere')).partnership).toBeUndefined();
  });
});
