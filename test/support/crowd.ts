import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { bookings, followUpSurveys, people } from '../../db/schema';
import { makePerson } from './app';
import { makeSession } from './fixtures';

/**
 * `size` people who came to one session, each with a follow-up survey due at `dueAt`, made in a
 * few statements (making them is not what a test or benchmark measures).
 */
export async function attendedCrowd(db: Database, size: number, dueAt: string) {
  const { session } = await makeSession(db, { startsAt: '2026-12-15T10:00:00Z' });
  const template = await makePerson(db);
  const [row] = await db.select().from(people).where(eq(people.id, template.id));
  const tag = Math.random().toString(36).slice(2, 8);
  const crowd = await db
    .insert(people)
    .values(Array.from({ length: size }, (_, i) => ({ partnershipId: row.partnershipId, name: `Crowd ${i}`, email: `crowd.${tag}.${i}@partner.example`, organisationId: row.organisationId, jobTitle: 'Social worker' })))
    .returning({ id: people.id, email: people.email });
  const came = await db
    .insert(bookings)
    .values(crowd.map((p) => ({ partnershipId: row.partnershipId, sessionId: session.id, personId: p.id, status: 'attended' as const })))
    .returning({ id: bookings.id });
  await db.insert(followUpSurveys).values(came.map((b) => ({ partnershipId: row.partnershipId, bookingId: b.id, respondent: 'attendee' as const, dueAt: new Date(dueAt) })));
  return { emails: crowd.map((p) => p.email), bookingIds: came.map((b) => b.id) };
}
