// "Your competency profile" as its owner sees it: statuses as tags with their dates and evidence,
// by domain; the sessions it suggests (only bookable ones, nearest first, at most five); the CSV
// download and its formula guard; the page to print; a person without a group; and that nobody
// ever sees another person's evidence.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { competencies } from '../../db/schema';
import { PROFILE_CSV_HEADER } from '../../server/competencies/profile-csv';
import { parseCsv } from '../../server/shared/csv';
import { formatDay } from '../../server/shared/dates';
import { TestClient } from '../support/app';
import { actingAs, bookingScope } from '../support/fixtures';
import { bookPlace } from '../../server/bookings/service';
import { expectAccessiblePage } from '../feedback/helpers';
import { answeredSurvey, competencyWorld, competencyIds, confirmedBy, learnedOn, makeCourse, makeProspectus, makeSessionOf, practitioner, type Practitioner } from './helpers';

const world = competencyWorld();

const signedIn = (person: { id: string }, w = world) => new TestClient(w.built.app).signInAs(w.database.db, person.id, w.built.clock.now(), w.built.config);
async function page(person: { id: string }, path = '/learning/competencies', w = world) {
  const res = await (await signedIn(person, w)).get(path);
  expect(res.status).toBe(200);
  return res.text();
}
/** The table row of one competency, by its code. */
const row = (html: string, code: string) => html.match(new RegExp(`<tr class="govuk-table__row" id="competency-${code}">([\\s\\S]*?)</tr>`))?.[1] ?? '';
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
/** The sessions the page suggests, in order. */
const suggested = (html: string) => [...(html.match(/<ul class="govuk-list app-suggestions">([\s\S]*?)<\/ul>/)?.[1] ?? '').matchAll(/href="\/sessions\/([0-9a-f-]+)"/g)].map((m) => m[1]);

/** Learned A1 and B1 at a workshop on 12 January 2026, applied from the survey on 14 April; B2 learned in 2023, now due. */
async function withEvidence(name?: string, w = world) {
  const person = await practitioner(w.database.db, '3', { name });
  const { booking } = await learnedOn(w.database.db, person, w.pastYear, ['A1', 'B1'], '2026-01-12T10:00:00Z', { title: 'Safeguarding core workshop' });
  await answeredSurvey(w.database.db, person, booking.id, '2026-04-14', { practiceChanged: 'yes' });
  await learnedOn(w.database.db, person, w.pastYear, ['B2'], '2023-01-10T10:00:00Z', { title: 'Referrals that work' });
  return person;
}

describe('the competency profile page', () => {
  it('is linked from Your learning', async () => {
    const person = await practitioner(world.database.db);
    expect(await page(person, '/learning')).toContain('href="/learning/competencies"');
  });

  it('shows each required competency by domain, its status as a tag with its dates, and the evidence behind it', async () => {
    const person = await withEvidence();
    const html = await page(person);
    expectAccessiblePage(html);
    expect(html).toContain('Group 3');
    expect(text(html)).toContain('Of the 9 competencies your workforce group needs: 2 applied, 1 due for refresh and 6 not started.');
    const captions = [...html.matchAll(/<caption[^>]*>([^<]+)<\/caption>/g)].map((m) => m[1]);
    expect(captions).toEqual(['Recognising harm', 'Responding and referring', 'Working together', 'Assessment']);

    const a1 = text(row(html, 'A1'));
    expect(row(html, 'A1')).toContain('govuk-tag--green');
    expect(a1).toContain('Applied');
    expect(a1).toContain(`Applied since ${formatDay('2026-04-14')}`);
    expect(a1).toContain(`Refresh due ${formatDay('2029-01-12')}`);
    expect(a1).toContain(`Your three-month survey, ${formatDay('2026-04-14')} Safeguarding core workshop: said practice had changed`);
    expect(a1).toContain(`Course, ${formatDay('2026-01-12')} Safeguarding core workshop: attended and gave feedback`);

    const b2 = row(html, 'B2');
    expect(b2).toContain('govuk-tag--orange');
    expect(text(b2)).toContain(`Due for refresh since ${formatDay('2026-01-10')}`);
    expect(text(b2)).toContain('Referrals that work: attended and gave feedback');

    const a2 = row(html, 'A2');
    expect(a2).toContain('govuk-tag--grey');
    expect(text(a2)).toContain('Not started');
    expect(text(a2)).toContain('None yet');
    expect(row(html, 'E1')).toBe('');
  });

  it('shows a manager’s confirmation, and asks for feedback on a course that counts once it is given', async () => {
    const person = await practitioner(world.database.db);
    await confirmedBy(world.database.db, person, 'C1', person.managerEmail, '2026-05-01', 'Shares information well');
    const { booking, course } = await learnedOn(world.database.db, person, world.pastYear, ['C2'], '2026-02-02T10:00:00Z', { feedback: false });
    const html = await page(person);
    expect(text(row(html, 'C1'))).toContain(`Line manager’s confirmation, ${formatDay('2026-05-01')} Confirmed by ${person.managerEmail}: Shares information well`);
    expect(text(row(html, 'C1'))).toContain('Not started Its evidence of practice counts once you have learned it');
    expect(html).toContain(`href="/feedback/${booking.id}"`);
    expect(text(html)).toContain(`Give feedback on ${course.title} (${formatDay('2026-02-02')}; C2)`);
  });

  it('tells a person with no workforce group so, and how to get one set', async () => {
    const person = await practitioner(world.database.db, null);
    const html = await page(person);
    expectAccessiblePage(html);
    expect(text(html)).toContain('Your account does not say which workforce group you are in, so we cannot tell which competencies you need.');
    expect(html).toContain('href="/account/workforce-group"');
    expect(text(html)).toContain('Ask to change your workforce group : a coordinator or your organisation’s lead will decide it.');
    expect(html).not.toContain('govuk-table');
  });
});

