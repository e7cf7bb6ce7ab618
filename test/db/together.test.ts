// Statements of one transaction sent together (db/database.ts `together`), on whichever engine
// the suite runs: the answers in order, and a failure reported as the one that aborted the
// transaction, only once every statement has finished. And the last ones sent with the COMMIT
// (`commitWith`), with BEGIN sent with the first statement (db/postgres.ts,
// scripts/patch-postgres.mjs): the same outcome as a transaction that waits for each answer, in
// fewer round trips on PostgreSQL.
import { createConnection, createServer, type Server } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOneTransaction, commitWith, rowsOf, together, type Database, type Executor, type OpenDatabase } from '../../db/database';
import { openPostgres } from '../../db/postgres';
import { auditLog, partnerships } from '../../db/schema';
import { audit } from '../../server/audit/log';
import { seed } from '../support/app';
import { createTestDatabase, onRealPostgres } from '../support/database';

describe('statements sent together in one transaction', () => {
  let database: OpenDatabase & { url?: string };
  let partnershipId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database.db, 'partnership');
    [{ id: partnershipId }] = await database.db.select({ id: partnerships.id }).from(partnerships);
  });
  afterAll(() => database?.close());

  const entry = (subjectId: string) => ({ partnershipId, actorId: null, action: 'session.updated' as const, subjectType: 'session' as const, subjectId });
  const entriesFor = async (subjectId: string) => (await database.db.select().from(auditLog).where(eq(auditLog.subjectId, subjectId))).length;
  // drizzle names the statement that failed, and gives PostgreSQL's error as the cause.
  const divisionByZero = { cause: { message: 'division by zero' } };
  const later = <T>(start: () => PromiseLike<T>) => new Promise((resolve) => setTimeout(resolve, 20)).then(start);

  it('answers each statement in the order given, and commits them all', async () => {
    const subjectId = crypto.randomUUID();
    const answers = await database.db.transaction((tx) =>
      together(audit(tx, entry(subjectId)), tx.select({ slug: partnerships.slug }).from(partnerships), undefined, audit(tx, entry(subjectId))),
    );
    expect(answers).toEqual([undefined, [{ slug: 'rotherham' }], undefined, undefined]);
    expect(await entriesFor(subjectId)).toBe(2);
  });

  it('throws the failure that aborted the transaction, not a later statement’s refusal, and writes nothing', async () => {
    const subjectId = crypto.randomUUID();
    // The first statement runs last, after the failure: PostgreSQL refuses it as "transaction aborted".
    const attempt = database.db.transaction((tx) => together(later(() => audit(tx, entry(subjectId))), audit(tx, entry(subjectId)), tx.execute(sql`select 1 / 0`)));
    await expect(attempt).rejects.toMatchObject(divisionByZero);
    expect(await entriesFor(subjectId)).toBe(0);
  });

  it('answers a failure only once every statement has finished', async () => {
    let finished = false;
    const attempt = database.db.transaction((tx) =>
      together(
        tx.execute(sql`select 1 / 0`),
        later(() => tx.execute(sql`select 1`)).then(
          () => (finished = true),
          () => (finished = true),
        ),
      ),
    );
    await expect(attempt).rejects.toMatchObject(divisionByZero);
    expect(finished).toBe(true);
  });

  describe('the last of them sent with the COMMIT (commitWith)', () => {
    const written = (tx: Executor, subjectId: string) => audit(tx, entry(subjectId));

    it('commits them with everything before them, and answers each in the order given', async () => {
      const subjectId = crypto.randomUUID();
      const answers = await database.db.transaction(async (tx) => {
        await written(tx, subjectId);
        return commitWith(tx, written(tx, subjectId), tx.select({ slug: partnerships.slug }).from(partnerships), undefined);
      });
      expect(answers).toEqual([undefined, [{ slug: 'rotherham' }], undefined]);
      expect(await entriesFor(subjectId)).toBe(2);
    });

    it('writes nothing of the transaction when one of them fails, and throws that failure', async () => {
      const subjectId = crypto.randomUUID();
      const attempt = database.db.transaction(async (tx) => {
        await written(tx, subjectId);
        return commitWith(tx, written(tx, subjectId), tx.execute(sql`select 1 / 0`), written(tx, subjectId));
      });
      await expect(attempt).rejects.toMatchObject(divisionByZero);
      expect(await entriesFor(subjectId)).toBe(0);
      // The connection is back in the pool, out of any transaction.
      expect(await database.db.select({ slug: partnerships.slug }).from(partnerships)).toEqual([{ slug: 'rotherham' }]);
    });

    it.each([
      ['inside a nested one (a savepoint)', (outer: Database) => outer],
      ['when a service’s transaction runs as part of it (asOneTransaction)', (outer: Database) => asOneTransaction(outer)],
    ])('leaves the COMMIT to the outer transaction %s, so the outer can still roll it back', async (_, opened) => {
      const subjectId = crypto.randomUUID();
      const attempt = database.db.transaction(async (outer) => {
        await opened(outer as Database).transaction(async (inner) => commitWith(inner, written(inner, subjectId)));
        await written(outer, subjectId);
        await outer.execute(sql`select 1 / 0`);
      });
      await expect(attempt).rejects.toMatchObject(divisionByZero);
      expect(await entriesFor(subjectId)).toBe(0);
    });

    it('waits for a statement that was not sent when it was made, and commits it too', async () => {
      const subjectId = crypto.randomUUID();
      await database.db.transaction(async (tx) => commitWith(tx, later(() => written(tx, subjectId)), written(tx, subjectId)));
      expect(await entriesFor(subjectId)).toBe(2);
    });

    describe.skipIf(!onRealPostgres())('on PostgreSQL', () => {
      it('refuses a statement made after the COMMIT has gone, and writes nothing of it', async () => {
        const [first, late] = [crypto.randomUUID(), crypto.randomUUID()];
        const attempt = database.db.transaction(async (tx) => {
          await commitWith(tx, written(tx, first));
          await written(tx, late);
        });
        await expect(attempt).rejects.toMatchObject({ cause: { code: 'TRANSACTION_ENDED' } });
        expect([await entriesFor(first), await entriesFor(late)]).toEqual([1, 0]);
      });

      it('refuses a savepoint opened after the COMMIT has gone, whose connection may serve another transaction', async () => {
        const [first, late] = [crypto.randomUUID(), crypto.randomUUID()];
        const attempt = database.db.transaction(async (tx) => {
          await commitWith(tx, written(tx, first));
          await tx.transaction(async (inner) => written(inner, late));
        });
        await expect(attempt).rejects.toMatchObject({ code: 'TRANSACTION_ENDED' });
        expect([await entriesFor(first), await entriesFor(late)]).toEqual([1, 0]);
      });

      it('answers the failure and writes nothing when the server asks for a statement to be prepared again mid-transaction: it is not sent again behind the COMMIT', async () => {
        const one = openPostgres(database.url!, { max: 1 });
        try {
          await database.db.execute(sql`create table prepared_again (n int)`);
          const insert = (tx: Executor, n: number) => tx.execute(sql`insert into prepared_again values (${n}) returning *`);
          await one.db.transaction(async (tx) => commitWith(tx, insert(tx, 1)));
          // The statement's result changes type, so PostgreSQL refuses its cached plan on that connection.
          await database.db.execute(sql`alter table prepared_again alter column n type bigint`);
          await expect(one.db.transaction(async (tx) => commitWith(tx, insert(tx, 2), tx.execute(sql`select ${1}::int`)))).rejects.toMatchObject({ cause: { routine: 'RevalidateCachedQuery' } });
          expect(rowsOf<{ n: string }>(await database.db.execute(sql`select n from prepared_again order by n`)).map((r) => Number(r.n))).toEqual([1]);
        } finally {
          await one.close();
        }
      });

      // A loopback proxy in front of PostgreSQL counts what the app sends: each round trip is one
      // write, as the client waits for the answer before it writes again.
      let proxy: Server;
      let writes = 0;
      let app: OpenDatabase;
      beforeAll(async () => {
        const target = new URL(database.url!);
        proxy = createServer((client) => {
          const server = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
          client.on('data', () => writes++);
          client.pipe(server).pipe(client);
          const end = () => (client.destroy(), server.destroy());
          client.on('error', end).on('close', end);
          server.on('error', end).on('close', end);
        });
        await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
        const through = new URL(database.url!);
        through.host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
        app = openPostgres(through.toString(), { max: 1 });
      });
      afterAll(async () => {
        await app?.close();
        await new Promise((resolve) => proxy?.close(resolve));
      });

      /** The writes one run of `transaction` sends, once its statements are prepared on the connection. */
      async function roundTrips(transaction: () => Promise<unknown>) {
        await transaction();
        const before = writes;
        await transaction();
        // The last answer can arrive before the proxy has counted the write that asked for it.
        await new Promise((resolve) => setTimeout(resolve, 20));
        return writes - before;
      }
      const readThenWrite = (finish: (tx: Executor, subjectId: string) => Promise<unknown>) => () =>
        app.db.transaction(async (tx) => {
          const [{ id }] = await tx.select({ id: partnerships.id }).from(partnerships).where(eq(partnerships.id, partnershipId)).for('update');
          return finish(tx, id);
        });

      it('sends BEGIN with the first statement, and COMMIT with the last ones: a read and then writes in two round trips', async () => {
        expect(await roundTrips(readThenWrite((tx, id) => commitWith(tx, written(tx, id), written(tx, id))))).toBe(2);
        // A query builder sends its statement only when asked for its answer: it is asked before the COMMIT.
        expect(await roundTrips(readThenWrite((tx, id) => commitWith(tx, tx.insert(auditLog).values(entry(id)), written(tx, id))))).toBe(2);
        // Waiting for the writes' answers before COMMIT takes a round trip more.
        expect(await roundTrips(readThenWrite((tx, id) => together(written(tx, id), written(tx, id))))).toBe(3);
      });
    });
  });
});
