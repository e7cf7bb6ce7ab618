// The PostgreSQL client the app runs on (db/postgres.ts): its statements kept prepared on each
// connection, in and out of transactions, and the same answers as unprepared.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type OpenDatabase } from '../../db/database';
import { openPostgres } from '../../db/postgres';
import { partnerships, people } from '../../db/schema';
import { makePerson, seed } from '../support/app';
import { createTestDatabase, onRealPostgres } from '../support/database';

describe.skipIf(!onRealPostgres())('the PostgreSQL client (prepared statements are PostgreSQL’s: PGlite runs in process)', () => {
  let database: OpenDatabase & { url?: string };
  let app: OpenDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database.db, 'partnership');
    // One connection, so every statement below meets the ones before it.
    app = openPostgres(database.url!, { max: 1 });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const prepared = async () =>
    rowsOf<{ statement: string }>(await app.db.execute(sql`select statement from pg_prepared_statements where statement not like '%pg_prepared_statements%'`)).map((r) => r.statement);

  it('keeps a statement with parameters prepared, in a transaction too, and answers as before', async () => {
    const person = await makePerson(database.db);
    const byId = () => app.db.select({ email: people.email }).from(people).where(eq(people.id, person.id));
    expect(await byId()).toEqual([{ email: person.email }]);
    expect(await app.db.transaction(async (tx) => tx.select({ slug: partnerships.slug }).from(partnerships).where(eq(partnerships.slug, 'rotherham')))).toEqual([{ slug: 'rotherham' }]);
    const statements = await prepared();
    expect(statements.filter((s) => s.startsWith('select "email" from "people"'))).toHaveLength(1);
    expect(statements.filter((s) => s.startsWith('select "slug" from "partnerships"'))).toHaveLength(1);
    // Used again, the same prepared statement answers: nothing new is prepared.
    expect(await byId()).toEqual([{ email: person.email }]);
    expect(await prepared()).toHaveLength(statements.length);
  });

  it('leaves a bulk statement of many parameters unprepared, so varying batch sizes do not pile up', async () => {
    const before = await prepared();
    const ids = Array.from({ length: 101 }, () => crypto.randomUUID());
    expect(await app.db.execute(sql`select count(*)::int as n from people where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`)).toHaveLength(1);
    expect(await prepared()).toEqual(before);
  });
});
