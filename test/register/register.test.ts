// The coordinator's register of a session, and the booking actions on it.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, courses, outbox, people } from '../../db/schema';
import { cancelBooking } from '../../server/bookings/service';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { bookingScope, makeSession } from '../support/fixtures';
import { banner, bookingRow, errorMessages, expectWellFormedPage, registerPath, selfBooked, sessionRow, snapshot } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: TestClient;
let coordinatorId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  const person = await makePerson(database.db, ['coordinator'], { name: 'Cara Coordinator' });
  coordinatorId = person.id;
  coordinator = await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
});
afterAll(() => database.close());

/** Follows a redirect and returns the page's HTML. */
async function follow(res: Response) {
  expect(res.status, await res.clone().text()).toBe(303);
  const html = await (await coordinator.get(res.headers.get('location')!)).text();
  expectWellFormedPage(html, res.headers.get('location')!);
  return html;
}

const page = async (path: string) => {
  const res = await coordinator.get(path);
  expect(res.status, path).toBe(200);
  const html = await res.text();
  expectWellFormedPage(html, path);
  return html;
};

/** The rows of the table under a register section's heading. */
function section(html: string, title: string) {
  const start = html.indexOf(`<h2 class="govuk-heading-m">${title} (`);
  expect(start, title).toBeGreaterThan(-1);
  const rest = html.slice(start);
  const end = rest.indexOf('<h2', 4);
  const body = end === -1 ? rest : rest.slice(0, end);
  return {
    count: Number(body.match(/\((\d+)\)/)![1]),
    rows: [...body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].slice(1).map((r) => [...r[1].matchAll(/<td class="govuk-table__cell">([\s\S]*?)<\/td>/g)].map((c) => c[1])),
  };
}

describe('the register page', () => {
  it('shows places, then who is booked, waiting for approval, waiting and cancelled', async () => {
    const { course, session } = await makeSession(database.db, { capacity: 3 });
    const early = await selfBooked(database.db, session.id, { name: 'Eve Early' });
    // The course asks for approval while Pat books (a coordinator may change that at any time).
    await database.db.update(courses).set({ requiresManagerApproval: true }).where(eq(courses.id, course.id));
    const pending = await selfBooked(database.db, session.id, { name: 'Pat Pending', lineManagerEmail: 'manager@partner.example' });
    await database.db.update(courses).set({ requiresManagerApproval: false }).where(eq(courses.id, course.id));
    const behalf = await makePerson(database.db, [], { name: 'Bea Behalf' });
    await coordinator.post(`${registerPath(session.id)}/book`, { personId: behalf.id });
    const first = await selfBooked(database.db, session.id, { name: 'Wyn Waiting' });
    const second = await selfBooked(database.db, session.id, { name: 'Will Waiting' });
    expect([first.booking.position, second.booking.position]).toEqual([1, 2]);
    // Eve cancels: her place goes to Wyn, first on the waiting list.
    await cancelBooking({ ...await bookingScope(database.db), actor: { id: early.person.id, roles: ['practitioner'] } }, early.booking.id);

    const html = await page(registerPath(session.id));
    expect(html).toContain('<h1 class="govuk-heading-l">Register</h1>');
    expect(html).toContain(course.title);
    expect(html).toContain('3 of 3 taken, 0 left');

    const booked = section(html, 'Places booked');
    expect(booked.count).toBe(2);
    expect(booked.rows.map((r) => [r[0], r[2], r[5]])).toEqual([
      ['Bea Behalf', 'Social worker', 'Yes, by Cara Coordinator'],
      ['Wyn Waiting', 'Social worker', 'No'],
    ]);
    expect(booked.rows[0][3]).toBe(behalf.email);
    expect(booked.rows[0][4]).toBe('23 Nov 2026, 10am');

    const approval = section(html, 'Waiting for a line manager’s approval');
    expect(approval.rows.map((r) => r[0])).toEqual(['Pat Pending']);
    expect(approval.rows[0][5]).toBe('30 Nov 2026, 10am');
    expect(approval.rows[0][6]).toBe('Their line manager');
    expect(approval.rows[0][7]).toContain('>Approve or decline<');
    expect(pending.booking.status).toBe('pending approval');

    const waiting = section(html, 'Waiting list');
    expect(waiting.rows.map((r) => [r[0], r[1]])).toEqual([['1', 'Will Waiting']]);

    const cancelled = section(html, 'Cancelled');
    expect(cancelled.rows.map((r) => [r[0], r[5], r[6]])).toEqual([['Eve Early', 'Cancelled', 'No']]);

    // Links: the CSV, the session's own "Cancel this date", and each booking's actions.
    expect(html).toContain(`href="${registerPath(session.id)}.csv"`);
    expect(html).toContain(`href="/manage/sessions/${session.id}/cancel"`);
    expect(html).toContain(`href="/manage/courses/${course.id}"`);
    expect(booked.rows[0][6]).toContain(`/bookings/`);
    expect(booked.rows[0][6]).toContain('>Move<');
    expect(waiting.rows[0][6]).toContain('>Remove<');
  });

  it('is linked from the course’s Manage page next to each date, cancelled ones too', async () => {
    const { course, sessions } = await makeSession(database.db, { extraSessions: 1 });
    await coordinator.post(`/manage/sessions/${sessions[1].id}/cancel`, { reason: 'Trainer unwell' });
    const html = await page(`/manage/courses/${course.id}`);
    for (const s of sessions) expect(html).toContain(`href="${registerPath(s.id)}"`);
  });

  it('offers no booking actions once the session is cancelled, and says why on the chooser', async () => {
    const { session } = await makeSession(database.db);
    await selfBooked(database.db, session.id, { name: 'Cal Cancelled' });
    await coordinator.post(`/manage/sessions/${session.id}/cancel`, { reason: 'Venue closed' });
    const html = await page(registerPath(session.id));
    expect(html).not.toContain('name="capacity"');
    expect(html).not.toContain('Find a person');
    expect(html).not.toContain(`/manage/sessions/${session.id}/cancel"`);
    expect(section(html, 'Cancelled').rows.map((r) => r[0])).toEqual(['Cal Cancelled']);
    expect(await page(`${registerPath(session.id)}/book?q=cal`)).toContain('no more places can be booked');
  });
});

