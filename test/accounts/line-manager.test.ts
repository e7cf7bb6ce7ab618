// A line manager's approval cannot be bypassed: a place on a course that needs approval, for
// someone with no confirmed manager, waits for a coordinator; a person's own address is refused;
// an address the person gives is used only once the manager confirms it from the emailed link
// (not from the person's own signed-in browser); and one address gets only so many requests a day.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, courses, followUpSurveys, outbox, people } from '../../db/schema';
import { changeMyLineManager, MANAGER_MAILS_PER_DAY } from '../../server/accounts/line-manager';
import { recordAttendance } from '../../server/attendance/service';
import { bookPlace, decideApprovalAsCoordinator } from '../../server/bookings/service';
import { trainedSession, TIMES } from '../attendance/helpers';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { actingAs, bookingScope, makeSession } from '../support/fixtures';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
});
afterAll(() => database.close());

const mailTo = (email: string) => database.db.select().from(outbox).where(eq(outbox.to, email)).orderBy(asc(outbox.createdAt));
const personRow = async (id: string) => (await database.db.select().from(people).where(eq(people.id, id)))[0];
const signedIn = async (personId: string) => new TestClient(built.app).signInAs(database.db, personId, built.clock.now(), built.config);

async function registrationForm(client: TestClient, email: string, lineManagerEmail: string) {
  const html = await (await client.get('/register')).text();
  const organisationId = html.match(/<select[^>]*name="organisationId"[\s\S]*?<option value="([0-9a-f-]{36})"/)![1];
  const workforceGroupId = html.match(/<select[^>]*name="workforceGroupId"[\s\S]*?<option value="([0-9a-f-]{36})"/)![1];
  return { name: 'Sam Selfapprover', email, organisationId, jobTitle: 'Youth worker', workforceGroupId, lineManagerEmail };
}

describe('a place on a course that needs approval', () => {
  it('waits for a coordinator when the person has no manager’s address, who approves it on the register', async () => {
    const { session } = await makeSession(database.db, { requiresManagerApproval: true });
    const person = await makePerson(database.db);
    const coordinator = await makePerson(database.db, ['coordinator']);
    const booked = await (await signedIn(person.id)).post(`/sessions/${session.id}/book`);
    expect(booked.headers.get('location')).toBe('/bookings?done=pending%20approval');
    const [booking] = await database.db.select().from(bookings).where(eq(bookings.personId, person.id));
    expect(booking.status).toBe('pending approval');
    expect(booking.approvalExpiresAt).not.toBeNull(); // the same hold as a manager's, and the same lapse
    expect((await mailTo(person.email)).map((m) => m.text).join()).toContain('the partnership’s training coordinator will decide');
    expect((await mailTo(coordinator.email)).map((m) => m.subject)).toEqual([expect.stringMatching(/^Place to approve: Test Person \d+ on Test course/)]);

    const client = await signedIn(coordinator.id);
    const register = await (await client.get(`/manage/sessions/${session.id}/register`)).text();
    expect(register).toContain('A coordinator');
    const approvePath = `/manage/sessions/${session.id}/register/bookings/${booking.id}/approve`;
    expect(register).toContain(approvePath);
    expect((await client.post(approvePath, {})).status).toBe(422);
    const done = await client.post(approvePath, { decision: 'approved' });
    expect(done.headers.get('location')).toContain('done=approved');
    const [after] = await database.db.select().from(bookings).where(eq(bookings.id, booking.id));
    expect(after.status).toBe('confirmed');
    expect((await mailTo(person.email)).some((m) => m.subject.startsWith('Booking confirmed') && m.text.includes('training coordinator approved'))).toBe(true);
  });

  it('declined by a coordinator goes to the first person waiting, ends the manager’s link and is audited', async () => {
    const { session } = await makeSession(database.db, { capacity: 1, requiresManagerApproval: true });
    const scope = await bookingScope(database.db);
    const first = await makePerson(database.db);
    const manager = `manager.of.${first.id}@partner.example`;
    await database.db.update(people).set({ lineManagerEmail: manager }).where(eq(people.id, first.id));
    const held = await bookPlace(actingAs(scope, first.id), { sessionId: session.id, personId: first.id });
    expect(held.status).toBe('pending approval');
    const link = (await mailTo(manager))[0].text.match(/\/approvals\/[a-z0-9]+/)![0];
    const waiting = await makePerson(database.db);
    expect((await bookPlace(actingAs(scope, waiting.id), { sessionId: session.id, personId: waiting.id })).status).toBe('waitlisted');
    const coordinator = await makePerson(database.db, ['coordinator']);
    const mailBefore = (await mailTo(waiting.email)).length;

    expect(await decideApprovalAsCoordinator(actingAs(scope, { id: coordinator.id, roles: ['coordinator'] }), held.id, 'declined')).toBe('declined');

    // Promise 1: the freed place goes to the first person waiting, in the same transaction, and they are told.
    const [promoted] = await database.db.select().from(bookings).where(eq(bookings.personId, waiting.id));
    expect(promoted.status).toBe('pending approval');
    expect((await mailTo(waiting.email)).length).toBeGreaterThan(mailBefore);
    // Promise 9: the manager's link, still open before, now decides nothing.
    const client = new TestClient(built.app);
    expect(await (await client.get(link)).text()).toContain('This request has been dealt with');
    await client.post(link, { decision: 'approved' });
    expect((await database.db.select().from(bookings).where(eq(bookings.id, held.id)))[0].status).not.toBe('confirmed');
    // Promise 5: the decision is in the audit log, as the coordinator's.
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, held.id));
    expect(audits.filter((a) => a.action === 'booking.declined').map((a) => [a.actorId, a.detail])).toEqual([[coordinator.id, { by: 'coordinator' }]]);
  });

  it('is not the coordinator’s own to decide', async () => {
    const { session } = await makeSession(database.db, { requiresManagerApproval: true });
    const coordinator = await makePerson(database.db, ['coordinator']);
    const booking = await bookPlace(actingAs(await bookingScope(database.db), coordinator.id), { sessionId: session.id, personId: coordinator.id });
    expect(booking.status).toBe('pending approval');
    const res = await (await signedIn(coordinator.id)).post(`/manage/sessions/${session.id}/register/bookings/${booking.id}/approve`, { decision: 'approved' });
    expect(res.status).toBe(303);
    expect((await database.db.select().from(bookings).where(eq(bookings.id, booking.id)))[0].status).toBe('pending approval');
  });
});

