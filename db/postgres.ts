import postgres from 'postgres';
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

/** A real PostgreSQL server through postgres.js (production, CI, Hyperdrive on Workers). */
export function openPostgres(url: string, options: { max?: number } = {}): OpenDatabase {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {}, ...RECONNECT });
  const db = drizzle(client, { schema }) as unknown as Database;
  return { db, engine: 'postgres', close: () => client.end({ timeout: 5 }) };
}