describe('sessions the page suggests', () => {
  // Every bookable session of this year counts here, so this test has a database of its own.
  const own = competencyWorld();

  it('are bookable sessions of this year’s prospectus developing competencies not started or due, nearest first, at most five', async () => {
    const person = await withEvidence(undefined, own);
    const make = (courseId: string, startsAt: string, options: Parameters<typeof makeSessionOf>[3] = {}) => makeSessionOf(own.database.db, courseId, startsAt, options);
    // A2 is not started, B2 due for refresh; A1 and B1 are applied.
    const neglect = await makeCourse(own.database.db, own.thisYear, ['A2'], { title: 'Neglect and the toxic trio' });
    const later = await make(neglect.id, '2026-12-10T10:00:00Z');
    const sooner = await make(neglect.id, '2026-12-03T10:00:00Z');
    await make(neglect.id, '2026-12-05T10:00:00Z', { status: 'cancelled' });
    await make(neglect.id, '2026-11-25T10:00:00Z', { bookingClosesAt: '2026-11-22T17:00:00Z' });
    await make(neglect.id, '2026-11-23T09:00:00Z', { bookingClosesAt: '2026-11-23T12:00:00Z' });
    const referrals = await makeCourse(own.database.db, own.thisYear, ['B2', 'A1'], { title: 'Referrals refresher' });
    const full = await make(referrals.id, '2026-12-08T10:00:00Z', { capacity: 0 });
    const applied = await makeCourse(own.database.db, own.thisYear, ['A1', 'B1']);
    await make(applied.id, '2026-11-30T10:00:00Z');
    await make((await makeCourse(own.database.db, own.thisYear, ['A2'], { withdrawn: true })).id, '2026-11-30T10:00:00Z');
    await make((await makeCourse(own.database.db, (await makeProspectus(own.database.db, '2027-28', 'draft')).id, ['A2'])).id, '2026-11-30T10:00:00Z');
    await make((await makeCourse(own.database.db, own.pastYear, ['A2'])).id, '2026-11-30T10:00:00Z');
    const many = await makeCourse(own.database.db, own.thisYear, ['C1']);
    const january = [];
    for (const day of ['05', '06', '07', '08']) january.push(await make(many.id, `2027-01-${day}T10:00:00Z`));

    const html = await page(person, undefined, own);
    expect(suggested(html)).toEqual([sooner.id, full.id, later.id, january[0].id, january[1].id]);
    const block = text(html.match(/<ul class="govuk-list app-suggestions">([\s\S]*?)<\/ul>/)![1]);
    expect(block).toContain('Neglect and the toxic trio');
    expect(block).toContain('Full: you can join the waiting list. Develops B2.');
    expect(block).toContain('20 places left. Develops A2.');

    // Booking a place on a course takes its sessions out of the suggestions.
    await bookPlace(actingAs(await bookingScope(own.database.db), person.id), { sessionId: later.id, personId: person.id });
    expect(suggested(await page(person, undefined, own))).toEqual([full.id, january[0].id, january[1].id, january[2].id, january[3].id]);
  });
});

