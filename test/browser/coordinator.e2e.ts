// A coordinator builds next year's prospectus in real Chromium: creates a draft, adds a
// course (hidden from everyone else until published), publishes it, changes the course,
// adds dates and cancels one, checking each step as an anonymous visitor sees it; and
// the GOV.UK error pattern on the Manage forms. Every page visited is checked with axe-core.

import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit, summaryValue } from './steps';

const h = useBrowserHarness();
const SERVICE = 'RSCP safeguarding training';

/** The partnership's year (April to March) that today falls in, in London: its first calendar year. */
function currentYearStart(now = new Date()): number {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(now).split('-').map(Number);
  return month >= 4 ? year : year - 1;
}
const yearLabel = (first: number) => `${first}-${String((first + 1) % 100).padStart(2, '0')}`;

/** The error summary's links, in order. */
const errorLinks = (page: Page) =>
  page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => ({ text: a.textContent!.trim(), href: a.getAttribute('href') })));

/** Each field's own message: "Error: ..." next to it, and the field described by it. */
async function expectFieldError(page: Page, id: string, message: string) {
  expect((await page.locator(`#${id}-error`).textContent())!.replace(/\s+/g, ' ').trim(), id).toBe(`Error: ${message}`);
  const describedBy = await page.locator(`#${id}`).evaluate((el) => {
    // A checkbox or radio group is described on its fieldset; a date input's day field on its fieldset too.
    const owner = el.closest('fieldset') ?? el;
    return `${el.getAttribute('aria-describedby') ?? ''} ${owner.getAttribute('aria-describedby') ?? ''}`;
  });
  expect(describedBy, id).toContain(`${id}-error`);
}

const UUID = '[0-9a-f-]{36}';

