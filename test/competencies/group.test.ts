// Workforce groups through the pages: a coordinator sets anyone's group, an organisation lead
// only their own organisation's people, a practitioner nobody's and nobody their own; a person
// asks to change theirs, the request goes to the coordinators and their organisation's leads,
// and is approved (group set) or declined (with a reason), the person emailed either way. Every
// change is audited.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, competencyFrameworks, organisations, outbox, people, workforceGroupRequests, workforceGroups } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { expectAccessiblePage } from '../feedback/helpers';
import { partnershipId } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let groups: { id: string; code: string; name: string }[];
let otherOrganisation: string;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  groups = await database.db
    .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name })
    .from(workforceGroups)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId))
    .where(eq(competencyFrameworks.current, true))
    .orderBy(asc(workforceGroups.sortOrder));
  const [org] = await database.db
    .insert(organisations)
    .values({ partnershipId: await partnershipId(database.db), name: 'Other trust', shortName: 'OT', sector: 'Health', partnerStatus: 'statutory partner' })
    .returning();
  otherOrganisation = org.id;
});
afterAll(() => database.close());

const GUIDANCE = 'If your role straddles two groups, choose the higher.';
const signedIn = (person: { id: string }) => new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
const groupOf = async (person: { id: string }) => (await database.db.select({ id: people.workforceGroupId }).from(people).where(eq(people.id, person.id)))[0].id;
const mailTo = (email: string) => database.db.select().from(outbox).where(eq(outbox.to, email)).orderBy(asc(outbox.createdAt));
const audits = (action: string, subjectId: string) => database.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId)));

/** Someone of the first organisation (makePerson's), or of the other one. */
async function person(roles: Parameters<typeof makePerson>[1] = [], organisation: 'first' | 'other' = 'first') {
  const made = await makePerson(database.db, roles);
  if (organisation === 'other') await database.db.update(people).set({ organisationId: otherOrganisation }).where(eq(people.id, made.id));
  await database.db.update(people).set({ workforceGroupId: groups[1].id }).where(eq(people.id, made.id));
  return made;
}

const setGroup = async (who: { id: string }, target: { id: string }, groupId: string) => (await signedIn(who)).post(`/manage/people/${target.id}/workforce-group`, { workforceGroupId: groupId });

