import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, outbox, people } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { makeSession } from '../support/fixtures';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
});
afterAll(() => database.close());

const signedIn = async (roles: ('coordinator' | 'trainer')[] = []) => {
  const person = await makePerson(database.db, roles);
  return { person, client: await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config) };
};

describe('booking from the session page', () => {
  it('offers sign-in to anonymous visitors and returns them to the session after signing in', async () => {
    const { session } = await makeSession(database.db);
    const anonymous = new TestClient(built.app);
    const page = await (await anonymous.get(`/sessions/${session.id}`)).text();
    expect(page).toContain(`/sign-in?next=${encodeURIComponent(`/sessions/${session.id}`)}`);
    const person = await makePerson(database.db);
    await anonymous.post('/sign-in', { email: person.email, next: `/sessions/${session.id}` });
    const [mail] = await database.db.select().from(outbox).where(eq(outbox.to, person.email));
    const link = mail.text.match(/http:\/\/localhost:8787(\/sign-in\/link\?\S+)/)![1];
    const confirm = await (await anonymous.get(link)).text();
    const token = confirm.match(/name="token" value="([^"]+)"/)![1];
    const next = confirm.match(/name="next" value="([^"]+)"/)![1];
    const res = await anonymous.post('/sign-in/link', { token, next });
    expect(res.headers.get('location')).toBe(`/sessions/${session.id}`);
  });

  // Each would send a browser off this site (or run script) if it were followed after signing in.
  const HOSTILE_NEXT = ['//evil.example/steal', '/\\evil.example/steal', '\\\\evil.example', 'https://evil.example/steal', 'http:evil.example', '/\t/evil.example', 'javascript:alert(1)', 'evil.example/steal'];

  it.each(HOSTILE_NEXT)('sends a person signing in with the return address %j to their account, not there', async (next) => {
    const person = await makePerson(database.db);
    const client = new TestClient(built.app, `192.0.2.${HOSTILE_NEXT.indexOf(next) + 10}`);
    await client.post('/sign-in', { email: person.email, next });
    const [mail] = await database.db.select().from(outbox).where(eq(outbox.to, person.email));
    expect(mail.text).not.toContain('next=');
    const token = mail.text.match(/\/sign-in\/link\?token=([a-z2-7]+)/)![1];
    // The return address put back by hand on the link and on the form it posts.
    const confirm = await (await client.get(`/sign-in/link?token=${token}&next=${encodeURIComponent(next)}`)).text();
    expect(confirm).not.toContain('name="next"');
    const signedIn = await client.post('/sign-in/link', { token, next });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account');
    // Already signed in, the sign-in page sends them on at once: to their account, not there.
    const again = await client.get(`/sign-in?next=${encodeURIComponent(next)}`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/account');
  });

  it('books a place, shows it in your bookings, and cancels it after asking', async () => {
    const { session } = await makeSession(database.db, { capacity: 1 });
    const { person, client } = await signedIn();
    expect(await (await client.get(`/sessions/${session.id}`)).text()).toContain('Book a place');
    const booked = await client.post(`/sessions/${session.id}/book`);
    expect(booked.status).toBe(303);
    expect(booked.headers.get('location')).toBe('/bookings?done=confirmed');
    const list = await (await client.get('/bookings?done=confirmed')).text();
    expect(list).toContain('Your place is booked');
    expect(list).toContain('Booked');
    expect(await (await client.get(`/sessions/${session.id}`)).text()).toContain('You have a place on this session');

    const [booking] = await database.db.select().from(bookings).where(eq(bookings.personId, person.id));
    const confirm = await (await client.get(`/bookings/${booking.id}/cancel`)).text();
    expect(confirm).toContain('Are you sure you want to cancel your place?');
    const cancelled = await client.post(`/bookings/${booking.id}/cancel`);
    expect(cancelled.headers.get('location')).toBe('/bookings?done=cancelled');
    const [after] = await database.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(after.status).toBe('cancelled');
  });

  it('joins the waiting list when full, and explains a second attempt', async () => {
    const { session } = await makeSession(database.db, { capacity: 1 });
    const first = await signedIn();
    await first.client.post(`/sessions/${session.id}/book`);
    const { client } = await signedIn();
    expect(await (await client.get(`/sessions/${session.id}`)).text()).toContain('Join the waiting list');
    expect((await client.post(`/sessions/${session.id}/book`)).headers.get('location')).toBe('/bookings?done=waitlisted');
    expect(await (await client.get('/bookings')).text()).toContain('Waiting list: number 1');
    const again = await client.post(`/sessions/${session.id}/book`);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('You are already on the waiting list for this session');
    // The session page tells each person waiting their own place in the queue.
    const second = await signedIn();
    await second.client.post(`/sessions/${session.id}/book`);
    expect(await (await client.get(`/sessions/${session.id}`)).text()).toContain('You are number 1 on the waiting list.');
    expect(await (await second.client.get(`/sessions/${session.id}`)).text()).toContain('You are number 2 on the waiting list.');
  });

  it('never shows or cancels someone else’s booking', async () => {
    const { session } = await makeSession(database.db);
    const owner = await signedIn();
    await owner.client.post(`/sessions/${session.id}/book`);
    const [booking] = await database.db.select().from(bookings).where(eq(bookings.personId, owner.person.id));
    const { client } = await signedIn();
    expect((await client.get(`/bookings/${booking.id}/cancel`)).status).toBe(404);
    expect((await client.post(`/bookings/${booking.id}/cancel`)).status).toBe(404);
    expect(await (await client.get('/bookings')).text()).not.toContain(booking.id);
    const [after] = await database.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(after.status).toBe('confirmed');
  });

  it('answers unknown and malformed ids with not found, and a closed session with a reason', async () => {
    const { client } = await signedIn();
    expect((await client.post('/sessions/not-a-session/book')).status).toBe(404);
    expect((await client.post('/sessions/00000000-0000-4000-8000-000000000000/book')).status).toBe(404);
    expect((await client.get('/bookings/nope/cancel')).status).toBe(404);
    const closed = (await makeSession(database.db, { bookingClosesAt: '2026-11-22T17:00:00Z' })).session;
    const res = await client.post(`/sessions/${closed.id}/book`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Booking for this session has closed');
  });
});

