// GET /api/v1/impact/answers: the anonymised answers with their codes and featured flag, checked
// against the schema the OpenAPI document is built from; the filters; a bad query; reviewer and
// coordinator tokens only; and the operation in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { AnswersSchema } from '../../server/api/impact-answers';
import { codeAnswer, featureAnswer, listAnswerThemes } from '../../server/impact/answers';
import type { ServiceContext } from '../../server/shared/context';
import { buildApp, makePerson, seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';
import { writeAnswerWords } from './answers-fixture';
import { writeImpactYear } from './fixture';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let ids: Record<string, string>;
let riskId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  const fixture = await writeImpactYear(database.db);
  ids = await writeAnswerWords(database.db);
  built = buildApp(database.db);
  const reviewer = await makePerson(database.db, ['reviewer']);
  const s: ServiceContext = { ...built.deps, partnership: fixture.partnership, actor: { id: reviewer.id, roles: ['reviewer'] } };
  riskId = (await listAnswerThemes(s)).find((t) => t.name === 'Recognising risk')!.id;
  await codeAnswer(s, ids['S1:p1'], [riskId]);
  await featureAnswer(s, ids['S1:p1'], { checked: false });
});
afterAll(() => database.close());

describe('GET /api/v1/impact/answers', () => {
  it('gives a reviewer the period’s answers with their codes and featured flag, and no one’s identity', async () => {
    const { token } = await personWithToken(database.db, built, ['reviewer']);
    const body = await expectBody(await callApi(built, '/api/v1/impact/answers?from=2025-04-01&to=2026-04-01', token), AnswersSchema);
    expect(body).toMatchObject({ from: '2025-04-01', to: '2026-04-01', total: 9, page: 1, pages: 1, withheld: false });
    const p1 = body.answers.find((a) => a.id === ids['S1:p1'])!;
    expect(p1).toMatchObject({ month: '2025-05', course: 'Neglect', sector: 'Local authority', practiceChanged: 'yes', featured: true, quotationConsent: true, codes: [{ id: riskId, name: 'Recognising risk', retired: false }] });
    expect(body.answers.find((a) => a.id === ids['S2:x1'])!.sector).toBeNull();
  });

  it('takes the filters, and withholds a sector fewer than 5 answered for', async () => {
    const { token } = await personWithToken(database.db, built, ['coordinator']);
    const coded = await expectBody(await callApi(built, `/api/v1/impact/answers?year=2025-26&code=${riskId}`, token), AnswersSchema);
    expect(coded.answers.map((a) => a.id)).toEqual([ids['S1:p1']]);
    const featured = await expectBody(await callApi(built, '/api/v1/impact/answers?year=2025-26&featured=yes&practiceChanged=yes', token), AnswersSchema);
    expect(featured.total).toBe(1);
    const police = await expectBody(await callApi(built, '/api/v1/impact/answers?year=2025-26&sector=Police', token), AnswersSchema);
    expect(police).toMatchObject({ withheld: true, answers: [] });
  });

  it('refuses a bad query, naming the parameter', async () => {
    const { token } = await personWithToken(database.db, built, ['reviewer']);
    await expectProblem(await callApi(built, '/api/v1/impact/answers?practiceChanged=maybe', token), 400);
    await expectProblem(await callApi(built, '/api/v1/impact/answers?page=0', token), 400);
    await expectProblem(await callApi(built, '/api/v1/impact/answers?from=2025-04-01', token), 422);
  });

  it('is for reviewer and coordinator tokens only, and is in the OpenAPI document', async () => {
    await expectProblem(await callApi(built, '/api/v1/impact/answers'), 401);
    for (const roles of [[], ['trainer'], ['organisation lead']] as const) {
      const { token } = await personWithToken(database.db, built, [...roles]);
      await expectProblem(await callApi(built, '/api/v1/impact/answers', token), 403);
    }
    const doc = await (await callApi(built, '/api/v1/openapi.json')).json();
    expect(doc.paths['/api/v1/impact/answers'].get.operationId).toBe('listImpactAnswers');
    expect(doc.components.schemas.ImpactAnswers).toBeDefined();
  });
});
