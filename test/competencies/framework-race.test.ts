// Coordinators acting at the same moment: of several drafts started at once exactly one is made, and
// of two publishings of it exactly one happens; the others are refused in plain words. Only
// meaningful on real PostgreSQL (TEST_DATABASE_URL): PGlite runs transactions one at a time, so
// there it is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { listVersions, publishDraft, startDraft } from '../../server/competencies/framework/service';
import { isDomainError } from '../../server/shared/errors';
import { createTestDatabase, racesRun } from '../support/database';
import { seed } from '../support/app';
import { bookingScope } from '../support/fixtures';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

const settled = async (calls: Promise<unknown>[]) => {
  const results = await Promise.allSettled(calls);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  expect(refused.every((e) => isDomainError(e, 'conflict')), String(refused.find((e) => !isDomainError(e)))).toBe(true);
  return { made: results.length - refused.length, refused };
};

describe.skipIf(!racesRun)('coordinators at once (races need separate connections: PostgreSQL only)', () => {
  it('starts one draft however many are asked for at once, and publishes it once', async () => {
    const s = await bookingScope(database.db);
    expect((await settled(Array.from({ length: 4 }, () => startDraft(s)))).made).toBe(1);
    expect((await listVersions(s)).map((v) => [v.version, v.status])).toEqual([[2, 'draft'], [1, 'current']]);
    const publishing = await settled([publishDraft(s), publishDraft(s)]);
    expect(publishing.made).toBe(1);
    expect(publishing.refused[0].message).toBe('There is no draft version to change. Start a new draft to change the framework: published versions cannot be changed.');
    expect((await listVersions(s)).map((v) => [v.version, v.status])).toEqual([[2, 'current'], [1, 'earlier']]);
  });
});
