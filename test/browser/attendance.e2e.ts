// From the register to the certificate in real Chromium, with the emails through real
// SMTP: a coordinator adds a date, starting a few minutes from now, to a course of the
// current prospectus, with trainer@ as its trainer, and books practitioner@ onto it; the
// trainer opens the register (it opens 15 minutes before the start) and marks the
// practitioner Attended; the practitioner is emailed a feedback link, gives feedback (the
// error summary first), and gets a certificate page, a PDF and a code that an anonymous
// visitor can check. Every page visited is checked with axe-core.

import { describe, expect, it } from 'vitest';
import { checkAccessibility, mailCount, screenshot, signInAs, useBrowserHarness, waitForMail } from './harness';
import { addSessionDate, banner, follow, h1, submit, summaryValue } from './steps';

const h = useBrowserHarness();
const UUID = '[0-9a-f-]{36}';
const LONDON = 'Europe/London';

// ---- Times, in London as the pages show them --------------------------------------------

/** A moment's London date "YYYY-MM-DD", time "HH:MM" and minute of the day. */
function london(d: Date) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, minutes: Number(p.hour) * 60 + Number(p.minute) };
}

/** "Monday 23 November 2026", as the pages write a date. */
function dayName(date: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).formatToParts(new Date(`${date}T12:00:00Z`)).map((x) => [x.type, x.value]),
  );
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/** "14:05" as "2:05pm", "09:00" as "9am", worked out apart from the app's code. */
function clock(time: string): string {
  const [hh, mm] = time.split(':').map(Number);
  return `${hh % 12 || 12}${mm ? `:${String(mm).padStart(2, '0')}` : ''}${hh < 12 ? 'am' : 'pm'}`;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// ---- Pages ------------------------------------------------------------------------------

describe('attendance, feedback and the certificate', () => {
  it('the trainer marks the register; the attendee gives feedback and gets a certificate anyone can check', { timeout: 240_000 }, async () => {
    // A session starting in about 10 minutes: places can still be booked (it has not
    // started) and the register is already open (15 minutes before the start).
    const start = london(new Date(Date.now() + 10 * 60_000 + 59_999));
    if (start.minutes > 23 * 60 + 58) throw new Error('Run this test outside the two minutes before midnight in London (the session must end the day it starts)');
    const endTime = hhmm(Math.min(start.minutes + 60, 23 * 60 + 59));
    const date = start.date;
    const when = `${dayName(date)}, ${clock(start.time)} to ${clock(endTime)}`;

    // ---- The coordinator adds the date to a course of the current prospectus, with trainer@.
    const coordinator = h.page;
    await signInAs(coordinator, 'coordinator@rscp.example');
    await coordinator.goto(h.url('/manage/prospectuses'));
    await checkAccessibility(coordinator);
    await follow(coordinator, coordinator.locator('main table tbody tr', { hasText: 'Published' }).first().getByRole('link'), new RegExp(`/manage/prospectuses/${UUID}$`));
    await checkAccessibility(coordinator, '/manage/prospectuses/:id (published)');
    const courseLink = coordinator.locator(`main a[href^="/manage/courses/"]`).first();
    const title = (await courseLink.innerText()).trim();
    await follow(coordinator, courseLink, new RegExp(`/manage/courses/${UUID}$`));
    const courseUrl = coordinator.url();
    await checkAccessibility(coordinator, '/manage/courses/:id');

    // Booking closes by default at 5pm on the working day before: already closed, which a coordinator's booking may pass.
    await addSessionDate(coordinator, courseUrl, { day: date, start: start.time, end: endTime, venue: 'Riverside House, Main Street, Rotherham S60 1AE', places: 10 });
    const row = coordinator.locator('main table tbody tr', { hasText: when });
    await expect(row.count()).resolves.toBe(1);
    await checkAccessibility(coordinator, '/manage/courses/:id (date added)');

    // ---- The coordinator books practitioner@ from the session's register page.
    await follow(coordinator, row.getByRole('link', { name: /^Register/ }), new RegExp(`/manage/sessions/${UUID}/register$`));
    const sessionId = coordinator.url().match(new RegExp(`/manage/sessions/(${UUID})/register`))![1];
    await checkAccessibility(coordinator, '/manage/sessions/:id/register');
    await coordinator.getByRole('search', { name: 'People to book' }).getByLabel('Their name or email').fill('practitioner@rscp.example');
    await follow(coordinator, coordinator.getByRole('button', { name: 'Find a person' }), /\/book\?q=/);
    await checkAccessibility(coordinator, '/manage/sessions/:id/register/book');
    await submit(coordinator, /^Book Priya Practitioner$/, new RegExp(`/manage/sessions/${sessionId}/register\\?done=booked`));
    expect(await banner(coordinator)).toContain('Priya Practitioner');
    await checkAccessibility(coordinator, '/manage/sessions/:id/register (booked)');

    // ---- The trainer marks the practitioner as attended.
    const trainer = await h.newPage();
    await signInAs(trainer, 'trainer@rscp.example');
    await follow(trainer, trainer.locator('.govuk-service-navigation').getByRole('link', { name: 'Your sessions' }), h.url('/trainer/sessions'));
    await checkAccessibility(trainer, '/trainer/sessions');
    const trainerRow = trainer.locator('main table tbody tr', { hasText: when });
    await expect(trainerRow.count()).resolves.toBe(1);
    await follow(trainer, trainerRow.getByRole('link', { name: /^Register/ }), h.url(`/trainer/sessions/${sessionId}/register`));
    expect(await h1(trainer)).toBe('Register');
    await checkAccessibility(trainer, '/trainer/sessions/:id/register');
    const person = trainer.getByRole('group', { name: /Priya Practitioner/ });
    await person.getByLabel('Attended', { exact: true }).check();
    const since = mailCount();
    await submit(trainer, 'Save attendance', new RegExp(`/trainer/sessions/${sessionId}/register\\?done=marked&changed=1&invited=1$`));
    expect(await banner(trainer)).toContain('1 person marked, 1 invited to give feedback.');
    expect(await trainer.getByRole('group', { name: /Priya Practitioner/ }).getByLabel('Attended', { exact: true }).isChecked()).toBe(true);
    await checkAccessibility(trainer, '/trainer/sessions/:id/register (marked)');

    // ---- The practitioner is asked for feedback.
    const mail = await waitForMail('practitioner@rscp.example', since);
    expect(mail.subject).toBe(`Tell us what you thought of ${title}`);
    expect(mail.text).toContain('Hello Priya Practitioner,');
    expect(mail.text).toContain(`Thank you for coming to ${title} on ${dayName(date)}.`);
    const link = mail.text?.match(new RegExp(`https?://\\S+/feedback/${UUID}`))?.[0];
    expect(link).toBeDefined();
    expect(link!.startsWith(`${h.baseUrl}/feedback/`)).toBe(true);
    const bookingId = link!.split('/').pop()!;

    const p = await h.newPage();
    await signInAs(p, 'practitioner@rscp.example');
    await p.goto(link!);
    expect(await h1(p)).toBe('Tell us what you thought of the course');
    await checkAccessibility(p, '/feedback/:bookingId');

    // Sent empty: the error summary lists every question.
    await submit(p, 'Send feedback', h.url(`/feedback/${bookingId}`));
    const summary = p.locator('.govuk-error-summary');
    await summary.waitFor();
    const summaryText = await summary.innerText();
    expect(summaryText).toContain('There is a problem');
    expect(summaryText).toContain('Select how well outcome 1 was met');
    expect(summaryText).toContain('Select how relevant the course was to your role');
    expect(summaryText).toContain('Select how good the delivery was');
    expect(summaryText).toContain('Select your confidence before the course, from 1 to 10');
    expect(summaryText).toContain('Select your confidence after the course, from 1 to 10');
    expect(await p.title()).toMatch(/^Error: /);
    await checkAccessibility(p, '/feedback/:bookingId (errors)');
    await screenshot(p, 'feedback-errors');

    // Every question answered.
    const outcomes = p.getByRole('group', { name: /^Outcome \d+:/ });
    const n = await outcomes.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) await outcomes.nth(i).getByLabel('Mostly met', { exact: true }).check();
    await p.getByRole('group', { name: 'How relevant was the course to your role?' }).getByLabel('Very relevant', { exact: true }).check();
    await p.getByRole('group', { name: 'How good was the delivery of the course?' }).getByLabel('Excellent', { exact: true }).check();
    await p.getByRole('group', { name: /^Before the course/ }).getByLabel('4', { exact: true }).check();
    await p.getByRole('group', { name: /^After the course/ }).getByLabel('8', { exact: true }).check();
    await p.getByLabel('What will you do differently?').fill('Ask about the family network at the first visit.');
    await p.getByLabel('Anything else?').fill('Clear and practical.');
    await checkAccessibility(p, '/feedback/:bookingId (filled in)');
    await submit(p, 'Send feedback', h.url(`/feedback/${bookingId}`));
    expect(await h1(p)).toBe('Feedback sent');
    expect(await p.locator('.govuk-panel__body').innerText()).toContain(title);
    const certificateLink = p.getByRole('link', { name: `View and print your certificate for ${title}` });
    expect(await certificateLink.getAttribute('href')).toBe(`/certificates/${bookingId}`);
    await checkAccessibility(p, '/feedback/:bookingId (sent)');

    // ---- The certificate: the page, its code and the PDF.
    await follow(p, certificateLink, h.url(`/certificates/${bookingId}`));
    expect(await h1(p)).toBe('Certificate of attendance');
    await expect(p.locator('main').innerText()).resolves.toContain('Priya Practitioner');
    await expect(p.locator('main').innerText()).resolves.toContain(title);
    expect(await summaryValue(p, 'Date')).toBe(dayName(date));
    expect(await summaryValue(p, 'Attendance')).toBe('Attended');
    const code = (await summaryValue(p, 'Verification code')).trim();
    expect(code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{2}$/);
    await checkAccessibility(p, '/certificates/:bookingId');
    await screenshot(p, 'certificate');

    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Download as PDF' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const pdf = await p.request.get(h.url(`/certificates/${bookingId}/pdf`));
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.headers()['content-disposition']).toMatch(/^attachment; filename=".+\.pdf"$/);
    const body = await pdf.body();
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.length).toBeGreaterThan(1000);

    // The feedback link now says thank you, and "Your learning" lists the course.
    await p.goto(link!);
    expect(await h1(p)).toBe('Thank you for your feedback');
    await checkAccessibility(p, '/feedback/:bookingId (already given)');
    await p.goto(h.url('/learning'));
    const learned = p.locator('main table tbody tr', { hasText: title }).filter({ hasText: dayName(date) });
    await expect(learned.innerText()).resolves.toContain('Feedback given');
    await checkAccessibility(p, '/learning');

    // ---- Anyone can check the code.
    const visitor = await h.newPage();
    await visitor.goto(h.url(`/verify/${code}`));
    expect(await h1(visitor)).toBe('This certificate is genuine');
    expect(await summaryValue(visitor, 'Name')).toBe('Priya Practitioner');
    expect(await summaryValue(visitor, 'Course')).toBe(title);
    expect(await summaryValue(visitor, 'Date')).toBe(dayName(date));
    await checkAccessibility(visitor, '/verify/:code');
  });
});