describe('a line manager’s address', () => {
  it('refuses the person’s own address at registration and on the account page', async () => {
    const client = new TestClient(built.app, '10.9.0.1');
    const res = await client.post('/register', await registrationForm(client, 'sam.self@partner.example', 'Sam.Self@partner.example'));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Enter your line manager’s email address, not your own');
    expect(await mailTo('sam.self@partner.example')).toHaveLength(0);

    const person = await makePerson(database.db);
    const page = await (await signedIn(person.id)).post('/account/line-manager', { lineManagerEmail: person.email.toUpperCase() });
    expect(await page.text()).toContain('Enter your line manager’s email address, not your own');
    expect((await personRow(person.id)).pendingLineManagerEmail).toBeNull();
  });

  it('is used only after the manager confirms it from the emailed link, never from the person’s own browser', async () => {
    const client = new TestClient(built.app, '10.9.0.2');
    const manager = 'my.other.mailbox@partner.example';
    await client.post('/register', await registrationForm(client, 'sam.later@partner.example', manager));
    const [person] = await database.db.select().from(people).where(eq(people.email, 'sam.later@partner.example'));
    expect(person).toMatchObject({ lineManagerEmail: null, pendingLineManagerEmail: manager });

    // Not yet confirmed: the place waits for a coordinator, and the address gets no approval link.
    const { session } = await makeSession(database.db, { requiresManagerApproval: true });
    const s = actingAs(await bookingScope(database.db), person.id);
    expect((await bookPlace(s, { sessionId: session.id, personId: person.id })).status).toBe('pending approval');
    const [request] = await mailTo(manager);
    expect((await mailTo(manager)).map((m) => m.subject)).toEqual(['Are you Sam Selfapprover’s line manager?']);
    const path = request.text.match(/http:\/\/localhost:8787(\/line-manager\/[a-z2-7]{32})/)![1];

    // The person following the link while signed in is refused.
    const self = await signedIn(person.id);
    expect(await (await self.get(path)).text()).toContain('I am their line manager');
    expect((await self.post(path)).status).toBe(403);
    expect((await personRow(person.id)).lineManagerEmail).toBeNull();

    const managerBrowser = new TestClient(built.app, '10.9.0.3');
    expect(await (await managerBrowser.post(path)).text()).toContain('You are now Sam Selfapprover’s line manager');
    expect(await personRow(person.id)).toMatchObject({ lineManagerEmail: manager, pendingLineManagerEmail: null, pendingManagerTokenHash: null });
    expect((await managerBrowser.post(path)).status).toBe(404); // once only

    const second = await makeSession(database.db, { requiresManagerApproval: true });
    expect((await bookPlace(s, { sessionId: second.session.id, personId: person.id })).status).toBe('pending approval');
    expect((await mailTo(manager)).map((m) => m.subject)).toContain('Please approve: Sam Selfapprover on ' + second.course.title);
  });

  it('given by the person is not asked the three-month survey until confirmed', async () => {
    const trained = await trainedSession(database.db);
    await database.db.update(courses).set({ asksManagerFollowUp: true }).where(eq(courses.id, trained.course.id));
    const [unconfirmed, confirmed] = trained.attendees;
    const scope = await bookingScope(database.db);
    await changeMyLineManager(actingAs(scope, unconfirmed.person.id), 'unconfirmed.boss@partner.example');
    await database.db.update(people).set({ lineManagerEmail: 'set.by.coordinator@partner.example' }).where(eq(people.id, confirmed.person.id));
    const marks = Object.fromEntries(trained.attendees.map((a) => [a.booking.id, 'attended' as const]));
    await recordAttendance({ ...(await bookingScope(database.db, TIMES.during)), actor: { id: trained.trainer.id, roles: ['trainer'] } }, trained.session.id, marks);
    const managerSurveys = async (bookingId: string) =>
      database.db.select().from(followUpSurveys).where(and(eq(followUpSurveys.bookingId, bookingId), eq(followUpSurveys.respondent, 'manager')));
    expect(await managerSurveys(unconfirmed.booking.id)).toHaveLength(0);
    expect((await managerSurveys(confirmed.booking.id)).map((r) => r.managerEmail)).toEqual(['set.by.coordinator@partner.example']);
  });

  it('set by a coordinator is used at once, and never the person’s own', async () => {
    const person = await makePerson(database.db);
    const coordinator = await makePerson(database.db, ['coordinator']);
    const client = await signedIn(coordinator.id);
    const path = `/manage/people/${person.id}/line-manager`;
    const own = await client.post(path, { lineManagerEmail: person.email });
    expect(own.status).toBe(422);
    expect(await own.text()).toContain('Enter their line manager’s email address, not their own');
    const saved = await client.post(path, { lineManagerEmail: 'Real.Boss@partner.example' });
    expect(saved.headers.get('location')).toBe(`/manage/people/${person.id}?done=line-manager`);
    expect((await personRow(person.id)).lineManagerEmail).toBe('real.boss@partner.example');
    expect(await (await client.get(`/manage/people/${person.id}`)).text()).toContain('real.boss@partner.example');
    const { session } = await makeSession(database.db, { requiresManagerApproval: true });
    await bookPlace(actingAs(await bookingScope(database.db), person.id), { sessionId: session.id, personId: person.id });
    expect((await mailTo('real.boss@partner.example')).map((m) => m.subject)).toEqual([expect.stringMatching(/^Please approve: /)]);
  });

  it(`gets at most ${MANAGER_MAILS_PER_DAY} requests a day; after that a coordinator decides`, async () => {
    const manager = 'busy.manager@partner.example';
    const coordinator = await makePerson(database.db, ['coordinator']);
    const scope = await bookingScope(database.db);
    for (let i = 0; i <= MANAGER_MAILS_PER_DAY; i++) {
      const person = await makePerson(database.db);
      await database.db.update(people).set({ lineManagerEmail: manager }).where(eq(people.id, person.id));
      const { session } = await makeSession(database.db, { requiresManagerApproval: true });
      expect((await bookPlace(actingAs(scope, person.id), { sessionId: session.id, personId: person.id })).status).toBe('pending approval');
    }
    expect(await mailTo(manager)).toHaveLength(MANAGER_MAILS_PER_DAY);
    expect((await mailTo(coordinator.email)).filter((m) => m.subject.startsWith('Place to approve'))).toHaveLength(1);
  });
});
