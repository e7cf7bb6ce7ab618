// GET /api/v1/impact/answers: the anonymised answers with their codes and featured flag, checked
// against the schema the OpenAPI document is built from; the filters; a bad query; reviewer and
// coordinator tokens only; and the operation in the OpenAPI document.
import { beforeAll, describe, expect, it } from 'vitest';
import { AnswersSchema } from '../../server/api/impact-answers';
import { codeAnswer, featureAnswer, listAnswerThemes } from '../../server/impact/answers';
import type { ServiceContext } from '../../server/shared/context';
import { makePerson } from '../support/app';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';
import { useAnswersYear } from './answers-fixture';

const t = useAnswersYear();
let riskId: string;
beforeAll(async () => {
  const reviewer = await makePerson(t.database.db, ['reviewer']);
  const s: ServiceContext = { ...t.built.deps, partnership: t.fixture.partnership, actor: { id: reviewer.id, roles: ['reviewer'] } };
  riskId = (await listAnswerThemes(s)).find((theme) => theme.name === 'Recognising risk')!.id;
  await codeAnswer(s, t.ids['S1:p1'], [riskId]);
  await featureAnswer(s, t.ids['S1:p1'], { checked: false });
});

describe('GET /api/v1/impact/answers', () => {
  it('gives a reviewer the period’s answers with their codes and featured flag, and no one’s identity', async () => {
    const { token } = await personWithToken(t.database.db, t.built, ['reviewer']);
    const body = await expectBody(await callApi(t.built, '/api/v1/impact/answers?from=2025-04-01&to=2026-04-01', token), AnswersSchema);
    expect(body).toMatchObject({ from: '2025-04-01', to: '2026-04-01', total: 9, page: 1, pages: 1, withheld: false });
    const p1 = body.answers.find((a) => a.id === t.ids['S1:p1'])!;
    expect(p1).toMatchObject({ month: '2025-05', course: 'Neglect', sector: 'Local authority', practiceChanged: 'yes', featured: true, quotationConsent: true, codes: [{ id: riskId, name: 'Recognising risk', retired: false }] });
    expect(body.answers.find((a) => a.id === t.ids['S2:x1'])!.sector).toBeNull();
  });

  it('takes the filters, and withholds a sector fewer than 5 answered for', async () => {
    const { token } = await personWithToken(t.database.db, t.built, ['coordinator']);
    const coded = await expectBody(await callApi(t.built, `/api/v1/impact/answers?year=2025-26&code=${riskId}`, token), AnswersSchema);
    expect(coded.answers.map((a) => a.id)).toEqual([t.ids['S1:p1']]);
    const featured = await expectBody(await callApi(t.built, '/api/v1/impact/answers?year=2025-26&featured=yes&practiceChanged=yes', token), AnswersSchema);
    expect(featured.total).toBe(1);
    const police = await expectBody(await callApi(t.built, '/api/v1/impact/answers?year=2025-26&sector=Police', token), AnswersSchema);
    expect(police).toMatchObject({ withheld: true, answers: [] });
  });

  it('refuses a bad query, naming the parameter', async () => {
    const { token } = await personWithToken(t.database.db, t.built, ['reviewer']);
    await expectProblem(await callApi(t.built, '/api/v1/impact/answers?practiceChanged=maybe', token), 400);
    await expectProblem(await callApi(t.built, '/api/v1/impact/answers?page=0', token), 400);
    await expectProblem(await callApi(t.built, '/api/v1/impact/answers?from=2025-04-01', token), 422);
  });

  it('is for reviewer and coordinator tokens only, and is in the OpenAPI document', async () => {
    await expectProblem(await callApi(t.built, '/api/v1/impact/answers'), 401);
    for (const roles of [[], ['trainer'], ['organisation lead']] as const) {
      const { token } = await personWithToken(t.database.db, t.built, [...roles]);
      await expectProblem(await callApi(t.built, '/api/v1/impact/answers', token), 403);
    }
    const doc = await (await callApi(t.built, '/api/v1/openapi.json')).json();
    expect(doc.paths['/api/v1/impact/answers'].get.operationId).toBe('listImpactAnswers');
    expect(doc.components.schemas.ImpactAnswers).toBeDefined();
  });
});
