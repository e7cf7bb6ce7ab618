import { and, asc, eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, outbox, people, sessions } from '../../db/schema';
import { bookPlace, cancelBooking } from '../../server/bookings/service';
import { createTestDatabase, racesRun, secondInstance } from '../support/database';
import { makePerson, seed } from '../support/app';
import { bookingScope, makeSession } from '../support/fixtures';
import type { ServiceContext } from '../../server/shared/context';

// Two app instances (two connection pools) really running requests at once on PostgreSQL.

let database: OpenDatabase & { url?: string };
let second: OpenDatabase;
let instances: ServiceContext[];

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  const first = await bookingScope(database.db);
  second = secondInstance(database);
  instances = [first, { ...first, db: second.db }];
});
afterAll(async () => {
  await second?.close();
  await database.close();
});

const practitioner = (id: string) => ({ id, roles: ['practitioner' as const] });

/** Many people at once, inserted in one statement (making them is not what is measured). */
async function crowd(count: number) {
  const template = await makePerson(database.db);
  const [row] = await database.db.select().from(people).where(eq(people.id, template.id));
  const tag = Math.random().toString(36).slice(2, 8);
  return database.db
    .insert(people)
    .values(Array.from({ length: count }, (_, i) => ({ partnershipId: row.partnershipId, name: `Crowd ${i}`, email: `crowd.${tag}.${i}@partner.example`, organisationId: row.organisationId, jobTitle: 'Social worker', workforceGroupId: row.workforceGroupId })))
    .returning({ id: people.id, email: people.email });
}

async function sessionState(sessionId: string) {
  const rows = await database.db.select().from(bookings).where(eq(bookings.sessionId, sessionId)).orderBy(asc(bookings.queueNumber));
  const [session] = await database.db.select().from(sessions).where(eq(sessions.id, sessionId));
  return { rows, session, confirmed: rows.filter((r) => r.status === 'confirmed'), waiting: rows.filter((r) => r.status === 'waitlisted') };
}

describe.skipIf(!racesRun)('capacity under concurrent requests (races need separate connections: PostgreSQL only)', () => {
  it('gives 200 simultaneous requests for 20 places exactly 20 places and a waiting list of 180 in arrival order', async () => {
    const { session } = await makeSession(database.db, { capacity: 20 });
    const requesters = await crowd(200);
    const results = await Promise.all(
      requesters.map((p, i) => bookPlace({ ...instances[i % instances.length], actor: practitioner(p.id) }, { sessionId: session.id, personId: p.id })),
    );
    const { confirmed, waiting, session: after } = await sessionState(session.id);
    expect(confirmed).toHaveLength(20);
    expect(waiting).toHaveLength(180);
    expect(after.placesTaken).toBe(20);
    // Arrival order: everyone confirmed got to the database before everyone waiting...
    const lastConfirmed = Math.max(...confirmed.map((r) => r.queueNumber));
    expect(waiting.every((r) => r.queueNumber > lastConfirmed)).toBe(true);
    // ...and each waiting person was told a distinct position, matching their place in the queue.
    const positions = results.filter((r) => r.status === 'waitlisted').map((r) => ({ id: r.id, position: r.position! }));
    expect(positions.map((p) => p.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 180 }, (_, i) => i + 1));
    const byQueue = waiting.map((r) => r.id);
    for (const p of positions) expect(byQueue.indexOf(p.id) + 1).toBe(p.position);
  });

  it('keeps places within capacity and promotes in order while cancellations and bookings race', async () => {
    const { session } = await makeSession(database.db, { capacity: 10 });
    const s = instances[0];
    const first = await crowd(30);
    for (const p of first) await bookPlace({ ...s, actor: practitioner(p.id) }, { sessionId: session.id, personId: p.id });
    const before = await sessionState(session.id);
    const waitingBefore = before.waiting.map((r) => r.personId);

    const latecomers = await crowd(20);
    const cancellers = before.confirmed.slice(0, 6);
    await Promise.all([
      ...cancellers.map((b, i) => cancelBooking({ ...instances[i % instances.length], actor: practitioner(b.personId) }, b.id)),
      ...latecomers.map((p, i) => bookPlace({ ...instances[(i + 1) % instances.length], actor: practitioner(p.id) }, { sessionId: session.id, personId: p.id })),
    ]);

    const after = await sessionState(session.id);
    expect(after.confirmed).toHaveLength(10);
    expect(after.session.placesTaken).toBe(10);
    // The six freed places went to the first six who were already waiting, not to latecomers.
    const promoted = after.confirmed.map((r) => r.personId).filter((id) => !before.confirmed.some((c) => c.personId === id));
    expect(new Set(promoted)).toEqual(new Set(waitingBefore.slice(0, 6)));
    expect(after.waiting.slice(0, 14).map((r) => r.personId)).toEqual(waitingBefore.slice(6));
    expect(after.waiting.slice(14).every((r) => latecomers.some((l) => l.id === r.personId))).toBe(true);
    // Each promotion produced exactly one email to the person promoted.
    const promotedEmails = (await database.db.select({ email: people.email }).from(people).where(inArray(people.id, promoted))).map((p) => p.email);
    const placeMail = await database.db.select({ to: outbox.to }).from(outbox).where(and(inArray(outbox.to, promotedEmails), like(outbox.subject, 'Booking confirmed%')));
    expect(placeMail.map((m) => m.to).sort()).toEqual([...promotedEmails].sort());
  });

  it('never lets two requests from one person both take a place', async () => {
    const { session } = await makeSession(database.db, { capacity: 5 });
    const [person] = await crowd(1);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => bookPlace({ ...instances[i % instances.length], actor: practitioner(person.id) }, { sessionId: session.id, personId: person.id })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => /already have/.test(String(r.reason.message)))).toBe(true);
    expect((await sessionState(session.id)).session.placesTaken).toBe(1);
  });
});