describe('booking someone on their behalf', () => {
  it('finds the person by name or email and books them a place, telling them by email', async () => {
    const { session } = await makeSession(database.db, { capacity: 5 });
    const person = await makePerson(database.db, [], { name: 'Nadia Normal' });
    const byName = await page(`${registerPath(session.id)}/book?q=nadia+normal`);
    expect(byName).toContain('1 person matching ‘nadia normal’');
    expect(byName).toContain(`name="personId" value="${person.id}"`);
    expect(await page(`${registerPath(session.id)}/book?q=${encodeURIComponent(person.email)}`)).toContain('Nadia Normal');

    const html = await follow(await coordinator.post(`${registerPath(session.id)}/book`, { personId: person.id, q: 'nadia' }));
    expect(banner(html)).toBe('Nadia Normal has a place on this session. We have emailed them the details.');
    const [booking] = await database.db.select().from(bookings).where(eq(bookings.personId, person.id));
    expect(booking).toMatchObject({ status: 'confirmed', bookedBy: coordinatorId });
    expect((await database.db.select().from(outbox).where(eq(outbox.to, person.email))).length).toBe(1);
    // Now booked: the chooser shows their booking instead of a button, and a second booking is refused.
    const again = await page(`${registerPath(session.id)}/book?q=nadia+normal`);
    expect(again).not.toContain(`value="${person.id}"`);
    expect(again).toContain('Booked');
    const twice = await coordinator.post(`${registerPath(session.id)}/book`, { personId: person.id, q: 'nadia' });
    expect(twice.status).toBe(422);
    expect(errorMessages(await twice.text())).toEqual(['They already have a place on this session']);
  });

  it('puts them on the waiting list when the session is full, and says their position', async () => {
    const { session } = await makeSession(database.db, { capacity: 1 });
    await selfBooked(database.db, session.id);
    await selfBooked(database.db, session.id);
    const person = await makePerson(database.db, [], { name: 'Fay Full' });
    expect(await page(`${registerPath(session.id)}/book`)).toContain('The session is full');
    const html = await follow(await coordinator.post(`${registerPath(session.id)}/book`, { personId: person.id }));
    expect(banner(html)).toBe('The session is full, so Fay Full is number 2 on the waiting list. We have emailed them.');
    expect(section(html, 'Waiting list').rows.map((r) => [r[0], r[1]])).toEqual([
      ['1', expect.any(String)],
      ['2', 'Fay Full'],
    ]);
  });

  it('confirms the place on a course that needs approval, even after booking has closed', async () => {
    const { session } = await makeSession(database.db, { requiresManagerApproval: true, bookingClosesAt: '2026-11-20T17:00:00Z' });
    const person = await makePerson(database.db, [], { name: 'Ada Approval' });
    await expect(selfBooked(database.db, session.id)).rejects.toThrow('Booking for this session has closed');
    const { db } = database;
    await db.update(people).set({ lineManagerEmail: 'boss@partner.example' }).where(eq(people.id, person.id));
    const html = await follow(await coordinator.post(`${registerPath(session.id)}/book`, { personId: person.id }));
    expect(banner(html)).toBe('Ada Approval has a place on this session. We have emailed them the details.');
    const [booking] = await db.select().from(bookings).where(eq(bookings.personId, person.id));
    expect(booking.status).toBe('confirmed');
    expect(await db.select().from(outbox).where(eq(outbox.to, 'boss@partner.example'))).toEqual([]);
  });
});