describe('downloading and printing the profile', () => {
  it('downloads a CSV with a row per competency, its dates as days, and a value that would start a formula written as text', async () => {
    const person = await practitioner(world.database.db, '3', { name: 'Casey Csv' });
    await learnedOn(world.database.db, person, world.pastYear, ['A1'], '2026-01-12T10:00:00Z', { title: 'Core workshop, part 1' });
    await confirmedBy(world.database.db, person, 'A1', person.managerEmail, '2026-03-01', 'Shares "concerns" well');
    // A statement as a framework import might bring it in, to run in a spreadsheet.
    const ids = await competencyIds(world.database.db);
    const [{ statement }] = await world.database.db.update(competencies).set({ statement: '=HYPERLINK("https://evil.example","Click")' }).where(eq(competencies.id, ids.D1)).returning({ statement: competencies.statement });
    let body: string;
    try {
      const res = await (await signedIn(person)).get('/learning/competencies.csv');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="competency-profile-casey-csv-2026-11-23.csv"');
      expect(res.headers.get('cache-control')).toBe('no-store');
      body = await res.text();
    } finally {
      await world.database.db.update(competencies).set({ statement: 'Use assessment tools such as the Graded Care Profile to evidence neglect' }).where(eq(competencies.id, ids.D1));
    }
    expect(statement.startsWith('=')).toBe(true);
    const [header, ...rows] = parseCsv(body).map((r) => r.fields);
    expect(header).toEqual(PROFILE_CSV_HEADER);
    expect(rows.map((r) => r[1])).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'D1']);
    const [a1] = rows;
    expect(a1.slice(0, 6)).toEqual(['Recognising harm', 'A1', 'Recognise the signs and indicators of abuse, neglect and exploitation', 'applied', '2026-03-01', '2029-01-12']);
    expect(a1[6].split('\n')).toEqual([`2026-03-01 manager confirmation: Confirmed by ${person.managerEmail}: Shares "concerns" well`, '2026-01-12 course: Core workshop, part 1: attended and gave feedback']);
    expect(rows[1].slice(3)).toEqual(['not started', '', '', '']);
    expect(rows[8][2]).toBe(`'=HYPERLINK("https://evil.example","Click")`);
  });

  it('prints the profile on a page of its own, without the suggestions or the download links', async () => {
    const person = await withEvidence('Pat Printer');
    await makeSessionOf(world.database.db, (await makeCourse(world.database.db, world.thisYear, ['A2'])).id, '2026-12-15T10:00:00Z');
    const profile = await page(person);
    expect(profile).toContain('href="/learning/competencies/print"');
    expect(suggested(profile).length).toBeGreaterThan(0);
    const html = await page(person, '/learning/competencies/print');
    expectAccessiblePage(html);
    expect(html).toContain('app-printable-profile');
    expect(text(html)).toContain('Pat Printer');
    expect(text(html)).toContain(`As at ${formatDay('2026-11-23')}`);
    expect(text(row(html, 'A1'))).toContain('Applied');
    expect(html).not.toContain('app-suggestions');
    expect(html).not.toContain('competencies.csv');
  });
});

describe('privacy', () => {
  it('shows a practitioner only their own profile: another person’s courses, answers and confirmations never appear', async () => {
    const other: Practitioner = await practitioner(world.database.db, '3', { name: 'Olive Other' });
    const { booking } = await learnedOn(world.database.db, other, world.pastYear, ['A1', 'A3'], '2026-01-12T10:00:00Z', { title: 'Olive’s exploitation course' });
    await answeredSurvey(world.database.db, other, booking.id, '2026-04-14', { practiceChanged: 'yes' });
    await confirmedBy(world.database.db, other, 'D1', other.managerEmail, '2026-05-01', 'Olive uses the graded care profile');
    const me = await practitioner(world.database.db, '3', { name: 'Mia Mine' });

    for (const path of ['/learning/competencies', '/learning/competencies/print', '/learning/competencies.csv']) {
      const body = await page(me, path);
      for (const secret of ['Olive', other.managerEmail, 'exploitation course']) expect(body, `${path} shows ${secret}`).not.toContain(secret);
    }
    expect(text(row(await page(me), 'A1'))).toContain('Not started');
    expect(text(row(await page(other), 'A1'))).toContain('Applied');
    // The address has no person in it: there is no way to ask for someone else's.
    expect((await (await signedIn(me)).get(`/learning/competencies/${other.id}`)).status).toBe(404);
  });

  it('sends someone signed out to sign in', async () => {
    for (const path of ['/learning/competencies', '/learning/competencies.csv', '/learning/competencies/print']) {
      const res = await new TestClient(world.built.app).get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
  });
});
