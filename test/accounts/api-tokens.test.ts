import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, OpenDatabase } from '../../db/database';
import { apiTokens, auditLog } from '../../db/schema';
import { hashToken } from '../../server/shared/tokens';
import { tokenUsesInBatches } from '../../server/accounts/token-uses';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, TestClient } from '../support/app';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
});
afterAll(() => database.close());

describe('personal API tokens', () => {
  it('are shown once, stored hashed, work as a bearer token and stop working when revoked', async () => {
    const person = await makePerson(database.db, ['coordinator']);
    const browser = await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
    const created = await browser.post('/account/api-tokens', { name: 'Monthly report script' });
    expect(created.status).toBe(200);
    const html = await created.text();
    const token = html.match(/<code>(sct_[a-z2-7]{32})<\/code>/)![1];
    expect(html).toContain('it will not be shown again');

    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.personId, person.id));
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const listing = await (await browser.get('/account')).text();
    expect(listing).toContain('Monthly report script');
    expect(listing).not.toContain(token);

    const api = new TestClient(built.app);
    const me = await api.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect((await me.json()).email).toBe(person.email);

    expect((await browser.post(`/account/api-tokens/${row.id}/revoke`)).status).toBe(303);
    expect((await api.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const actions = (await database.db.select().from(auditLog).where(eq(auditLog.subjectId, row.id))).map((a) => a.action).sort();
    expect(actions).toEqual(['api-token.created', 'api-token.revoked']);
  });

  it('cannot be revoked by someone else, and need a name', async () => {
    const owner = await makePerson(database.db);
    const other = await makePerson(database.db);
    const ownerBrowser = await new TestClient(built.app).signInAs(database.db, owner.id, built.clock.now(), built.config);
    await ownerBrowser.post('/account/api-tokens', { name: 'Mine' });
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.personId, owner.id));
    const otherBrowser = await new TestClient(built.app).signInAs(database.db, other.id, built.clock.now(), built.config);
    expect((await otherBrowser.post(`/account/api-tokens/${row.id}/revoke`)).status).toBe(404);
    const [still] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, row.id));
    expect(still.revokedAt).toBeNull();

    const nameless = await ownerBrowser.post('/account/api-tokens', { name: '  ' });
    expect(nameless.status).toBe(422);
    expect(await nameless.text()).toContain('Enter a name for the token');
    expect(await database.db.select().from(apiTokens).where(eq(apiTokens.personId, owner.id))).toHaveLength(1);
  });

  it('record when they were last used, writing it at most once a minute however often they are used', async () => {
    const person = await makePerson(database.db);
    const { app, clock, config } = buildApp(database.db);
    const browser = await new TestClient(app).signInAs(database.db, person.id, clock.now(), config);
    const token = (await (await browser.post('/account/api-tokens', { name: 'Sync' })).text()).match(/<code>(sct_[a-z2-7]{32})<\/code>/)![1];
    const api = new TestClient(app);
    const use = async () => expect((await api.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const lastUsed = async () => (await database.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.personId, person.id)))[0].at?.toISOString();
    const first = clock.now().toISOString();
    expect(await lastUsed()).toBeUndefined();
    await use();
    expect(await lastUsed()).toBe(first);
    clock.advance(59_999);
    await use();
    expect(await lastUsed()).toBe(first);
    clock.advance(1);
    await use();
    expect(await lastUsed()).toBe(clock.now().toISOString());
  });
});

describe('"last used" gathered in batches, as the Node server does', () => {
  /** A person with an API token made through the page, and a way to call the API with it. */
  async function tokenFor(app: ReturnType<typeof buildApp>) {
    const person = await makePerson(database.db);
    const browser = await new TestClient(app.app).signInAs(database.db, person.id, app.clock.now(), app.config);
    const token = (await (await browser.post('/account/api-tokens', { name: 'Sync' })).text()).match(/<code>(sct_[a-z2-7]{32})<\/code>/)![1];
    const use = async () => expect((await new TestClient(app.app).request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const lastUsed = async () => (await database.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.personId, person.id)))[0].at?.toISOString();
    return { use, lastUsed };
  }

  it('writes nothing during the requests, then every token’s mark in one statement', async () => {
    let writes = 0;
    const counting = new Proxy(database.db, {
      get: (target, key, receiver) => (key === 'execute' ? (query: Parameters<Database['execute']>[0]) => (writes++, target.execute(query)) : Reflect.get(target, key, receiver)),
    });
    const tokenUses = tokenUsesInBatches(counting, { delayMs: 60_000, onError: (error) => { throw error; } });
    const app = buildApp(database.db, { tokenUses });
    const tokens = [await tokenFor(app), await tokenFor(app), await tokenFor(app)];
    for (const token of tokens) await token.use();
    await tokens[0].use();
    expect(await Promise.all(tokens.map((t) => t.lastUsed()))).toEqual([undefined, undefined, undefined]);

    await tokenUses.flush();
    const written = app.clock.now().toISOString();
    expect(await Promise.all(tokens.map((t) => t.lastUsed()))).toEqual([written, written, written]);
    expect(writes).toBe(1);
  });

  it('writes the marks by itself a moment after the first', async () => {
    const tokenUses = tokenUsesInBatches(database.db, { delayMs: 20, onError: (error) => { throw error; } });
    const app = buildApp(database.db, { tokenUses });
    const token = await tokenFor(app);
    await token.use();
    for (let waited = 0; waited < 100 && (await token.lastUsed()) === undefined; waited++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await token.lastUsed()).toBe(app.clock.now().toISOString());
  });

  it('never moves a token’s "last used" back, and keeps the marks of a failed write for the next', async () => {
    let failNext = false;
    const failing = new Proxy(database.db, {
      get: (target, key, receiver) =>
        key === 'execute'
          ? (query: Parameters<Database['execute']>[0]) => {
              if (!failNext) return target.execute(query);
              failNext = false;
              return Promise.reject(new Error('connection ended'));
            }
          : Reflect.get(target, key, receiver),
    });
    const failures: unknown[] = [];
    const tokenUses = tokenUsesInBatches(failing, { delayMs: 60_000, onError: (error) => failures.push(error) });
    const app = buildApp(database.db, { tokenUses });
    const token = await tokenFor(app);
    const first = app.clock.now().toISOString();
    await token.use();
    failNext = true;
    await tokenUses.flush();
    expect(failures).toHaveLength(1);
    expect(await token.lastUsed()).toBeUndefined();
    await tokenUses.flush();
    expect(await token.lastUsed()).toBe(first);

    // A mark made earlier than the one written (another instance's clock, a late batch) is ignored.
    const [{ id }] = await database.db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.lastUsedAt, new Date(first)));
    tokenUses.mark({ tokenId: id, at: new Date(Date.parse(first) - 3_600_000) });
    await tokenUses.flush();
    expect(await token.lastUsed()).toBe(first);
  });
});