describe('setting a person’s workforce group', () => {
  it('lets an organisation lead set it for a person of their own organisation, audited', async () => {
    const lead = await person(['organisation lead']);
    const staff = await person();
    const page = await (await signedIn(lead)).get(`/manage/people/${staff.id}/workforce-group`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expectAccessiblePage(html);
    expect(html).toContain(GUIDANCE);

    const res = await setGroup(lead, staff, groups[3].id);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/manage/people/${staff.id}/workforce-group?done=saved`);
    expect(await groupOf(staff)).toBe(groups[3].id);
    const [audit] = await audits('person.workforce-group.changed', staff.id);
    expect(audit).toMatchObject({ actorId: lead.id, detail: { from: groups[1].id, to: groups[3].id } });
  });

  it('refuses an organisation lead for a person of another organisation', async () => {
    const lead = await person(['organisation lead']);
    const elsewhere = await person([], 'other');
    expect((await (await signedIn(lead)).get(`/manage/people/${elsewhere.id}/workforce-group`)).status).toBe(403);
    expect((await setGroup(lead, elsewhere, groups[3].id)).status).toBe(403);
    expect(await groupOf(elsewhere)).toBe(groups[1].id);
    expect(await audits('person.workforce-group.changed', elsewhere.id)).toHaveLength(0);
  });

  it('lets a coordinator set anyone’s group, with a clear message for a group not in the framework', async () => {
    const coordinator = await person(['coordinator']);
    const elsewhere = await person([], 'other');
    const bad = await setGroup(coordinator, elsewhere, '00000000-0000-4000-8000-000000000000');
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Choose a workforce group of the current framework');
    const empty = await setGroup(coordinator, elsewhere, '');
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Choose a workforce group');
    expect(await groupOf(elsewhere)).toBe(groups[1].id);
    expect((await setGroup(coordinator, elsewhere, groups[4].id)).status).toBe(303);
    expect(await groupOf(elsewhere)).toBe(groups[4].id);
    // The coordinator's people page links to it.
    expect(await (await (await signedIn(coordinator)).get(`/manage/people/${elsewhere.id}`)).text()).toContain(`href="/manage/people/${elsewhere.id}/workforce-group"`);
  });

  it('refuses a practitioner, and anyone setting their own group', async () => {
    const practitioner = await person();
    const colleague = await person();
    expect((await (await signedIn(practitioner)).get(`/manage/people/${colleague.id}/workforce-group`)).status).toBe(403);
    expect((await setGroup(practitioner, colleague, groups[3].id)).status).toBe(403);
    const coordinator = await person(['coordinator']);
    expect((await setGroup(coordinator, coordinator, groups[4].id)).status).toBe(403);
    expect(await groupOf(colleague)).toBe(groups[1].id);
    expect(await groupOf(coordinator)).toBe(groups[1].id);
  });
});

describe('asking to change one’s workforce group', () => {
  it('sends the request to the coordinators and the organisation’s leads; a lead approves it and the group is set', async () => {
    const coordinator = await person(['coordinator']);
    const lead = await person(['organisation lead']);
    const otherLead = await person(['organisation lead'], 'other');
    const asker = await person();
    const client = await signedIn(asker);

    const form = await (await client.get('/account/workforce-group')).text();
    expectAccessiblePage(form);
    expect(form).toContain(GUIDANCE);
    const noReason = await client.post('/account/workforce-group', { workforceGroupId: groups[2].id, reason: '' });
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain('Say why your group should change');
    const same = await client.post('/account/workforce-group', { workforceGroupId: groups[1].id, reason: 'No change' });
    expect(same.status).toBe(422);
    expect(await same.text()).toContain('That is your group already');

    const res = await client.post('/account/workforce-group', { workforceGroupId: groups[2].id, reason: 'I now hold a caseload' });
    expect(res.status).toBe(303);
    const [request] = await database.db.select().from(workforceGroupRequests).where(eq(workforceGroupRequests.personId, asker.id));
    expect(request).toMatchObject({ fromGroupId: groups[1].id, workforceGroupId: groups[2].id, reason: 'I now hold a caseload', decision: null });
    expect(await audits('workforce-group.change-requested', request.id)).toHaveLength(1);
    for (const decider of [coordinator, lead]) expect((await mailTo(decider.email)).map((m) => m.text).join()).toContain('I now hold a caseload');
    expect(await mailTo(otherLead.email)).toHaveLength(0);
    expect(await mailTo(asker.email)).toHaveLength(0);

    // One open request at a time.
    expect(await (await client.get('/account/workforce-group')).text()).toContain(`to change to ${groups[2].name}`);
    const again = await client.post('/account/workforce-group', { workforceGroupId: groups[3].id, reason: 'Changed my mind' });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('You have already asked to change your workforce group');

    // The other organisation's lead neither sees it nor can decide it.
    expect(await (await (await signedIn(otherLead)).get('/manage/workforce-group-requests')).text()).not.toContain(request.id);
    expect((await (await signedIn(otherLead)).post(`/manage/workforce-group-requests/${request.id}`, { decision: 'approved' })).status).toBe(403);
    // A practitioner cannot see the list.
    expect((await client.get('/manage/workforce-group-requests')).status).toBe(403);

    const leadClient = await signedIn(lead);
    const list = await (await leadClient.get('/manage/workforce-group-requests')).text();
    expect(list).toContain(`/manage/workforce-group-requests/${request.id}`);
    const decided = await leadClient.post(`/manage/workforce-group-requests/${request.id}`, { decision: 'approved' });
    expect(decided.status).toBe(303);
    expect(decided.headers.get('location')).toBe('/manage/workforce-group-requests?done=approved');
    expect(await groupOf(asker)).toBe(groups[2].id);
    const [audit] = await audits('person.workforce-group.changed', asker.id);
    expect(audit).toMatchObject({ actorId: lead.id, detail: { from: groups[1].id, to: groups[2].id, requestId: request.id } });
    const [told] = await mailTo(asker.email);
    expect(told.subject).toBe('Your workforce group has changed');
    expect(told.text).toContain(groups[2].name);

    // Decided once: a second decision is refused and changes nothing.
    const twice = await (await signedIn(coordinator)).post(`/manage/workforce-group-requests/${request.id}`, { decision: 'declined', reason: 'Too late' });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('This request has already been decided');
    expect(await groupOf(asker)).toBe(groups[2].id);
  });

  it('lets a coordinator decline with a reason, which the person is told', async () => {
    const coordinator = await person(['coordinator']);
    const asker = await person([], 'other');
    expect((await (await signedIn(asker)).post('/account/workforce-group', { workforceGroupId: groups[3].id, reason: 'I supervise others' })).status).toBe(303);
    const [request] = await database.db.select().from(workforceGroupRequests).where(eq(workforceGroupRequests.personId, asker.id));
    const client = await signedIn(coordinator);
    const page = await (await client.get(`/manage/workforce-group-requests/${request.id}`)).text();
    expectAccessiblePage(page);
    expect(page).toContain('I supervise others');
    const noReason = await client.post(`/manage/workforce-group-requests/${request.id}`, { decision: 'declined', reason: '' });
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain('Say why you are declining');
    const res = await client.post(`/manage/workforce-group-requests/${request.id}`, { decision: 'declined', reason: 'Your role is group 2 in our structure' });
    expect(res.status).toBe(303);
    expect(await groupOf(asker)).toBe(groups[1].id);
    const [row] = await database.db.select().from(workforceGroupRequests).where(eq(workforceGroupRequests.id, request.id));
    expect(row).toMatchObject({ decision: 'declined', decidedBy: coordinator.id, declineReason: 'Your role is group 2 in our structure' });
    expect(await audits('workforce-group.change-declined', request.id)).toHaveLength(1);
    const [told] = await mailTo(asker.email);
    expect(told.subject).toBe('Your workforce group has not changed');
    expect(told.text).toContain('Your role is group 2 in our structure');
    // The person can ask again once it is decided.
    expect(await (await (await signedIn(asker)).get('/account/workforce-group')).text()).toContain('name="reason"');
  });
});

describe('the account page', () => {
  it('links to asking for a change of group', async () => {
    expect(await (await (await signedIn(await person())).get('/account')).text()).toContain('href="/account/workforce-group"');
  });
});
