// Shared pieces of the trainer's page and API tests: a session with its trainer and three
// people booked, the moments around its marking window, and feedback given on it.
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { bookings, outbox, sessions, sessionTrainers } from '../../db/schema';
import { giveFeedback } from '../../server/feedback/service';
import { makePerson } from '../support/app';
import { actingAs, bookingScope, makeSession } from '../support/fixtures';
import { selfBooked } from '../register/helpers';

/** The session's start; it ends three hours later, and locks for trainers seven days after that. */
export const START = '2026-12-15T10:00:00Z';
export const TIMES = {
  /** Before the register opens (15 minutes before the start). */
  before: '2026-12-15T09:44:00Z',
  during: '2026-12-15T10:30:00Z',
  /** After the lock (the end plus the partnership's seven days). */
  locked: '2026-12-22T13:01:00Z',
} as const;

/** A name no other test's search will match. */
export const uniqueName = (first: string) => `${first} ${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 8)}`;

/** A session with a trainer (who trains it) and three people booked themselves, in name order. */
export async function trainedSession(db: Database, options: { startsAt?: string; online?: boolean } = {}) {
  const { session, course } = await makeSession(db, { startsAt: options.startsAt ?? START });
  if (options.online) await db.update(sessions).set({ online: true, venue: '', joiningLink: 'https://meet.example/abc' }).where(eq(sessions.id, session.id));
  const trainer = await makePerson(db, ['trainer'], { name: uniqueName('Tara Trainer') });
  await db.insert(sessionTrainers).values({ sessionId: session.id, personId: trainer.id });
  const attendees = [];
  for (const first of ['Ann', 'Ben', 'Cat']) {
    const name = uniqueName(`${first} Attendee`);
    attendees.push({ name, ...(await selfBooked(db, session.id, { name })) });
  }
  return { session, course, trainer, attendees };
}

export async function statusOf(db: Database, bookingId: string) {
  const [row] = await db.select({ status: bookings.status }).from(bookings).where(eq(bookings.id, bookingId));
  return row.status;
}

/** The feedback invitations sent to an address. */
export async function invitationsTo(db: Database, email: string) {
  return (await db.select().from(outbox).where(eq(outbox.to, email))).filter((m) => m.subject.startsWith('Tell us what you thought'));
}

export const answers = { outcomesMet: [4], relevance: 5, delivery: 4, confidenceBefore: 4, confidenceAfter: 8, willDoDifferently: '', comments: '' };

/** Feedback from an attendee already marked as having come. */
export async function feedbackFrom(db: Database, attendee: { person: { id: string }; booking: { id: string } }, overrides: Partial<typeof answers> = {}) {
  await giveFeedback(actingAs(await bookingScope(db, TIMES.during), attendee.person.id), attendee.booking.id, { ...answers, ...overrides });
}