describe('changing the number of places', () => {
  it('raises it, gives the new places to the waiting list and says how many', async () => {
    const { session } = await makeSession(database.db, { capacity: 1 });
    await selfBooked(database.db, session.id);
    const waiting = [await selfBooked(database.db, session.id), await selfBooked(database.db, session.id), await selfBooked(database.db, session.id)];
    const res = await coordinator.post(`${registerPath(session.id)}/capacity`, { capacity: '3' });
    expect(res.headers.get('location')).toBe(`${registerPath(session.id)}?done=capacity&promoted=2`);
    const html = await follow(res);
    expect(banner(html)).toBe('The session now has 3 places. 2 people from the waiting list were given a place and emailed.');
    expect(await sessionRow(database.db, session.id)).toMatchObject({ capacity: 3, placesTaken: 3 });
    expect(await Promise.all(waiting.map(async (w) => (await bookingRow(database.db, w.booking.id)).status))).toEqual(['confirmed', 'confirmed', 'waitlisted']);
    // A count typed into the address is only ever a number.
    expect(banner(await page(`${registerPath(session.id)}?done=capacity&promoted=<b>x</b>`))).toBe('The session now has 3 places.');
  });

  it('refuses fewer places than are taken, with the field’s message, changing nothing', async () => {
    const { session } = await makeSession(database.db, { capacity: 4 });
    await selfBooked(database.db, session.id);
    await selfBooked(database.db, session.id);
    const before = await snapshot(database.db);
    const cases: [string, string][] = [
      ['1', 'The number of places must be at least 2, the places already taken'],
      ['ten', 'Enter the number of places as a whole number, like 20'],
      ['2.5', 'Enter the number of places as a whole number, like 20'],
      ['0', 'The number of places must be between 1 and 1,000'],
      ['1001', 'The number of places must be between 1 and 1,000'],
      ['', 'Enter the number of places'],
    ];
    for (const [capacity, message] of cases) {
      const res = await coordinator.post(`${registerPath(session.id)}/capacity`, { capacity });
      expect(res.status, capacity).toBe(422);
      const html = await res.text();
      expectWellFormedPage(html, `capacity ${capacity}`);
      expect(errorMessages(html), capacity).toEqual([message]);
      expect(html).toContain(`id="capacity" name="capacity" type="text" value="${capacity}"`);
    }
    expect(await snapshot(database.db)).toEqual(before);
  });
});

describe('moving a booking', () => {
  it('moves a confirmed booking to another date of the course, with its places shown', async () => {
    const { session, sessions } = await makeSession(database.db, { extraSessions: 2, capacity: 2 });
    const { person, booking } = await selfBooked(database.db, session.id, { name: 'Mo Mover' });
    const waiting = await selfBooked(database.db, session.id);
    await selfBooked(database.db, session.id);
    const form = await page(`${registerPath(session.id)}/bookings/${booking.id}/move`);
    expect(form).toContain('Move Mo Mover to another date');
    expect(form).toContain('Riverside House: 2 places left');
    expect(form).toContain(`value="${sessions[2].id}"`);
    expect(form).not.toContain(`<option value="${session.id}"`);

    const res = await coordinator.post(`${registerPath(session.id)}/bookings/${booking.id}/move`, { toSessionId: sessions[1].id });
    expect(res.headers.get('location')).toBe(`${registerPath(session.id)}?done=moved&booking=${booking.id}&promoted=1`);
    expect(banner(await follow(res))).toBe('Mo Mover has been moved to the other date, and we have emailed them. 1 person from the waiting list was given a place and emailed.');
    expect(await bookingRow(database.db, booking.id)).toMatchObject({ status: 'cancelled', cancelReason: 'moved', cancelledBy: coordinatorId });
    const [moved] = await database.db.select().from(bookings).where(eq(bookings.sessionId, sessions[1].id));
    expect(moved).toMatchObject({ personId: person.id, status: 'confirmed' });
    expect((await bookingRow(database.db, waiting.booking.id)).status).toBe('confirmed');
    expect(section(await page(registerPath(session.id)), 'Cancelled').rows.map((r) => [r[0], r[5]])).toEqual([['Mo Mover', 'Moved to another date']]);
  });

  it('refuses another course’s session, a full one and a malformed choice, changing nothing', async () => {
    const { session, sessions } = await makeSession(database.db, { extraSessions: 1, capacity: 1 });
    const { booking } = await selfBooked(database.db, session.id);
    await selfBooked(database.db, sessions[1].id);
    const other = (await makeSession(database.db)).session;
    const before = await snapshot(database.db);
    const path = `${registerPath(session.id)}/bookings/${booking.id}/move`;
    for (const [toSessionId, message] of [
      [other.id, 'Choose another session of the same course'],
      [sessions[1].id, 'That session is full: raise its capacity first'],
      ['not-an-id', 'Choose the date to move them to'],
      ['', 'Choose the date to move them to'],
    ]) {
      const res = await coordinator.post(path, { toSessionId });
      expect(res.status, toSessionId).toBe(422);
      const html = await res.text();
      expectWellFormedPage(html, `move to ${toSessionId}`);
      expect(errorMessages(html)).toEqual([message]);
    }
    expect(await snapshot(database.db)).toEqual(before);
  });

  it('offers moving only for a confirmed place, and sends other requests back to the register', async () => {
    const { session } = await makeSession(database.db, { capacity: 1, extraSessions: 1 });
    await selfBooked(database.db, session.id);
    const { booking } = await selfBooked(database.db, session.id);
    const path = `${registerPath(session.id)}/bookings/${booking.id}/move`;
    expect((await coordinator.get(path)).headers.get('location')).toBe(registerPath(session.id));
    const before = await snapshot(database.db);
    expect((await coordinator.post(path, { toSessionId: session.id })).headers.get('location')).toBe(registerPath(session.id));
    expect(await snapshot(database.db)).toEqual(before);
  });
});

