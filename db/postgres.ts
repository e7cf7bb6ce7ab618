import postgres, { type Sql, type TransactionSql } from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { schema, SEND_COMMIT, type CommitWith, type Database, type OpenDatabase } from './database';

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

const preparable = (parameters: unknown[]) => parameters.length > 0 && parameters.length <= MAX_PREPARED_PARAMETERS;
const prepared = (target: Sql | TransactionSql, text: string, parameters: unknown[], options: { prepare?: boolean }) =>
  target.unsafe(text, parameters as never, { ...options, prepare: preparable(parameters) });

/**
 * The client drizzle is given: drizzle sends every statement unnamed, so PostgreSQL parses and
 * plans it again each time, unless the query was built with `.prepare()`. The app's statements
 * are a fixed set of texts with parameters, so each is kept prepared on each connection instead
 * (postgres.js names it on first use and binds it after): the parse and plan are paid once per
 * connection. Transactions and savepoints hand drizzle a client of their own (inTransaction).
 */
function preparing<T extends Sql>(sql: T): T {
  const unsafe = (text: string, parameters: unknown[] = [], options: { prepare?: boolean } = {}) => prepared(sql, text, parameters, options);
  const begin = inTransactions(sql.begin.bind(sql));
  return new Proxy(sql, {
    get: (target, property, receiver) => (property === 'unsafe' ? unsafe : property === 'begin' ? begin : Reflect.get(target, property, receiver)),
  });
}

type Query = ReturnType<Sql['unsafe']>;
/** `begin` or `savepoint` (options or a name, then the work), handing the work a client made by inTransaction. */
const inTransactions =
  (open: (...args: never[]) => Promise<unknown>) =>
  (...args: unknown[]) => {
    const work = args.pop() as (inner: TransactionSql) => unknown;
    return (open as (...a: unknown[]) => Promise<unknown>)(...args, (inner: TransactionClient) => work(inTransaction(inner)));
  };
/** A transaction's client as scripts/patch-postgres.mjs leaves it: the outermost one can send COMMIT behind what it has sent. */
type TransactionClient = TransactionSql & { sendCommit?: () => Query };

/**
 * A transaction's (or a savepoint's) client, its statements prepared as above and each sent the
 * moment it is made, so they reach the database in the order the code made them and COMMIT can
 * follow them in the same write (`commitWith`, db/database.ts; decision 24). postgres.js sends
 * BEGIN with the first statement (scripts/patch-postgres.mjs).
 */
function inTransaction(client: TransactionClient): TransactionSql {
  // Statements made since the last answer came: those commitWith was just given, each sent as it
  // was made. COMMIT goes only when there are at least as many as it was given.
  let madeSinceAnswer = 0;
  const answered = () => void (madeSinceAnswer = 0);
  const sendCommit: CommitWith | undefined = client.sendCommit && ((statements) => (madeSinceAnswer >= statements ? client.sendCommit!() : undefined));
  const unsafe = (text: string, parameters: unknown[] = [], options: { prepare?: boolean } = {}) => {
    const query = prepared(client, text, parameters, options);
    madeSinceAnswer++;
    query.execute();
    query.then(answered, answered);
    return query;
  };
  const savepoint = inTransactions(client.savepoint.bind(client));
  const own = new Map<PropertyKey, unknown>([['unsafe', unsafe], ['savepoint', savepoint], [SEND_COMMIT, sendCommit]]);
  return new Proxy(client, {
    get: (target, property, receiver) => (own.has(property) ? own.get(property) : Reflect.get(target, property, receiver)),
  });
}

/** A real PostgreSQL server through postgres.js (production, CI). */
export function openPostgres(url: string, options: { max?: number } = {}): OpenDatabase {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {}, ...RECONNECT });
  const db = drizzle(preparing(client), { schema }) as unknown as Database;
  return { db, engine: 'postgres', close: () => client.end({ timeout: 5 }) };
}
