// The PPL group's impact dashboard in real Chromium, on the demo's year: the reviewer opens it from
// the navigation, reads the delivery figures with their counts and intervals and the warning that
// the police seldom answer, narrows it to a sector and a theme through the form (kept filled in,
// and shareable as a link), and sees the error summary for dates that do not make sense; the
// charts are named images beside their tables, a table downloads as CSV, and the page prints
// without its form and links. Once with JavaScript and once without. Every page visited,
// charts included, is checked with axe-core.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness } from './harness';
import { follow, h1 } from './steps';

const h = useBrowserHarness();

/** The text of a table row whose header cell starts with `label`. */
const row = (page: Page, label: string) => page.locator('tr', { has: page.locator('th', { hasText: label }) }).first().innerText();

async function readDashboard(page: Page) {
  await signInAs(page, 'reviewer@rscp.example');
  await follow(page, page.getByRole('link', { name: 'Impact', exact: true }), /\/impact$/);
  expect(await h1(page)).toBe('Training impact');
  await checkAccessibility(page);
  expect(await row(page, 'Sessions delivered')).toMatch(/Sessions delivered\s+\d+\s+\d+/);
  expect(await row(page, 'Take-up')).toMatch(/\d+% \(\d+ of \d+\)\s*95% interval: \d+% to \d+%/);
  expect(await page.locator('.govuk-warning-text', { hasText: 'Police answered less often than everyone' }).count()).toBe(1);
  await readCharts(page);

  await page.getByLabel('Sector').selectOption('Health');
  await page.getByLabel('Theme').selectOption('Neglect');
  await page.getByRole('button', { name: 'Show the figures' }).click();
  await page.waitForURL(/\/impact\?.*sector=Health/);
  await checkAccessibility(page, '/impact (filtered)');
  expect(await page.getByLabel('Sector').inputValue()).toBe('Health');
  expect(await page.getByLabel('Theme').inputValue()).toBe('Neglect');
  expect(await row(page, 'Attendances')).toMatch(/Attendances.*\s+(\d+|fewer than 5)\s+/s);
  await screenshot(page, 'impact-filtered');

  await page.goto(h.url('/impact?from=2026-05-01&to=2026-04-01'));
  expect(await page.title()).toMatch(/^Error: /);
  expect(await page.locator('.govuk-error-summary').innerText()).toContain('The end must be after the start');
  await checkAccessibility(page, '/impact (error)');
}

/**
 * The charts are images named for what they show, each with its table; a table's CSV link gives
 * the file; printed, the filter form, the navigation and the links are gone and the charts stay.
 */
async function readCharts(page: Page) {
  for (const [name, table] of [
    ['Chart: sessions delivered and attendances by month', 'By month'],
    ['Chart: three-month response rate and practice changed, by theme', 'Three months on, by theme'],
    ['Chart: average confidence before the course, after it and three months on', 'Confidence before, after and three months on'],
  ]) {
    const chart = page.getByRole('img', { name, exact: true });
    expect(await chart.count(), name).toBe(1);
    const tableId = await chart.getAttribute('data-table');
    expect(await page.locator(`table#${tableId} caption`).innerText()).toBe(table);
    expect(await chart.boundingBox()).toMatchObject({ width: expect.any(Number) });
  }
  const link = page.getByRole('link', { name: 'Download “By sector” as CSV' });
  const csv = await page.request.get(new URL((await link.getAttribute('href'))!, page.url()).toString());
  expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="training-impact-[a-z0-9-]+-by-sector\.csv"$/);
  expect(await csv.text()).toContain('Sector,Attendances,People trained');

  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('form.app-filter-panel').isVisible()).toBe(false);
  expect(await page.locator('.govuk-service-navigation').isVisible()).toBe(false);
  expect(await link.isVisible()).toBe(false);
  expect(await page.getByRole('img', { name: /^Chart: average confidence/ }).isVisible()).toBe(true);
  await screenshot(page, 'impact-print');
  await page.emulateMedia({ media: 'screen' });
}

describe('the impact dashboard', () => {
  it('reads the year, narrows it and explains a bad period, with JavaScript', { timeout: 180_000 }, async () => {
    await readDashboard(h.page);
  });

  it('does the same without JavaScript', { timeout: 180_000 }, async () => {
    await readDashboard(await h.newPage({ javaScriptEnabled: false }));
  });
});
