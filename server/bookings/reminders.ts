import { sessionDetailColumns, withSessionCourseAndPerson } from './joins';
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import { bookings, people, sentReminders, sessions } from '../../db/schema';
import { DAY } from '../shared/clock';
import { queueMail } from '../mail/outbox';
import { bookingMail, type SessionDetails } from './messages';
import type { ServiceContext } from '../shared/context';

/**
 * Job: reminds people with a confirmed place before their session (by default 7 days and
 * 1 day before). Works from the database each run, so a missed run catches up; each
 * reminder is recorded in the same transaction as its email, so it goes once. Only the
 * nearest reminder is sent: someone who books two days before gets the 1-day one only.
 */
export async function sendSessionReminders(s: ServiceContext): Promise<{ reminded: number }> {
  const now = s.clock.now();
  const days = [...s.partnership.sessionReminderDays].sort((a, b) => a - b);
  if (!days.length) return { reminded: 0 };
  const horizon = new Date(now.getTime() + days[days.length - 1] * DAY);
  const due = await withSessionCourseAndPerson(s.db.select({
      bookingId: bookings.id,
      name: people.name,
      email: people.email,
      ...sessionDetailColumns,
    }).from(bookings).$dynamic())
    .where(and(eq(bookings.partnershipId, s.partnership.id), eq(bookings.status, 'confirmed'), eq(sessions.status, 'scheduled'), gt(sessions.startsAt, now), lte(sessions.startsAt, horizon)));
  if (!due.length) return { reminded: 0 };
  const sent = await s.db
    .select()
    .from(sentReminders)
    .where(inArray(sentReminders.bookingId, due.map((d) => d.bookingId)));
  let reminded = 0;
  for (const row of due) {
    const nearest = days.find((d) => row.startsAt.getTime() - d * DAY <= now.getTime());
    if (nearest === undefined) continue;
    const kind = `${nearest}d`;
    if (sent.some((x) => x.bookingId === row.bookingId && x.kind === kind)) continue;
    await s.db.transaction(async (tx) => {
      const [claimed] = await tx.insert(sentReminders).values({ bookingId: row.bookingId, kind, sentAt: now }).onConflictDoNothing().returning();
      if (!claimed) return; // another instance sent it
      const details: SessionDetails = row;
      await queueMail(tx, { partnershipId: s.partnership.id, now }, bookingMail.reminder(s, { bookingId: row.bookingId, name: row.name, email: row.email }, details, nearest));
      reminded++;
    });
  }
  return { reminded };
}
