import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { courses, partnerships, prospectuses, sessions } from '../../db/schema';
import { fixedClock } from '../../server/shared/clock';
import { testConfig, TEST_NOW } from './app';
import type { Actor, PersonalContext, ServiceContext } from '../../server/shared/context';

/** The seeded partnership as a service scope, with its own clock. */
export async function bookingScope(db: Database, now = TEST_NOW): Promise<ServiceContext & { clock: ReturnType<typeof fixedClock> }> {
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));
  return { db, clock: fixedClock(now), config: testConfig(), partnership, actor: null };
}

let made = 0;
/** A published course with one session, for booking tests. */
export async function makeSession(
  db: Database,
  options: { capacity?: number; startsAt?: string; requiresManagerApproval?: boolean; bookingClosesAt?: string; extraSessions?: number } = {},
) {
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));
  made++;
  const [prospectus] = await db
    .insert(prospectuses)
    .values({ partnershipId: partnership.id, year: `t${made}-${Math.random().toString(36).slice(2, 6)}`, title: 'Test prospectus', startsOn: '2026-04-01', endsOn: '2027-03-31', status: 'published' })
    .returning();
  const [course] = await db
    .insert(courses)
    .values({
      partnershipId: partnership.id,
      prospectusId: prospectus.id,
      title: `Test course ${made}`,
      summary: 'A course for tests',
      learningOutcomes: ['Learn'],
      themes: ['Neglect'],
      deliveryMode: 'Face to face',
      durationMinutes: 180,
      requiresManagerApproval: options.requiresManagerApproval ?? false,
    })
    .returning();
  const startsAt = new Date(options.startsAt ?? '2026-12-15T10:00:00Z');
  const rows = await db
    .insert(sessions)
    .values(
      Array.from({ length: 1 + (options.extraSessions ?? 0) }, (_, i) => ({
        partnershipId: partnership.id,
        courseId: course.id,
        startsAt: new Date(startsAt.getTime() + i * 7 * 86_400_000),
        endsAt: new Date(startsAt.getTime() + i * 7 * 86_400_000 + 3 * 3_600_000),
        venue: 'Riverside House',
        capacity: options.capacity ?? 20,
        bookingClosesAt: new Date(options.bookingClosesAt ?? startsAt.getTime() - 86_400_000 + i * 7 * 86_400_000),
      })),
    )
    .returning();
  return { course, session: rows[0], sessions: rows };
}

/** The scope with a person acting: an id alone is a practitioner acting for themselves. */
export const actingAs = <S extends ServiceContext>(s: S, who: string | NonNullable<Actor>): S & PersonalContext => ({
  ...s,
  actor: typeof who === 'string' ? { id: who, roles: ['practitioner'] } : who,
});
