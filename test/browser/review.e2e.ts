// The year-end review in real Chromium, on the demo's year (its review in progress, with three
// decisions): the reviewer opens it from the navigation and reads a course's figures with their
// counts and intervals; records a revise decision (the error summary when what to change is
// missing); accepts a gap with a note; is told the review cannot be agreed until every course is
// decided, decides the rest and agrees it; a coordinator then starts next year's draft prospectus
// from it and sees it among the prospectuses, unpublished. Every page visited is checked with
// axe-core. Then last year’s imported, agreed review, beside the years before it, and the
// years side by side.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit } from './steps';

const h = useBrowserHarness();

const row = (page: Page, label: string) => page.locator('tr', { hasText: label }).first().innerText();

async function openReview(page: Page, email: string): Promise<string> {
  await signInAs(page, email);
  await follow(page, page.getByRole('link', { name: 'Year-end review', exact: true }), /\/review$/);
  expect(await h1(page)).toBe('Year-end review');
  await checkAccessibility(page);
  const year = page.locator('table a').first();
  const label = await year.innerText();
  await follow(page, year, new RegExp(`/review/${label}$`));
  return label;
}

describe('the year-end review', () => {
  it('a reviewer decides, accepts a gap and agrees; a coordinator starts next year’s draft from it', async () => {
    const page = h.page;
    const year = await openReview(page, 'reviewer@rscp.example');
    expect(await h1(page)).toBe(`Year-end review ${year}`);
    await checkAccessibility(page, '/review/:year');
    expect(await row(page, 'Take-up:')).toMatch(/(\d+% \(\d+ of \d+\)\s*95% interval: \d+% to \d+%|fewer than 5)/);
    await screenshot(page, 'review-year');

    // A revise decision needs what to change.
    const decisionLinks = await page.getByRole('link', { name: /^Record a decision/ }).evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
    await page.goto(h.url(decisionLinks[0]));
    await checkAccessibility(page, '/review/:year/courses/:id');
    await page.getByLabel('Revise it').check();
    expect(await submit(page, 'Save the decision')).toBe(422);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Say what to change in the course');
    await checkAccessibility(page, '/review/:year/courses/:id (error)');
    await page.getByLabel('What to change, if revising').fill('Add the local learning review’s case study');
    await submit(page, 'Save the decision', new RegExp(`/review/${year}\\?done=decided`));
    expect(await banner(page)).toContain('The decision is saved');

    // A gap accepted with a note.
    await follow(page, page.getByRole('link', { name: /^Decide on / }).first(), /\/gaps\//);
    await checkAccessibility(page, '/review/:year/gaps/:kind/:key');
    await page.getByLabel('Accept it').check();
    await page.getByLabel('Note', { exact: true }).fill('A priority for the board this year');
    await submit(page, 'Save the decision', /\?done=gap/);
    expect(await page.locator('table', { hasText: 'A priority for the board this year' }).count()).toBe(1);

    // Not agreed until every course has its decision.
    expect(await submit(page, 'Agree the review')).toBe(422);
    expect(await page.locator('.govuk-error-summary').innerText()).toMatch(/Decide on every course before agreeing the review: \d+ courses? ha(s|ve) no decision yet/);
    await checkAccessibility(page, '/review/:year (cannot agree)');
    for (const href of decisionLinks.slice(1)) {
      await page.goto(h.url(href));
      if (await page.getByLabel('Keep it as it is').isChecked()) continue;
      if (await page.getByLabel('Revise it').isChecked()) continue;
      if (await page.getByLabel('Merge it into another course').isChecked()) continue;
      await page.getByLabel('Keep it as it is').check();
      await submit(page, 'Save the decision', /\?done=decided/);
    }
    await submit(page, 'Agree the review', /\?done=agreed/);
    expect(await banner(page)).toContain('The review is agreed');
    expect(await page.getByRole('link', { name: /^Record a decision/ }).count()).toBe(0);
    await checkAccessibility(page, '/review/:year (agreed)');

    // The coordinator starts next year's draft prospectus.
    const coordinator = await h.newPage();
    await openReview(coordinator, 'coordinator@rscp.example');
    expect(await coordinator.locator('li', { hasText: 'Add the local learning review’s case study' }).count()).toBe(1);
    await submit(coordinator, 'Start next year’s draft prospectus', /\?done=started/);
    expect(await banner(coordinator)).toContain('Next year’s draft prospectus is started');
    await checkAccessibility(coordinator, '/review/:year (started)');
    await follow(coordinator, coordinator.getByRole('link', { name: 'check and finish it' }), /\/manage\/prospectuses\//);
    await checkAccessibility(coordinator, '/manage/prospectuses/:id (from the review)');
    expect(await coordinator.locator('main').innerText()).toContain('Draft');
    expect(await coordinator.locator('main').innerText()).toContain('New course:');
    expect(await coordinator.locator('.govuk-warning-text', { hasText: 'proposed from last year’s review' }).count()).toBe(1);
    await screenshot(coordinator, 'review-next-prospectus');

    // A copied course's dates are proposed in the same months; the coordinator confirms one.
    const copied = coordinator.locator('tbody tr', { hasText: 'Face to face' }).filter({ hasNotText: 'New course:' }).first().locator('a');
    await follow(coordinator, copied, /\/manage\/courses\//);
    await checkAccessibility(coordinator, '/manage/courses/:id (proposed dates)');
    const proposedBefore = await coordinator.locator('.govuk-tag', { hasText: 'Proposed' }).count();
    expect(proposedBefore).toBeGreaterThan(0);
    await Promise.all([coordinator.waitForURL(/\?done=session-confirmed/), coordinator.getByRole('button', { name: /^Confirm/ }).first().click()]);
    expect(await banner(coordinator)).toContain('Date confirmed');
    expect(await coordinator.locator('.govuk-tag', { hasText: 'Proposed' }).count()).toBe(proposedBefore - 1);
  }, 300_000);

  it('shows last year’s imported, agreed review beside the years before it, and the years side by side', async () => {
    const page = h.page;
    await signInAs(page, 'reviewer@rscp.example');
    await page.goto(h.url('/review'));
    expect(await page.locator('tr', { hasText: '2025-26' }).innerText()).toMatch(/Imported[\s\S]*Agreed/);
    await follow(page, page.getByRole('link', { name: '2025-26', exact: true }), /\/review\/2025-26$/);
    expect(await page.locator('main').innerText()).toContain('Imported from the partnership’s past records on');
    expect(await page.locator('caption', { hasText: '2025-26 beside the years before it' }).count()).toBe(1);
    await checkAccessibility(page, '/review/2025-26 (imported, agreed)');
    await follow(page, page.getByRole('link', { name: 'Choose other years to compare' }), /\/impact\/years$/);
    expect(await h1(page)).toBe('Years side by side');
    await checkAccessibility(page, '/impact/years');
    await page.getByLabel('2026-27', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Show these years' }).click();
    await page.waitForURL(/years=/);
    expect(await page.locator('thead').innerText()).not.toContain('2026-27');
    expect(await page.locator('thead').innerText()).toContain('2024-25');
    await screenshot(page, 'years-side-by-side');
  }, 120_000);
});
