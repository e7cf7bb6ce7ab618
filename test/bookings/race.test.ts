import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, outbox, people, sessions, type BookingStatus } from '../../db/schema';
import { bookPlace, cancelBooking, cancelSession, changeCapacity, decideApproval, lapseApprovals, moveBooking } from '../../server/bookings/service';
import { isDomainError } from '../../server/shared/errors';
import { fixedClock } from '../../server/shared/clock';
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
const coordinator = (id: string) => ({ id, roles: ['coordinator' as const, 'practitioner' as const] });
/** Instance i of the two, alternating, acting as `actor`. */
const on = (i: number, actor: ServiceContext['actor']): ServiceContext => ({ ...instances[i % instances.length], actor });

/** Settles calls run at once; every refusal must be one of ours (a domain error), never a crash or a deadlock. */
async function settled<T>(calls: Promise<T>[]) {
  const results = await Promise.allSettled(calls);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  expect(refused.filter((e) => !isDomainError(e)).map(String)).toEqual([]);
  return { results, done: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])), refused: refused.map((e) => String(e.message)) };
}

/** The bookings that hold a place. */
const HOLDS_PLACE: BookingStatus[] = ['confirmed', 'pending approval'];

/** What must hold of a session whatever ran at once: the counter is the places held, within capacity, and nobody waits while a place is free. */
async function expectConsistent(sessionId: string) {
  const state = await sessionState(sessionId);
  const held = state.rows.filter((r) => HOLDS_PLACE.includes(r.status));
  expect(state.session.placesTaken).toBe(held.length);
  expect(held.length).toBeLessThanOrEqual(state.session.capacity);
  if (state.session.status === 'scheduled' && state.waiting.length) expect(held.length).toBe(state.session.capacity);
  return { ...state, held };
}

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
    // A refused request's email and audit entry went to the database with its booking, and went
    // back with it: one of each, for the one booking made.
    const [made] = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(await database.db.select({ to: outbox.to }).from(outbox).where(eq(outbox.to, person.email))).toEqual([{ to: person.email }]);
    expect(await database.db.select({ subjectId: auditLog.subjectId }).from(auditLog).where(and(eq(auditLog.action, 'booking.created'), sql`${auditLog.detail}->>'personId' = ${person.id}`))).toEqual([{ subjectId: made.id }]);
  });
});

describe.skipIf(!racesRun)('a coordinator’s changes racing bookings (races need separate connections: PostgreSQL only)', () => {
  it('keeps places within the capacity while it is lowered and raised as 30 people book', async () => {
    const { session } = await makeSession(database.db, { capacity: 10 });
    const admin = await makePerson(database.db, ['coordinator']);
    const requesters = await crowd(30);
    const { done, refused } = await settled<unknown>([
      ...requesters.map((p, i) => bookPlace(on(i, practitioner(p.id)), { sessionId: session.id, personId: p.id })),
      changeCapacity(on(0, coordinator(admin.id)), session.id, 4),
      changeCapacity(on(1, coordinator(admin.id)), session.id, 15),
      changeCapacity(on(0, coordinator(admin.id)), session.id, 12),
    ]);
    // A lowering that came after more than 4 had places is refused in words; no booking is refused.
    expect(refused.every((m) => m === 'Capacity is too low')).toBe(true);
    expect(done.length).toBe(33 - refused.length);
    const after = await expectConsistent(session.id);
    expect(after.rows).toHaveLength(30);
    expect([4, 10, 12, 15]).toContain(after.session.capacity);
    expect(after.held).toHaveLength(after.session.capacity);
  });

  it('gives the last place of a session to exactly one of a booking and a booking moved there', async () => {
    // Twelve pairs of sessions at once, so both orders happen.
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const { sessions: [from, to] } = await makeSession(database.db, { capacity: 1, extraSessions: 1 });
        const [mover, waiting, booker] = await crowd(3);
        const admin = await makePerson(database.db, ['coordinator']);
        const held = await bookPlace(on(0, practitioner(mover.id)), { sessionId: from.id, personId: mover.id });
        await bookPlace(on(0, practitioner(waiting.id)), { sessionId: from.id, personId: waiting.id });
        const [move, book] = await Promise.allSettled([moveBooking(on(i, coordinator(admin.id)), held.id, to.id), bookPlace(on(i + 1, practitioner(booker.id)), { sessionId: to.id, personId: booker.id })]);
        expect(book.status).toBe('fulfilled');
        const booked = book.status === 'fulfilled' ? book.value : undefined;
        const [fromState, toState] = [await expectConsistent(from.id), await expectConsistent(to.id)];
        if (move.status === 'fulfilled') {
          // The move came first: the booker waits, and the mover's old place went to the person waiting.
          expect(booked!.status).toBe('waitlisted');
          expect(toState.held.map((r) => r.personId)).toEqual([mover.id]);
          expect(fromState.held.map((r) => r.personId)).toEqual([waiting.id]);
          return;
        }
        // The booking came first: the move is refused as full, and nothing of it happened.
        expect(isDomainError(move.reason, 'invalid') && move.reason.message).toBe('That session is full');
        expect(booked!.status).toBe('confirmed');
        expect(toState.held.map((r) => r.personId)).toEqual([booker.id]);
        expect(fromState.held.map((r) => r.personId)).toEqual([mover.id]);
      }),
    );
  });

  it('moves two bookings past each other between two full sessions without a deadlock', async () => {
    const { sessions: [a, b] } = await makeSession(database.db, { capacity: 2, extraSessions: 1 });
    const [p, q, r, t] = await crowd(4);
    const admin = await makePerson(database.db, ['coordinator']);
    const inA = await bookPlace(on(0, practitioner(p.id)), { sessionId: a.id, personId: p.id });
    await bookPlace(on(0, practitioner(q.id)), { sessionId: a.id, personId: q.id });
    const inB = await bookPlace(on(0, practitioner(r.id)), { sessionId: b.id, personId: r.id });
    await bookPlace(on(0, practitioner(t.id)), { sessionId: b.id, personId: t.id });
    await changeCapacity(on(0, coordinator(admin.id)), a.id, 3);
    await changeCapacity(on(0, coordinator(admin.id)), b.id, 3);
    const { done } = await settled([moveBooking(on(0, coordinator(admin.id)), inA.id, b.id), moveBooking(on(1, coordinator(admin.id)), inB.id, a.id)]);
    expect(done).toHaveLength(2);
    expect((await expectConsistent(a.id)).held.map((x) => x.personId).sort()).toEqual([q.id, r.id].sort());
    expect((await expectConsistent(b.id)).held.map((x) => x.personId).sort()).toEqual([p.id, t.id].sort());
  });

  it('ends every booking made before a session is cancelled, and refuses every one after, with nobody left booked', async () => {
    const { session } = await makeSession(database.db, { capacity: 5 });
    const admin = await makePerson(database.db, ['coordinator']);
    const requesters = await crowd(20);
    const bookingsAt = requesters.map((p, i) => bookPlace(on(i, practitioner(p.id)), { sessionId: session.id, personId: p.id }));
    const cancelling = cancelSession(on(1, coordinator(admin.id)), session.id, 'Venue flooded');
    const { refused } = await settled<unknown>([...bookingsAt, cancelling]);
    expect(refused.every((m) => m === 'This session has been cancelled')).toBe(true);
    const ended = (await cancelling).bookingsEnded;
    expect(ended).toBe(20 - refused.length);
    const after = await sessionState(session.id);
    expect(after.session).toMatchObject({ status: 'cancelled', placesTaken: 0 });
    expect(after.rows).toHaveLength(ended);
    expect(after.rows.every((r) => r.status === 'cancelled')).toBe(true);
    // Everyone who got a booking in before is told the session is off, once.
    const booked = await database.db.select({ email: people.email }).from(people).where(inArray(people.id, after.rows.map((r) => r.personId)));
    const told = await database.db.select({ to: outbox.to }).from(outbox).where(and(inArray(outbox.to, booked.map((b) => b.email).concat('none@x')), like(outbox.subject, 'Session cancelled%')));
    expect(told.map((m) => m.to).sort()).toEqual(booked.map((b) => b.email).sort());
  });
});

