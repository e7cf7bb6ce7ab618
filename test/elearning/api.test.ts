import { count } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { eLearningCompletions } from '../../db/schema';
import { ELearningImportResult } from '../../server/api/reports';
import { buildApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: Awaited<ReturnType<typeof personWithToken>>;
let practitioner: Awaited<ReturnType<typeof personWithToken>>;

const PATH = '/api/v1/e-learning/completions';
const CORE = 'Awareness of Child Abuse and Neglect - Core';
const FILE = `email,course,completed\r\npractitioner@rscp.example,${CORE},2026-05-04\r\nnobody@x.example,${CORE},2026-05-04\r\nlead@rscp.example,${CORE},2099-01-01\r\n`;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
  coordinator = await personWithToken(database.db, built, ['coordinator']);
  practitioner = await personWithToken(database.db, built, []);
});
afterAll(() => database.close());
// Counted afresh before each test, so a test counts only the completions it added.
beforeEach(async () => {
  seeded = await allCompletions();
});

const allCompletions = async () => (await database.db.select({ n: count() }).from(eLearningCompletions))[0].n;
/** The demo seeds some e-learning of its own, and other tests add theirs: completions beyond those there when the test began are its own. */
let seeded: number;
const countCompletions = async () => (await allCompletions()) - seeded;
const postCsv = (token: string, csv: string) => built.app.request(PATH, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv; charset=utf-8' }, body: csv });

describe('POST /api/v1/e-learning/completions', () => {
  it('imports the file sent as text/csv, and the same file as JSON adds nothing twice', async () => {
    const first = await expectBody(await postCsv(coordinator.token, FILE), ELearningImportResult);
    expect(first).toEqual({
      rows: 3,
      imported: 1,
      alreadyRecorded: 0,
      unmatched: [{ line: 3, email: 'nobody@x.example' }],
      skipped: [{ line: 4, message: 'completed date 2099-01-01 is in the future' }],
    });
    const again = await expectBody(await callApi(built, PATH, coordinator.token, { method: 'POST', body: { csv: FILE } }), ELearningImportResult);
    expect(again).toMatchObject({ imported: 0, alreadyRecorded: 1 });
    expect(await countCompletions()).toBe(1);
  });

  it('answers a file it cannot read with a 422 naming csv, and a bad body with a 400', async () => {
    const unreadable = await expectProblem(await postCsv(coordinator.token, 'email,course\nx@y.example,z\n'), 422);
    expect(unreadable.errors).toEqual({ csv: expect.stringContaining("the header is missing these columns: 'completed'") });
    for (const body of [{}, { csv: '' }, { csv: 5 }, { csv: FILE, extra: true }, 'not json']) {
      const problem = await expectProblem(await callApi(built, PATH, coordinator.token, { method: 'POST', body }), 400);
      expect(Object.keys(problem.errors ?? {}).length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    expect(await countCompletions()).toBe(0);
  });

  it('is for coordinators only', async () => {
    await expectProblem(await postCsv(practitioner.token, FILE), 403);
    await expectProblem(await callApi(built, PATH, practitioner.token, { method: 'POST', body: { csv: FILE } }), 403);
    await expectProblem(await callApi(built, PATH, undefined, { method: 'POST', body: { csv: FILE } }), 401);
    expect(await countCompletions()).toBe(0);
  });
});
