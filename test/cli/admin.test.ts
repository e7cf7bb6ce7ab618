import { readFileSync } from 'node:fs';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, AdminError, findPartnership, importPeople, initPartnership } from '../../server/admin/service';
import type { OpenDatabase } from '../../db/database';
import { auditLog, organisations, people, personRoles, workforceGroups } from '../../db/schema';
import { personByEmail, rolesOf, seed } from '../support/app';
import { createTestDatabase } from '../support/database';

let database: OpenDatabase;
let partnershipId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  partnershipId = (await findPartnership(database.db, 'rotherham')).id;
});
afterAll(() => database.close());

const db = () => database.db;
const countPeople = async () => (await db().select({ n: count() }).from(people))[0].n;
const countRoles = async () => (await db().select({ n: count() }).from(personRoles))[0].n;
const auditFor = (personId: string) => db().select().from(auditLog).where(eq(auditLog.subjectId, personId));

async function detailsOf(email: string) {
  const [row] = await db()
    .select({ name: people.name, jobTitle: people.jobTitle, organisation: organisations.shortName, group: workforceGroups.code, lineManagerEmail: people.lineManagerEmail })
    .from(people)
    .innerJoin(organisations, eq(people.organisationId, organisations.id))
    .innerJoin(workforceGroups, eq(people.workforceGroupId, workforceGroups.id))
    .where(and(eq(people.partnershipId, partnershipId), eq(people.email, email)));
  return row;
}

/** Rejects with an AdminError; returns its problems and hints. */
async function adminError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdminError);
  return error as AdminError;
}

describe('init', () => {
  it('is idempotent, and refuses a partnership the reference data does not describe', async () => {
    expect(await initPartnership(db(), 'rotherham')).toEqual({ created: false, name: 'Rotherham Safeguarding Children Partnership' });
    expect((await adminError(initPartnership(db(), 'sheffield'))).message).toContain("serves the partnership 'sheffield'");
  });

  it('finding a partnership that is not set up says how to set it up', async () => {
    expect((await adminError(findPartnership(db(), 'sheffield'))).message).toContain('npm run admin -- init');
  });
});

describe('add-user', () => {
  it('creates a coordinator, with job title and workforce group defaults from the role', async () => {
    const result = await addUser(db(), partnershipId, { email: ' Chris.Coord@RMBC.example ', name: 'Chris Coordinator', organisation: 'rmbc', roles: ['coordinator'] });
    expect(result).toMatchObject({ created: true, name: 'Chris Coordinator', email: 'chris.coord@rmbc.example', roles: ['practitioner', 'coordinator'] });
    expect(await detailsOf('chris.coord@rmbc.example')).toEqual({ name: 'Chris Coordinator', jobTitle: 'Coordinator', organisation: 'RMBC', group: '4', lineManagerEmail: null });
    expect((await rolesOf(db(), result.personId)).sort()).toEqual(['coordinator', 'practitioner']);
    expect((await auditFor(result.personId)).map((a) => a.action)).toEqual(['person.created']);
  });

  it('takes a full organisation name, a group by name, a job title and roles written loosely', async () => {
    const result = await addUser(db(), partnershipId, {
      email: 'olu@trft.example',
      name: 'Olu Lead',
      organisation: 'the rotherham nhs foundation trust',
      roles: ['Organisation-Lead', 'reviewer'],
      jobTitle: 'Named nurse',
      workforceGroup: 'Group 5: operational managers',
    });
    expect(result.roles).toEqual(['practitioner', 'reviewer', 'organisation lead']);
    expect(await detailsOf('olu@trft.example')).toMatchObject({ jobTitle: 'Named nurse', organisation: 'TRFT', group: '5' });
  });

  it('defaults a practitioner to their role as job title and group 3', async () => {
    await addUser(db(), partnershipId, { email: 'pat@syp.example', name: 'Pat Practitioner', organisation: 'SYP', roles: ['practitioner'] });
    expect(await detailsOf('pat@syp.example')).toMatchObject({ jobTitle: 'Practitioner', group: '3' });
  });

  it('gives an existing email the new role and changes nothing else', async () => {
    const { personId } = await addUser(db(), partnershipId, { email: 'sam@rmbc.example', name: 'Sam Trainer', organisation: 'RMBC', roles: ['trainer'] });
    const before = await countPeople();

    const result = await addUser(db(), partnershipId, { email: 'SAM@rmbc.example', name: 'Someone Else', organisation: 'SYP', roles: ['reviewer', 'trainer'] });
    expect(result).toMatchObject({ personId, created: false, name: 'Sam Trainer', added: ['reviewer'], roles: ['practitioner', 'trainer', 'reviewer'] });
    expect(await countPeople()).toBe(before);
    expect(await detailsOf('sam@rmbc.example')).toMatchObject({ name: 'Sam Trainer', organisation: 'RMBC' });
    const roleAudit = (await auditFor(personId)).find((a) => a.action === 'person.roles.changed');
    expect(roleAudit?.detail).toEqual({ granted: ['reviewer'], removed: [] });

    const again = await addUser(db(), partnershipId, { email: 'sam@rmbc.example', name: 'Sam Trainer', organisation: 'RMBC', roles: ['reviewer'] });
    expect(again).toMatchObject({ created: false, added: [] });
    expect(await auditFor(personId)).toHaveLength(2);
  });

  it('refuses an unknown organisation or role with a clear message and changes nothing', async () => {
    await addUser(db(), partnershipId, { email: 'kept@rmbc.example', name: 'Kept As Is', organisation: 'RMBC', roles: ['trainer'] });
    const [peopleBefore, rolesBefore] = [await countPeople(), await countRoles()];

    const badOrganisation = await adminError(addUser(db(), partnershipId, { email: 'new@nowhere.example', name: 'New Person', organisation: 'Nowhere Council', roles: ['coordinator'] }));
    expect(badOrganisation.problems).toEqual(["organisation 'Nowhere Council' is not in the list"]);
    expect(badOrganisation.hints[0]).toContain('Rotherham Metropolitan Borough Council (RMBC)');

    const badRole = await adminError(addUser(db(), partnershipId, { email: 'kept@rmbc.example', name: 'Kept As Is', organisation: 'RMBC', roles: ['reviewer', 'boss'] }));
    expect(badRole.problems).toEqual(["role 'boss' is not one of: practitioner, trainer, coordinator, reviewer, organisation lead"]);

    const everything = await adminError(
      addUser(db(), partnershipId, { email: 'not-an-email', name: ' ', organisation: 'RMBC', roles: ['trainer'], workforceGroup: '9' }),
    );
    expect(everything.problems).toEqual([
      'name: Enter your full name',
      'email: Enter an email address in the correct format, like name@example.com',
      "workforce group '9' is not in the list",
    ]);
    expect(everything.hints).toEqual([expect.stringContaining('Group 1: occasional contact; Group 2: regular contact')]);

    expect(await countPeople()).toBe(peopleBefore);
    expect(await countRoles()).toBe(rolesBefore);
    expect(await rolesOf(db(), (await personByEmail(db(), 'kept@rmbc.example')).id)).not.toContain('reviewer');
  });
});

