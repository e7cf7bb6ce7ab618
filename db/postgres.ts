import postgres, { type Sql } from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { schema, type Database, type OpenDatabase } from './database';

/**
 * How a pool gets its connections back after the database ends them (a restart, a failover).
 * postgres.js waits `backoff(n)` seconds before connecting again, n counting every failed
 * connection of the whole pool since the last good one; its default (3^n / 100, up to 20 s)
 * left a request waiting 10 to 20 s for a database back within a second, once the pool's ten
 * connections had each failed once (test/crash/crash.test.ts restarts PostgreSQL mid-rush).
 * Here the wait doubles from 50 ms to at most 1 s, and a connection that cannot be made within
 * 5 s is given up: the request is answered 503 with Retry-After rather than left hanging.
 */
export const RECONNECT = {
  backoff: (failures: number) => Math.min(0.05 * 2 ** failures, 1) * (0.5 + Math.random() / 2),
  connect_timeout: 5,
};

/** Statements with more parameters than this (bulk inserts of varying size) are not kept prepared. */
const MAX_PREPARED_PARAMETERS = 100;

/**
 * The client drizzle is given: drizzle sends every statement unnamed, so PostgreSQL parses and
 * plans it again each time, unless the query was built with `.prepare()`. The app's statements
 * are a fixed set of texts with parameters, so each is kept prepared on each connection instead
 * (postgres.js names it on first use and binds it after): the parse and plan are paid once per
 * connection. Transactions and savepoints hand drizzle a client of their own, wrapped the same way.
 */
function preparing<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe')
        return (query: string, parameters: unknown[] = [], options: { prepare?: boolean } = {}) =>
          target.unsafe(query, parameters as never, { ...options, prepare: parameters.length > 0 && parameters.length <= MAX_PREPARED_PARAMETERS });
      if (property === 'begin' || property === 'savepoint')
        return (...args: unknown[]) => {
          const work = args.pop() as (inner: Sql) => unknown;
          return (Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown)(...args, (inner: Sql) => work(preparing(inner)));
        };
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A real PostgreSQL server through postgres.js (production, CI). */
export function openPostgres(url: string, options: { max?: number } = {}): OpenDatabase {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {}, ...RECONNECT });
  const db = drizzle(preparing(client), { schema }) as unknown as Database;
  return { db, engine: 'postgres', close: () => client.end({ timeout: 5 }) };
}
