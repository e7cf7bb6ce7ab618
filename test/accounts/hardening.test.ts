// The answers' headers and the lifetime of credentials: nothing signed in is cached, HSTS only
// over https, one framing rule, the same headers on static files; API tokens with an expiry,
// listed with their last use, revoked by "sign out on all devices"; and another trainer's
// session reads as not found.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { sessionTrainers } from '../../db/schema';
import { withStaticFiles } from '../../server/runtime';
import { DAY } from '../../server/shared/clock';
import SECURITY_HEADERS from '../../server/http/security-headers.json';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { makeSession } from '../support/fixtures';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let assets: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  assets = mkdtempSync(join(tmpdir(), 'assets-'));
  execFileSync('node', ['scripts/build-assets.mjs', assets]);
});
afterAll(async () => {
  rmSync(assets, { recursive: true, force: true });
  await database.close();
});

const signedIn = async (roles: ('coordinator' | 'trainer')[] = []) => {
  const person = await makePerson(database.db, roles);
  return { person, client: await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config) };
};
const tokenFrom = (html: string) => html.match(/<code>(sct_[a-z2-7]{32})<\/code>/)![1];
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('headers', () => {
  it('keeps signed-in pages and every API answer out of caches', async () => {
    const { client } = await signedIn();
    expect((await client.get('/account')).headers.get('cache-control')).toBe('no-store');
    expect((await client.get('/courses')).headers.get('cache-control')).toBe('no-store');
    expect((await built.app.request('/api/v1/me')).headers.get('cache-control')).toBe('no-store'); // a 401 too
    const token = tokenFrom(await (await client.post('/account/api-tokens', { name: 'Script' })).text());
    expect((await built.app.request('/api/v1/me', bearer(token))).headers.get('cache-control')).toBe('no-store');
    // An anonymous visitor's public page may be kept (served from the page cache it says so: decision 20).
    expect((await new TestClient(built.app).get('/courses')).headers.get('cache-control')).not.toBe('no-store');
  });

  it('sends HSTS only over https, and one framing rule', async () => {
    expect((await built.app.request('http://localhost/courses')).headers.get('strict-transport-security')).toBeNull();
    expect((await built.app.request('https://localhost/courses')).headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    // Behind the trusted proxy, its word for the scheme.
    expect((await built.app.request('http://localhost/courses', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toContain('max-age=');
    const untrusted = buildApp(database.db, { config: { trustProxy: false } });
    expect((await untrusted.app.request('http://localhost/courses', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toBeNull();

    const res = await built.app.request('/courses');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('puts the same security headers on static files, on Node and in the Worker’s _headers', async () => {
    const root = withStaticFiles(built.app, built.config, assets);
    const css = await root.request('https://localhost/static/govuk-frontend.min.css');
    expect(css.status).toBe(200);
    for (const [name, value] of Object.entries({ ...SECURITY_HEADERS.always, ...SECURITY_HEADERS.httpsOnly })) expect(css.headers.get(name), name).toBe(value);
    expect((await root.request('/courses')).status).toBe(200); // everything else is the app
    const file = readFileSync(join(assets, '_headers'), 'utf8');
    for (const [name, value] of Object.entries({ ...SECURITY_HEADERS.always, ...SECURITY_HEADERS.httpsOnly })) expect(file).toContain(`  ${name}: ${value}\n`);
  });
});

describe('API tokens', () => {
  it('may expire, are listed with their last use and expiry, and stop working when they expire', async () => {
    const { client } = await signedIn();
    const token = tokenFrom(await (await client.post('/account/api-tokens', { name: 'Short lived', expiresInDays: '30' })).text());
    expect((await built.app.request('/api/v1/me', bearer(token))).status).toBe(200);
    const listing = await (await client.get('/account')).text();
    expect(listing).toContain('<th scope="col" class="govuk-table__header">Expires</th>');
    expect(listing).toMatch(/Short lived[\s\S]*23 Nov 2026[\s\S]*23 Dec 2026/); // used today, expires in 30 days
    expect((await client.post('/account/api-tokens', { name: 'Odd', expiresInDays: '7' })).status).toBe(422);
    built.clock.advance(30 * DAY + 1000);
    try {
      expect((await built.app.request('/api/v1/me', bearer(token))).status).toBe(401);
      expect(await (await client.get('/account')).text()).not.toContain('Short lived');
    } finally {
      built.clock.advance(-(30 * DAY + 1000));
    }
  });

  it('are revoked by signing out on all devices', async () => {
    const { client, person } = await signedIn();
    const token = tokenFrom(await (await client.post('/account/api-tokens', { name: 'Nightly export' })).text());
    const other = await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
    expect((await client.post('/account/sign-out-everywhere')).status).toBe(303);
    expect((await built.app.request('/api/v1/me', bearer(token))).status).toBe(401);
    expect((await other.get('/account')).status).toBe(303);
  });
});

describe('another trainer’s session', () => {
  it('is not found, on pages and the API, rather than forbidden', async () => {
    const { session } = await makeSession(database.db);
    const { person: owner } = await signedIn(['trainer']);
    await database.db.insert(sessionTrainers).values({ sessionId: session.id, personId: owner.id });
    const { client } = await signedIn(['trainer']);
    const token = tokenFrom(await (await client.post('/account/api-tokens', { name: 'Trainer script' })).text());
    for (const path of [`/api/v1/sessions/${session.id}/attendance`, `/api/v1/sessions/${session.id}/feedback-summary`]) {
      expect((await built.app.request(path, bearer(token))).status, path).toBe(404);
    }
    const marked = await built.app.request(`/api/v1/sessions/${session.id}/attendance`, { method: 'POST', headers: { ...bearer(token).headers, 'content-type': 'application/json' }, body: JSON.stringify({ marks: {} }) });
    expect(marked.status).toBe(404);
    for (const path of ['register', 'sign-in-sheet', 'feedback'].map((p) => `/trainer/sessions/${session.id}/${p}`)) {
      expect((await client.get(path)).status, path).toBe(404);
    }
  });
});
