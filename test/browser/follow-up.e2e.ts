// The three-month impact survey in real Chromium, from the email to the thank-you page. No page
// can make a session three months ago, so before the server starts the harness's `prepare` adds
// two practitioners (new people, so the demo's own surveys do not get in the way), books them onto
// an Attachment Training session 100 days ago, records them as having come, runs the follow-up job
// (the surveys are due) and sends the queued mail through the SMTP peer as the server's send-mail
// job does. Then, in the browser, the first opens the emailed link without signing in (signed in,
// "Your learning" leads to the same form), sends it with an answer missing (the error summary),
// then with a child's name in an example (the warning), takes the name out and is thanked; the
// link then says it has been answered. The second does the same with JavaScript off, confirming
// with the box instead of changing the answer. Every page visited is checked with axe-core.

import { and, eq } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { courses, organisations, partnerships, prospectuses, sessions, workforceGroups } from '../../db/schema';
import { createPerson } from '../../server/accounts/service';
import { recordAttendance } from '../../server/attendance/service';
import { bookPlace } from '../../server/bookings/service';
import { fixedClock } from '../../server/shared/clock';
import { sendDueFollowUps } from '../../server/follow-ups/service';
import { smtpMailer } from '../../server/mail/mailer';
import { sendDueMail } from '../../server/mail/outbox';
import { fromLondon, toLondonFields } from '../../server/shared/dates';
import { testConfig } from '../support/app';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness, type Preparation } from './harness';
import { h1 } from './steps';

const COURSE = 'Attachment Training';
/** The two who came: one answers with JavaScript, one without. */
const ATTENDEES = [
  { name: 'Noor Attendee', email: 'noor.attendee@partner.example' },
  { name: 'Sol Attendee', email: 'sol.attendee@partner.example' },
];
const DAY = 86_400_000;

/** An attended session 100 days ago, and the surveys it leads to sent by email. */
async function prepare({ db, baseUrl, smtpUrl }: Preparation) {
  const now = new Date();
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));
  const config = testConfig({ baseUrl });
  const at = (when: Date) => ({ db, config, partnership, clock: fixedClock(when), actor: null });
  const [course] = await db
    .select({ id: courses.id })
    .from(courses)
    .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
    .where(and(eq(courses.title, COURSE), eq(prospectuses.status, 'published')))
    .limit(1);
  const startsAt = fromLondon(toLondonFields(new Date(now.getTime() - 100 * DAY)).date, '10:00');
  const [session] = await db
    .insert(sessions)
    .values({
      partnershipId: partnership.id,
      courseId: course.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
      venue: 'Riverside House, Main Street, Rotherham S60 1AE',
      capacity: 20,
      bookingClosesAt: new Date(startsAt.getTime() - DAY),
    })
    .returning();
  const [organisation] = await db.select().from(organisations).where(eq(organisations.partnershipId, partnership.id)).limit(1);
  const [group] = await db.select().from(workforceGroups).where(eq(workforceGroups.partnershipId, partnership.id)).limit(1);
  const marks: Record<string, 'attended'> = {};
  for (const person of ATTENDEES) {
    const id = await createPerson(db, partnership.id, { ...person, organisationId: organisation.id, jobTitle: 'Family support worker', workforceGroupId: group.id }, [], null);
    const booking = await bookPlace({ ...at(new Date(startsAt.getTime() - 7 * DAY)), actor: { id, roles: ['practitioner'] } }, { sessionId: session.id, personId: id });
    marks[booking.id] = 'attended';
  }
  await recordAttendance(at(new Date(startsAt.getTime() + 30 * 60_000)), session.id, marks);
  const { sent } = await sendDueFollowUps(at(now));
  if (sent !== 2) throw new Error(`Expected 2 surveys to go out, ${sent} did`);
  const mailer = smtpMailer(smtpUrl, config.mailFrom);
  try {
    await sendDueMail({ db, mailer }, now);
  } finally {
    mailer.close();
  }
}

const h = useBrowserHarness({ prepare });

