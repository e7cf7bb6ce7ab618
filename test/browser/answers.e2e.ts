// "What people said" in real Chromium, on the demo's year: the reviewer opens it from the impact
// dashboard, narrows it to the featured quotations the demo has and then to answers not coded yet,
// codes one with a theme (the checkbox stays ticked, with a banner), and features an answer whose
// author agreed to be quoted and stops featuring it again. Once with JavaScript and once without;
// axe-core checks every page visited.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit } from './steps';

const h = useBrowserHarness();

async function codeAndFeature(page: Page) {
  await signInAs(page, 'reviewer@rscp.example');
  await follow(page, page.getByRole('link', { name: 'Impact', exact: true }), /\/impact$/);
  await follow(page, page.getByRole('link', { name: 'Read what people said' }), /\/impact\/answers$/);
  expect(await h1(page)).toBe('What people said');
  await checkAccessibility(page);

  await page.getByLabel('Featured quotations').selectOption('yes');
  await page.getByRole('button', { name: 'Show the answers' }).click();
  await page.waitForURL(/featured=yes/);
  await checkAccessibility(page, '/impact/answers (featured)');
  expect(await page.locator('.govuk-summary-card').count()).toBeGreaterThan(0);
  expect(await page.locator('.govuk-summary-card .govuk-tag', { hasText: 'Featured quotation' }).count()).toBe(await page.locator('.govuk-summary-card').count());

  await page.getByLabel('Featured quotations').selectOption('');
  await page.getByLabel('Coded with').selectOption('none');
  await page.getByRole('button', { name: 'Show the answers' }).click();
  await page.waitForURL(/code=none/);
  expect(await page.getByLabel('Coded with').inputValue()).toBe('none');
  await follow(page, page.getByRole('link', { name: 'Code or feature answer 1', exact: true }), /\/impact\/answers\/[0-9a-f-]{36}$/);
  await checkAccessibility(page, '/impact/answers/:id');
  await page.getByLabel('Joint working').check();
  await submit(page, 'Save the coding', /done=coded/);
  expect(await banner(page)).toContain('The answer’s coding is saved');
  expect(await page.getByLabel('Joint working').isChecked()).toBe(true);
  expect(await page.locator('main').innerText()).toContain('Coded: Joint working');
  await checkAccessibility(page, '/impact/answers/:id (coded)');

  // An answer whose author agreed to be quoted and that is not featured yet.
  await page.goto(h.url('/impact/answers'));
  const links = await page.locator('.govuk-summary-card__action a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  let found = false;
  for (const link of links) {
    await page.goto(link);
    if (await page.getByRole('button', { name: 'Feature this answer' }).count()) {
      found = true;
      break;
    }
  }
  expect(found).toBe(true);
  await checkAccessibility(page, '/impact/answers/:id (to feature)');
  if (await page.locator('.govuk-warning-text').count()) {
    await submit(page, 'Feature this answer');
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Confirm you have checked');
    await checkAccessibility(page, '/impact/answers/:id (error)');
    await page.getByLabel('I have checked this has no names or identifying details').check();
  }
  await submit(page, 'Feature this answer', /done=featured/);
  expect(await banner(page)).toContain('The answer is featured as a quotation');
  await checkAccessibility(page, '/impact/answers/:id (featured)');
  await screenshot(page, 'answer-featured');
  await submit(page, 'Stop featuring it', /done=unfeatured/);
  expect(await banner(page)).toContain('The answer is no longer featured');
}

describe('what people said', () => {
  it('codes an answer and features a quotation, with JavaScript', { timeout: 240_000 }, async () => {
    await codeAndFeature(h.page);
  });

  it('does the same without JavaScript', { timeout: 240_000 }, async () => {
    await codeAndFeature(await h.newPage({ javaScriptEnabled: false }));
  });
});
