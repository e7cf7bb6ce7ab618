// A partnership's year of bookings with known attendance, made through the booking rules,
// for the non-attendance report, charges, pages and API tests.
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { bookings, courses, organisations, partnerships, sessions, workforceGroups, type BookingStatus, type Sector } from '../../db/schema';
import { createPerson } from '../../server/accounts/service';
import { updateChargePolicy } from '../../server/attendance/non-attendance';
import { bookPlace, cancelBooking } from '../../server/bookings/service';
import { bookingScope, makeSession } from '../support/fixtures';

export const ORGS = { rmbc: 'Rotherham Metropolitan Borough Council', syp: 'South Yorkshire Police', trft: 'The Rotherham NHS Foundation Trust' } as const;

async function personIn(db: Database, shortName: string, name: string) {
  const [org] = await db.select().from(organisations).where(eq(organisations.shortName, shortName));
  const [group] = await db.select().from(workforceGroups).limit(1);
  const email = `${name.replace(/[^A-Za-z]+/g, '.').replace(/^\.|\.$/g, '').toLowerCase()}@partner.example`;
  const id = await createPerson(db, org.partnershipId, { name, email, organisationId: org.id, jobTitle: 'Social worker', workforceGroupId: group.id }, [], null);
  return { id, email, name };
}

/** Books a place before the session, then ends it as told: an attendance mark, or a cancellation late or in time. */
async function booked(db: Database, sessionId: string, personId: string, startsAt: Date, outcome: BookingStatus | 'late' | 'in time') {
  const booking = await bookPlace(await bookingScope(db, '2026-09-01T09:00:00Z'), { sessionId, personId });
  if (outcome === 'late' || outcome === 'in time') {
    const daysBefore = outcome === 'late' ? 1 : 20;
    await cancelBooking(await bookingScope(db, new Date(startsAt.getTime() - daysBefore * 86_400_000).toISOString()), booking.id);
  } else if (outcome !== 'confirmed') {
    await db.update(bookings).set({ status: outcome, attendanceRecordedAt: startsAt }).where(eq(bookings.id, booking.id));
  }
  return booking;
}

/**
 * Two past sessions in the year 2026-27 (test "now" is 23 November 2026):
 * A, a 3-hour course on 6 October: RMBC attended, did not attend (Dee), cancelled late;
 *   SYP partly attended, did not attend (@Sam); TRFT did not attend, cancelled in time.
 * B, a 6-hour course on 20 October: RMBC did not attend (Alex), attended; TRFT not marked.
 * E, on 2 September: SYP did not attend (Pat); outside a range from 1 October.
 * Left out of every report: C, upcoming in December, whose booking is marked did not attend
 * (as if by mistake), and D, cancelled, on 13 October.
 */
export async function bookingYear(db: Database) {
  const alex = await personIn(db, 'RMBC', 'Alex Attender');
  const dee = await personIn(db, 'RMBC', '=Dee Danger');
  const lee = await personIn(db, 'RMBC', 'Lee Late');
  const pat = await personIn(db, 'SYP', 'Pat Partly');
  const sam = await personIn(db, 'SYP', '@Sam Formula');
  const tom = await personIn(db, 'TRFT', 'Tom Truant');
  const tia = await personIn(db, 'TRFT', 'Tia Intime');

  const a = await makeSession(db, { startsAt: '2026-10-06T09:00:00Z', capacity: 10, bookingClosesAt: '2026-10-05T16:00:00Z' });
  const b = await makeSession(db, { startsAt: '2026-10-20T09:00:00Z', capacity: 12, bookingClosesAt: '2026-10-19T16:00:00Z' });
  await db.update(courses).set({ title: 'Working with Neglect (full day)', durationMinutes: 360 }).where(eq(courses.id, b.course.id));
  await db.update(courses).set({ title: 'Neglect Awareness' }).where(eq(courses.id, a.course.id));
  const c = await makeSession(db, { startsAt: '2026-12-15T10:00:00Z' });
  const d = await makeSession(db, { startsAt: '2026-10-13T09:00:00Z', bookingClosesAt: '2026-10-12T16:00:00Z' });
  const e = await makeSession(db, { startsAt: '2026-09-02T09:00:00Z', bookingClosesAt: '2026-09-01T16:00:00Z' });

  const starts = (x: { session: { startsAt: Date } }) => x.session.startsAt;
  await booked(db, a.session.id, alex.id, starts(a), 'attended');
  const deeMissed = await booked(db, a.session.id, dee.id, starts(a), 'did not attend');
  await booked(db, a.session.id, lee.id, starts(a), 'late');
  await booked(db, a.session.id, pat.id, starts(a), 'partly attended');
  await booked(db, a.session.id, sam.id, starts(a), 'did not attend');
  await booked(db, a.session.id, tom.id, starts(a), 'did not attend');
  await booked(db, a.session.id, tia.id, starts(a), 'in time');
  const alexMissed = await booked(db, b.session.id, alex.id, starts(b), 'did not attend');
  await booked(db, b.session.id, dee.id, starts(b), 'attended');
  await booked(db, b.session.id, tom.id, starts(b), 'confirmed');

  await booked(db, c.session.id, alex.id, starts(c), 'did not attend');
  await booked(db, d.session.id, alex.id, starts(d), 'did not attend');
  await db.update(sessions).set({ status: 'cancelled', cancelledReason: 'Trainer ill' }).where(eq(sessions.id, d.session.id));
  await booked(db, e.session.id, pat.id, starts(e), 'did not attend');

  return { people: { alex, dee, lee, pat, sam, tom, tia }, sessions: { a: a.session, b: b.session, c: c.session, d: d.session, e: e.session }, courses: { a: a.course, b: b.course }, bookings: { deeMissed, alexMissed } };
}
export type BookingYear = Awaited<ReturnType<typeof bookingYear>>;

/** Sets the partnership's charges as the settings form would. */
export async function setCharges(db: Database, halfDay: number, fullDay: number, exemptSectors: Sector[] = []) {
  await updateChargePolicy(await bookingScope(db), { halfDay, fullDay, exemptSectors });
}

/** The seeded partnership, as it is now. */
export async function rotherham(db: Database) {
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));
  return partnership;
}
