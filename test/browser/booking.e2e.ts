// Booking the last place in real Chromium, with the emails through real SMTP: a
// coordinator makes a session with one place; practitioner A books it (a calendar invite
// arrives); practitioner B, newly registered, joins the waiting list; A cancels from
// "Your bookings" (a calendar cancellation arrives) and B is given the place. Every page
// visited is checked with axe-core.

import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { calendarIn, checkAccessibility, mailCount, registerAs, screenshot, signInAs, useBrowserHarness, waitForMail } from './harness';
import { addSessionDate, banner, follow, h1, submit, summaryValue } from './steps';

const h = useBrowserHarness();
const SERVICE = 'RSCP safeguarding training';
const UUID = '[0-9a-f-]{36}';

// ---- Dates, in London as the pages show them ---------------------------------------

const LONDON = 'Europe/London';
const parts = (d: Date, options: Intl.DateTimeFormatOptions) =>
  Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, ...options }).formatToParts(d).map((p) => [p.type, p.value]));

/** Today in London as "YYYY-MM-DD". */
const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: LONDON }).format(new Date());

/** "YYYY-MM-DD" plus `days`, moved on to a Tuesday, Wednesday or Thursday. */
function midweekAfter(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  while (![2, 3, 4].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** "Tuesday 15 June 2027", as the pages write a date. */
function dayName(date: string): string {
  const p = parts(new Date(`${date}T12:00:00Z`), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/** A London wall-clock time as the UTC "YYYYMMDDTHHMMSSZ" of iCalendar, worked out independently of the app's code. */
function icsUtc(date: string, time: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // London is UTC or UTC+1: the instant is whichever of the two shows this wall time in London.
  const instant = [wall, wall - 3_600_000].find((t) => {
    const p = parts(new Date(t), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) === wall;
  });
  if (instant === undefined) throw new Error(`${date} ${time} is not a London time`);
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The partnership's year that today falls in: its first calendar year and last day. */
function currentYear() {
  const [year, month] = londonToday().split('-').map(Number);
  const first = month >= 4 ? year : year - 1;
  return { first, lastDay: `${first + 1}-03-31` };
}

// ---- Pages ---------------------------------------------------------------------------

/** The rows of "Your bookings": course, when (and where), status, and the action as a screen reader names it. */
/** The rows of the "Upcoming" table (the demo practitioner also has past courses). */
const bookingRows = (page: Page) =>
  page.locator('main table:has(caption:text-is("Upcoming")) tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = Array.from(tr.querySelectorAll('td'));
      const shown = cells.slice(0, 3).map((td) => td.innerText.trim().replace(/\s*\n\s*/g, ' | '));
      return [...shown, cells[3].textContent!.replace(/\s+/g, ' ').trim()];
    }),
  );

/** What the session page's booking panel says. */
const panel = (page: Page) => page.locator('main .govuk-inset-text').innerText();

describe('the last place on a session', () => {
  it('is booked by A with a calendar invite; B waits; A cancels with a calendar cancellation; B gets the place', { timeout: 240_000 }, async () => {
    const title = 'Working with Fathers and Male Carers';
    const venue = 'Riverside House, Main Street, Rotherham S60 1AE';
    const year = currentYear();
    // Two weeks or more ahead: booking is open and cancelling is not late.
    const date = midweekAfter(londonToday(), 14);

    // ---- The coordinator makes a session with one place left.
    const coordinator = h.page;
    await signInAs(coordinator, 'coordinator@rscp.example');
    await coordinator.goto(h.url('/manage/prospectuses'));
    await checkAccessibility(coordinator);
    if (date > year.lastDay) {
      // Late in March: the current year has no fortnight left, so next year's prospectus is made and published.
      await follow(coordinator, coordinator.getByRole('button', { name: 'Create a draft prospectus' }), h.url('/manage/prospectuses/new'));
      await checkAccessibility(coordinator);
      await submit(coordinator, 'Create draft', new RegExp(`/manage/prospectuses/${UUID}\\?done=created$`));
      await checkAccessibility(coordinator, '/manage/prospectuses/:id (draft)');
      // (The date, a fortnight on, falls in its April.)
      await submit(coordinator, 'Publish the prospectus', /\?done=published$/);
    } else {
      await follow(coordinator, coordinator.locator('main table tbody tr', { hasText: 'Published' }).getByRole('link'), new RegExp(`/manage/prospectuses/${UUID}$`));
    }
    await checkAccessibility(coordinator, '/manage/prospectuses/:id (published)');

    await follow(coordinator, coordinator.getByRole('button', { name: 'Add a course' }), /\/courses\/new$/);
    await coordinator.getByLabel('Course title').fill(title);
    await coordinator.getByLabel('Summary', { exact: true }).fill('Including fathers and male carers in safeguarding work with families.');
    await coordinator.getByLabel('Learning outcomes').fill('Recognise when fathers are left out\nEngage fathers in assessments and plans');
    await coordinator.getByRole('group', { name: 'Themes' }).getByLabel('Core safeguarding', { exact: true }).check();
    await coordinator.getByRole('group', { name: 'How it is delivered' }).getByLabel('Face to face').check();
    await coordinator.getByLabel('Length in minutes').fill('120');
    expect(await coordinator.getByRole('group', { name: 'Must a line manager approve each place?' }).getByLabel('No').isChecked()).toBe(true);
    await checkAccessibility(coordinator, '/manage/prospectuses/:id/courses/new (filled in)');
    await submit(coordinator, 'Add course', new RegExp(`/manage/courses/${UUID}\\?done=created$`));
    const courseUrl = coordinator.url().replace(/\?.*$/, '');
    await checkAccessibility(coordinator, '/manage/courses/:id (course added)');

    // A date with 8 places, then its number of places changed to 1.
    await addSessionDate(coordinator, courseUrl, { day: date, start: '10:00', end: '12:00', venue, places: 8 });
    const when = `${dayName(date)}, 10am to 12pm`;
    const row = coordinator.locator('main table tbody tr', { hasText: when });
    expect(await row.locator('td').nth(2).innerText()).toBe('0 of 8');
    await checkAccessibility(coordinator, '/manage/courses/:id (date added)');

    await follow(coordinator, row.getByRole('link', { name: `Change ${when}` }), new RegExp(`/manage/sessions/${UUID}/edit$`));
    expect(await h1(coordinator)).toBe('Change the date');
    expect(await coordinator.getByLabel('Number of places').inputValue()).toBe('8');
    expect(await coordinator.getByLabel(/^Venue/).inputValue()).toBe(venue);
    await checkAccessibility(coordinator, '/manage/sessions/:id/edit');
    await coordinator.getByLabel('Number of places').fill('1');
    await submit(coordinator, 'Save changes', `${courseUrl}?done=session-changed`);
    expect(await banner(coordinator)).toContain('Date changed');
    expect(await row.locator('td').nth(2).innerText()).toBe('0 of 1');
    const sessionPath = await row.getByRole('link', { name: when, exact: true }).getAttribute('href');
    expect(sessionPath).toMatch(new RegExp(`^/sessions/${UUID}$`));
    const sessionId = sessionPath!.split('/').pop()!;
    const sessionUrl = h.url(sessionPath!);
    await checkAccessibility(coordinator, '/manage/courses/:id (one place)');

    // ---- Practitioner A books the last place from the session page.
    const a = await h.newPage();
    const aEmail = 'practitioner@rscp.example';
    await signInAs(a, aEmail);
    await a.goto(sessionUrl);
    expect(await h1(a)).toBe(when);
    await expect(a.title()).resolves.toBe(`${title}: ${when} - ${SERVICE}`);
    expect(await summaryValue(a, 'Places')).toBe('1 place left');
    expect(await summaryValue(a, 'Where')).toBe(venue);
    await checkAccessibility(a, '/sessions/:id (1 place left, A)');
    let since = mailCount();
    await submit(a, 'Book a place', h.url('/bookings?done=confirmed'));
    expect(await banner(a)).toContain('Your place is booked. We have emailed you the details and a calendar invite.');
    expect(await bookingRows(a)).toEqual([[title, `${when} | ${venue}`, 'Booked', `Cancel ${title}, ${when}`]]);
    await checkAccessibility(a, '/bookings (A booked)');

    const confirmation = await waitForMail(aEmail, since);
    expect(confirmation.subject).toBe(`Booking confirmed: ${title}, ${dayName(date)}`);
    expect(confirmation.text).toContain('Hello Priya Practitioner,');
    expect(confirmation.text).toContain('Your place is booked.');
    expect(confirmation.text).toContain(`When: ${when}`);
    expect(confirmation.text).toContain(`Where: ${venue}`);
    const invite = calendarIn(confirmation, 'invite.ics');
    expect(invite.contentType).toBe('text/calendar');
    expect(invite.props.METHOD).toBe('REQUEST');
    expect(invite.props.STATUS).toBe('CONFIRMED');
    expect(invite.props.DTSTART).toBe(icsUtc(date, '10:00'));
    expect(invite.props.DTEND).toBe(icsUtc(date, '12:00'));
    expect(invite.props.SUMMARY).toBe(title);
    expect(invite.props.LOCATION.replace(/\\,/g, ',')).toBe(venue);
    expect(invite.props.UID).toMatch(new RegExp(`^${UUID}\\.${sessionId}@safeguarding-training$`));
    const aUid = invite.props.UID;

    await a.goto(sessionUrl);
    expect(await panel(a)).toContain('Booked You have a place on this session.');
    expect(await summaryValue(a, 'Places')).toBe('Full: waiting list');
    await checkAccessibility(a, '/sessions/:id (A booked)');

    // ---- Practitioner B, new here, finds it full, registers and joins the waiting list.
    const b = await h.newPage();
    const bEmail = `ben.waiting.${Date.now()}@partner.example`;
    await b.goto(sessionUrl);
    expect(await summaryValue(b, 'Places')).toBe('Full: waiting list');
    expect(await b.getByRole('button', { name: 'Sign in to book a place' }).getAttribute('href')).toBe(`/sign-in?next=${encodeURIComponent(sessionPath!)}`);
    await checkAccessibility(b, '/sessions/:id (full, anonymous)');
    await registerAs(b, { name: 'Ben Waiting', email: bEmail, jobTitle: 'Youth worker', workforceGroup: 3 });
    await b.goto(sessionUrl);
    expect(await b.getByRole('button', { name: 'Book a place' }).count()).toBe(0);
    await checkAccessibility(b, '/sessions/:id (full, B)');
    since = mailCount();
    await submit(b, 'Join the waiting list', h.url('/bookings?done=waitlisted'));
    expect(await banner(b)).toContain('The session is full, so you are on the waiting list. We will email you if a place comes up.');
    expect(await bookingRows(b)).toEqual([[title, `${when} | ${venue}`, 'Waiting list: number 1', `Leave waiting list ${title}, ${when}`]]);
    await checkAccessibility(b, '/bookings (B waiting)');
    const waiting = await waitForMail(bEmail, since);
    expect(waiting.subject).toBe(`On the waiting list: ${title}, ${dayName(date)}`);
    expect(waiting.text).toContain('You are number 1.');
    expect(waiting.attachments).toHaveLength(0);
    await b.goto(sessionUrl);
    expect(await panel(b)).toContain('You are number 1 on the waiting list. If a place comes up, it is yours and we will email you.');
    await checkAccessibility(b, '/sessions/:id (B waiting)');
    await screenshot(b, 'session-waiting-list');

    // ---- A cancels from "Your bookings", confirming first.
    await follow(a, a.locator('.govuk-service-navigation').getByRole('link', { name: 'Your bookings' }), h.url('/bookings'));
    await checkAccessibility(a, '/bookings (A)');
    await follow(a, a.getByRole('link', { name: `Cancel ${title}, ${when}` }), new RegExp(`/bookings/${UUID}/cancel$`));
    expect(await h1(a)).toBe('Are you sure you want to cancel your place?');
    expect(await summaryValue(a, 'Course')).toBe(title);
    expect(await summaryValue(a, 'When')).toBe(when);
    expect(await summaryValue(a, 'Where')).toBe(venue);
    expect(await a.getByText('Your place will go to the first person on the waiting list.').isVisible()).toBe(true);
    expect(await a.getByRole('link', { name: 'Keep my place' }).getAttribute('href')).toBe('/bookings');
    await checkAccessibility(a, '/bookings/:id/cancel');
    await screenshot(a, 'booking-cancel-confirm');
    since = mailCount();
    await submit(a, 'Cancel my place', h.url('/bookings?done=cancelled'));
    expect(await banner(a)).toContain('Your booking has been cancelled.');
    expect(await bookingRows(a)).toEqual([[title, `${when} | ${venue}`, 'Cancelled', '']]);
    await checkAccessibility(a, '/bookings (A cancelled)');

    const cancellation = await waitForMail(aEmail, since);
    expect(cancellation.subject).toBe(`Booking cancelled: ${title}, ${dayName(date)}`);
    expect(cancellation.text).toContain('Your place has been cancelled.');
    const cancel = calendarIn(cancellation, 'cancel.ics');
    expect(cancel.contentType).toBe('text/calendar');
    expect(cancel.props.METHOD).toBe('CANCEL');
    expect(cancel.props.STATUS).toBe('CANCELLED');
    expect(cancel.props.UID).toBe(aUid);
    expect(Number(cancel.props.SEQUENCE)).toBeGreaterThan(Number(invite.props.SEQUENCE ?? 0));
    expect(cancel.props.DTSTART).toBe(invite.props.DTSTART);

    // ---- B is given the place, and told.
    const promoted = await waitForMail(bEmail, since);
    expect(promoted.subject).toBe(`Booking confirmed: ${title}, ${dayName(date)}`);
    expect(promoted.text).toContain('Hello Ben Waiting,');
    expect(promoted.text).toContain('Good news: a place has come up and it is yours.');
    const bInvite = calendarIn(promoted, 'invite.ics');
    expect(bInvite.props.METHOD).toBe('REQUEST');
    expect(bInvite.props.DTSTART).toBe(icsUtc(date, '10:00'));
    expect(bInvite.props.UID).toMatch(new RegExp(`^${UUID}\\.${sessionId}@safeguarding-training$`));
    expect(bInvite.props.UID).not.toBe(aUid);

    await b.goto(h.url('/bookings'));
    expect(await bookingRows(b)).toEqual([[title, `${when} | ${venue}`, 'Booked', `Cancel ${title}, ${when}`]]);
    await checkAccessibility(b, '/bookings (B promoted)');
    await screenshot(b, 'bookings-promoted');
    await b.goto(sessionUrl);
    expect(await panel(b)).toContain('Booked You have a place on this session.');
    expect(await summaryValue(b, 'Places')).toBe('Full: waiting list');
    await checkAccessibility(b, '/sessions/:id (B booked)');

    // The coordinator's page agrees: still one place, taken.
    await coordinator.goto(courseUrl);
    expect(await row.locator('td').nth(2).innerText()).toBe('1 of 1');
    await checkAccessibility(coordinator, '/manage/courses/:id (taken by B)');
  });
});
