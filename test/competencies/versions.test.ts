// The profile across versions of the framework: evidence earned under an earlier version's
// competency counts for the current one that continues it (through more than one version), and
// only for that one; a person keeps their group by its code; the new version's default and
// per-competency refresh periods apply. Making a version current changes what every test reads,
// so each block of tests has a database of its own.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { competencies, competencyFrameworks, competencyRequirements, workforceGroups } from '../../db/schema';
import { myCompetencyProfile, type CompetencyProfile } from '../../server/competencies/service';
import { CompetencyFrameworkSchema } from '../../server/api/competencies';
import { createTestDatabase } from '../support/database';
import { buildApp, seed, TestClient, TEST_NOW } from '../support/app';
import { actingAs, bookingScope } from '../support/fixtures';
import { callApi, expectBody } from '../api/support';
import { answeredSurvey, competencyIds, learnedOn, makeProspectus, partnershipId, practitioner, statusesTwoWays, type Practitioner } from './helpers';

let database: OpenDatabase;
let pastYear: string;
/** In group 3 of version 1: came to a course developing A1 and B1 on 12 January 2026, and said three months on that their practice changed. */
let trained: Practitioner;
/** In group 4 of version 1, a group the later versions do not have. */
let groupFour: Practitioner;
let v1: Record<string, string>;

/** A fresh database with the people and evidence above, made the file's current one. */
async function openWorld() {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  pastYear = (await makeProspectus(database.db, '2025-26')).id;
  v1 = await competencyIds(database.db);
  trained = await practitioner(database.db, '3');
  groupFour = await practitioner(database.db, '4');
  const { booking } = await learnedOn(database.db, trained, pastYear, ['A1', 'B1'], '2026-01-12T10:00:00Z', { title: 'Core workshop (version 1)' });
  await answeredSurvey(database.db, trained, booking.id, '2026-04-14', { practiceChanged: 'yes' });
}

const profileOf = async (person: { id: string }) => myCompetencyProfile(actingAs(await bookingScope(database.db, TEST_NOW), person.id));
const byCode = (profile: CompetencyProfile) => Object.fromEntries(profile.competencies.map((c) => [c.code, c]));

/**
 * A new framework version, made current: groups 1 to 3 only, and the competencies given (each
 * optionally continuing one of the version before), all required for group 3.
 */
async function newVersion(version: number, defaultRefreshMonths: number, specs: { code: string; continues?: string; refreshMonths?: number }[]) {
  const partnership = await partnershipId(database.db);
  await database.db.update(competencyFrameworks).set({ current: false }).where(eq(competencyFrameworks.partnershipId, partnership));
  const [framework] = await database.db
    .insert(competencyFrameworks)
    .values({ partnershipId: partnership, version, title: `Framework version ${version}`, current: true, publishedAt: new Date(), defaultRefreshMonths })
    .returning();
  const groups = await database.db
    .insert(workforceGroups)
    .values(['1', '2', '3'].map((code, i) => ({ partnershipId: partnership, frameworkId: framework.id, code, name: `Group ${code} (v${version})`, who: 'Everyone', sortOrder: i + 1 })))
    .returning();
  const rows = await database.db
    .insert(competencies)
    .values(specs.map((c) => ({ partnershipId: partnership, frameworkId: framework.id, code: c.code, domain: 'Recognising harm', statement: `${c.code} in version ${version}`, continuesCompetencyId: c.continues ?? null, refreshMonths: c.refreshMonths ?? null })))
    .returning();
  const groupThree = groups.find((g) => g.code === '3')!;
  await database.db.insert(competencyRequirements).values(rows.map((c) => ({ competencyId: c.id, workforceGroupId: groupThree.id })));
  return { framework, groupThree, ids: Object.fromEntries(rows.map((r) => [r.code, r.id])) };
}

