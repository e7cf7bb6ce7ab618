// GET /api/v1/impact: the hand-counted year's figures as JSON, checked against the schema the
// OpenAPI document is built from; suppressed figures as { suppressed: true }; the query checked;
// reviewer and coordinator tokens only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { ImpactSchema } from '../../server/api/impact';
import { buildApp, seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';
import { writeImpactYear } from './fixture';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let fixture: Awaited<ReturnType<typeof writeImpactYear>>;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  fixture = await writeImpactYear(database.db);
  built = buildApp(database.db);
});
afterAll(() => database.close());

describe('GET /api/v1/impact', () => {
  it('gives a reviewer the period’s figures with counts, denominators and intervals', async () => {
    const { token } = await personWithToken(database.db, built, ['reviewer']);
    const body = await expectBody(await callApi(built, '/api/v1/impact?from=2025-04-01&to=2026-04-01', token), ImpactSchema);
    expect(body).toMatchObject({ from: '2025-04-01', to: '2026-04-01' });
    // 19 of the 20 held a place: the rates would tell that 1 walked in, so they are not shown.
    expect(body.delivery).toMatchObject({ sessionsDelivered: 3, attendances: 20, walkIns: { suppressed: true }, takeUp: { suppressed: true, notShown: true }, attendanceRate: { suppressed: true, notShown: true } });
    expect(body.followUp).toMatchObject({ sent: 15, answered: 9, outcomeImproved: { count: 4, of: 7 } });
    expect((body.followUp.responseRate as { low: number }).low).toBeCloseTo(0.3575, 4);
    expect(body.nonResponse.filter((r) => r.by === 'sector')).toEqual([
      { by: 'sector', group: 'Health', sent: null, answered: null, responseRate: { suppressed: true }, warning: null },
      expect.objectContaining({ group: 'Local authority', sent: 7, answered: 6, warning: expect.stringContaining('more often than everyone') }),
      { by: 'sector', group: 'Police', sent: null, answered: null, responseRate: { suppressed: true }, warning: null },
    ]);
  });

  it('takes a year, the filters, and says { suppressed: true } for fewer than 5', async () => {
    const { token } = await personWithToken(database.db, built, ['coordinator']);
    const police = await expectBody(await callApi(built, `/api/v1/impact?year=2025-26&organisationId=${fixture.police.id}`, token), ImpactSchema);
    expect(police.delivery.attendances).toEqual({ suppressed: true });
    expect(police.followUp.responseRate).toEqual({ suppressed: true });
    expect(police.dayZero.confidenceChange).toEqual({ suppressed: true });
  });

  it('refuses a bad query, naming the parameter', async () => {
    const { token } = await personWithToken(database.db, built, ['reviewer']);
    await expectProblem(await callApi(built, '/api/v1/impact?from=2025-13-01&to=2026-01-01', token), 400);
    await expectProblem(await callApi(built, '/api/v1/impact?mode=Carrier+pigeon', token), 400);
    await expectProblem(await callApi(built, '/api/v1/impact?from=2025-04-01', token), 422);
    await expectProblem(await callApi(built, '/api/v1/impact?year=1999-00', token), 422);
  });

  it('is for reviewer and coordinator tokens only', async () => {
    await expectProblem(await callApi(built, '/api/v1/impact'), 401);
    for (const roles of [[], ['trainer'], ['organisation lead']] as const) {
      const { token } = await personWithToken(database.db, built, [...roles]);
      await expectProblem(await callApi(built, '/api/v1/impact', token), 403);
    }
  });
});
