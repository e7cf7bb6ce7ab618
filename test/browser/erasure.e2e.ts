// A person's own data and their request to be erased, then a coordinator erasing them, in real
// Chromium. Every page visited is checked with axe-core.

import { describe, expect, it } from 'vitest';
import { checkAccessibility, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit } from './steps';

const h = useBrowserHarness();

describe('a person’s data and their erasure', () => {
  it('shows a practitioner their data, takes their request, and lets a coordinator erase them', { timeout: 180_000 }, async () => {
    const page = h.page;
    await signInAs(page, 'practitioner@rscp.example');
    await page.goto(h.url('/account'));
    await follow(page, page.getByRole('link', { name: 'See everything we hold about you' }), h.url('/account/my-data'));
    expect(await h1(page)).toBe('Your data');
    expect(await page.locator('main').innerText()).toContain('practitioner@rscp.example');
    await checkAccessibility(page, 'my data');

    await page.goto(h.url('/account'));
    await submit(page, 'Ask for my account to be erased', h.url('/account'));
    expect(await page.locator('main').innerText()).toContain('for your account to be erased');
    await checkAccessibility(page, 'account, erasure asked');

    const coordinator = await h.newPage();
    await signInAs(coordinator, 'coordinator@rscp.example');
    await coordinator.goto(h.url('/manage/people'));
    expect(await coordinator.locator('main').innerText()).toContain('Asked to be erased');
    await checkAccessibility(coordinator, 'people with a request');
    await follow(coordinator, coordinator.locator('main table').first().getByRole('link', { name: /^Erase/ }), /\/manage\/people\/[0-9a-f-]{36}\/erase$/);
    expect(await h1(coordinator)).toMatch(/^Erase /);
    await checkAccessibility(coordinator, 'erase confirmation');

    expect(await submit(coordinator, 'Erase this person')).toBe(422);
    expect(await coordinator.locator('.govuk-error-summary').innerText()).toContain('Confirm that you want to erase this person');
    await checkAccessibility(coordinator, 'erase confirmation with an error');

    await coordinator.getByRole('checkbox').check();
    await submit(coordinator, 'Erase this person', h.url('/manage/people?done=erased'));
    expect(await banner(coordinator)).toContain('Person erased');
    expect(await coordinator.locator('main').innerText()).not.toContain('Asked to be erased');
    await checkAccessibility(coordinator, 'people after an erasure');

    // The practitioner's session ended with the erasure.
    await page.goto(h.url('/account'));
    await page.waitForURL(/\/sign-in/);
  });
});
