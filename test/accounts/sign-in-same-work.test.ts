// Asking for a sign-in link does the same work whether or not the email has an account: the
// same SQL statements, in the same order, so the time taken does not tell either.
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type Database, type OpenDatabase } from '../../db/database';
import { outbox, signInTokens } from '../../db/schema';
import { requestSignIn } from '../../server/accounts/service';
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
    expect(await database.db.select().from(signInTokens)).toHaveLength(1);
  });
});
