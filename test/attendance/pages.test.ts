// The trainer's pages: their sessions, marking a register, walk-ins, the sign-in sheet and
// the feedback summary, each at a fixed moment around the session's marking window.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, sessionTrainers, type Role } from '../../db/schema';
import { markUnmarkedAttended } from '../../server/attendance/service';
import { buildApp, makePerson, seed, TEST_NOW, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { bookingScope, makeSession } from '../support/fixtures';
import { banner, errorMessages, expectWellFormedPage, selfBooked, snapshot } from '../register/helpers';
import { feedbackFrom, invitationsTo, statusOf, TIMES, trainedSession, uniqueName } from './helpers';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

const register = (sessionId: string) => `/trainer/sessions/${sessionId}/register`;

/** A browser signed in as the person, on the app as it is at that moment. */
async function browserAt(now: string, personId: string) {
  const built = buildApp(database.db, { now });
  const client = await new TestClient(built.app).signInAs(database.db, personId, built.clock.now(), built.config);
  /** A page that must load, and be well formed. */
  const page = async (path: string) => {
    const res = await client.get(path);
    const html = await res.text();
    expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(200);
    expectWellFormedPage(html, path);
    return html;
  };
  /** A form post that must redirect; the page it leads to. */
  const follow = async (res: Response) => {
    expect(res.status, await res.clone().text()).toBe(303);
    return page(res.headers.get('location')!);
  };
  return { client, page, follow };
}

async function newPerson(roles: Role[] = [], first = 'Pat Person') {
  const name = uniqueName(first);
  return { name, ...(await makePerson(database.db, roles, { name })) };
}
/** The radios' state on the marking page: each booking's checked value. */
const checked = (html: string, bookingId: string) => html.match(new RegExp(`name="mark-${bookingId}" type="radio" value="([^"]+)" checked`))?.[1];

describe('your sessions', () => {
  it('lists only the sessions the trainer trains: upcoming, then the last 60 days, with places and the register’s state', async () => {
    const mine = await trainedSession(database.db);
    const recent = await makeSession(database.db, { startsAt: '2026-10-01T09:00:00Z' });
    const old = await makeSession(database.db, { startsAt: '2026-09-01T09:00:00Z' });
    const others = await trainedSession(database.db);
    await database.db.insert(sessionTrainers).values([recent.session, old.session].map((s) => ({ sessionId: s.id, personId: mine.trainer.id })));

    const { page } = await browserAt(TEST_NOW, mine.trainer.id);
    const html = await page('/trainer/sessions');
    expect(html).toContain('<h1 class="govuk-heading-l">Your sessions</h1>');
    expect(html).toMatch(/href="\/trainer\/sessions"[^>]*aria-current="page"/);
    expect(html).toContain(mine.course.title);
    expect(html).toContain('Tuesday 15 December 2026, 10am to 1pm');
    expect(html).toContain('3 of 20');
    expect(html).toContain('Not open yet');
    expect(html).toContain(`href="${register(mine.session.id)}"`);
    expect(html).toContain(`href="/trainer/sessions/${mine.session.id}/sign-in-sheet"`);
    // Past: the one from October, locked for the trainer by now, with its feedback; not September's.
    expect(html.indexOf(recent.course.title)).toBeGreaterThan(html.indexOf('In the last 60 days'));
    expect(html).toContain('Locked');
    expect(html).toContain(`href="/trainer/sessions/${recent.session.id}/feedback"`);
    expect(html).not.toContain(old.course.title);
    expect(html).not.toContain(others.course.title);
    expect(html).not.toContain('As a coordinator');
  });

  it('tells a coordinator where every register is, and lists their own sessions', async () => {
    const coordinator = await newPerson(['coordinator']);
    const html = await (await browserAt(TEST_NOW, coordinator.id)).page('/trainer/sessions');
    expect(html).toContain('As a coordinator you can open the register of any session from <a class="govuk-link" href="/manage">Manage</a>');
    expect(html).toContain('You have no upcoming sessions.');
    // The navigation names it for trainers only.
    expect(html).not.toContain('>Your sessions</a>');
  });
});

describe('marking the register', () => {
  it('shows a fieldset per person, saves the marks, invites those who came and says what changed', async () => {
    const { session, trainer, attendees } = await trainedSession(database.db);
    const [ann, ben, cat] = attendees;
    const { client, page, follow } = await browserAt(TIMES.during, trainer.id);
    const html = await page(register(session.id));
    for (const a of attendees) expect(html).toContain(`<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${a.name}`);
    expect(html).toContain('Mark everyone not yet marked as attended');
    expect(checked(html, ann.booking.id)).toBeUndefined();

    const res = await client.post(register(session.id), { [`mark-${ann.booking.id}`]: 'attended', [`mark-${ben.booking.id}`]: 'did not attend' });
    expect(res.headers.get('location')).toBe(`${register(session.id)}?done=marked&changed=2&invited=1`);
    const after = await follow(res);
    expect(banner(after)).toBe('2 people marked, 1 invited to give feedback.');
    expect(checked(after, ann.booking.id)).toBe('attended');
    expect(checked(after, ben.booking.id)).toBe('did not attend');
    expect(await statusOf(database.db, cat.booking.id)).toBe('confirmed');
    expect(await invitationsTo(database.db, ann.person.email)).toHaveLength(1);
    expect(await invitationsTo(database.db, ben.person.email)).toHaveLength(0);

    // Everyone not yet marked: only Cat.
    const all = await follow(await client.post(`${register(session.id)}/all-attended`));
    expect(banner(all)).toBe('1 person marked, 1 invited to give feedback.');
    expect(await statusOf(database.db, cat.booking.id)).toBe('attended');
    expect(all).not.toContain('Mark everyone not yet marked as attended');
    // Saving the same marks again changes nothing, and says so.
    const same = await follow(await client.post(register(session.id), { [`mark-${ann.booking.id}`]: 'attended' }));
    expect(banner(same)).toBe('Nothing changed: the register already said that.');
    // Counts typed into the address are only ever numbers.
    expect(banner(await page(`${register(session.id)}?done=marked&changed=<b>x</b>`))).toBe('Nothing changed: the register already said that.');
  });

  it('says why marking is not allowed yet, offers no forms and refuses a post (403), changing nothing', async () => {
    const { session, trainer, attendees } = await trainedSession(database.db);
    const { client, page } = await browserAt(TIMES.before, trainer.id);
    const html = await page(register(session.id));
    expect(html).toContain('The register opens 15 minutes before the session starts.');
    expect(html).not.toContain('method="post" action="/trainer/');
    expect(html).not.toContain('Add someone who came without booking');
    expect(html).toContain(attendees[0].name);

    const before = await snapshot(database.db);
    const walkIn = await newPerson();
    const refused = [
      await client.post(register(session.id), { [`mark-${attendees[0].booking.id}`]: 'attended' }),
      await client.post(`${register(session.id)}/all-attended`),
      await client.post(`${register(session.id)}/walk-in`, { personId: walkIn.id }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('The register opens 15 minutes before the session starts');
    }
    expect(await snapshot(database.db)).toEqual(before);
  });

  it('locks for the trainer after the lock period (ask a coordinator); a coordinator can still amend it, and it is audited', async () => {
    const { session, trainer, attendees } = await trainedSession(database.db);
    const [ann] = attendees;
    await markUnmarkedAttended({ ...await bookingScope(database.db, TIMES.during), actor: { id: trainer.id, roles: ['trainer'] } }, session.id);

    const asTrainer = await browserAt(TIMES.locked, trainer.id);
    const html = await asTrainer.page(register(session.id));
    expect(html).toContain('The register locked on Tuesday 22 December 2026: ask a coordinator to change it.');
    expect(html).not.toContain('Save attendance');
    expect(html).toContain('<strong class="govuk-tag govuk-tag--blue">Attended</strong>');
    const before = await snapshot(database.db);
    expect((await asTrainer.client.post(register(session.id), { [`mark-${ann.booking.id}`]: 'partly attended' })).status).toBe(403);
    expect(await snapshot(database.db)).toEqual(before);

    const coordinator = await newPerson(['coordinator']);
    const asCoordinator = await browserAt(TIMES.locked, coordinator.id);
    expect(checked(await asCoordinator.page(register(session.id)), ann.booking.id)).toBe('attended');
    const amended = await asCoordinator.follow(await asCoordinator.client.post(register(session.id), { [`mark-${ann.booking.id}`]: 'partly attended' }));
    expect(banner(amended)).toBe('1 person marked.');
    expect(await statusOf(database.db, ann.booking.id)).toBe('partly attended');
    // In the order they were made, each at the moment the app's clock gave.
    const entries = await database.db
      .select({ at: auditLog.at, actorId: auditLog.actorId, detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, ann.booking.id), eq(auditLog.action, 'attendance.recorded')))
      .orderBy(asc(auditLog.at), asc(auditLog.seq));
    expect(entries).toEqual([
      { at: new Date(TIMES.during), actorId: trainer.id, detail: { sessionId: session.id, from: 'confirmed', to: 'attended' } },
      { at: new Date(TIMES.locked), actorId: coordinator.id, detail: { sessionId: session.id, from: 'attended', to: 'partly attended' } },
    ]);
  });

  it('refuses a bad mark with the error summary, keeping what was chosen, and changes nothing', async () => {
    const { session, trainer, attendees } = await trainedSession(database.db);
    const [ann, ben] = attendees;
    const elsewhere = await trainedSession(database.db);
    const { client } = await browserAt(TIMES.during, trainer.id);
    const before = await snapshot(database.db);
    const cases: [Record<string, string>, string[]][] = [
      [{ [`mark-${ann.booking.id}`]: 'present', [`mark-${ben.booking.id}`]: 'attended' }, [`Select whether ${ann.name} attended, partly attended or did not attend`]],
      [{ 'mark-not-a-booking': 'attended' }, ['Some of the people marked are not on this register. Check the register and save again.']],
      [{ [`mark-${elsewhere.attendees[0].booking.id}`]: 'attended' }, ['Some of the people marked are not on this register. Check the register and save again.']],
      [{}, ['Select whether each person attended, partly attended or did not attend']],
    ];
    for (const [form, messages] of cases) {
      const res = await client.post(register(session.id), form);
      expect(res.status, JSON.stringify(form)).toBe(422);
      const html = await res.text();
      expect(errorMessages(html)).toEqual(messages);
      expectWellFormedPage(html, JSON.stringify(form));
    }
    const kept = await (await client.post(register(session.id), { [`mark-${ann.booking.id}`]: 'present', [`mark-${ben.booking.id}`]: 'did not attend' })).text();
    expect(checked(kept, ben.booking.id)).toBe('did not attend');
    expect(await snapshot(database.db)).toEqual(before);
  });
});

describe('adding someone who came without booking', () => {
  it('finds them by name, adds them as attended with an invitation, and will not add them twice', async () => {
    const { session, trainer, attendees } = await trainedSession(database.db);
    const walkIn = await newPerson([], 'Wally Walkin');
    const { client, page, follow } = await browserAt(TIMES.during, trainer.id);
    const search = `${register(session.id)}?q=${encodeURIComponent(walkIn.email)}`;
    const found = await page(search);
    expect(found).toContain('1 person matching');
    expect(found).toContain(`name="personId" value="${walkIn.id}"`);
    // Found by name, a trainer sees enough of the email to tell people apart, not the address.
    const byName = await page(`${register(session.id)}?q=${encodeURIComponent(walkIn.name)}`);
    expect(byName).toContain(`name="personId" value="${walkIn.id}"`);
    expect(byName).not.toContain(walkIn.email);
    expect(byName).toContain(`${walkIn.email[0]}•••@${walkIn.email.split('@')[1]}`);
    // Someone already booked is shown with their booking, not a button.
    const booked = await page(`${register(session.id)}?q=${encodeURIComponent(attendees[0].person.email)}`);
    expect(booked).not.toContain(`name="personId" value="${attendees[0].person.id}"`);

    const added = await follow(await client.post(`${register(session.id)}/walk-in`, { personId: walkIn.id, q: walkIn.email }));
    expect(banner(added)).toBe(`${walkIn.name} added to the register as attended, and invited to give feedback.`);
    expect(await database.db.select().from(bookings).where(eq(bookings.personId, walkIn.id))).toEqual([expect.objectContaining({ status: 'attended', walkIn: true, sessionId: session.id })]);
    expect(await invitationsTo(database.db, walkIn.email)).toHaveLength(1);
    expect(await page(search)).not.toContain(`name="personId" value="${walkIn.id}"`);

    const before = await snapshot(database.db);
    const cases: [string, string][] = [
      [walkIn.id, 'This person is already on the register'],
      ['not-a-person', 'Choose a person from the list'],
      ['00000000-0000-4000-8000-000000000000', 'Choose a person from the list'],
    ];
    for (const [personId, message] of cases) {
      const res = await client.post(`${register(session.id)}/walk-in`, { personId, q: 'wally' });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(errorMessages(html)).toEqual([message]);
      expect(html).toContain('value="wally"');
    }
    expect(await snapshot(database.db)).toEqual(before);
  });
});

describe('someone on the waiting list who came anyway', () => {
  it('is offered to add, and their booking becomes their attendance', async () => {
    const { session, trainer } = await trainedSession(database.db);
    const waiting = await newPerson([], 'Wendy Waiting');
    const [queued] = await database.db
      .insert(bookings)
      .values({ partnershipId: session.partnershipId, sessionId: session.id, personId: waiting.id, status: 'waitlisted', waitlistedAt: new Date(TEST_NOW) })
      .returning();
    const { client, page, follow } = await browserAt(TIMES.during, trainer.id);
    expect(await page(`${register(session.id)}?q=${encodeURIComponent(waiting.email)}`)).toContain(`name="personId" value="${waiting.id}"`);
    const added = await follow(await client.post(`${register(session.id)}/walk-in`, { personId: waiting.id, q: waiting.email }));
    expect(banner(added)).toBe(`${waiting.name} added to the register as attended, and invited to give feedback.`);
    expect(await database.db.select().from(bookings).where(eq(bookings.personId, waiting.id))).toEqual([expect.objectContaining({ id: queued.id, status: 'attended', walkIn: true })]);
  });
});

describe('who may use the trainer’s pages', () => {
  it('answers another trainer 404 (not theirs to know of) and a practitioner 403, sends anonymous visitors to sign in, and changes nothing', async () => {
    const { session, attendees } = await trainedSession(database.db);
    const paths = ['register', 'sign-in-sheet', 'feedback'].map((p) => `/trainer/sessions/${session.id}/${p}`);
    const before = await snapshot(database.db);
    for (const [roles, status] of [[['trainer'], 404], [[], 403]] as [Role[], number][]) {
      const { client } = await browserAt(TIMES.during, (await newPerson(roles)).id);
      for (const path of paths) expect((await client.get(path)).status, path).toBe(status);
      expect((await client.post(register(session.id), { [`mark-${attendees[0].booking.id}`]: 'attended' })).status).toBe(status);
      expect((await client.post(`${register(session.id)}/all-attended`)).status).toBe(status);
    }
    const anonymous = new TestClient(buildApp(database.db, { now: TIMES.during }).app);
    for (const path of ['/trainer/sessions', ...paths]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
    expect(await snapshot(database.db)).toEqual(before);
  });

  it('answers unknown and malformed session ids with not found', async () => {
    const trainer = await newPerson(['trainer']);
    const { client } = await browserAt(TIMES.during, trainer.id);
    for (const id of ['not-a-session', '00000000-0000-4000-8000-000000000000']) {
      for (const p of ['register', 'sign-in-sheet', 'feedback']) expect((await client.get(`/trainer/sessions/${id}/${p}`)).status).toBe(404);
      expect((await client.post(`/trainer/sessions/${id}/register/all-attended`)).status).toBe(404);
    }
  });
});

describe('the sign-in sheet', () => {
  it('lists the people booked with their organisation and an empty signature column, ready to print', async () => {
    const { session, course, trainer, attendees } = await trainedSession(database.db);
    const waitingName = uniqueName('Wendy Waiting');
    const waiting = await selfBooked(database.db, session.id, { name: waitingName });
    await database.db.update(bookings).set({ status: 'waitlisted' }).where(eq(bookings.id, waiting.booking.id));
    const html = await (await browserAt(TEST_NOW, trainer.id)).page(`/trainer/sessions/${session.id}/sign-in-sheet`);
    expect(html).toContain('<h1 class="govuk-heading-l">Sign-in sheet</h1>');
    expect(html).toContain(course.title);
    expect(html).toContain('Riverside House');
    expect(html).toContain('Tuesday 15 December 2026, 10am to 1pm');
    expect(html).toContain('class="govuk-table app-sign-in-sheet"');
    const rows = [...html.matchAll(/<tr class="govuk-table__row"><td class="govuk-table__cell">([^<]*)<\/td><td class="govuk-table__cell">([^<]*)<\/td><td class="govuk-table__cell app-sign-in-sheet__signature"><\/td>/g)];
    expect(rows.slice(0, 3).map((r) => r[1])).toEqual(attendees.map((a) => a.name));
    expect(rows[0][2]).not.toBe('');
    // Then empty rows for people who come without booking.
    expect(rows.slice(3).every((r) => r[1] === '' && r[2] === '')).toBe(true);
    expect(html).not.toContain(waitingName);
  });

  it('is not needed for an online session', async () => {
    const { session, trainer } = await trainedSession(database.db, { online: true });
    const html = await (await browserAt(TEST_NOW, trainer.id)).page(`/trainer/sessions/${session.id}/sign-in-sheet`);
    expect(html).toContain('This session is online, so a sign-in sheet isn’t needed.');
    expect(html).not.toContain('app-sign-in-sheet"');
  });
});

describe('the feedback summary', () => {
  it('gives only the count below three responses, then averages and the written answers without names', async () => {
    const { session, trainer, attendees } = await trainedSession(database.db);
    await markUnmarkedAttended({ ...await bookingScope(database.db, TIMES.during), actor: { id: trainer.id, roles: ['trainer'] } }, session.id);
    const { page } = await browserAt(TIMES.during, trainer.id);
    const path = `/trainer/sessions/${session.id}/feedback`;
    expect(await page(path)).toContain('0 responses so far; the summary appears from 3 so no answer can be traced to one person.');
    await feedbackFrom(database.db, attendees[0], { comments: 'Really useful day' });
    await feedbackFrom(database.db, attendees[1], { relevance: 3, willDoDifferently: 'Ask about home life' });
    const two = await page(path);
    expect(two).toContain('2 responses so far; the summary appears from 3');
    expect(two).not.toContain('Really useful day');

    await feedbackFrom(database.db, attendees[2], { relevance: 4, confidenceBefore: 5 });
    const three = await page(path);
    expect(three).not.toContain('so far');
    expect(three).toContain('4 out of 5'); // relevance (5 + 3 + 4) / 3, and delivery
    expect(three).toContain('4.3 → 8 out of 10');
    expect(three).toContain('<td class="govuk-table__cell">Learn</td><td class="govuk-table__cell">4 out of 4</td>');
    expect(three).toContain('<li>Really useful day</li>');
    expect(three).toContain('<li>Ask about home life</li>');
    for (const a of attendees) expect(three).not.toContain(a.name);
  });
});
