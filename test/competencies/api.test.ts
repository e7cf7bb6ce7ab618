// The competency API: the token holder's own profile (and nobody else's), 401 without a token,
// and the current framework, public, with its groups, competencies, refresh periods and the
// courses of the current published prospectus that develop each; bodies checked against the
// response schemas the OpenAPI document is generated from.
import { describe, expect, it } from 'vitest';
import { competencies as competencyTable } from '../../db/schema';
import { CompetencyFrameworkSchema, CompetencyProfileSchema } from '../../server/api/competencies';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';
import { eq } from 'drizzle-orm';
import { people, workforceGroups } from '../../db/schema';
import { answeredSurvey, competencyWorld, competencyIds, learnedOn, makeCourse, makeProspectus, practitioner } from './helpers';

const world = competencyWorld();

/** A practitioner in group 3 with an API token. */
async function holder() {
  const person = await personWithToken(world.database.db, world.built, []);
  const [group] = await world.database.db.select().from(workforceGroups).where(eq(workforceGroups.code, '3'));
  await world.database.db.update(people).set({ workforceGroupId: group.id }).where(eq(people.id, person.id));
  return person;
}

describe('GET /api/v1/me/competencies', () => {
  it('answers 401 without a token, or with one that is not valid', async () => {
    await expectProblem(await callApi(world.built, '/api/v1/me/competencies'), 401);
    await expectProblem(await callApi(world.built, '/api/v1/me/competencies', 'sct_not-a-real-token'), 401);
  });

  it('gives the token holder’s profile: each required competency with its status, dates and evidence', async () => {
    const person = await holder();
    const { booking, course } = await learnedOn(world.database.db, person, world.pastYear, ['A1', 'B1'], '2026-01-12T10:00:00Z', { title: 'Safeguarding core workshop' });
    await answeredSurvey(world.database.db, person, booking.id, '2026-04-14', { practiceChanged: 'not yet', confident: ['B1'] });
    const profile = await expectBody(await callApi(world.built, '/api/v1/me/competencies', person.token), CompetencyProfileSchema);
    expect(profile).toMatchObject({ asOf: '2026-11-23', framework: { version: 1, defaultRefreshMonths: 36 }, workforceGroup: { code: '3' }, groupMissing: null });
    expect(profile.competencies.map((c) => c.code)).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'D1']);
    const [a1, a2, , b1] = profile.competencies;
    const ids = await competencyIds(world.database.db);
    expect(a1).toEqual({
      id: ids.A1,
      code: 'A1',
      domain: 'Recognising harm',
      statement: 'Recognise the signs and indicators of abuse, neglect and exploitation',
      refreshMonths: 36,
      status: 'learned',
      since: '2026-01-12',
      refreshDue: '2029-01-12',
      evidence: [{ kind: 'course', shows: 'learning', on: '2026-01-12', course: { id: course.id, title: 'Safeguarding core workshop' }, detail: 'Attended and gave feedback' }],
    });
    expect(b1).toMatchObject({ status: 'applied', since: '2026-04-14', evidence: [{ kind: 'three-month survey', shows: 'application', detail: 'Rated confident in this competency' }, { kind: 'course' }] });
    expect(a2).toMatchObject({ status: 'not started', since: null, refreshDue: null, evidence: [] });
  });

  it('never includes another person’s evidence', async () => {
    const [me, other] = [await holder(), await practitioner(world.database.db)];
    await learnedOn(world.database.db, other, world.pastYear, ['A1'], '2026-01-12T10:00:00Z');
    const profile = await expectBody(await callApi(world.built, '/api/v1/me/competencies', me.token), CompetencyProfileSchema);
    expect(profile.competencies.every((c) => c.status === 'not started' && c.evidence.length === 0)).toBe(true);
  });

  it('says when the token holder has no workforce group', async () => {
    const person = await holder();
    await world.database.db.update(people).set({ workforceGroupId: null }).where(eq(people.id, person.id));
    const profile = await expectBody(await callApi(world.built, '/api/v1/me/competencies', person.token), CompetencyProfileSchema);
    expect(profile).toMatchObject({ workforceGroup: null, groupMissing: 'not set', competencies: [] });
  });
});

describe('GET /api/v1/competency-framework', () => {
  it('is public: the current version’s groups in order, competencies by code with the groups that require them and their refresh periods', async () => {
    const framework = await expectBody(await callApi(world.built, '/api/v1/competency-framework'), CompetencyFrameworkSchema);
    expect(framework).toMatchObject({ version: 1, title: 'Partnership safeguarding competency framework', defaultRefreshMonths: 36 });
    expect(framework.workforceGroups.map((g) => g.code)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(framework.competencies.map((c) => c.code)).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'D1', 'E1', 'E2', 'E3']);
    const byCode = Object.fromEntries(framework.competencies.map((c) => [c.code, c]));
    expect(byCode.A1.requiredFor.map((g) => g.code)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(byCode.E3.requiredFor.map((g) => g.code)).toEqual(['5', '6']);
    expect(byCode.E3.requiredFor[0]).toEqual({ id: expect.any(String), code: '5', name: expect.stringContaining('Group 5') });
    expect(new Set(framework.competencies.map((c) => c.refreshMonths))).toEqual(new Set([36]));
  });

  it('gives a competency’s own refresh period, and the courses of the current published prospectus that develop it', async () => {
    const ids = await competencyIds(world.database.db);
    await world.database.db.update(competencyTable).set({ refreshMonths: 12 }).where(eq(competencyTable.id, ids.E2));
    try {
      const workshop = await makeCourse(world.database.db, world.thisYear, ['E2', 'E1'], { title: 'Supervision workshop' });
      await makeCourse(world.database.db, world.thisYear, ['E2'], { title: 'Withdrawn supervision course', withdrawn: true });
      await makeCourse(world.database.db, world.pastYear, ['E2'], { title: 'Last year’s supervision course' });
      await makeCourse(world.database.db, (await makeProspectus(world.database.db, '2027-28', 'draft')).id, ['E2'], { title: 'Next year’s draft course' });
      const framework = await expectBody(await callApi(world.built, '/api/v1/competency-framework'), CompetencyFrameworkSchema);
      const e2 = framework.competencies.find((c) => c.code === 'E2')!;
      expect(e2).toMatchObject({ refreshMonths: 12, courses: [{ id: workshop.id, title: 'Supervision workshop' }] });
      expect(framework.competencies.find((c) => c.code === 'E1')!.courses).toEqual([{ id: workshop.id, title: 'Supervision workshop' }]);
    } finally {
      await world.database.db.update(competencyTable).set({ refreshMonths: null }).where(eq(competencyTable.id, ids.E2));
    }
  });
});
