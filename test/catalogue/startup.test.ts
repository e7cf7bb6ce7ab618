import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, OpenDatabase } from '../../db/database';
import { bookings, courses, people, sessions } from '../../db/schema';
import { seedDemo } from '../../server/demo/seed';
import { hashToken } from '../../server/shared/tokens';
import { createApp } from '../../server/app';
import { fixedClock } from '../../server/shared/clock';
import { captureMailer } from '../../server/mail/mailer';
import { createTestDatabase } from '../support/database';
import { testConfig, TEST_NOW, TestClient } from '../support/app';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
});
afterAll(() => database.close());

describe('starting up', () => {
  it('seeds the demo once: a later start changes nothing', async () => {
    const count = async () => Promise.all([courses, sessions, people, bookings].map(async (t) => (await database.db.select().from(t)).length));
    const before = await count();
    expect(before.every((n) => n > 0)).toBe(true);
    expect(await seedDemo(database.db, new Date(TEST_NOW))).toEqual({ created: false });
    expect(await count()).toEqual(before);
  });

  it('answers a failure with a plain error page and no stack trace', async () => {
    // A database that fails every query, as when the server goes away.
    const broken = new Proxy(database.db, {
      get(target, key) {
        if (key === 'select') return () => { throw new Error('connection refused at db.ts:12'); };
        return Reflect.get(target, key);
      },
    }) as Database;
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const app = createApp({ db: broken, clock: fixedClock(TEST_NOW), config: testConfig(), mailer: captureMailer });
      const res = await new TestClient(app).get('/courses');
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).toContain('Sorry, there is a problem with the service');
      expect(body).not.toContain('connection refused');
      expect(body).not.toMatch(/\.ts:\d+/);
      const health = await new TestClient(app).get('/healthz');
      expect(health.status).toBe(503);
    } finally {
      console.error = original;
    }
    expect(errors.length).toBeGreaterThan(0); // logged for the operators, not shown to the person
  });

  it('logs a failed query by its database code and a reference the page gives, never its parameters', async () => {
    const failing = await createTestDatabase({ demo: true });
    try {
      // Every API request looks its bearer token up by the token's hash: make that lookup fail.
      await failing.db.execute(sql`alter table api_tokens rename to api_tokens_gone`);
      const token = 'a-token-whose-hash-must-not-be-logged';
      const logged: string[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => logged.push(args.map(String).join(' '));
      let res: Response;
      try {
        const app = createApp({ db: failing.db, clock: fixedClock(TEST_NOW), config: testConfig(), mailer: captureMailer });
        res = await app.request('/api/v1/courses', { headers: { authorization: `Bearer ${token}` } });
      } finally {
        console.error = original;
      }
      expect(res.status).toBe(500);
      const reference = res.headers.get('x-request-id')!;
      expect(reference).toMatch(/^[\w-]{20,}$/);
      expect(await res.text()).toContain(reference);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain(`Request ${reference} (GET /api/v1/courses) failed: database error 42P01`);
      expect(logged[0]).not.toContain(hashToken(token));
      expect(logged[0]).not.toMatch(/params|select /i);
    } finally {
      await failing.close();
    }
  });
});
