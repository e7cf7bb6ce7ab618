// Learning needs in real Chromium over the demo: a reviewer goes from the navigation to the gap
// map and on to an organisation's figures (no names); the demo's organisation lead goes from the
// navigation to their own organisation's analysis, with the people to talk to, with and without
// JavaScript. Every page visited is checked with axe-core.
import { describe, expect, it } from 'vitest';
import { checkAccessibility, signInAs, useBrowserHarness } from './harness';
import { follow, h1 } from './steps';

const h = useBrowserHarness();
const UUID = '[0-9a-f-]{36}';

describe('learning needs', () => {
  it('takes a reviewer from the navigation to the gap map and an organisation’s figures, without names', { timeout: 120_000 }, async () => {
    const page = h.page;
    await signInAs(page, 'reviewer@rscp.example');
    await follow(page, page.locator('.govuk-service-navigation').getByRole('link', { name: 'Learning needs' }), h.url('/learning-needs'));
    expect(await h1(page)).toBe('Learning needs: the partnership’s gap map');
    await checkAccessibility(page);
    expect(await page.locator('table.app-gap-map').count()).toBeGreaterThan(1);
    await follow(page, page.locator('table.app-gap-map a.govuk-link').first(), new RegExp(`/learning-needs/organisations/${UUID}$`));
    expect(await h1(page)).toMatch(/^Learning needs: /);
    await checkAccessibility(page);
    expect(await page.getByRole('heading', { name: 'People to talk to' }).count()).toBe(0);
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`takes the organisation’s lead to their own organisation, with the people to talk to (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, { timeout: 120_000 }, async () => {
      const page = javaScriptEnabled ? h.page : await h.newPage({ javaScriptEnabled });
      await signInAs(page, 'lead@rscp.example');
      await follow(page, page.locator('.govuk-service-navigation').getByRole('link', { name: 'Learning needs' }), new RegExp(`/learning-needs/organisations/${UUID}$`));
      expect(await h1(page)).toMatch(/^Learning needs: /);
      expect(await page.getByRole('heading', { name: 'People to talk to' }).count()).toBe(1);
      await checkAccessibility(page);
    });
  }
});
