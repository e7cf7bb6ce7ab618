// The annual report's training section in real Chromium, on the demo's year: a reviewer opens it
// from the year-end review and reads the drafted paragraphs; changes the wording (an unknown
// placeholder refused with the error summary naming it), sees the new wording filled with the
// year's figures, downloads it as Word, and regenerates the default. Every page visited is checked
// with axe-core.
import { describe, expect, it } from 'vitest';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit } from './steps';

const h = useBrowserHarness();

describe('the annual report’s training section', () => {
  it('a reviewer reads the drafted section, changes its wording, downloads it and regenerates the default', async () => {
    const page = h.page;
    await signInAs(page, 'reviewer@rscp.example');
    await follow(page, page.getByRole('link', { name: 'Year-end review', exact: true }), /\/review$/);
    const year = await page.locator('table a').first().innerText();
    await follow(page, page.locator('table a').first(), new RegExp(`/review/${year}$`));
    await follow(page, page.getByRole('link', { name: `The annual report’s training section for ${year}` }), new RegExp(`/review/${year}/report$`));
    expect(await h1(page)).toBe(`Training in ${year}`);
    expect(await page.locator('main').innerText()).toMatch(new RegExp(`In ${year} the partnership delivered \\d+ sessions of \\d+ courses`));
    await checkAccessibility(page, '/review/:year/report');
    await screenshot(page, 'report-section');

    await follow(page, page.getByRole('button', { name: 'Change the wording' }), /\/report\/wording$/);
    await checkAccessibility(page, '/review/:year/report/wording');
    await page.getByLabel('What was delivered').fill('We ran {sessionsDelivered} sessions and {sessionz} more.');
    expect(await submit(page, 'Save the wording')).toBe(422);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('there is no figure called {sessionz}');
    await checkAccessibility(page, '/review/:year/report/wording (error)');
    await page.getByLabel('What was delivered').fill('Across {year} we ran {sessionsDelivered} sessions.');
    await submit(page, 'Save the wording', /\/report\?done=saved$/);
    expect(await banner(page)).toContain('The wording is saved');
    expect(await page.locator('main').innerText()).toMatch(new RegExp(`Across ${year} we ran \\d+ sessions\\.`));

    const download = await page.context().request.get(h.url(`/review/${year}/report.docx`));
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toBe(`attachment; filename="training-report-${year}.docx"`);
    expect((await download.body()).subarray(0, 2).toString()).toBe('PK');

    await follow(page, page.getByRole('button', { name: 'Change the wording' }), /\/report\/wording$/);
    await submit(page, 'Regenerate the default wording', /\/report\?done=restored$/);
    expect(await page.locator('main').innerText()).toMatch(new RegExp(`In ${year} the partnership delivered`));
  }, 200_000);
});
