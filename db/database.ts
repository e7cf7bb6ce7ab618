import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { getTableColumns, type ExtractTablesWithRelations } from 'drizzle-orm';
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

/** The rows of a statement run with `execute`: postgres.js gives them as they are, PGlite in a result. */
export const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** PostgreSQL's answer to a statement sent after an earlier one failed in the same transaction. */
const afterAFailure = (error: unknown) => {
  const e = error as { code?: string; cause?: { code?: string } };
  return (e?.code ?? e?.cause?.code) === '25P02';
};

/**
 * Runs independent statements of one transaction together: started in the same tick, so
 * postgres.js sends them in one write and PostgreSQL runs them one after another, one round trip
 * for all (PGlite runs them in turn). They may run in any order, so none may need another's
 * rows. Every statement has finished before this answers, and the failure thrown is the one that
 * aborted the transaction: nothing is left running when the transaction ends. An undefined
 * statement (one a rule left out) answers undefined.
 */
export async function together<T extends readonly unknown[]>(...statements: { [K in keyof T]: PromiseLike<T[K]> | undefined }): Promise<T> {
  const settled = await Promise.allSettled(statements);
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
  if (failures.length) throw failures.find((e) => !afterAFailure(e)) ?? failures[0];
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
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
