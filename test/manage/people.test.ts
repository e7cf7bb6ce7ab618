import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { courses, organisations } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, rolesOf, TestClient } from '../support/app';
import { auditFor, idIn, signedIn, type Built } from './helpers';

let database: OpenDatabase;
let built: Built;
let coordinator: TestClient;
let coordinatorId: string;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
  const signed = await signedIn(database.db, built, ['coordinator']);
  coordinator = signed.client;
  coordinatorId = signed.person.id;
});
afterAll(() => database.close());

describe('the Manage dashboard', () => {
  it('links to prospectuses, organisations and people', async () => {
    const html = await (await coordinator.get('/manage')).text();
    for (const href of ['/manage/prospectuses', '/manage/organisations', '/manage/people']) expect(html).toContain(`href="${href}"`);
  });
});

describe('organisations', () => {
  const form = { name: 'Rotherham Youth Football League', shortName: 'RYFL', sector: 'Voluntary and community', partnerStatus: 'relevant agency', active: 'yes' };

  it('adds an organisation that people can then choose when they register', async () => {
    const res = await coordinator.post('/manage/organisations', form);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/manage/organisations?done=created');
    const list = await (await coordinator.get('/manage/organisations?done=created')).text();
    expect(list).toContain('Organisation added');
    expect(list).toContain('Rotherham Youth Football League');
    expect(await (await new TestClient(built.app).get('/register')).text()).toContain('Rotherham Youth Football League');
  });

  it('edits an organisation and makes it inactive, so it is no longer offered', async () => {
    // An organisation of this test's own, added through the page.
    const cricket = { ...form, name: 'Rotherham Youth Cricket League', shortName: 'RYCL' };
    expect((await coordinator.post('/manage/organisations', cricket)).status).toBe(303);
    const [org] = await database.db.select().from(organisations).where(eq(organisations.shortName, 'RYCL'));
    expect(await (await new TestClient(built.app).get('/register')).text()).toContain('Rotherham Youth Cricket League');
    const edit = await (await coordinator.get(`/manage/organisations/${org.id}/edit`)).text();
    expect(edit).toContain('value="Rotherham Youth Cricket League"');
    const res = await coordinator.post(`/manage/organisations/${org.id}`, { ...cricket, name: 'Rotherham Junior Cricket League', active: 'no' });
    expect(res.status).toBe(303);
    const [changed] = await database.db.select().from(organisations).where(eq(organisations.id, org.id));
    expect(changed).toMatchObject({ name: 'Rotherham Junior Cricket League', active: false });
    expect(await (await coordinator.get('/manage/organisations')).text()).toMatch(/Rotherham Junior Cricket League[\s\S]*?govuk-tag--grey">Inactive</);
    expect(await (await new TestClient(built.app).get('/register')).text()).not.toContain('Cricket League');
    expect((await auditFor(database.db, org.id)).map((a) => [a.action, a.actorId])).toEqual([
      ['organisation.created', coordinatorId],
      ['organisation.updated', coordinatorId],
    ]);
  });
});

describe('people and roles', () => {
  it('finds people by name or email, with their organisation and roles', async () => {
    const byName = await (await coordinator.get('/manage/people?q=tariq')).text();
    expect(byName).toContain('Tariq Trainer');
    expect(byName).toContain('Rotherham Metropolitan Borough Council');
    expect(byName).toMatch(/Tariq Trainer[\s\S]*?practitioner, trainer/);
    expect(byName).not.toContain('Priya Practitioner');
    const byEmail = await (await coordinator.get('/manage/people?q=practitioner%40rscp')).text();
    expect(byEmail).toContain('Priya Practitioner');
    expect(byEmail).toContain('1 person matching');
    // Wildcards are matched as typed, not as patterns.
    expect(await (await coordinator.get('/manage/people?q=%25')).text()).toContain('Nobody matching');
  });

  it('grants and removes roles, each change audited', async () => {
    const person = await makePerson(database.db, [], { name: 'Nia New-Trainer' });
    const page = await (await coordinator.get(`/manage/people/${person.id}`)).text();
    expect(page).toMatch(/value="practitioner" checked/);

    const res = await coordinator.post(`/manage/people/${person.id}/roles`, { roles: ['practitioner', 'trainer'] });
    expect(res.status).toBe(303);
    expect(idIn(res, '/manage/people')).toBe(person.id);
    expect((await rolesOf(database.db, person.id)).sort()).toEqual(['practitioner', 'trainer']);
    expect(await (await coordinator.get(`${res.headers.get('location')}`)).text()).toContain('Roles saved');
    // A trainer can now be chosen for a session.
    const [course] = await database.db.select().from(courses).limit(1);
    expect(await (await coordinator.get(`/manage/courses/${course.id}/sessions/new`)).text()).toContain('Nia New-Trainer');

    await coordinator.post(`/manage/people/${person.id}/roles`, { roles: 'trainer' });
    expect(await rolesOf(database.db, person.id)).toEqual(['trainer']);
    const entries = await auditFor(database.db, person.id);
    expect(entries.filter((a) => a.action === 'person.roles.changed').map((a) => [a.actorId, a.detail])).toEqual([
      [coordinatorId, { granted: ['trainer'], removed: [] }],
      [coordinatorId, { granted: [], removed: ['practitioner'] }],
    ]);
  });

  it('lets a coordinator remove another coordinator’s role but not their own', async () => {
    const other = await signedIn(database.db, built, ['coordinator']);
    const own = await coordinator.post(`/manage/people/${coordinatorId}/roles`, { roles: ['practitioner'] });
    expect(own.status).toBe(422);
    expect(await own.text()).toContain('You cannot remove your own coordinator role');
    expect(await rolesOf(database.db, coordinatorId)).toContain('coordinator');

    const res = await coordinator.post(`/manage/people/${other.person.id}/roles`, { roles: ['practitioner'] });
    expect(res.status).toBe(303);
    expect(await rolesOf(database.db, other.person.id)).toEqual(['practitioner']);
    // The change takes effect at once: the former coordinator is refused.
    expect((await other.client.get('/manage')).status).toBe(403);
  });
});