/** The survey link in the email to `email` (it arrived before the server started). */
function surveyLink(email: string): string {
  const addressed = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).some((to) => to.value.some((a) => a.address === email));
  const mail = h.smtp.received.find((m) => addressed(m) && m.subject?.startsWith('Three months on'));
  if (!mail) throw new Error(`No survey email to ${email}; received: ${h.smtp.received.map((m) => m.subject).join(', ')}`);
  expect(mail.subject).toBe(`Three months on: what difference has ${COURSE} made?`);
  expect(mail.text).toContain('you do not need to sign in');
  const link = mail.text?.match(/https?:\/\/\S+\/follow-up\/[a-z2-7]{32}/)?.[0];
  if (!link) throw new Error(`No survey link in:\n${mail.text}`);
  expect(link.startsWith(`${h.baseUrl}/follow-up/`)).toBe(true);
  return link;
}

/** Presses "Send answers" and waits for the page the POST leads to (at the same address, so waiting for the address would not wait). */
async function send(page: Page, link: string) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Send answers' }).click()]);
  expect(page.url()).toBe(link);
}

const group = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

/** Every question answered but the quotation consent. */
async function answerAlmostAll(page: Page, example: string) {
  await group(page, 'Has your practice changed since the course?').getByLabel('Yes', { exact: true }).check();
  await page.getByLabel('How has your practice changed?').fill('I now ask every parent about their own experience of being parented.');
  await group(page, 'Has an outcome for a child or family you work with improved because of what you learned?').getByLabel('Yes', { exact: true }).check();
  await page.getByLabel('Give an example of how outcomes for a child or family have improved').fill(example);
  await group(page, 'Have you shared what you learned with colleagues?').getByLabel('Yes', { exact: true }).check();
  await page.getByLabel('How did you share it?').fill('At a team meeting');
  await page.getByLabel('What, if anything, has got in the way?').fill('Caseloads');
  await group(page, 'How confident are you now in this area of safeguarding?').getByLabel('7', { exact: true }).check();
  const competencies = page.getByRole('group').filter({ has: page.locator('input[name^="competency-"]') });
  const n = await competencies.count();
  expect(n).toBe(2); // Attachment Training develops A1 and C3
  for (let i = 0; i < n; i++) await competencies.nth(i).getByLabel('Developing', { exact: true }).check();
}

const QUOTE = 'May we quote your answers, without your name, in the partnership’s annual report?';

