// A coordinator changes how long information is kept, and anyone reads the privacy notice that
// says so, in real Chromium. Every page visited is checked with axe-core.

import { describe, expect, it } from 'vitest';
import { checkAccessibility, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit } from './steps';

const h = useBrowserHarness();

describe('the retention policy and the privacy notice', () => {
  it('lets a coordinator change the policy, with clear errors, and the privacy notice says the new values', { timeout: 180_000 }, async () => {
    const visitor = await h.newPage();
    await visitor.goto(h.url('/'));
    await follow(visitor, visitor.locator('footer').getByRole('link', { name: 'Privacy notice' }), h.url('/privacy'));
    expect(await h1(visitor)).toBe('Privacy notice');
    expect(await visitor.locator('#written-answers').innerText()).toContain('for 3 years');
    await checkAccessibility(visitor, 'privacy notice');

    const page = h.page;
    await signInAs(page, 'coordinator@rscp.example');
    await page.goto(h.url('/manage'));
    await follow(page, page.getByRole('link', { name: 'How long information is kept' }), h.url('/manage/retention'));
    expect(await page.locator('#trainingYears').inputValue()).toBe('6');
    await checkAccessibility(page, 'retention policy');

    await page.locator('#freeTextYears').fill('11');
    await page.locator('#trainingYears').fill('');
    expect(await submit(page, 'Save policy')).toBe(422);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Years to keep written answers must be between 1 and 10');
    expect(await page.locator('#trainingYears-error').innerText()).toContain('Enter how many years to keep training records');
    await checkAccessibility(page, 'retention policy with errors');

    await page.locator('#freeTextYears').fill('4');
    await page.locator('#trainingYears').fill('8');
    await submit(page, 'Save policy', h.url('/manage/retention?done=saved'));
    expect(await banner(page)).toContain('Retention policy saved');

    await visitor.goto(h.url('/privacy'));
    expect(await visitor.locator('#written-answers').innerText()).toContain('for 4 years');
    expect(await visitor.locator('#training-records').innerText()).toContain('for 8 years after you last use the service');
  });
});
