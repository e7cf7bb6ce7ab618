import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { rateLimits } from '../../db/schema';

/**
 * Counts a hit against `key` in a fixed window and says whether it is within `limit`.
 * One upsert, so every app instance shares the count.
 */
export async function hitRateLimit(db: Executor, key: string, limit: number, windowMs: number, now: Date): Promise<boolean> {
  // Dates inside sql`` go as text with a cast: postgres.js does not serialise Date there.
  const windowStartedBefore = sql`${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: now, hits: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`case when ${rateLimits.windowStart} <= ${windowStartedBefore} then 1 else ${rateLimits.hits} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} <= ${windowStartedBefore} then ${now.toISOString()}::timestamptz else ${rateLimits.windowStart} end`,
      },
    })
    .returning({ hits: rateLimits.hits });
  return row.hits <= limit;
}
