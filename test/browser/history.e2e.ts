// Past years' records in real Chromium: a coordinator opens the page from Manage, uploads the
// hand-counted year (test/history/year-2023-24.csv) to check it, sees what it would bring in, imports
// it from the check's own button, and finds the year marked imported among the prospectus years.
// Every page visited is checked with axe-core.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit } from './steps';

const h = useBrowserHarness();
const FILE = fileURLToPath(new URL('../history/year-2023-24.csv', import.meta.url));

describe('past years’ records', () => {
  it('a coordinator checks a file, imports it, and sees the year marked imported', async () => {
    const page = h.page;
    await signInAs(page, 'coordinator@rscp.example');
    await page.goto(h.url('/manage'));
    await follow(page, page.getByRole('link', { name: 'Past years’ records' }), /\/manage\/history$/);
    expect(await h1(page)).toBe('Import past years’ records');
    await checkAccessibility(page, '/manage/history');
    // The demo's own imported years are listed.
    expect(await page.locator('table', { hasText: 'Years imported so far' }).innerText()).toContain('2024-25');

    // Nothing chosen: the form again with its error.
    expect(await submit(page, 'Continue')).toBe(422);
    await checkAccessibility(page, '/manage/history (error)');

    await page.getByLabel('Upload the CSV file').setInputFiles(FILE);
    await page.getByLabel('Check the file only').check();
    await submit(page, 'Continue', /\/manage\/history$/);
    expect(await h1(page)).toBe('The file can be imported');
    expect(await page.locator('tbody tr', { hasText: '2023-24' }).innerText()).toMatch(/2023-24\s+Imported\s+2\s+3\s+1\s+32\s+25\s+15\s+25\s+12/);
    await checkAccessibility(page, '/manage/history (checked)');
    await screenshot(page, 'history-checked');

    await submit(page, 'Import the file', /\/manage\/history$/);
    expect(await banner(page)).toContain('32 rows imported');
    await checkAccessibility(page, '/manage/history (imported)');
    await follow(page, page.getByRole('link', { name: 'Open the review of 2023-24' }), /\/review\/2023-24$/);
    expect(await page.locator('main').innerText()).toContain('Imported from the partnership’s past records on');
    await checkAccessibility(page, '/review/2023-24 (imported)');
  }, 180_000);
});
