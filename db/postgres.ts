import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { schema, type Database, type OpenDatabase } from './database';

/** A real PostgreSQL server through postgres.js (production, CI, Hyperdrive on Workers). */
export function openPostgres(url: string, options: { max?: number } = {}): OpenDatabase {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Database;
  return { db, engine: 'postgres', close: () => client.end({ timeout: 5 }) };
}
