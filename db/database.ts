import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { getTableColumns, type ExtractTablesWithRelations, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export { schema };
export type Schema = typeof schema;
/** The one database type the services use, whichever engine is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A database or a transaction: services that only write take either. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export interface OpenDatabase {
  db: Database;
  engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** A statement drizzle has made: its SQL text and where each value goes, ready to run. */
export interface Made<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}
/** What drizzle keeps inside a database or a transaction (not in its types): the connection and how it makes statements. */
interface DrizzleInternals {
  session: { client: unknown; prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: boolean): Made<unknown> };
  dialect: { sqlToQuery(statement: SQL): { sql: string; params: unknown[] } };
}
/** The connection and statement maker inside a database or a transaction (db/built-once.ts, `commitWith`). */
export const drizzleInternals = (executor: Executor) => executor as unknown as DrizzleInternals;

/** The rows of a statement run with `execute`: postgres.js gives them as they are, PGlite in a result. */
export const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** PostgreSQL's answer to a statement sent after an earlier one failed in the same transaction. */
const afterAFailure = (error: unknown) => {
  const e = error as { code?: string; cause?: { code?: string } };
  return (e?.code ?? e?.cause?.code) === '25P02';
};

/**
 * Runs statements of one transaction together: started in the same tick, so postgres.js sends
 * them in one write and PostgreSQL runs them one after another in the order given, one round
 * trip for all (PGlite runs them in turn, in the same order). Each is made before any answers,
 * so none can use another's result. Every statement has finished before this answers, and the
 * failure thrown is the one that aborted the transaction: nothing is left running when the
 * transaction ends. An undefined statement (one a rule left out) answers undefined.
 */
export async function together<T extends readonly unknown[]>(...statements: { [K in keyof T]: PromiseLike<T[K]> | undefined }): Promise<T> {
  const settled = await Promise.allSettled(statements);
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
  if (failures.length) throw failures.find((e) => !afterAFailure(e)) ?? failures[0];
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Where a transaction's client offers to send COMMIT with its last statements (db/postgres.ts). */
export const SEND_COMMIT = Symbol('send COMMIT');
/** Sends COMMIT behind the statements already sent, if at least `statements` are on their way; otherwise does nothing. */
export type CommitWith = (statements: number) => PromiseLike<unknown> | undefined;

/** Marks a transaction whose work is part of an outer one (asOneTransaction): it does not commit. */
const PART_OF_ANOTHER = Symbol('part of another transaction');

/**
 * A transaction as a database whose transactions run as part of it, without a savepoint each:
 * for a caller that makes many services' changes at once (the demo seed) and rolls back all of
 * them on any failure. A `commitWith` inside leaves the COMMIT to the outer transaction.
 */
export function asOneTransaction(tx: Database): Database {
  const flat: Database = Object.create(tx, { [PART_OF_ANOTHER]: { value: true } });
  flat.transaction = ((work: (inner: Database) => Promise<unknown>) => work(flat)) as Database['transaction'];
  return flat;
}

/**
 * A transaction's last statements, sent with its COMMIT: one round trip for both on PostgreSQL
 * (PGlite commits when the transaction's work returns, as ever). As `together`, with two more
 * rules: every statement must be sent when it is made (drizzle's are; an async helper must not
 * wait before making its statement), and nothing may be written after them. A statement that was
 * not sent yet makes this wait for the answers and COMMIT after, as without it. If a statement
 * fails, PostgreSQL answers the COMMIT by rolling back, and that failure is thrown.
 */
export async function commitWith<T extends readonly unknown[]>(tx: Executor, ...statements: { [K in keyof T]: PromiseLike<T[K]> | undefined }): Promise<T> {
  const client = drizzleInternals(tx).session.client as { [SEND_COMMIT]?: CommitWith };
  // A drizzle query builder sends its statement only when asked for its answer: ask now, before COMMIT.
  const sent = (statements as readonly (PromiseLike<unknown> | undefined)[]).map((statement) => statement && new Promise((resolve, reject) => statement.then(resolve, reject)));
  const commit = (tx as { [PART_OF_ANOTHER]?: true })[PART_OF_ANOTHER] ? undefined : client[SEND_COMMIT]?.(sent.filter(Boolean).length);
  const done: unknown[] = await together(...sent, commit);
  return done.slice(0, statements.length) as unknown as T;
}

/**
 * A table's row as `row_to_json` gives it (column names, values as the database has them),
 * mapped as drizzle maps a row it selects: for a statement that reads a whole row beside
 * other things.
 */
export function rowFromJson<T extends PgTable>(table: T, json: unknown): T['$inferSelect'] {
  const row = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(getTableColumns(table)).map(([key, column]) => {
      const value = row[column.name];
      return [key, value === null || value === undefined ? null : column.mapFromDriverValue(value)];
    }),
  ) as T['$inferSelect'];
}
