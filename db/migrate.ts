import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { OpenDatabase } from './database';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the drizzle-kit migrations; the same SQL runs on both engines. */
export async function migrate(open: OpenDatabase): Promise<void> {
  if (open.engine === 'pglite') await migratePglite(open.db as never, { migrationsFolder });
  else await migratePostgres(open.db as never, { migrationsFolder });
}
