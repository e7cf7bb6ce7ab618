// The coordinator's framework pages over HTTP: only coordinators may use them (practitioners and
// reviewers get 403 and change nothing); a draft is started, a group's form is sent with a mistake
// (shown back with the error summary, nothing changed) and then right, a competency is added, a bad
// file is shown back with its problems, the file downloads, and the draft is published; the outside
// scheme then shows beside the group where people choose it. Each step of the coordinator's work
// has a database of its own, brought to that step by the steps before it, so the steps stand alone.
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { competencyFrameworks, workforceGroups } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, seed, TestClient } from '../support/app';
import { expectAccessiblePage } from '../feedback/helpers';
import { signedIn } from '../manage/helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: TestClient;

/** A seeded database with a signed-in coordinator, made into the file's current one. */
async function openWorld() {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  coordinator = (await signedIn(database.db, built, ['coordinator'])).client;
}

const versions = () => database.db.select().from(competencyFrameworks).orderBy(competencyFrameworks.version);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function page(path: string, client = coordinator) {
  const res = await client.get(path);
  expect(res.status, path).toBe(200);
  const html = await res.text();
  expectAccessiblePage(html);
  return html;
}

describe('who may use the framework pages', () => {
  beforeAll(openWorld);
  afterAll(() => database.close());

  it('refuses practitioners and reviewers, changing nothing', async () => {
    const before = await versions();
    for (const roles of [[], ['reviewer'], ['trainer', 'organisation lead']] as const) {
      const { client } = await signedIn(database.db, built, [...roles]);
      expect((await client.get('/manage/framework')).status).toBe(403);
      expect((await client.get(`/manage/framework/versions/${before[0].id}`)).status).toBe(403);
      expect((await client.post('/manage/framework/draft')).status).toBe(403);
      expect((await client.post('/manage/framework/draft/publish')).status).toBe(403);
    }
    expect(await versions()).toEqual(before);
  });

  it('is linked from the coordinator’s Manage page', async () => {
    expect(await page('/manage')).toContain('href="/manage/framework"');
  });
});

