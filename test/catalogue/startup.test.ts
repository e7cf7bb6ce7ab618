import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, OpenDatabase } from '../../db/database';
import { bookings, courses, people, sessions } from '../../db/schema';
import { seedDemo } from '../../server/demo/seed';
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
});