describe('the three-month survey', () => {
  it('the attendee answers from the emailed link: a missing answer, a name in an example, then thanks', { timeout: 120_000 }, async () => {
    const link = surveyLink(ATTENDEES[0].email);

    // Signed in, "Your learning" lists the survey and leads to the same form.
    const learner = await h.newPage();
    await signInAs(learner, ATTENDEES[0].email);
    await learner.goto(h.url('/learning'));
    const toAnswer = learner.getByRole('link', { name: `Answer the three-month survey about ${COURSE}` });
    expect(await toAnswer.count()).toBe(1);
    await checkAccessibility(learner, '/learning (a survey to answer)');
    await Promise.all([learner.waitForURL(/\/learning\/follow-ups\/[0-9a-f-]{36}$/), toAnswer.click()]);
    expect(await h1(learner)).toBe('What difference has the course made?');
    await checkAccessibility(learner, '/learning/follow-ups/:surveyId');

    const page = h.page;
    await page.goto(link);
    expect(await h1(page)).toBe('What difference has the course made?');
    await expect(page.locator('main').innerText()).resolves.toContain(COURSE);
    expect(await page.getByRole('link', { name: 'Sign out' }).count()).toBe(0); // not signed in
    await checkAccessibility(page, '/follow-up/:token');

    // One answer missing: the error summary says which, and links to it.
    await answerAlmostAll(page, 'Jayden now goes to school every day');
    await send(page, link);
    expect(await page.title()).toMatch(/^Error: /);
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.locator('h2').innerText()).toBe('There is a problem');
    expect(await summary.getByRole('link').allInnerTexts()).toEqual(['Select whether we may quote your answers in the annual report']);
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#quotationConsent');
    // What was given is kept.
    expect(await page.getByLabel('Give an example of how outcomes for a child or family have improved').inputValue()).toBe('Jayden now goes to school every day');
    expect(await group(page, 'How confident are you now in this area of safeguarding?').getByLabel('7', { exact: true }).isChecked()).toBe(true);
    await checkAccessibility(page, '/follow-up/:token (an answer missing)');

    // Everything answered, with a child's name in the example: a warning, and nothing saved.
    await group(page, QUOTE).getByLabel('No', { exact: true }).check();
    await send(page, link);
    expect(await summary.locator('h2').innerText()).toBe('Check your answers do not identify anyone');
    const flagged = 'This answer may contain a name (Jayden). Remove anything that could identify a child or family';
    expect(await summary.getByRole('link', { name: flagged }).getAttribute('href')).toBe('#outcomeExample');
    await expect(page.locator('#outcomeExample-error').innerText()).resolves.toContain(flagged);
    expect(await page.getByLabel('I have checked: my answers do not identify a child or family').isChecked()).toBe(false);
    await checkAccessibility(page, '/follow-up/:token (identifying details)');
    await screenshot(page, 'follow-up-warning');

    // The name taken out: saved, and thanks.
    await page.getByLabel('Give an example of how outcomes for a child or family have improved').fill('A child now goes to school every day');
    await send(page, link);
    expect(await h1(page)).toBe('Thank you for your answers');
    await expect(page.locator('main').innerText()).resolves.toContain('We will not quote your answers in the annual report.');
    await checkAccessibility(page, '/follow-up/:token (answered)');

    // The link has been used.
    await page.goto(link);
    expect(await h1(page)).toBe('You have already answered this survey');
    await expect(page.locator('main').innerText()).resolves.toContain('Thank you for your answers. You do not need to do anything else.');
    expect(await page.getByRole('button', { name: 'Send answers' }).count()).toBe(0);
    await checkAccessibility(page, '/follow-up/:token (used)');
    await learner.goto(h.url('/learning'));
    expect(await toAnswer.count()).toBe(0);
    await checkAccessibility(learner, '/learning (answered)');
  });

  it('works without JavaScript, and the box confirms a flagged answer identifies nobody', { timeout: 120_000 }, async () => {
    const link = surveyLink(ATTENDEES[1].email);
    const page = await h.newPage({ javaScriptEnabled: false });
    await page.goto(link);
    expect(await h1(page)).toBe('What difference has the course made?');
    await checkAccessibility(page, '/follow-up/:token (no JavaScript)');

    await send(page, link);
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.getByRole('link').count()).toBe(7); // every question but the optional ones
    await checkAccessibility(page, '/follow-up/:token (no JavaScript, nothing answered)');

    // Zuri is not among the common first names the check knows, but a name after "called" is caught.
    await answerAlmostAll(page, 'A girl called Zuri now has a settled foster placement');
    await group(page, QUOTE).getByLabel('Yes', { exact: true }).check();
    await send(page, link);
    expect(await summary.locator('h2').innerText()).toBe('Check your answers do not identify anyone');
    await expect(page.locator('#outcomeExample-error').innerText()).resolves.toContain('a name (Zuri)');
    await checkAccessibility(page, '/follow-up/:token (no JavaScript, identifying details)');

    // The person checks, and confirms (the invented name identifies nobody).
    await page.getByLabel('I have checked: my answers do not identify a child or family').check();
    await send(page, link);
    expect(await h1(page)).toBe('Thank you for your answers');
    await expect(page.locator('main').innerText()).resolves.toContain('You said we may quote your answers in the annual report.');
    await checkAccessibility(page, '/follow-up/:token (no JavaScript, answered)');

    await page.goto(link);
    expect(await h1(page)).toBe('You have already answered this survey');
    await checkAccessibility(page, '/follow-up/:token (no JavaScript, used)');
  });
});
