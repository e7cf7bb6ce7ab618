// The charges form, and who may use the non-attendance and e-learning pages.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, eLearningCompletions } from '../../db/schema';
import { nonAttendanceRoutes } from '../../server/attendance/non-attendance-routes';
import { eLearningRoutes } from '../../server/elearning/routes';
import { buildApp, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { errorSummary, signedIn, type Built } from '../manage/helpers';
import { expectWellFormedPage } from '../register/helpers';
import { rotherham } from './helpers';

let database: OpenDatabase;
let built: Built;
let coordinator: TestClient;
let coordinatorId: string;

const SETTINGS = '/manage/settings/charges';
const ROUTES = [...nonAttendanceRoutes, ...eLearningRoutes];

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  const signed = await signedIn(database.db, built, ['coordinator']);
  coordinator = signed.client;
  coordinatorId = signed.person.id;
});
afterAll(() => database.close());

/** What the charges form and the e-learning import write. */
async function written() {
  const p = await rotherham(database.db);
  return {
    policy: [p.nonAttendanceChargeHalfDayPence, p.nonAttendanceChargeFullDayPence, p.chargeExemptSectors],
    audit: await database.db.select().from(auditLog).where(eq(auditLog.subjectType, 'partnership')).orderBy(asc(auditLog.at), asc(auditLog.seq)),
    completions: await database.db.select().from(eLearningCompletions),
  };
}

describe('the charges form', () => {
  it('shows the current charges, in pounds', async () => {
    const res = await coordinator.get(SETTINGS);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectWellFormedPage(html, SETTINGS);
    expect(html).toContain('name="halfDay" type="text" value="0.00"');
    expect(html).toContain('value="Health"');
    expect(html).not.toMatch(/value="Health" checked/);
  });

  it('saves the amounts as pence and the exempt sectors, audited with what they were', async () => {
    const res = await coordinator.post(SETTINGS, { halfDay: '25', fullDay: '£1,000.00', exemptSectors: ['Health', 'Education'] });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/manage/non-attendance?done=charges');
    const after = await written();
    expect(after.policy).toEqual([2500, 100000, ['Health', 'Education']]);
    expect(after.audit.map((a) => [a.action, a.actorId, a.detail])).toEqual([
      ['partnership.charges.changed', coordinatorId, { before: { halfDayPence: 0, fullDayPence: 0, exemptSectors: [] }, after: { halfDayPence: 2500, fullDayPence: 100000, exemptSectors: ['Health', 'Education'] } }],
    ]);
    expect(await (await coordinator.get('/manage/non-attendance?done=charges')).text()).toContain('Charges saved');
    const form = await (await coordinator.get(SETTINGS)).text();
    expect(form).toContain('value="25.00"');
    expect(form).toContain('value="1000.00"');
    expect(form).toMatch(/value="Health" checked/);

    expect((await coordinator.post(SETTINGS, { halfDay: '12.5', fullDay: '0' })).status).toBe(303);
    expect((await written()).policy).toEqual([1250, 0, []]);
  });

  const bad: [string, Record<string, string | string[]>, string[]][] = [
    ['empty', {}, ['Enter the half-day charge, or 0 for no charge', 'Enter the full-day charge, or 0 for no charge']],
    ['negative', { halfDay: '-5', fullDay: '-0.01' }, ['The half-day charge cannot be negative', 'The full-day charge cannot be negative']],
    ['not numbers', { halfDay: 'twenty', fullDay: '25.' }, ['Enter the half-day charge as an amount in pounds, like 25.00', 'Enter the full-day charge as an amount in pounds, like 25.00']],
    ['too many decimals', { halfDay: '25.005', fullDay: '10' }, ['Enter the half-day charge in pounds and pence, with no more than 2 decimal places']],
    ['too much', { halfDay: '10', fullDay: '1000.01' }, ['The full-day charge must be £1,000 or less']],
    ['unknown sector', { halfDay: '10', fullDay: '20', exemptSectors: ['Health', 'Pirates'] }, ['Select sectors from the list']],
  ];
  for (const [name, form, messages] of bad) {
    it(`refuses ${name}, shows what was typed and changes nothing`, async () => {
      const before = await written();
      const res = await coordinator.post(SETTINGS, form);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('<title>Error: ');
      const summary = errorSummary(html);
      expect(summary.map((e) => e.message)).toEqual(messages);
      for (const entry of summary) expect(entry.hasTarget, entry.field).toBe(true);
      if (typeof form.halfDay === 'string') expect(html).toContain(`value="${form.halfDay}"`);
      expect(await written()).toEqual(before);
    });
  }
});

describe('who may use the non-attendance and e-learning pages', () => {
  it('has every route for coordinators only', () => {
    expect(ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /manage/non-attendance',
      'GET /manage/non-attendance/charges.csv',
      'GET /manage/settings/charges',
      'POST /manage/settings/charges',
      'GET /manage/e-learning',
      'POST /manage/e-learning',
    ]);
    for (const route of ROUTES) expect(route.access).toEqual(['coordinator']);
  });

  it('sends anonymous people to sign in, and refuses others (403), changing nothing', async () => {
    const before = await written();
    const anonymous = new TestClient(built.app);
    const form = { halfDay: '99', fullDay: '99', csv: 'email,course,completed\nx@y.example,Some course,2026-01-01\n' };
    for (const route of ROUTES) {
      const res = route.method === 'GET' ? await anonymous.get(route.path) : await anonymous.post(route.path, form);
      expect(res.status, route.path).toBe(303);
      expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(route.path)}`);
    }
    for (const roles of [[], ['trainer'], ['reviewer', 'organisation lead']] as const) {
      const { client } = await signedIn(database.db, built, [...roles]);
      for (const route of ROUTES) {
        const res = route.method === 'GET' ? await client.get(route.path) : await client.post(route.path, form);
        expect(res.status, `${roles.join('+') || 'practitioner'}: ${route.method} ${route.path}`).toBe(403);
      }
    }
    expect(await written()).toEqual(before);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const before = await written();
    expect((await coordinator.post(SETTINGS, { halfDay: '1', fullDay: '1' }, { csrf: false })).status).toBe(403);
    expect(await written()).toEqual(before);
  });
});
