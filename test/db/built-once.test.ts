// Statements made once and run anywhere (db/built-once.ts), on whichever engine the suite runs:
// inside a transaction they run on its connection, on another database they answer for it, and
// values go in as the columns store them.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtOnce, sqlBuiltOnce } from '../../db/built-once';
import type { OpenDatabase } from '../../db/database';
import { auditLog, partnerships } from '../../db/schema';
import { seed } from '../support/app';
import { createTestDatabase } from '../support/database';

const entriesAbout = builtOnce('test_entries_about', (db) =>
  db.select({ action: auditLog.action, detail: auditLog.detail, at: auditLog.at }).from(auditLog).where(eq(auditLog.subjectId, sql.placeholder('subjectId'))),
);
const addEntry = builtOnce('test_add_entry', (db) =>
  db.insert(auditLog).values({
    partnershipId: sql.placeholder('partnershipId'),
    action: 'session.updated',
    subjectType: 'session',
    subjectId: sql.placeholder('subjectId'),
    detail: sql.placeholder('detail'),
    at: sql.placeholder('at'),
  }),
);
const slugs = sqlBuiltOnce<{ slug: string }>('test_slugs', sql`select slug from partnerships where slug like ${sql.placeholder('pattern')} order by slug`);

describe('statements made once', () => {
  let first: OpenDatabase;
  let second: OpenDatabase;
  let partnershipId: string;
  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    await seed(first.db, 'partnership');
    [{ id: partnershipId }] = await first.db.select({ id: partnerships.id }).from(partnerships);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('run inside a transaction on its connection: they see its uncommitted rows, and nothing once it rolls back', async () => {
    const subjectId = crypto.randomUUID();
    const at = new Date('2026-12-07T10:15:00Z');
    // Made first on the database, outside any transaction.
    expect(await entriesAbout(first.db, { subjectId })).toEqual([]);
    let seenInside: unknown;
    await expect(
      first.db.transaction(async (tx) => {
        await addEntry(tx, { partnershipId, subjectId, detail: { places: 3 }, at });
        seenInside = await entriesAbout(tx, { subjectId });
        tx.rollback();
      }),
    ).rejects.toThrow('Rollback');
    expect(seenInside).toEqual([{ action: 'session.updated', detail: { places: 3 }, at }]);
    expect(await entriesAbout(first.db, { subjectId })).toEqual([]);

    const kept = await first.db.transaction(async (tx) => {
      await addEntry(tx, { partnershipId, subjectId, detail: { places: 3 }, at });
      return entriesAbout(tx, { subjectId });
    });
    // Values went in as the columns store them (a time, an object as JSON), and come back mapped.
    expect(kept).toEqual([{ action: 'session.updated', detail: { places: 3 }, at }]);
    expect(await entriesAbout(first.db, { subjectId })).toEqual(kept);
  });

  it('answer for the database they run on, not the one they were first made on', async () => {
    expect(await slugs(first.db, { pattern: 'roth%' })).toEqual([{ slug: 'rotherham' }]);
    expect(await slugs(second.db, { pattern: 'roth%' })).toEqual([]);
    await seed(second.db, 'partnership');
    expect(await slugs(second.db, { pattern: '%ham' })).toEqual([{ slug: 'rotherham' }]);
    expect(await slugs(first.db, { pattern: 'none%' })).toEqual([]);
  });
});
