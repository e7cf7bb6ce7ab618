// Bodies are refused before anything reads them when they are larger than the route takes; input
// no field can hold (a null character) or no parser can read is refused with a 400, changing
// nothing; and the sign-in limit per address counts the address the trusted proxy saw, not one
// the client wrote into X-Forwarded-For.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { eLearningCompletions, organisations, outbox } from '../../db/schema';
import { DEFAULT_BODY_LIMIT } from '../../server/http/routes';
import { buildApp, makePerson, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { expectProblem, personWithToken } from '../api/support';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
});
afterAll(() => database.close());

const CHUNK = 64 * 1024;

/** A body streamed in 64 KB chunks, up to `most` of them, counting how many were read. */
function countedStream(most: number) {
  const read = { chunks: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read.chunks >= most) return controller.close();
      read.chunks++;
      controller.enqueue(new Uint8Array(CHUNK).fill(97));
    },
  });
  return { body, read };
}

describe('request bodies', () => {
  it('refuses a form larger than 1 MB from its Content-Length, with a page that says so, before reading it', async () => {
    const { body, read } = countedStream(200);
    const res = await built.app.request('/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(100 * 1024 * 1024) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const page = await res.text();
    expect(page).toContain('The file or form is too large');
    expect(page).toContain('larger than 1 MB');
    expect(page).not.toMatch(/at \w+ \(|node_modules/);
    expect(read.chunks).toBeLessThanOrEqual(1);
  });

  it('stops reading a streamed body with no length once it passes the limit', async () => {
    const { body, read } = countedStream(200);
    const res = await built.app.request('/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    // 1 MB is 16 chunks: the 17th passes the limit; the stream may have pulled one more ahead
    // of the reader, and nothing after that is asked for.
    expect(read.chunks).toBeGreaterThan(DEFAULT_BODY_LIMIT / CHUNK);
    expect(read.chunks).toBeLessThanOrEqual(DEFAULT_BODY_LIMIT / CHUNK + 2);
  });

  it('answers the API with problem+json, and queues no mail', async () => {
    const before = (await database.db.select({ n: count() }).from(outbox))[0].n;
    const res = await built.app.request('/api/v1/bookings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'x'.repeat(DEFAULT_BODY_LIMIT) }) });
    const problem = await expectProblem(res, 413);
    expect(problem.title).toBe('The file or form is too large');
    expect((await database.db.select({ n: count() }).from(outbox))[0].n).toBe(before);
  });

  it('lets the e-learning import take its own larger limit', async () => {
    const coordinator = await personWithToken(database.db, built, ['coordinator']);
    const [before] = await database.db.select({ n: count() }).from(eLearningCompletions);
    // About 3 MB of rows for an unknown course: read in full (not refused for its size), then reported row by row.
    const row = 'nobody@partner.example,No such course,2026-10-01\n';
    const csv = `email,course,completed\n${row.repeat(Math.ceil((3 * 1024 * 1024) / row.length))}`;
    const res = await built.app.request('/api/v1/e-learning/completions', { method: 'POST', headers: { authorization: `Bearer ${coordinator.token}`, 'content-type': 'text/csv' }, body: csv });
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
    expect((await database.db.select({ n: count() }).from(eLearningCompletions))[0].n).toBe(before.n);
    const tooLarge = await built.app.request('/api/v1/e-learning/completions', { method: 'POST', headers: { authorization: `Bearer ${coordinator.token}`, 'content-type': 'text/csv', 'content-length': String(13 * 1024 * 1024) }, body: csv });
    await expectProblem(tooLarge, 413);
  });
});

describe('client addresses behind a trusted proxy', () => {
  it('counts sign-in requests by the address the proxy appended, whatever the client put before it', async () => {
    const signIn = (spoofed: string, email: string) => new TestClient(built.app, `${spoofed}, 10.0.3.1`).post('/sign-in', { email });
    for (let i = 0; i < 30; i++) expect((await signIn(`203.0.113.${i}`, `spoof${i}@partner.example`)).status).toBe(200);
    const refused = await signIn('198.51.100.7', 'one-more@partner.example');
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many sign-in requests');
    // Another real client behind the same proxy is not held back.
    expect((await new TestClient(built.app, '203.0.113.1, 10.0.3.2').post('/sign-in', { email: 'spoof1@partner.example' })).status).toBe(200);
    expect((await database.db.select({ n: count() }).from(outbox).where(eq(outbox.to, 'one-more@partner.example')))[0].n).toBe(0);
  });
});

describe('input that cannot be read or stored', () => {
  const coordinator = async () => {
    const person = await makePerson(database.db, ['coordinator']);
    return new TestClient(built.app, '10.0.4.1').signInAs(database.db, person.id, built.clock.now(), built.config);
  };

  it('refuses a null character in the address or a form field with a 400 page, and saves nothing', async () => {
    const client = await coordinator();
    const inAddress = await client.get('/courses?q=safe%00guarding');
    expect(inAddress.status).toBe(400);
    expect(await inAddress.text()).toContain('The web address holds a null character');
    const before = (await database.db.select({ n: count() }).from(organisations))[0].n;
    const inForm = await client.post('/manage/organisations', { name: 'Null\u0000 Agency', shortName: 'NA', sector: 'Other', partnerStatus: 'neither' });
    expect(inForm.status).toBe(400);
    const page = await inForm.text();
    expect(page).toContain('The form holds a null character');
    expect(page).not.toMatch(/at \w+ \(|invalid byte sequence/);
    expect((await database.db.select({ n: count() }).from(organisations))[0].n).toBe(before);
  });

  it('refuses a multipart form without its boundary with a 400, not a failure', async () => {
    const res = await built.app.request('/sign-in', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'email=x' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('The form could not be read');
  });

  it('refuses a null character in a JSON body with a problem naming it', async () => {
    const person = await personWithToken(database.db, built, ['coordinator']);
    const res = await built.app.request('/api/v1/e-learning/completions', { method: 'POST', headers: { authorization: `Bearer ${person.token}`, 'content-type': 'application/json' }, body: '{"csv": "email,course,completed\\na\\u0000b,c,2026-10-01"}' });
    const problem = await expectProblem(res, 400);
    expect(JSON.stringify(problem)).toContain('null character');
  });
});
