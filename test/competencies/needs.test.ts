// Learning needs against a partnership built by hand, every figure worked out below by hand:
// Barnardo's (voluntary and community) has six people in group 1 and eight in group 3; Rotherham
// Hospice (the same sector) five in group 1 with no learning; the council's coordinator and
// reviewer have no group. The app's clock is 23 November 2026, so a year earlier is 23 November
// 2025, and evidence lasts the framework's 36 months.
//
//   P1-P5 (group 1)  core course (A1, B1) on 12 January 2026
//   P6    (group 1)  old core course (A1, B1) on 10 January 2023: due for refresh since 10 January 2026
//   Q1-Q6 (group 3)  group 3 workshop (A1, B1, A2, C2) on 3 March 2025
//   Q7, Q8 (group 3) nothing; Q8 is the organisation's lead
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations, partnerships, type Role } from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { loadSignedInPerson } from '../../server/accounts/sessions';
import { GapMapSchema, LearningNeedsSchema } from '../../server/api/learning-needs';
import { gapMap, learningNeeds, type LearningNeeds } from '../../server/competencies/needs';
import { NEEDS_CSV_HEADER } from '../../server/competencies/needs-csv';
import { parseCsv } from '../../server/shared/csv';
import { actingAs, bookingScope } from '../support/fixtures';
import { TestClient, TEST_NOW } from '../support/app';
import { callApi, expectBody, expectProblem } from '../api/support';
import { expectAccessiblePage } from '../feedback/helpers';
import { attend, competencyWorld, makeCourse, makeProspectus, makeSessionOf, practitioner, type Practitioner } from './helpers';

const world = competencyWorld();
const db = () => world.database.db;
let barnardos: string;
let hospice: string;
let council: string;
let lead: Practitioner;
let coordinator: Practitioner;
let reviewer: Practitioner;
let otherLead: Practitioner;
let thisPractitioner: Practitioner;

const organisationNamed = async (name: string) => (await db().select().from(organisations).where(eq(organisations.name, name)))[0].id;

/** The course in the prospectus, a session of it on the day, and each person coming to it with feedback. */
async function cameTo(prospectusId: string, codes: string[], startsAt: string, who: Practitioner[]) {
  const course = await makeCourse(db(), prospectusId, codes);
  const session = await makeSessionOf(db(), course.id, startsAt);
  for (const person of who) await attend(db(), person, session);
}

beforeAll(async () => {
  [barnardos, hospice, council] = await Promise.all(['Barnardo\'s', 'Rotherham Hospice', 'Rotherham Metropolitan Borough Council'].map(organisationNamed));
  const make = (count: number, prefix: string, group: string, organisationId: string) =>
    Promise.all(Array.from({ length: count }, (_, i) => practitioner(db(), group, { name: `${prefix}${i + 1} Person`, organisationId })));
  const p = await make(6, 'Pat', '1', barnardos);
  const q = await make(7, 'Quinn', '3', barnardos);
  lead = await practitioner(db(), '3', { name: 'Lee Lead', organisationId: barnardos, roles: ['organisation lead'] });
  await make(5, 'Robin', '1', hospice);
  otherLead = await practitioner(db(), null, { name: 'Olly Otherlead', organisationId: council, roles: ['organisation lead'] });
  coordinator = await practitioner(db(), null, { name: 'Cora Coordinator', organisationId: council, roles: ['coordinator'] });
  reviewer = await practitioner(db(), null, { name: 'Rae Reviewer', organisationId: council, roles: ['reviewer'] });
  thisPractitioner = p[0];
  await cameTo(world.pastYear, ['A1', 'B1'], '2026-01-12T10:00:00Z', p.slice(0, 5));
  await cameTo(world.pastYear, ['A1', 'B1'], '2023-01-10T10:00:00Z', [p[5]]);
  await cameTo(world.pastYear, ['A1', 'B1', 'A2', 'C2'], '2025-03-03T10:00:00Z', q.slice(0, 6));
  // What is on offer: this year's A1 and B1; C1 only withdrawn; A2 in next year's draft; C2 only last year's.
  await makeCourse(db(), world.thisYear, ['A1', 'B1']);
  await makeCourse(db(), world.thisYear, ['C1'], { withdrawn: true });
  await makeCourse(db(), (await makeProspectus(db(), '2027-28', 'draft')).id, ['A2']);
}, 120_000);