describe('a coordinator builds next year’s prospectus', () => {
  it('creates a draft, adds a course nobody else can see, publishes it, changes the course, adds dates and cancels one', { timeout: 240_000 }, async () => {
    const page = h.page;
    const visitor = await h.newPage(); // an anonymous visitor, in a context of its own
    const next = yearLabel(currentYearStart() + 1);
    const nextFirst = currentYearStart() + 1;

    await signInAs(page, 'coordinator@rscp.example');
    await follow(page, page.locator('.govuk-service-navigation').getByRole('link', { name: 'Manage' }), h.url('/manage'));
    expect(await h1(page)).toBe('Manage training');
    await checkAccessibility(page);

    await follow(page, page.getByRole('link', { name: 'Prospectuses' }), h.url('/manage/prospectuses'));
    expect(await h1(page)).toBe('Prospectuses');
    const rows = await page.locator('main table tbody tr').allInnerTexts();
    // This year's, and the demo's two years before it, imported from records.
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(new RegExp(`^${yearLabel(currentYearStart())}\\tLearning and development prospectus .*\\tPublished$`));
    for (const [i, row] of rows.slice(1).entries()) expect(row).toMatch(new RegExp(`^${yearLabel(currentYearStart() - 1 - i)}\\t.*\\tImported$`));
    await checkAccessibility(page);

    // A draft for next year: the form suggests it.
    await follow(page, page.getByRole('button', { name: 'Create a draft prospectus' }), h.url('/manage/prospectuses/new'));
    expect(await h1(page)).toBe('Create a draft prospectus');
    expect(await page.locator('#year').inputValue()).toBe(next);
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe(`Learning and development prospectus ${next}`);
    const firstDay = page.getByRole('group', { name: 'First day' });
    expect([await firstDay.getByLabel('Day').inputValue(), await firstDay.getByLabel('Month').inputValue(), await firstDay.getByLabel('Year').inputValue()]).toEqual(['1', '4', String(nextFirst)]);
    const lastDay = page.getByRole('group', { name: 'Last day' });
    expect([await lastDay.getByLabel('Day').inputValue(), await lastDay.getByLabel('Month').inputValue(), await lastDay.getByLabel('Year').inputValue()]).toEqual(['31', '3', String(nextFirst + 1)]);
    await checkAccessibility(page, '/manage/prospectuses/new');
    await page.getByLabel('Introduction (optional)').fill('Next year’s free inter-agency courses.');
    expect(await submit(page, 'Create draft', new RegExp(`/manage/prospectuses/${UUID}\\?done=created$`))).toBe(303);
    const prospectusUrl = page.url().replace(/\?.*$/, '');
    expect(await banner(page)).toContain('Draft prospectus created');
    expect(await h1(page)).toBe(`Learning and development prospectus ${next}`);
    expect(await page.locator('main').innerText()).toContain('Only coordinators can see a draft.');
    expect(await summaryValue(page, 'Year')).toBe(next);
    expect(await page.getByText('This prospectus has no courses yet.').isVisible()).toBe(true);
    await checkAccessibility(page, '/manage/prospectuses/:id (draft created)');

    // A course in the draft.
    await follow(page, page.getByRole('button', { name: 'Add a course' }), `${prospectusUrl}/courses/new`);
    expect(await h1(page)).toBe('Add a course');
    expect(await page.getByLabel('Provided by').inputValue()).toBe('Partnership trainer');
    await checkAccessibility(page, '/manage/prospectuses/:id/courses/new');
    const title = 'Neglect and Early Help in Practice';
    const summary = 'How neglect shows itself and what early help can do, for practitioners in regular contact with families.';
    await page.getByLabel('Course title').fill(title);
    await page.getByLabel('Summary', { exact: true }).fill(summary);
    await page.getByLabel('Learning outcomes').fill('Recognise the signs of neglect\nKnow the early help offer\n\nStart an early help assessment');
    const themes = page.getByRole('group', { name: 'Themes' });
    await themes.getByLabel('Neglect', { exact: true }).check();
    await themes.getByLabel('Early help', { exact: true }).check();
    await page.getByRole('group', { name: 'How it is delivered' }).getByLabel('Face to face').check();
    await page.getByLabel('Length in minutes').fill('180');
    await page.getByLabel('Prerequisites (optional)').fill('None, but bring a case to discuss.');
    const groups = page.getByRole('group', { name: 'Who it is for (optional)' });
    await groups.getByLabel('Group 2: regular contact').check();
    await groups.getByLabel(/^Group 3/).check();
    await page.getByRole('group', { name: 'Competencies it develops (optional)' }).getByLabel(/^D1:/).check();
    expect(await submit(page, 'Add course', new RegExp(`/manage/courses/${UUID}\\?done=created$`))).toBe(303);
    const courseUrl = page.url().replace(/\?.*$/, '');
    const courseId = courseUrl.split('/').pop()!;
    expect(await banner(page)).toContain('Course added');
    expect(await h1(page)).toBe(title);
    expect(await summaryValue(page, 'Summary')).toBe(summary);
    expect((await summaryValue(page, 'Learning outcomes')).split('\n')).toEqual(['Recognise the signs of neglect', 'Know the early help offer', 'Start an early help assessment']);
    expect(await summaryValue(page, 'Themes')).toBe('Neglect, Early help');
    expect(await summaryValue(page, 'Delivery')).toBe('Face to face');
    expect(await summaryValue(page, 'Length')).toBe('3 hours');
    expect(await summaryValue(page, 'Line manager approval')).toBe('Not needed');
    expect((await summaryValue(page, 'Who it is for')).split('\n')).toEqual(['Group 2: regular contact', expect.stringMatching(/^Group 3/)]);
    expect(await summaryValue(page, 'Competencies')).toMatch(/^D1: Use assessment tools such as the Graded Care Profile/);
    expect(await page.getByText('This course has no dates yet.').isVisible()).toBe(true);
    await checkAccessibility(page, '/manage/courses/:id (course added)');

    // The coordinator's own public view shows the draft, marked so.
    await follow(page, page.getByRole('link', { name: 'See the course as practitioners do' }), h.url(`/courses/${courseId}`));
    expect(await h1(page)).toBe(title);
    await checkAccessibility(page, '/courses/:id (draft, as coordinator)');

    // Nobody else can see it: the course is "not found" and next year's prospectus is not there.
    const hidden = await visitor.goto(h.url(`/courses/${courseId}`));
    expect(hidden?.status()).toBe(404);
    expect(await h1(visitor)).toBe('Page not found');
    await checkAccessibility(visitor, '/courses/:id (draft, anonymous: 404)');
    await visitor.goto(h.url(`/courses?year=${next}`));
    expect(await h1(visitor)).toBe('Training prospectus');
    expect(await visitor.locator('main').innerText()).toContain('The prospectus has not been published yet.');
    await checkAccessibility(visitor, `/courses?year=${next} (draft, anonymous)`);

    // Publish.
    await page.goto(prospectusUrl);
    expect(await page.locator('main table tbody tr').allInnerTexts()).toEqual([`${title}\tFace to face\t0\tListed`]);
    expect(await submit(page, 'Publish the prospectus', `${prospectusUrl}?done=published`)).toBe(303);
    expect(await banner(page)).toContain('Prospectus published: everyone can now see it');
    expect(await page.locator('main p', { hasText: 'Everyone can see it.' }).innerText()).toMatch(/^Published Published on \w+ \d{1,2} \w+ \d{4}\. Everyone can see it\./);
    expect(await page.getByRole('button', { name: 'Publish the prospectus' }).count()).toBe(0);
    await checkAccessibility(page, '/manage/prospectuses/:id (published)');

    // Now everyone can.
    const shown = await visitor.goto(h.url(`/courses/${courseId}`));
    expect(shown?.status()).toBe(200);
    expect(await h1(visitor)).toBe(title);
    expect(await visitor.locator('.govuk-body-l').innerText()).toBe(summary);
    expect(await visitor.locator('main .govuk-caption-l').innerText()).toBe('Neglect, Early help');
    expect(await visitor.getByText('There are no dates for this course yet.').isVisible()).toBe(true);
    await checkAccessibility(visitor, '/courses/:id (published, anonymous)');
    await visitor.goto(h.url(`/courses?year=${next}`));
    expect(await h1(visitor)).toBe(`Learning and development prospectus ${next}`);
    expect(await visitor.locator('.app-course-list h2').allInnerTexts()).toEqual([title]);
    await checkAccessibility(visitor, `/courses?year=${next} (published, anonymous)`);

    // Change the course's title and summary.
    await page.goto(courseUrl);
    await follow(page, page.getByRole('link', { name: 'Change title', exact: true }), `${courseUrl}/edit#title`);
    expect(await h1(page)).toBe('Change the course');
    expect(await page.getByLabel('Course title').inputValue()).toBe(title);
    expect(await page.getByRole('group', { name: 'Themes' }).getByLabel('Early help', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: 'Who it is for (optional)' }).getByLabel('Group 2: regular contact').isChecked()).toBe(true);
    await checkAccessibility(page, '/manage/courses/:id/edit');
    const newTitle = 'Neglect and Early Help: Acting Early';
    const newSummary = 'Spotting neglect early and using the early help pathway, with time to discuss your own cases.';
    await page.getByLabel('Course title').fill(newTitle);
    await page.getByLabel('Summary', { exact: true }).fill(newSummary);
    expect(await submit(page, 'Save changes', `${courseUrl}?done=changed`)).toBe(303);
    expect(await banner(page)).toContain('Course changed');
    expect(await h1(page)).toBe(newTitle);
    expect(await summaryValue(page, 'Summary')).toBe(newSummary);
    expect(await summaryValue(page, 'Themes')).toBe('Neglect, Early help'); // the rest is kept
    await checkAccessibility(page, '/manage/courses/:id (changed)');

    await visitor.goto(h.url(`/courses/${courseId}`));
    expect(await h1(visitor)).toBe(newTitle);
    expect(await visitor.locator('.govuk-body-l').innerText()).toBe(newSummary);
    await expect(visitor.title()).resolves.toBe(`${newTitle} - ${SERVICE}`);
    await checkAccessibility(visitor, '/courses/:id (changed, anonymous)');

    // Two dates: the service refuses one outside the prospectus's year, with the error pattern.
    await page.goto(courseUrl);
    await follow(page, page.getByRole('button', { name: 'Add a date' }), `${courseUrl}/sessions/new`);
    expect(await h1(page)).toBe('Add a date');
    await checkAccessibility(page, '/manage/courses/:id/sessions/new');
    const addDate = async (date: [number, number, number], start: string, end: string, venue: string, capacity: string) => {
      const when = page.getByRole('group', { name: 'Date', exact: true });
      await when.getByLabel('Day').fill(String(date[0]));
      await when.getByLabel('Month').fill(String(date[1]));
      await when.getByLabel('Year').fill(String(date[2]));
      await page.getByLabel('Start time').fill(start);
      await page.getByLabel('End time').fill(end);
      await page.getByRole('group', { name: 'Where is it?' }).getByLabel('At a venue').check();
      await page.getByLabel(/^Venue/).fill(venue);
      await page.getByLabel('Number of places').fill(capacity);
      await page.getByRole('group', { name: 'Trainers (optional)' }).getByLabel('Tariq Trainer').check();
    };
    // 15 June of the year before the prospectus: a real date, but not in its year.
    await addDate([15, 6, nextFirst - 1], '09:30', '12:30', 'Riverside House, Main Street, Rotherham S60 1AE', '16');
    expect(await submit(page, 'Add date')).toBe(422);
    await expect(page.title()).resolves.toBe(`Error: Add a date - ${SERVICE}`);
    const wrongYear = `The date must be in the prospectus year, between ${dayName(nextFirst, 4, 1)} and ${dayName(nextFirst + 1, 3, 31)}`;
    expect(await errorLinks(page)).toEqual([{ text: wrongYear, href: '#date' }]);
    await expectFieldError(page, 'date', wrongYear);
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), undefined, { timeout: 5_000 });
    expect(await page.getByLabel('Start time').inputValue()).toBe('09:30'); // answers kept
    await checkAccessibility(page, '/manage/courses/:id/sessions (with errors)');
    await page.getByRole('group', { name: 'Date', exact: true }).getByLabel('Year').fill(String(nextFirst));
    expect(await submit(page, 'Add date', `${courseUrl}?done=session-added`)).toBe(303);
    expect(await banner(page)).toContain('Date added');
    await checkAccessibility(page, '/manage/courses/:id (date added)');

    await follow(page, page.getByRole('button', { name: 'Add a date' }), `${courseUrl}/sessions/new`);
    await addDate([13, 7, nextFirst], '13:00', '16:00', 'Wath Library, Montgomery Road, Wath-upon-Dearne S63 7RZ', '12');
    expect(await submit(page, 'Add date', `${courseUrl}?done=session-added`)).toBe(303);
    const june = `${dayName(nextFirst, 6, 15)}, 9:30am to 12:30pm`;
    const july = `${dayName(nextFirst, 7, 13)}, 1pm to 4pm`;
    const dates = () => page.locator('main table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).slice(0, 4).map((td) => td.textContent!.trim())));
    expect(await dates()).toEqual([
      [june, 'Riverside House, Main Street, Rotherham S60 1AE', '0 of 16', 'Scheduled'],
      [july, 'Wath Library, Montgomery Road, Wath-upon-Dearne S63 7RZ', '0 of 12', 'Scheduled'],
    ]);
    await checkAccessibility(page, '/manage/courses/:id (two dates)');

    await visitor.goto(h.url(`/courses/${courseId}`));
    const publicDates = () => visitor.locator('main table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim())));
    expect(await publicDates()).toEqual([
      [june, 'Riverside House, Main Street, Rotherham S60 1AE', '16 places left'],
      [july, 'Wath Library, Montgomery Road, Wath-upon-Dearne S63 7RZ', '12 places left'],
    ]);
    await checkAccessibility(visitor, '/courses/:id (dates, anonymous)');
    await follow(visitor, visitor.getByRole('link', { name: july }), new RegExp(`/sessions/${UUID}$`));
    const julyUrl = visitor.url();
    expect(await h1(visitor)).toBe(july);
    expect(await visitor.locator('main .govuk-caption-l').innerText()).toBe(newTitle);
    expect(await summaryValue(visitor, 'Trainer')).toBe('Tariq Trainer');
    expect(await summaryValue(visitor, 'Places')).toBe('12 places left');
    expect(await visitor.getByRole('button', { name: 'Sign in to book a place' }).isVisible()).toBe(true);
    await checkAccessibility(visitor, '/sessions/:id (anonymous)');

    // Cancel the July date, with a reason: first without one.
    await follow(page, page.locator('main table tbody tr', { hasText: july }).getByRole('link', { name: `Cancel ${july}` }), new RegExp(`/manage/sessions/${UUID}/cancel$`));
    expect(await h1(page)).toBe('Cancel this date');
    expect(await page.locator('main .govuk-caption-l').innerText()).toBe(`${newTitle}: ${july}`);
    await checkAccessibility(page, '/manage/sessions/:id/cancel');
    expect(await submit(page, 'Cancel this date')).toBe(422);
    expect(await errorLinks(page)).toEqual([{ text: 'Enter the reason the session is cancelled', href: '#reason' }]);
    await expectFieldError(page, 'reason', 'Enter the reason the session is cancelled');
    await checkAccessibility(page, '/manage/sessions/:id/cancel (with errors)');
    const reason = 'The trainer is unwell. We will add another date soon.';
    await page.getByLabel('Why is it cancelled?').fill(reason);
    expect(await submit(page, 'Cancel this date', `${courseUrl}?done=session-cancelled`)).toBe(303);
    expect(await banner(page)).toContain('Date cancelled');
    expect((await dates())[1]).toEqual([july, 'Wath Library, Montgomery Road, Wath-upon-Dearne S63 7RZ', '0 of 12', `Cancelled${reason}`]);
    expect(await page.locator('main table tbody tr', { hasText: july }).getByRole('link', { name: /^(Change|Cancel) / }).count()).toBe(0);
    expect(await page.locator('main table tbody tr', { hasText: june }).getByRole('link', { name: `Cancel ${june}` }).count()).toBe(1);
    await checkAccessibility(page, '/manage/courses/:id (date cancelled)');
    await screenshot(page, 'manage-course-cancelled-date');

    // Everyone sees it marked Cancelled, with the reason, and cannot book it.
    await visitor.goto(h.url(`/courses/${courseId}`));
    expect(await publicDates()).toEqual([
      [june, 'Riverside House, Main Street, Rotherham S60 1AE', '16 places left'],
      [july, 'Wath Library, Montgomery Road, Wath-upon-Dearne S63 7RZ', 'Cancelled'],
    ]);
    await checkAccessibility(visitor, '/courses/:id (date cancelled, anonymous)');
    await visitor.goto(julyUrl);
    expect(await visitor.locator('main p', { has: visitor.locator('.govuk-tag') }).first().innerText()).toBe(`Cancelled ${reason}`);
    expect(await summaryValue(visitor, 'Places')).toBe('Cancelled');
    expect(await visitor.getByRole('button', { name: /book a place|waiting list/i }).count()).toBe(0);
    await checkAccessibility(visitor, '/sessions/:id (cancelled, anonymous)');
    await screenshot(visitor, 'session-cancelled');
  });
});

