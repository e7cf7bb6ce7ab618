// A coordinator changes the competency framework in real Chromium: starts a draft from the current
// version, maps group 3 to an outside scheme (sending the form once with the name left out, to see
// the error summary), splits B1 into two competencies that both continue it, removes C3 (then
// listed as not carried forward), looks at the import page, and publishes the draft: version 2 is
// current, version 1 replaced, and the outside scheme shows where people choose their group.
// Every page visited is checked with axe-core.

import { describe, expect, it } from 'vitest';
import { checkAccessibility, signInAs, useBrowserHarness } from './harness';
import { banner, follow, h1, submit } from './steps';

const h = useBrowserHarness();
const UUID = '[0-9a-f-]{36}';
const GROUP_3 = 'Group 3: work predominantly with children and families';

describe('a coordinator changes the competency framework', () => {
  it('edits a draft and publishes it', { timeout: 240_000 }, async () => {
    const page = h.page;
    await signInAs(page, 'coordinator@rscp.example');
    await page.goto(h.url('/manage'));
    await follow(page, page.getByRole('link', { name: 'Competency framework' }), h.url('/manage/framework'));
    expect(await h1(page)).toBe('Competency framework');
    expect(await page.locator('main table tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^Version 1\tPartnership safeguarding competency framework\tCurrent\t\w+day \d+ \w+ \d{4}$/)]);
    await checkAccessibility(page);

    expect(await submit(page, 'Start a new draft', new RegExp(`/manage/framework/versions/${UUID}\\?done=started$`))).toBe(303);
    const draftUrl = page.url().replace(/\?.*$/, '');
    expect(await banner(page)).toContain('Draft started: it is a copy of the current version');
    expect(await h1(page)).toBe('Version 2: Partnership safeguarding competency framework');
    await checkAccessibility(page, '/manage/framework/versions/:id (draft)');

    // Group 3 gets its Intercollegiate level; the first try leaves the name out.
    await follow(page, page.getByRole('link', { name: `Change ${GROUP_3}` }), new RegExp(`/manage/framework/draft/groups/${UUID}$`));
    expect(await h1(page)).toBe('Change the group');
    await checkAccessibility(page, '/manage/framework/draft/groups/:id');
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByLabel('Level in an outside scheme (optional)').fill('Intercollegiate level 3');
    expect(await submit(page, 'Save changes')).toBe(422);
    expect(await page.locator('.govuk-error-summary a').allInnerTexts()).toEqual(['Enter the group’s name']);
    await checkAccessibility(page, '/manage/framework/draft/groups/:id (error)');
    await page.getByLabel('Name', { exact: true }).fill(GROUP_3);
    await submit(page, 'Save changes', `${draftUrl}?done=group-changed`);
    expect(await banner(page)).toContain('Group changed');
    expect(await page.locator('main table').first().innerText()).toContain('Intercollegiate level 3');

    // B1 is split: B1 becomes B1a, and a new B1b continues B1 too.
    await follow(page, page.getByRole('link', { name: /^Change B1 / }), new RegExp(`/manage/framework/draft/competencies/${UUID}$`));
    expect(await h1(page)).toBe('Change the competency');
    await checkAccessibility(page, '/manage/framework/draft/competencies/:id');
    await page.getByLabel('Code', { exact: true }).fill('B1a');
    await page.getByLabel('Competency statement').fill('Know what to do when worried about a child');
    await submit(page, 'Save changes', `${draftUrl}?done=competency-changed`);
    await follow(page, page.getByRole('button', { name: 'Add a competency' }), h.url('/manage/framework/draft/competencies/new'));
    await page.getByLabel('Code', { exact: true }).fill('B1b');
    await page.getByLabel('Domain').fill('Responding and referring');
    await page.getByLabel('Competency statement').fill('Know who to tell, and how, when worried about a child');
    await page.getByRole('group', { name: 'Required for' }).getByLabel(/^Group 3/).check();
    await page.getByLabel('Continues, from the current version').selectOption({ label: 'B1: Know what to do and who to tell when worried about a child' });
    await checkAccessibility(page, '/manage/framework/draft/competencies/new (filled in)');
    await submit(page, 'Add competency', `${draftUrl}?done=competency-added`);
    const table = await page.locator('table', { has: page.locator('caption', { hasText: 'Responding and referring' }) }).innerText();
    expect(table).toMatch(/B1a Know what to do when worried about a child\t[^\n]*B1 of version 1/);
    expect(table).toMatch(/B1b Know who to tell, and how, when worried about a child\t3\t36 months \(the default\)\tB1 of version 1/);

    // C3 goes, and is listed as not carried forward.
    await follow(page, page.getByRole('link', { name: /^Change C3 / }), new RegExp(`/manage/framework/draft/competencies/${UUID}$`));
    await submit(page, 'Remove this competency', `${draftUrl}?done=competency-removed`);
    expect(await page.locator('#not-carried-forward').innerText()).toBe('C3 Work with families who are hard to engage, keeping the child at the centre');
    await checkAccessibility(page, '/manage/framework/versions/:id (draft changed)');

    await follow(page, page.getByRole('link', { name: 'Import a CSV file into the draft' }), h.url('/manage/framework/draft/import'));
    await checkAccessibility(page, '/manage/framework/draft/import');
    await follow(page, page.getByRole('link', { name: 'Back' }), draftUrl);

    expect(await submit(page, 'Publish version 2', `${draftUrl}?done=published`)).toBe(303);
    expect(await banner(page)).toContain('Published: this is now the current version');
    expect(await page.locator('main').innerText()).toContain('People’s profiles read this version. It cannot be changed');
    expect(await page.getByRole('link', { name: /^Change / }).count()).toBe(0);
    await checkAccessibility(page, '/manage/framework/versions/:id (published)');

    await page.goto(h.url('/manage/framework'));
    expect((await page.locator('main table tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(0, 3))).toEqual([
      ['Version 2', 'Partnership safeguarding competency framework', 'Current'],
      ['Version 1', 'Partnership safeguarding competency framework', 'Replaced'],
    ]);
    expect(await page.getByRole('button', { name: 'Start a new draft' }).isVisible()).toBe(true);
    await checkAccessibility(page, '/manage/framework (published)');

    const visitor = await h.newPage();
    await visitor.goto(h.url('/register'));
    expect(await visitor.getByLabel('Workforce group').locator('option').allInnerTexts()).toContain(`${GROUP_3} (Intercollegiate level 3)`);
    await checkAccessibility(visitor, '/register (after publishing)');
  });
});
