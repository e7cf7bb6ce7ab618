// The database's own backstops for promise 1, tried with rows the booking service would never
// write: places taken beyond the capacity or below nothing, and a second live booking of one
// person for one session. Whatever a future change to the service does, these are refused.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, sessions, type BookingStatus } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { makePerson, seed } from '../support/app';
import { makeSession } from '../support/fixtures';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

/** The SQLSTATE and constraint a database refusal carries, however the driver wraps it. */
async function refusal(write: Promise<unknown>) {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  for (let e = error as { code?: string; constraint?: string; constraint_name?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^\d{2}[0-9A-Z]{3}$/.test(e.code)) return { code: e.code, constraint: e.constraint ?? e.constraint_name ?? e.message };
  }
  return { code: error ? `not a database refusal: ${String(error)}` : 'written', constraint: undefined };
}

describe('places within capacity (a CHECK on sessions)', () => {
  it('refuses more places taken than the capacity, and fewer than none', async () => {
    const { session } = await makeSession(database.db, { capacity: 3 });
    const setPlaces = (placesTaken: number) => database.db.update(sessions).set({ placesTaken }).where(eq(sessions.id, session.id));
    await setPlaces(3);
    expect(await refusal(setPlaces(4))).toEqual({ code: '23514', constraint: expect.stringContaining('sessions_places_within_capacity') });
    expect(await refusal(setPlaces(-1))).toEqual({ code: '23514', constraint: expect.stringContaining('sessions_places_within_capacity') });
    // Lowering the capacity under the places taken is refused the same way.
    expect(await refusal(database.db.update(sessions).set({ capacity: 2 }).where(eq(sessions.id, session.id)))).toEqual({ code: '23514', constraint: expect.stringContaining('sessions_places_within_capacity') });
    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(row).toMatchObject({ capacity: 3, placesTaken: 3 });
  });
});

describe('one live booking per person per session (a partial unique index)', () => {
  const LIVE: BookingStatus[] = ['confirmed', 'pending approval', 'waitlisted'];

  it.each(LIVE.flatMap((first) => LIVE.map((second) => [first, second] as const)))('refuses a %s booking beside a %s one', async (first, second) => {
    const { session } = await makeSession(database.db);
    const person = await makePerson(database.db);
    const row = (status: BookingStatus) => ({ partnershipId: session.partnershipId, sessionId: session.id, personId: person.id, status });
    await database.db.insert(bookings).values(row(first));
    expect(await refusal(database.db.insert(bookings).values(row(second)))).toEqual({ code: '23505', constraint: expect.stringContaining('bookings_one_live_per_person') });
    expect(await database.db.select().from(bookings).where(eq(bookings.sessionId, session.id))).toHaveLength(1);
  });

  it('allows any number of ended bookings beside one live one, and the same person on another session', async () => {
    const { sessions: [session, other] } = await makeSession(database.db, { extraSessions: 1 });
    const person = await makePerson(database.db);
    const row = (status: BookingStatus, sessionId = session.id) => ({ partnershipId: session.partnershipId, sessionId, personId: person.id, status });
    await database.db.insert(bookings).values([row('cancelled'), row('cancelled'), row('attended'), row('confirmed'), row('confirmed', other.id)]);
    expect(await database.db.select().from(bookings).where(eq(bookings.personId, person.id))).toHaveLength(5);
  });
});