const as = async (who: Practitioner, roles: Role[], now = TEST_NOW) =>
  actingAs(await bookingScope(db(), now), { id: who.id, roles });
const needsOf = async (organisationId: string, now = TEST_NOW) => (await learningNeeds(await as(coordinator, ['practitioner', 'coordinator'], now), organisationId, { withNames: true }))!;
const byCode = (needs: LearningNeeds) => Object.fromEntries(needs.competencies.map((c) => [c.code, c]));
const count = (n: number) => ({ count: n });
const FEWER = { suppressed: true, reason: 'fewer than 5' };
const share = (n: number, of: number) => expect.objectContaining({ count: n, of, value: n / of });

describe('an organisation’s learning needs', () => {
  it('counts its people by workforce group', async () => {
    const needs = await needsOf(barnardos);
    expect(needs).toMatchObject({ asOf: '2026-11-23', yearEarlier: '2025-11-23', people: count(14), notInFramework: count(0) });
    expect(needs.groups.map((g) => [g.code, g.people])).toEqual([['1', count(6)], ['2', count(0)], ['3', count(8)], ['4', count(0)], ['5', count(0)], ['6', count(0)]]);
  });

  it('gives, for each competency its groups need, how many meet it, are due and have not started, hiding counts of fewer than 5', async () => {
    const needs = await needsOf(barnardos);
    // Groups 1 and 3 need A1 to D1; E1 to E3 are for groups 4 to 6, whom Barnardo's has none of.
    expect(needs.competencies.map((c) => c.code)).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'D1']);
    const { A1, B1, A2, C2, A3 } = byCode(needs);
    // A1: 11 meet it (P1-P5, Q1-Q6), P6 is due, Q7 and the lead have not started: 1 and 2 are hidden,
    // and neither can be worked out, since only their sum (14 - 11) is known.
    for (const c of [A1, B1]) {
      expect(c.required).toEqual(count(14));
      expect(c.now).toEqual({ meets: share(11, 14), dueForRefresh: FEWER, notStarted: FEWER });
    }
    // A2: 6 of 8 meet it (Q1-Q6), 2 have not started; the 0 due for refresh is hidden with them, or 8 - 6 - 0 would give the 2.
    for (const c of [A2, C2]) {
      expect(c.required).toEqual(count(8));
      expect(c.now).toEqual({ meets: share(6, 8), dueForRefresh: FEWER, notStarted: FEWER });
    }
    expect(A3.now).toEqual({ meets: share(0, 8), dueForRefresh: count(0), notStarted: count(8) });
    expect(byCode(await needsOf(hospice)).A1.now).toEqual({ meets: share(0, 5), dueForRefresh: count(0), notStarted: count(5) });
  });

  it('gives the same figures a year earlier, for the same people with the evidence there was then', async () => {
    const { A1, A2 } = byCode(await needsOf(barnardos));
    // 23 November 2025: P6 (learned January 2023) and Q1-Q6 meet A1; P1-P5, Q7 and the lead had not started.
    expect(A1.yearEarlier).toEqual({ meets: share(7, 14), dueForRefresh: count(0), notStarted: count(7) });
    expect(A2.yearEarlier).toEqual({ meets: share(6, 8), dueForRefresh: FEWER, notStarted: FEWER });
  });

  it('follows the clock it is given: on 20 January 2027 a year earlier is 20 January 2026, when P6 had just fallen due', async () => {
    const needs = await needsOf(barnardos, '2027-01-20T10:00:00Z');
    expect(needs.yearEarlier).toBe('2026-01-20');
    expect(byCode(needs).A1.yearEarlier).toEqual({ meets: share(11, 14), dueForRefresh: FEWER, notStarted: FEWER });
  });

  it('counts the people with no learning in the refresh period, today and a year earlier', async () => {
    // Today: P6 (fallen due), Q7 and the lead: 3. A year earlier: P1-P5, Q7 and the lead: 7.
    expect((await needsOf(barnardos)).noLearning).toEqual({ now: FEWER, yearEarlier: count(7) });
    expect((await needsOf(hospice)).noLearning).toEqual({ now: count(5), yearEarlier: count(5) });
  });

  it('hides a head count of fewer than 5: the council has only the coordinator, the reviewer and another lead', async () => {
    const needs = await needsOf(council);
    expect(needs).toMatchObject({ people: FEWER, notInFramework: FEWER, competencies: [] });
  });

  it('gives an organisation with nobody yet its zeros', async () => {
    const needs = await needsOf(await organisationNamed('Children, Young People and Families Consortium'));
    expect(needs).toMatchObject({ people: count(0), notInFramework: count(0), noLearning: { now: count(0), yearEarlier: count(0) }, competencies: [] });
  });

  it('names the people to talk to for the organisation’s lead and coordinators, and never for a reviewer', async () => {
    const named = (await needsOf(barnardos)).named!;
    expect(named.noLearning.sort()).toEqual(['Lee Lead', 'Pat6 Person', 'Quinn7 Person']);
    expect(named.competencies.A1).toEqual({ dueForRefresh: ['Pat6 Person'], notStarted: ['Lee Lead', 'Quinn7 Person'] });
    const byLead = await learningNeeds(await as(lead, ['practitioner', 'organisation lead']), barnardos, { withNames: true });
    expect(byLead!.named).toEqual(named);
    const byReviewer = await learningNeeds(await as(reviewer, ['practitioner', 'reviewer']), barnardos, { withNames: true });
    expect(byReviewer!.named).toBeNull();
    expect(byReviewer!.competencies).toEqual((await needsOf(barnardos)).competencies);
  });

  it('is refused to a lead of another organisation and to a practitioner; an unknown organisation is not found', async () => {
    await expect(learningNeeds(await as(otherLead, ['practitioner', 'organisation lead']), barnardos)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(learningNeeds(await as(thisPractitioner, ['practitioner']), barnardos)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(learningNeeds(await as(lead, ['practitioner', 'organisation lead']), '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('the partnership’s gap map', () => {
  const mapFor = async (who = reviewer, roles: Role[] = ['practitioner', 'reviewer']) => (await gapMap(await as(who, roles)))!;

  it('gives each competency’s share across the partnership, by sector and by organisation, nobody’s where nobody needs it', async () => {
    const map = await mapFor();
    expect(map.sectors).toEqual(['Local authority', 'Voluntary and community']);
    expect(map.organisations.map((o) => o.name)).toEqual(['Barnardo\'s', 'Rotherham Hospice', 'Rotherham Metropolitan Borough Council']);
    const [a1, a2] = [map.competencies.find((c) => c.code === 'A1')!, map.competencies.find((c) => c.code === 'A2')!];
    // A1: Barnardo's 11 of 14, the hospice 0 of 5, the council nobody; the sector and the partnership 11 of 19.
    expect(a1).toMatchObject({ all: share(11, 19), bySector: [null, share(11, 19)], byOrganisation: [share(11, 14), share(0, 5), null] });
    expect(a2).toMatchObject({ all: share(6, 8), bySector: [null, share(6, 8)], byOrganisation: [share(6, 8), null, null] });
  });

  it('flags every required competency no course on offer develops: withdrawn and past years’ courses do not count, drafts do', async () => {
    const map = await mapFor();
    const uncovered = map.competencies.filter((c) => c.uncovered).map((c) => c.code);
    expect(uncovered).toEqual(['A3', 'B2', 'C1', 'C2', 'C3', 'D1', 'E1', 'E2', 'E3']);
    expect(map.competencies.find((c) => c.code === 'A2')!.developedBy).toEqual([expect.objectContaining({ prospectus: '2027-28' })]);
  });

  it('is for coordinators and reviewers only', async () => {
    await expect(gapMap(await as(lead, ['practitioner', 'organisation lead']))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(mapFor(coordinator, ['practitioner', 'coordinator'])).resolves.toMatchObject({ asOf: '2026-11-23' });
  });
});

describe('pages, CSV files and the API', () => {
  const signedIn = (person: { id: string }) => new TestClient(world.built.app).signInAs(db(), person.id, world.built.clock.now(), world.built.config);
  const body = async (person: { id: string }, path: string, status = 200) => {
    const res = await (await signedIn(person)).get(path);
    expect(res.status, path).toBe(status);
    return res.text();
  };
  const tokenOf = async (person: { id: string }) => {
    const [partnership] = await db().select().from(partnerships);
    return createApiToken({ db: db(), clock: world.built.clock, config: world.built.config, partnership, actor: (await loadSignedInPerson(db(), person.id, partnership.id))! }, 'Needs');
  };
  const NAMES = ['Pat', 'Quinn', 'Lee Lead', 'Robin'];
  const noNames = (text: string, where: string) => NAMES.forEach((name) => expect(text, `${where} names ${name}`).not.toContain(name));

  it('shows the gap map to a reviewer, figures in words and no names, with its CSV', async () => {
    const html = await body(reviewer, '/learning-needs');
    expectAccessiblePage(html);
    expect(html).toContain('79% (11 of 14)');
    expect(html).toContain('nobody needs it');
    expect(html).toContain('No course on offer');
    noNames(html, 'the gap map');
    const csv = await body(reviewer, '/learning-needs.csv');
    noNames(csv, 'the gap map CSV');
    const [header, a1] = parseCsv(csv).map((r) => r.fields);
    expect(header.slice(0, 6)).toEqual(['code', 'competency', 'developed by a course on offer', 'all sectors', 'Local authority', 'Voluntary and community']);
    expect(a1.slice(2)).toEqual(['yes', '58% (11 of 19)', 'nobody needs it', '58% (11 of 19)', '79% (11 of 14)', '0% (0 of 5)', 'nobody needs it']);
  });

  it('shows an organisation’s page with names to its lead, without them to a reviewer; the CSV has none', async () => {
    const mine = await body(lead, `/learning-needs/organisations/${barnardos}`);
    expectAccessiblePage(mine);
    expect(mine).toContain('fewer than 5');
    expect(mine).toContain('Quinn7 Person');
    const reviewers = await body(reviewer, `/learning-needs/organisations/${barnardos}`);
    noNames(reviewers, 'the reviewer’s page');
    expect(reviewers).toContain('79% (11 of 14)');
    const csv = await body(lead, `/learning-needs/organisations/${barnardos}/learning-needs.csv`);
    noNames(csv, 'the CSV');
    const [header, a1] = parseCsv(csv).map((r) => r.fields);
    expect(header).toEqual(NEEDS_CSV_HEADER);
    expect(a1).toEqual(['A1', expect.any(String), '14', '79% (11 of 14)', 'fewer than 5', 'fewer than 5', '50% (7 of 14)', '0', '7']);
  });

  it('sends a lead from Learning needs to their own organisation, and refuses them another; a practitioner is refused', async () => {
    const res = await (await signedIn(lead)).get('/learning-needs');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/learning-needs/organisations/${barnardos}`);
    await body(lead, `/learning-needs/organisations/${hospice}`, 403);
    await body(lead, '/learning-needs.csv', 403);
    await body(thisPractitioner, `/learning-needs/organisations/${barnardos}`, 403);
    await body(thisPractitioner, '/learning-needs', 403);
    await body(reviewer, '/learning-needs/organisations/not-an-id', 404);
  });

  it('answers the API with figures only, suppressed as { suppressed: true }', async () => {
    const leadToken = await tokenOf(lead);
    const needs = await expectBody(await callApi(world.built, `/api/v1/organisations/${barnardos}/learning-needs`, leadToken), LearningNeedsSchema);
    const a1 = needs.competencies.find((c) => c.code === 'A1')!;
    expect(a1.now).toEqual({ meets: share(11, 14), dueForRefresh: { suppressed: true }, notStarted: { suppressed: true } });
    noNames(JSON.stringify(needs), 'the API');
    await expectProblem(await callApi(world.built, `/api/v1/organisations/${hospice}/learning-needs`, leadToken), 403);
    await expectProblem(await callApi(world.built, '/api/v1/organisations/00000000-0000-4000-8000-000000000000/learning-needs', await tokenOf(reviewer)), 404);
    await expectProblem(await callApi(world.built, `/api/v1/organisations/${barnardos}/learning-needs`, await tokenOf(thisPractitioner)), 403);
    const map = await expectBody(await callApi(world.built, '/api/v1/learning-needs', await tokenOf(reviewer)), GapMapSchema);
    noNames(JSON.stringify(map), 'the gap map API');
    expect(map.competencies.find((c) => c.code === 'C1')!.uncovered).toBe(true);
    await expectProblem(await callApi(world.built, '/api/v1/learning-needs', leadToken), 403);
  });
});