describe('the Manage forms', () => {
  it('show the GOV.UK error pattern: a summary linking to each field, and messages at the fields', async () => {
    const page = h.page;
    await signInAs(page, 'coordinator@rscp.example');
    await page.goto(h.url('/manage/prospectuses'));
    // This year's prospectus (the test above may have published next year's too).
    await follow(page, page.getByRole('link', { name: `Learning and development prospectus ${yearLabel(currentYearStart())}` }), new RegExp(`/manage/prospectuses/${UUID}$`));
    await checkAccessibility(page, '/manage/prospectuses/:id (current)');
    await follow(page, page.getByRole('button', { name: 'Add a course' }), /\/courses\/new$/);

    // Only a title and a length that is not a number.
    await page.getByLabel('Course title').fill('Half a course');
    await page.getByLabel('Length in minutes').fill('three hours');
    expect(await submit(page, 'Add course')).toBe(422);
    await expect(page.title()).resolves.toBe(`Error: Add a course - ${SERVICE}`);
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.getByRole('heading', { level: 2 }).innerText()).toBe('There is a problem');
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), undefined, { timeout: 5_000 });
    const expected = [
      { text: 'Enter a summary', href: '#summary' },
      { text: 'Enter at least one learning outcome', href: '#learningOutcomes' },
      { text: 'Select at least one theme', href: '#themes' },
      { text: 'Select how the course is delivered', href: '#deliveryMode' },
      { text: 'Enter the length as a whole number of minutes, like 180', href: '#durationMinutes' },
    ];
    expect(await errorLinks(page)).toEqual(expected);
    for (const { text, href } of expected) await expectFieldError(page, href.slice(1), text);
    expect(await page.locator('.govuk-form-group--error').count()).toBe(expected.length);
    // What was given is kept; nothing was saved.
    expect(await page.getByLabel('Course title').inputValue()).toBe('Half a course');
    expect(await page.getByLabel('Length in minutes').inputValue()).toBe('three hours');
    expect(await page.getByLabel('Provided by').inputValue()).toBe('Partnership trainer');
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/manage/prospectuses/${UUID}/courses$`));
    await checkAccessibility(page, '/manage/prospectuses/:id/courses (with errors)');
    await screenshot(page, 'manage-course-errors');

    // A summary link takes focus to its field: the first checkbox of a group, a text input.
    await summary.getByRole('link', { name: 'Select at least one theme' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'themes', undefined, { timeout: 5_000 });
    await summary.getByRole('link', { name: /^Enter the length/ }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'durationMinutes', undefined, { timeout: 5_000 });

    const before = await page.request.get(h.url('/courses?q=half+a+course'));
    expect(await before.text()).toContain('0 courses match your filters');
  });
});

/** "Tuesday 15 June 2027" for a date, as the pages write it. */
function dayName(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day, 12));
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}