describe('a coordinator changing the framework', () => {
  let draftPath: string;
  let groupThree: string;
  beforeEach(openWorld);
  afterEach(() => database.close());

  // The steps before a test's own, done without checking (their own tests check them).
  async function draftStarted() {
    draftPath = (await coordinator.post('/manage/framework/draft')).headers.get('location')!.replace('?done=started', '');
    const draft = (await versions())[1];
    [{ id: groupThree }] = await database.db.select({ id: workforceGroups.id }).from(workforceGroups).where(eq(workforceGroups.frameworkId, draft.id)).orderBy(workforceGroups.sortOrder).offset(2).limit(1);
  }
  async function groupThreeChanged() {
    await draftStarted();
    expect((await coordinator.post(`/manage/framework/draft/groups/${groupThree}`, { code: '3', name: 'Group 3: direct work with children', who: 'Staff', outsideScheme: 'Intercollegiate level 3', position: '3' })).status).toBe(303);
  }
  async function competencyAdded() {
    await groupThreeChanged();
    expect((await coordinator.post('/manage/framework/draft/competencies', { code: 'F1', domain: 'Online', statement: 'Spot grooming online', requiredFor: groupThree, refreshMonths: '12' })).status).toBe(303);
  }

  it('starts a draft from the versions page, and only from a form of its own (CSRF)', async () => {
    const list = await page('/manage/framework');
    expect(text(list)).toContain('Start a new draft');
    expect((await coordinator.post('/manage/framework/draft', {}, { csrf: false })).status).toBe(403);
    expect(await versions()).toHaveLength(1);
    const res = await coordinator.post('/manage/framework/draft');
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    draftPath = location.replace('?done=started', '');
    const html = text(await page(location));
    expect(html).toContain('Draft started: it is a copy of the current version');
    expect(html).toContain('Version 2: Partnership safeguarding competency framework');
    expect(html).toContain('A1 of version 1');
  });

  it('shows a group’s form again with the mistake, changing nothing, then saves it', async () => {
    await draftStarted();
    const draft = (await versions())[1];
    [{ id: groupThree }] = await database.db.select({ id: workforceGroups.id }).from(workforceGroups).where(eq(workforceGroups.frameworkId, draft.id)).orderBy(workforceGroups.sortOrder).offset(2).limit(1);
    const form = await page(`/manage/framework/draft/groups/${groupThree}`);
    expect(form).toContain('value="3"');
    const before = await database.db.select().from(workforceGroups).where(eq(workforceGroups.frameworkId, draft.id));

    const bad = await coordinator.post(`/manage/framework/draft/groups/${groupThree}`, { code: '3', name: '', who: 'Staff', outsideScheme: 'Intercollegiate level 3', position: '0' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('govuk-error-summary');
    expect(text(html)).toContain('Enter the group’s name');
    expect(text(html)).toContain('The position must be between 1 and 99');
    expect(html).toContain('value="Intercollegiate level 3"');
    expect(await database.db.select().from(workforceGroups).where(eq(workforceGroups.frameworkId, draft.id))).toEqual(before);

    const good = await coordinator.post(`/manage/framework/draft/groups/${groupThree}`, { code: '3', name: 'Group 3: direct work with children', who: 'Staff', outsideScheme: 'Intercollegiate level 3', position: '3' });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe(`${draftPath}?done=group-changed`);
    expect(text(await page(draftPath))).toContain('Intercollegiate level 3');
  });

  it('adds a competency, and refuses one whose code the draft has', async () => {
    await groupThreeChanged();
    const taken = await coordinator.post('/manage/framework/draft/competencies', { code: 'A1', domain: 'Online', statement: 'Spot grooming online', requiredFor: groupThree });
    expect(taken.status).toBe(422);
    expect(text(await taken.text())).toContain('The draft already has a competency with the code A1');
    const added = await coordinator.post('/manage/framework/draft/competencies', { code: 'F1', domain: 'Online', statement: 'Spot grooming online', requiredFor: groupThree, refreshMonths: '12' });
    expect(added.status).toBe(303);
    const html = text(await page(draftPath));
    expect(html).toContain('F1 Spot grooming online');
    expect(html).toContain('12 months');
  });

  it('shows a bad file back with each problem by line and column, importing nothing', async () => {
    await competencyAdded();
    const form = await page('/manage/framework/draft/import');
    expect(form).toContain('enctype="multipart/form-data"');
    const res = await coordinator.post('/manage/framework/draft/import', { csv: 'type,code,name,who\ngroup,1,,Everyone\nteam,2,Two,Some\n' });
    expect(res.status).toBe(422);
    const html = text(await res.text());
    expect(html).toContain('The file has 2 problems, listed below: nothing was imported');
    expect(html).toContain('Line 2, column name Enter the group’s name');
    expect(html).toContain('Line 3, column type &#39;team&#39; is not a type of row: use group, competency or course');
    expect(text(await page(draftPath))).toContain('F1 Spot grooming online');
  });

  it('downloads the draft as CSV', async () => {
    await competencyAdded();
    const res = await coordinator.get(`${draftPath}/framework.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="competency-framework-version-2.csv"');
    expect(await res.text()).toContain('competency,F1,,,,Online,Spot grooming online,3,12,,,');
  });

  it('publishes the draft; the outside scheme shows where people choose their group', async () => {
    await competencyAdded();
    const res = await coordinator.post('/manage/framework/draft/publish');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${draftPath}?done=published`);
    const html = text(await page(res.headers.get('location')!));
    expect(html).toContain('Published: this is now the current version');
    expect(html).not.toContain('Publish version 2');
    expect((await versions()).map((v) => [v.version, v.current])).toEqual([[1, false], [2, true]]);
    expect(text(await page('/register', new TestClient(built.app)))).toContain('Group 3: direct work with children (Intercollegiate level 3)');
    // Published: its forms now say there is no draft to change.
    const refused = await coordinator.post(`/manage/framework/draft/groups/${groupThree}`, { code: '3', name: 'Again', who: 'Staff', position: '3' });
    expect(refused.status).toBe(409);
  });
});