describe('import-people', () => {
  it('imports a good file in one go: BOM, CRLF, quoted fields, columns in any order', async () => {
    const file =
      '\uFEFFEmail,NAME,Organisation,Job_Title,Workforce_Group,roles,line_manager_email\r\n' +
      'jo.smith@cypf.example,"Smith, Jo","Children, Young People and Families Consortium","Family support worker, ""Early Help""",3,,manager@cypf.example\r\n' +
      'amina.k@syp.example,Amina Khan,syp,Detective sergeant,Group 4: specialist and named or designated leads,trainer;Reviewer,\r\n' +
      '\r\n' +
      'ben@school.example,Ben Ahmed,Maltby Learning Trust,"Designated safeguarding\r\nlead",group 4,,\r\n';
    const before = await countPeople();

    const result = await importPeople(db(), partnershipId, file);
    expect(result).toEqual({ imported: 3, skipped: [], errors: [], hints: [] });
    expect(await countPeople()).toBe(before + 3);
    expect(await detailsOf('jo.smith@cypf.example')).toEqual({
      name: 'Smith, Jo',
      jobTitle: 'Family support worker, "Early Help"',
      organisation: 'CYPF Consortium',
      group: '3',
      lineManagerEmail: 'manager@cypf.example',
    });
    // A name or title is one line: a line break inside a spreadsheet cell is folded to a space.
    expect(await detailsOf('ben@school.example')).toMatchObject({ jobTitle: 'Designated safeguarding lead', organisation: 'MLT', group: '4' });
    const amina = await personByEmail(db(), 'amina.k@syp.example');
    expect((await rolesOf(db(), amina.id)).sort()).toEqual(['practitioner', 'reviewer', 'trainer']);
    expect((await auditFor(amina.id)).map((a) => a.action)).toEqual(['person.created']);
  });

  it('reports every bad row with its line and imports nothing', async () => {
    const file = [
      'name,email,organisation,job_title,workforce_group,line_manager_email,roles',
      'Good One,good.one@rmbc.example,RMBC,Social worker,3,,',
      '"Two Line',
      'Name",two.lines@syp.example,SYP,"Police',
      'constable",3,,',
      ',no.name@rmbc.example,RMBC,Social worker,3,,',
      'Bad Email,not-an-email,RMBC,Social worker,3,,',
      'Bad Organisation,bad.org@rmbc.example,Foo,Social worker,3,,',
      'Bad Group,bad.group@rmbc.example,RMBC,Social worker,Group 9,,',
      'Bad Manager,bad.manager@rmbc.example,RMBC,Social worker,3,manager-at-rmbc,',
      'Bad Role,bad.role@rmbc.example,RMBC,Social worker,3,,trainer;boss',
      'Good Again,GOOD.ONE@rmbc.example,RMBC,Social worker,3,,',
      'Several,,Nowhere,,,,boss; chief',
      '',
      'Too Many,too.many@rmbc.example,RMBC,Social worker,3,,,extra',
      'Good Two,good.two@rmbc.example,RMBC,Social worker,2,,',
    ].join('\n');
    const before = await countPeople();

    const result = await importPeople(db(), partnershipId, file);
    expect(result.imported).toBe(0);
    expect(result.errors).toEqual([
      { line: 6, message: 'name: Enter your full name' },
      { line: 7, message: 'email: Enter an email address in the correct format, like name@example.com' },
      { line: 8, message: "organisation 'Foo' is not in the list" },
      { line: 9, message: "workforce group 'Group 9' is not in the list" },
      { line: 10, message: 'line_manager_email: Enter the line manager’s email address in the correct format, like name@example.com' },
      { line: 11, message: "role 'boss' is not one of: practitioner, trainer, coordinator, reviewer, organisation lead" },
      { line: 12, message: 'email good.one@rmbc.example is also on line 2' },
      { line: 13, message: 'email: Enter an email address' },
      { line: 13, message: "organisation 'Nowhere' is not in the list" },
      { line: 13, message: 'job_title: Enter your job title' },
      { line: 13, message: 'workforce_group: Enter the workforce group’s code or name' },
      { line: 13, message: "roles 'boss', 'chief' are not one of: practitioner, trainer, coordinator, reviewer, organisation lead" },
      { line: 15, message: 'has 8 values but the header has 7 columns; put values that contain commas in quotes' },
    ]);
    expect(result.hints).toHaveLength(2);
    expect(await countPeople()).toBe(before);
    expect(await personByEmail(db(), 'good.one@rmbc.example')).toBeUndefined();
  });

  it('skips and reports emails that already have an account', async () => {
    await addUser(db(), partnershipId, { email: 'already@rmbc.example', name: 'Already Here', organisation: 'RMBC', roles: ['trainer'] });
    const file = 'name,email,organisation,job_title,workforce_group\nAlready Here,Already@RMBC.example,Unknown Org,,\nNew Person,new.person@rmbc.example,RMBC,Youth worker,2\n';
    const before = await countPeople();

    const result = await importPeople(db(), partnershipId, file);
    expect(result).toEqual({ imported: 1, skipped: [{ line: 2, email: 'already@rmbc.example' }], errors: [], hints: [] });
    expect(await countPeople()).toBe(before + 1);
    expect(await detailsOf('already@rmbc.example')).toMatchObject({ name: 'Already Here', organisation: 'RMBC' });
  });

  it('imports the example file in docs/cli.md', async () => {
    const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const example = docs.match(/```csv\n([\s\S]*?)```/)![1];
    expect(await importPeople(db(), partnershipId, example)).toMatchObject({ imported: 4, errors: [] });
    expect(await detailsOf('amina.khan@southyorkshire.police.uk')).toMatchObject({ name: 'Khan, Amina', organisation: 'SYP', group: '4' });
  });

  it('reports a file it cannot read as a whole', async () => {
    expect((await importPeople(db(), partnershipId, 'name,email\nJo,jo@x.example\n')).errors).toEqual([
      { line: 1, message: expect.stringContaining("the header is missing these columns: 'organisation', 'job_title', 'workforce_group'") },
    ]);
    expect((await importPeople(db(), partnershipId, 'name,email,organisation,job_title,workforce_group\r\n')).errors).toEqual([
      { message: 'the file has no people in it, only a header' },
    ]);
    expect((await importPeople(db(), partnershipId, 'name,email,organisation,job_title,workforce_group\nJo,"jo@x.example\n')).errors).toEqual([
      { line: 2, message: expect.stringContaining('a quoted value is not closed') },
    ]);
  });

  it('imports nothing from a file with a quote not closed after good rows, and names the line it opens on', async () => {
    const file = [
      'name,email,organisation,job_title,workforce_group',
      'Good Row,good.row@rmbc.example,RMBC,"Social\r\nworker",3',
      '"Open,open@rmbc.example,RMBC,Social worker,3',
      'After,after@rmbc.example,RMBC,Social worker,3',
    ].join('\r\n');
    const before = await countPeople();
    expect(await importPeople(db(), partnershipId, file)).toEqual({ imported: 0, skipped: [], errors: [{ line: 4, message: 'a quoted value is not closed; check for a missing "' }], hints: [] });
    expect(await countPeople()).toBe(before);
  });
});
