// Steps the browser tests share: following links, submitting forms, reading pages, and a
// coordinator adding a date to a course.
import type { Locator, Page } from 'playwright-core';
import { checkAccessibility } from './harness';

export const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();
export const banner = (page: Page) => page.locator('.govuk-notification-banner').innerText();
/** The value beside `key` in a summary list. */
export const summaryValue = (page: Page, key: string) =>
  page.locator('.govuk-summary-list__row').filter({ has: page.locator('dt', { hasText: new RegExp(`^${key}$`) }) }).locator('.govuk-summary-list__value').innerText();

/**
 * Presses a form's button and waits for the page the POST leads to: `url` (after a redirect),
 * or else the form again with its error summary. Returns the POST's status.
 */
export async function submit(page: Page, button: string | RegExp, url?: RegExp | string): Promise<number> {
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document');
  await page.getByRole('button', { name: button, exact: typeof button === 'string' }).click();
  const status = (await response).status();
  if (url) await page.waitForURL(url);
  else await page.locator('.govuk-error-summary').waitFor();
  await page.waitForLoadState('load');
  return status;
}

/** Follows a link and waits for the page it leads to. */
export async function follow(page: Page, link: Locator, url: RegExp | string) {
  await Promise.all([page.waitForURL(url), link.click()]);
  await page.waitForLoadState('load');
}

/** On a course's page, a coordinator adds a date at a venue, trained by the demo trainer. */
export async function addSessionDate(coordinator: Page, courseUrl: string, date: { day: string; start: string; end: string; venue: string; places: number }) {
  await follow(coordinator, coordinator.getByRole('button', { name: 'Add a date' }), `${courseUrl}/sessions/new`);
  const [y, m, d] = date.day.split('-');
  const sessionDate = coordinator.getByRole('group', { name: 'Date', exact: true });
  await sessionDate.getByLabel('Day').fill(String(Number(d)));
  await sessionDate.getByLabel('Month').fill(String(Number(m)));
  await sessionDate.getByLabel('Year').fill(y);
  await coordinator.getByLabel('Start time').fill(date.start);
  await coordinator.getByLabel('End time').fill(date.end);
  await coordinator.getByRole('group', { name: 'Where is it?' }).getByLabel('At a venue').check();
  await coordinator.getByLabel(/^Venue/).fill(date.venue);
  await coordinator.getByLabel('Number of places').fill(String(date.places));
  await coordinator.getByRole('group', { name: 'Trainers (optional)' }).getByLabel('Tariq Trainer').check();
  await checkAccessibility(coordinator, '/manage/courses/:id/sessions/new (filled in)');
  await submit(coordinator, 'Add date', `${courseUrl}?done=session-added`);
}
