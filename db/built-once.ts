import type { SQL } from 'drizzle-orm';
import { drizzleInternals as internals, rowsOf, type Executor, type Made } from './database';

/**
 * A statement whose SQL is made once (the first time it runs on each engine) and then run on
 * the database or inside any transaction. drizzle makes a statement's SQL again on every call,
 * except through `.prepare()`, which binds the statement to the connection it was made on, so
 * it cannot run inside a later transaction. This keeps the made statement and runs it on the
 * caller's own connection. On the booking path, making SQL was a third of the app's CPU.
 *
 * Values go in as `sql.placeholder(name)`: in an insert's values as the column takes them (a
 * Date, an object for JSON); in conditions as the driver sends them (a time as ISO text).
 */
export function builtOnce<R>(name: string, build: (db: Executor) => { prepare(name: string): Made<R> }) {
  // A statement made for PGlite cannot run on postgres.js: one per engine (the session's class).
  const made = new Map<unknown, Made<R>>();
  return (executor: Executor, values?: Record<string, unknown>): Promise<R> => {
    const { session } = internals(executor);
    let statement = made.get(session.constructor);
    if (!statement) made.set(session.constructor, (statement = build(executor).prepare(name)));
    const onThisConnection: Made<R> = Object.create(statement, { client: { value: session.client } });
    return onThisConnection.execute(values);
  };
}

/** A statement written in SQL, made once (see builtOnce); its rows as the driver reads them. */
export function sqlBuiltOnce<T>(name: string, statement: SQL) {
  const run = builtOnce(name, (db) => ({ prepare: (named) => internals(db).session.prepareQuery(internals(db).dialect.sqlToQuery(statement), undefined, named, false) }));
  return async (executor: Executor, values?: Record<string, unknown>) => rowsOf<T>(await run(executor, values));
}