describe('a line manager’s approval page', () => {
  it('needs no account, asks for a decision, confirms the place and cannot be used twice', async () => {
    const { session } = await makeSession(database.db, { requiresManagerApproval: true });
    const { person, client } = await signedIn();
    await database.db.update(people).set({ lineManagerEmail: `boss.${person.email}` }).where(eq(people.id, person.id));
    expect((await client.post(`/sessions/${session.id}/book`)).headers.get('location')).toBe('/bookings?done=pending%20approval');
    const [mail] = await database.db.select().from(outbox).where(eq(outbox.to, `boss.${person.email}`));
    const path = mail.text.match(/http:\/\/localhost:8787(\/approvals\/[a-z2-7]{32})/)![1];

    const manager = new TestClient(built.app);
    const page = await (await manager.get(path)).text();
    expect(page).toContain('Approve a place on a course');
    const missing = await manager.post(path, {});
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Select yes to approve or no to decline');
    const done = await manager.post(path, { decision: 'approved' });
    expect(await done.text()).toContain('Place approved');
    const [booking] = await database.db.select().from(bookings).where(eq(bookings.personId, person.id));
    expect(booking.status).toBe('confirmed');
    expect(await (await manager.get(path)).text()).toContain('You approved this request');
    expect((await manager.get('/approvals/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
  });
});

describe('a newcomer who registers on the way to booking', () => {
  it('is brought back to the session after following the emailed link', async () => {
    const { session } = await makeSession(database.db);
    const visitor = new TestClient(built.app);
    const next = `/sessions/${session.id}`;
    const signInPage = await (await visitor.get(`/sign-in?next=${encodeURIComponent(next)}`)).text();
    expect(signInPage).toContain(`/register?next=${encodeURIComponent(next)}`);
    const form = await (await visitor.get(`/register?next=${encodeURIComponent(next)}`)).text();
    const organisationId = form.match(/<select[^>]*name="organisationId"[\s\S]*?<option value="([0-9a-f-]{36})"/)![1];
    const workforceGroupId = form.match(/<select[^>]*name="workforceGroupId"[\s\S]*?<option value="([0-9a-f-]{36})"/)![1];
    expect(form).toContain(`name="next" value="${next}"`);
    await visitor.post('/register', { name: 'Nina New', email: 'nina.new@partner.example', organisationId, jobTitle: 'Youth worker', workforceGroupId, next });
    const [mail] = await database.db.select().from(outbox).where(eq(outbox.to, 'nina.new@partner.example'));
    expect(mail.text).toContain(`&next=${encodeURIComponent(next)}`);
  });
});
