// Statements of one transaction sent together (db/database.ts `together`), on whichever engine
// the suite runs: the answers in order, and a failure reported as the one that aborted the
// transaction, only once every statement has finished.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { together, type OpenDatabase } from '../../db/database';
import { auditLog, partnerships } from '../../db/schema';
import { audit } from '../../server/audit/log';
import { seed } from '../support/app';
import { createTestDatabase } from '../support/database';

describe('statements sent together in one transaction', () => {
  let database: OpenDatabase;
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
});