/** Version 2 made current: A1 continues version 1's A1; B1 is a new competency of the same code that does not; F1 is new, refreshed every 5 years. */
const versionTwo = () => newVersion(2, 24, [{ code: 'A1', continues: v1.A1 }, { code: 'B1' }, { code: 'F1', refreshMonths: 60 }]);

/** For a describe block: a database of its own with version 2 current. */
function useVersionTwo() {
  const world = {} as { v2: Awaited<ReturnType<typeof newVersion>> };
  beforeAll(async () => {
    await openWorld();
    world.v2 = await versionTwo();
  });
  afterAll(() => database.close());
  return world;
}

describe('a new version of the framework', () => {
  const world = useVersionTwo();

  it('is what the profile reads: the group by its code, and the competencies it requires', async () => {
    const profile = await profileOf(trained);
    expect(profile.framework).toMatchObject({ version: 2, defaultRefreshMonths: 24 });
    expect(profile.workforceGroup).toEqual({ id: world.v2.groupThree.id, code: '3', name: 'Group 3 (v2)' });
    expect(profile.competencies.map((c) => [c.code, c.id])).toEqual([['A1', world.v2.ids.A1], ['B1', world.v2.ids.B1], ['F1', world.v2.ids.F1]]);
  });

  it('carries evidence earned under the competency a current one continues, with the new version’s refresh period', async () => {
    const { A1 } = byCode(await profileOf(trained));
    expect(A1).toMatchObject({ status: 'applied', since: '2026-04-14', refreshMonths: 24, refreshDue: '2028-01-12' });
    expect(A1.evidence.map((e) => [e.kind, e.on, e.course?.title])).toEqual([
      ['three-month survey', '2026-04-14', 'Core workshop (version 1)'],
      ['course', '2026-01-12', 'Core workshop (version 1)'],
    ]);
  });

  it('carries nothing to a competency that does not continue an earlier one, even with the same code', async () => {
    const { B1, F1 } = byCode(await profileOf(trained));
    expect(B1).toMatchObject({ status: 'not started', evidence: [] });
    expect(F1).toMatchObject({ status: 'not started', refreshMonths: 60 });
  });

  it('says a person’s group is not in the current framework when the new version has no group of its code', async () => {
    const profile = await profileOf(groupFour);
    expect(profile).toMatchObject({ workforceGroup: null, groupMissing: 'not in the current framework', competencies: [] });
    const built = buildApp(database.db);
    const client = await new TestClient(built.app).signInAs(database.db, groupFour.id, built.clock.now(), built.config);
    const html = await (await client.get('/learning/competencies')).text();
    expect(html).toContain('Your workforce group is not part of the current version of the partnership’s competency framework (Framework version 2, version 2)');
  });

  it('is what the framework API publishes', async () => {
    const framework = await expectBody(await callApi(buildApp(database.db), '/api/v1/competency-framework'), CompetencyFrameworkSchema);
    expect(framework).toMatchObject({ version: 2, defaultRefreshMonths: 24 });
    expect(framework.competencies.map((c) => [c.code, c.refreshMonths])).toEqual([['A1', 24], ['B1', 24], ['F1', 60]]);
  });
});

describe('a third version of the framework', () => {
  const world = useVersionTwo();

  it('keeps carrying the evidence through a third version that continues the second', async () => {
    const v3 = await newVersion(3, 36, [{ code: 'A1', continues: world.v2.ids.A1 }]);
    const { A1 } = byCode(await profileOf(trained));
    expect(A1).toMatchObject({ id: v3.ids.A1, status: 'applied', refreshDue: '2029-01-12' });
    expect(A1.evidence).toHaveLength(2);
    // Read for the whole workforce at once, as the learning-needs figures read it, the same.
    const { read, profiles } = await statusesTwoWays(database.db, ['2026-11-23', '2029-01-11', '2029-01-12']);
    expect(read).toEqual(profiles);
    expect(profiles.filter((line) => line.startsWith(`2026-11-23 ${trained.id}`))).toEqual([`2026-11-23 ${trained.id} A1 applied`]);
  });
});