describe.skipIf(!racesRun)('a manager approving as the hold lapses (races need separate connections: PostgreSQL only)', () => {
  it('either confirms the place or lapses it, never both, and tells the person one thing', async () => {
    // Every pair is set up before any races: the lapse job releases every hold due at its moment,
    // so a pair still being set up could see its next person take the freed place with a hold
    // that the same moment also ends.
    const pairs = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const { session } = await makeSession(database.db, { capacity: 1, requiresManagerApproval: true });
        const [person, next] = await crowd(2);
        const manager = `manager.of.${person.email}`;
        await database.db.update(people).set({ lineManagerEmail: manager }).where(eq(people.id, person.id));
        const pending = await bookPlace(on(0, practitioner(person.id)), { sessionId: session.id, personId: person.id });
        await bookPlace(on(0, practitioner(next.id)), { sessionId: session.id, personId: next.id });
        const [mail] = await database.db.select().from(outbox).where(eq(outbox.to, manager));
        const token = mail.text.match(/\/approvals\/([a-z2-7]{32})/)![1];
        const [row] = await database.db.select().from(bookings).where(eq(bookings.id, pending.id));
        return { session, person, next, pending, token, expiry: row.approvalExpiresAt!.getTime() };
      }),
    );
    await Promise.all(
      pairs.map(async ({ session, person, next, pending, token, expiry }, i) => {
        // The manager's click a millisecond before the hold ends; the lapse job at the moment it ends.
        const [approve, lapse] = await Promise.allSettled([
          decideApproval({ ...instances[i % 2], clock: fixedClock(new Date(expiry - 1).toISOString()) }, token, 'approved'),
          lapseApprovals({ ...instances[(i + 1) % 2], clock: fixedClock(new Date(expiry).toISOString()) }),
        ]);
        expect(lapse.status).toBe('fulfilled');
        const [after] = await database.db.select().from(bookings).where(eq(bookings.id, pending.id));
        const state = await expectConsistent(session.id);
        const subjects = (await database.db.select({ subject: outbox.subject }).from(outbox).where(eq(outbox.to, person.email))).map((m) => m.subject);
        if (approve.status === 'fulfilled') {
          expect(after.status).toBe('confirmed');
          expect(state.held.map((r) => r.personId)).toEqual([person.id]);
          expect(subjects.filter((x) => x.startsWith('Place released'))).toEqual([]);
          expect(subjects.filter((x) => x.startsWith('Booking confirmed'))).toHaveLength(1);
          return;
        }
        expect(isDomainError(approve.reason, 'conflict') && approve.reason.message).toBe('This request has already been decided or has expired');
        expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'lapsed' });
        expect(state.held.map((r) => r.personId)).toEqual([next.id]);
        expect(subjects.filter((x) => x.startsWith('Place released'))).toHaveLength(1);
        expect(subjects.filter((x) => x.startsWith('Booking confirmed'))).toEqual([]);
      }),
    );
  });
});
