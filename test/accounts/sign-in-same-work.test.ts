// Asking for a sign-in link, and registering, do the same work whether or not the email has an
// account: the same SQL statements, in the same order, so the time taken does not tell either.
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type Database, type OpenDatabase } from '../../db/database';
import { auditLog, outbox, people, personRoles, signInTokens } from '../../db/schema';
import { register, requestSignIn, type PersonInput } from '../../server/accounts/service';
import { createTestDatabase } from '../support/database';
import { makePerson, seed } from '../support/app';
import { bookingScope } from '../support/fixtures';

let database: OpenDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

/** The same database through a drizzle that writes down every statement it sends. */
function loggingDb(statements: string[]): Database {
  const client = (database.db as unknown as { $client: never }).$client;
  const logger = { logQuery: (query: string) => statements.push(query) };
  return (database.engine === 'pglite' ? drizzlePglite(client, { schema, logger }) : drizzlePostgres(client, { schema, logger })) as unknown as Database;
}

async function statementsFor(email: string) {
  const statements: string[] = [];
  await requestSignIn({ ...(await bookingScope(database.db)), db: loggingDb(statements) }, email, '10.1.1.1');
  return statements;
}

describe('asking for a sign-in link', () => {
  it('runs the same statements for an email with an account and one without', async () => {
    const person = await makePerson(database.db);
    const tokensBefore = (await database.db.select().from(signInTokens)).length;
    const known = await statementsFor(person.email);
    const unknown = await statementsFor('nobody.here@partner.example');
    expect(known.length).toBeGreaterThan(0);
    expect(unknown).toEqual(known);
    // ...and still emails only the account's owner.
    const mail = await database.db.select().from(outbox).where(eq(outbox.to, person.email));
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ subject: 'Your sign-in link for RSCP safeguarding training', clearAfterSending: true, status: 'pending' });
    expect(mail[0].text).toMatch(/^Hello Test Person \d+,\n\nUse this link to sign in:\nhttp:\/\/localhost:8787\/sign-in\/link\?token=[a-z2-7]{32}\n/);
    expect(await database.db.select().from(outbox).where(eq(outbox.to, 'nobody.here@partner.example'))).toHaveLength(0);
    // One new sign-in link in all, and it is the account owner's.
    expect(await database.db.select().from(signInTokens)).toHaveLength(tokensBefore + 1);
    expect(await database.db.select().from(signInTokens).where(eq(signInTokens.personId, person.id))).toHaveLength(1);
  });
});

describe('registering', () => {
  async function registering(email: string, lineManagerEmail?: string) {
    const statements: string[] = [];
    const known = (await database.db.select().from(people).limit(1))[0];
    const input: PersonInput = { name: 'Sam Newcomer', email, organisationId: known.organisationId, jobTitle: 'Health visitor', workforceGroupId: known.workforceGroupId!, lineManagerEmail };
    await register({ ...(await bookingScope(database.db)), db: loggingDb(statements) }, input, '10.2.2.2');
    return statements;
  }

  it('runs the same statements for an email with an account and one without, with or without a line manager', async () => {
    const person = await makePerson(database.db);
    for (const manager of [undefined, 'their.manager@partner.example']) {
      const newEmail = `new.${manager ? 'managed' : 'alone'}@partner.example`;
      const known = await registering(person.email, manager);
      const unknown = await registering(newEmail, manager);
      expect(known.length).toBeGreaterThan(0);
      expect(unknown).toEqual(known);

      // ...and still makes only the new account, with its role and audit entries, and tells each address what it should.
      const [made] = await database.db.select().from(people).where(eq(people.email, newEmail));
      expect(made).toMatchObject({ name: 'Sam Newcomer', jobTitle: 'Health visitor', pendingLineManagerEmail: manager ?? null, lineManagerEmail: null });
      expect((await database.db.select().from(personRoles).where(eq(personRoles.personId, made.id))).map((r) => r.role)).toEqual(['practitioner']);
      const entries = await database.db.select().from(auditLog).where(and(eq(auditLog.subjectType, 'person'), eq(auditLog.subjectId, made.id)));
      expect(entries.map((e) => [e.action, e.actorId, e.detail]).sort()).toEqual(
        [['person.created', null, { roles: ['practitioner'] }], ...(manager ? [['person.line-manager.proposed', made.id, { email: manager }]] : [])].sort(),
      );
      const [welcome] = await database.db.select().from(outbox).where(eq(outbox.to, newEmail));
      expect(welcome.text).toMatch(/^Hello Sam Newcomer,\n\nThank you for registering for Rotherham Safeguarding Children Partnership training\.\n\nUse this link to sign in:\nhttp:\/\/localhost:8787\/sign-in\/link\?token=[a-z2-7]{32}\n/);
      expect(await database.db.select().from(signInTokens).where(eq(signInTokens.personId, made.id))).toHaveLength(1);
    }
    const toKnown = await database.db.select().from(outbox).where(eq(outbox.to, person.email));
    expect(toKnown).toHaveLength(2);
    for (const mail of toKnown) expect(mail.text).toMatch(/^Hello Test Person \d+,\n\nSomeone tried to register with this email address, but you already have an account\.\n\nUse this link/);
    const [unchanged] = await database.db.select().from(people).where(eq(people.id, person.id));
    expect(unchanged).toMatchObject({ jobTitle: 'Social worker', pendingLineManagerEmail: null });
    // The manager is asked once, about the new account only.
    const asked = await database.db.select().from(outbox).where(eq(outbox.to, 'their.manager@partner.example'));
    expect(asked.map((m) => m.subject)).toEqual(['Are you Sam Newcomer’s line manager?']);
    expect(asked[0].text).toContain('http://localhost:8787/line-manager/');
  });
});