describe('cancelling a booking on someone’s behalf', () => {
  it('asks first, then frees the place and gives it to the waiting list', async () => {
    const { session } = await makeSession(database.db, { capacity: 1 });
    const { booking } = await selfBooked(database.db, session.id, { name: 'Cy Cancelled' });
    const waiting = await selfBooked(database.db, session.id, { name: 'Pip Promoted' });
    const confirm = await page(`${registerPath(session.id)}/bookings/${booking.id}/cancel`);
    expect(confirm).toContain('Cancel Cy Cancelled’s place');
    expect(confirm).toContain('Their place goes to the first person on the waiting list');

    const html = await follow(await coordinator.post(`${registerPath(session.id)}/bookings/${booking.id}/cancel`));
    expect(banner(html)).toBe('Cy Cancelled’s booking has been cancelled. We have emailed them. 1 person from the waiting list was given a place and emailed.');
    expect(await bookingRow(database.db, booking.id)).toMatchObject({ status: 'cancelled', cancelledBy: coordinatorId, lateCancellation: false });
    expect((await bookingRow(database.db, waiting.booking.id)).status).toBe('confirmed');
    expect(section(html, 'Places booked').rows.map((r) => r[0])).toEqual(['Pip Promoted']);
    // Already cancelled: the confirm page and a second post go back to the register.
    expect((await coordinator.get(`${registerPath(session.id)}/bookings/${booking.id}/cancel`)).headers.get('location')).toBe(registerPath(session.id));
    expect((await coordinator.post(`${registerPath(session.id)}/bookings/${booking.id}/cancel`)).headers.get('location')).toBe(registerPath(session.id));
  });

  it('records a late cancellation close to the session, and removes someone from the waiting list', async () => {
    const { session } = await makeSession(database.db, { capacity: 1, startsAt: '2026-11-25T10:00:00Z', bookingClosesAt: '2026-11-24T17:00:00Z' });
    const { booking } = await selfBooked(database.db, session.id, { name: 'Lou Late' });
    const waiting = await selfBooked(database.db, session.id, { name: 'Wes Waiting' });
    expect(await page(`${registerPath(session.id)}/bookings/${waiting.booking.id}/cancel`)).toContain('Remove Wes Waiting from the waiting list');
    expect(banner(await follow(await coordinator.post(`${registerPath(session.id)}/bookings/${waiting.booking.id}/cancel`)))).toBe('Wes Waiting’s booking has been cancelled. We have emailed them.');
    const html = await follow(await coordinator.post(`${registerPath(session.id)}/bookings/${booking.id}/cancel`));
    expect(banner(html)).toBe('Lou Late’s booking has been cancelled, as a late cancellation. We have emailed them.');
    expect(section(html, 'Cancelled').rows.map((r) => [r[0], r[6]])).toEqual([
      ['Lou Late', 'Yes'],
      ['Wes Waiting', 'No'],
    ]);
  });

  it('does not reach a booking through another session’s register', async () => {
    const a = (await makeSession(database.db)).session;
    const b = (await makeSession(database.db)).session;
    const { booking } = await selfBooked(database.db, b.id);
    const before = await snapshot(database.db);
    expect((await coordinator.get(`${registerPath(a.id)}/bookings/${booking.id}/cancel`)).status).toBe(404);
    expect((await coordinator.post(`${registerPath(a.id)}/bookings/${booking.id}/cancel`)).status).toBe(404);
    expect((await coordinator.post(`${registerPath(a.id)}/bookings/${booking.id}/move`, { toSessionId: b.id })).status).toBe(404);
    expect(await snapshot(database.db)).toEqual(before);
  });
});
