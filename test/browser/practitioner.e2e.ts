// A newcomer's journey in real Chromium: the prospectus and its filters, a course and a
// session, registering (with the GOV.UK error pattern), signing in by emailed link and
// signing out; with JavaScript on and off. Every page visited is checked with axe-core.

import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkAccessibility, mailCount, screenshot, signInAs, signInLinkIn, useBrowserHarness, waitForMail } from './harness';
import { staticFile } from '../../web/layout';

const h = useBrowserHarness();
const SERVICE = 'RSCP safeguarding training';

/** "21 courses" or "3 courses match your filters": the number. */
async function resultCount(page: Page): Promise<number> {
  const text = await page.locator('main [role="status"]').innerText();
  const match = text.match(/^(\d+) courses?/);
  if (!match) throw new Error(`No result count in "${text}"`);
  return Number(match[1]);
}

/** Each listed course: its title, link and the values of its summary rows. */
async function listedCourses(page: Page) {
  return page.locator('.app-course-list > li').evaluateAll((items) =>
    items.map((li) => {
      const link = li.querySelector('h2 a') as HTMLAnchorElement;
      const rows: Record<string, string> = {};
      for (const row of Array.from(li.querySelectorAll('.govuk-summary-list__row'))) {
        rows[row.querySelector('dt')!.textContent!.trim()] = row.querySelector('dd')!.textContent!.trim();
      }
      return { title: link.textContent!.trim(), href: link.getAttribute('href')!, rows };
    }),
  );
}

/** Applies the filter form (a plain GET form: works with or without JavaScript). */
async function applyFilters(page: Page) {
  // waitForURL returns at once when the address already matches, so wait for the new page's load.
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Apply filters' }).click()]);
  await page.waitForURL(/\/courses\?/);
}

/** Checks the GOV.UK stylesheet really applies (not just that the markup is there). */
async function expectGovukStyling(page: Page) {
  const styles = await page.evaluate(() => {
    const css = (selector: string) => {
      const el = document.querySelector(selector);
      return el ? getComputedStyle(el) : undefined;
    };
    return {
      stylesheets: Array.from(document.styleSheets).map((s) => s.href?.replace(location.origin, '')),
      rules: Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0),
      container: css('.govuk-width-container')?.maxWidth,
      h1Weight: css('h1')?.fontWeight,
      footerBorder: css('.govuk-footer')?.borderTopStyle,
      bodyFont: css('.govuk-body, .govuk-body-l')?.fontFamily,
    };
  });
  // The fingerprinted copies (scripts/build-assets.mjs), which browsers may keep for a year.
  expect(styles.stylesheets).toEqual(expect.arrayContaining([staticFile('govuk-frontend.min.css'), staticFile('app.css')]));
  expect(styles.rules).toBeGreaterThan(500);
  expect(styles.container).toBe('960px');
  expect(styles.h1Weight).toBe('700');
  expect(styles.footerBorder).toBe('solid');
  expect(styles.bodyFont).toMatch(/arial, sans-serif$/);
}

describe('a newcomer finds a course', () => {
  it('goes from the home page to the prospectus, filters by theme, month and words, and opens a course and a session', async () => {
    const page = h.page;
    const home = await page.goto(h.url('/'));
    expect(home?.status()).toBe(200);
    await expect(page.title()).resolves.toBe(`Home - ${SERVICE}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Rotherham Safeguarding Children Partnership training');
    expect(await page.locator('body').getAttribute('class')).toContain('js-enabled');
    await expectGovukStyling(page);
    await checkAccessibility(page);

    // The start button.
    await Promise.all([page.waitForURL(h.url('/courses')), page.getByRole('button', { name: /^Browse the \d{4}-\d{2} prospectus/ }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Learning and development prospectus \d{4}-\d{2}$/);
    const navItem = page.locator('.govuk-service-navigation__item--active a');
    expect(await navItem.getAttribute('aria-current')).toBe('page');
    const total = await resultCount(page);
    const all = await listedCourses(page);
    expect(total).toBeGreaterThan(10);
    expect(all).toHaveLength(total);
    expect(await page.locator('main [role="status"]').innerText()).toBe(`${total} courses`);
    await expectGovukStyling(page);
    await checkAccessibility(page);
    await screenshot(page, 'prospectus');

    // By theme.
    await page.getByLabel('Theme').selectOption('Neglect');
    await applyFilters(page);
    expect(new URL(page.url()).searchParams.get('theme')).toBe('Neglect');
    const byTheme = await listedCourses(page);
    expect(await resultCount(page)).toBe(byTheme.length);
    expect(byTheme.length).toBeGreaterThan(0);
    expect(byTheme.length).toBeLessThan(total);
    for (const course of byTheme) expect(course.rows.Themes, course.title).toContain('Neglect');
    expect(byTheme.map((c) => c.title)).toContain('Graded Care Profile');
    expect(await page.locator('main [role="status"]').innerText()).toMatch(/match your filters$/);
    // The form remembers the choice.
    expect(await page.getByLabel('Theme').inputValue()).toBe('Neglect');
    await checkAccessibility(page, '/courses?theme=Neglect');

    // Clear, then by month: December of the prospectus year (always inside April to March).
    await Promise.all([page.waitForURL(h.url('/courses')), page.getByRole('link', { name: 'Clear filters' }).click()]);
    expect(await resultCount(page)).toBe(total);
    const december = await page.getByLabel('Month').locator('option').evaluateAll((options) =>
      options.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent!.trim() })).find((o) => o.value.endsWith('-12')),
    );
    expect(december?.text).toMatch(/^December \d{4}$/);
    await page.getByLabel('Month').selectOption(december!.value);
    await applyFilters(page);
    const byMonth = await listedCourses(page);
    expect(await resultCount(page)).toBe(byMonth.length);
    expect(byMonth.length).toBeGreaterThan(0);
    expect(byMonth.length).toBeLessThan(total);
    // Every course listed has a date in December: read each course page (over HTTP, not a page visit).
    for (const course of byMonth) {
      const html = await (await page.request.get(h.url(course.href))).text();
      expect(html, course.title).toContain(december!.text);
    }
    // And a course with no December date is not listed.
    const notListed = all.filter((c) => !byMonth.some((m) => m.title === c.title));
    expect(notListed.length).toBeGreaterThan(0);
    const outside = await (await page.request.get(h.url(notListed[0].href))).text();
    expect(outside).not.toContain(december!.text);
    await checkAccessibility(page, `/courses?month=${december!.value}`);

    // Theme and month together narrow further (or equal), never widen.
    await page.getByLabel('Theme').selectOption('Safer workforce');
    await applyFilters(page);
    const both = await listedCourses(page);
    expect(both.length).toBeLessThanOrEqual(byMonth.length);
    for (const course of both) {
      expect(course.rows.Themes).toContain('Safer workforce');
      expect(byMonth.map((c) => c.title)).toContain(course.title);
    }
    await checkAccessibility(page, `/courses?theme=Safer+workforce&month=${december!.value}`);

    // By words, from a clear form.
    await Promise.all([page.waitForURL(h.url('/courses')), page.getByRole('link', { name: 'Clear filters' }).click()]);
    await page.getByLabel('Search').fill('safer recruitment');
    await applyFilters(page);
    const byWords = await listedCourses(page);
    expect(await resultCount(page)).toBe(2);
    expect(byWords.map((c) => c.title).sort()).toEqual(['Safer Recruitment (evening)', 'Safer Recruitment for Schools']);
    expect(await page.getByLabel('Search').inputValue()).toBe('safer recruitment');
    await checkAccessibility(page, '/courses?q=safer+recruitment');

    // Words that match nothing say so.
    await page.getByLabel('Search').fill('zzzz no such course');
    await applyFilters(page);
    expect(await resultCount(page)).toBe(0);
    await expect(page.getByText('No courses match. Try fewer filters or other words.').isVisible()).resolves.toBe(true);
    await checkAccessibility(page, '/courses?q=(no match)');

    // A course.
    await page.getByLabel('Search').fill('toxic trio');
    await applyFilters(page);
    const [toxic] = await listedCourses(page);
    expect(toxic.title).toBe('The Toxic Trio: Parental Domestic Abuse, Substance Misuse and Mental Health');
    await Promise.all([page.waitForURL(h.url(toxic.href)), page.getByRole('link', { name: toxic.title }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(toxic.title);
    await expect(page.title()).resolves.toBe(`${toxic.title} - ${SERVICE}`);
    await expect(page.getByRole('heading', { name: 'What you will learn' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Understand the impact of the toxic trio on children').isVisible()).resolves.toBe(true);
    expect(await page.locator('.govuk-back-link').getAttribute('href')).toBe('/courses');
    const dates = page.locator('table.govuk-table tbody tr');
    expect(await dates.count()).toBeGreaterThan(0);
    await checkAccessibility(page, '/courses/:id');

    // A session.
    const sessionLink = dates.first().locator('a');
    const when = (await sessionLink.innerText()).trim();
    await Promise.all([page.waitForURL(/\/sessions\/[0-9a-f-]{36}$/), sessionLink.click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(when);
    expect(when).toMatch(/^(Monday|Tuesday|Wednesday|Thursday|Friday) \d{1,2} \w+ \d{4}, (9:30am|10am) to \d{1,2}(:\d\d)?(am|pm)$/);
    const keys = await page.locator('.govuk-summary-list__key').allInnerTexts();
    expect(keys).toEqual(['Date and time', 'Where', 'Trainer', 'Places', 'Booking closes']);
    await expect(page.getByText('Tariq Trainer').isVisible()).resolves.toBe(true);
    await checkAccessibility(page, '/sessions/:id');
    await Promise.all([page.waitForURL(h.url(toxic.href)), page.getByRole('link', { name: `More about ${toxic.title}` }).click()]);
  });
});

describe('a newcomer registers and signs in', () => {
  it('sees the GOV.UK error pattern for missing answers, registers, signs in by the emailed link and signs out', async () => {
    const page = h.page;
    await page.goto(h.url('/'));
    await checkAccessibility(page);
    await Promise.all([page.waitForURL(h.url('/sign-in')), page.locator('.govuk-service-navigation').getByRole('link', { name: 'Sign in' }).click()]);
    await checkAccessibility(page);
    await Promise.all([page.waitForURL(h.url('/register')), page.getByRole('link', { name: 'Register for an account' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Register for safeguarding training');
    await checkAccessibility(page);

    // Only a name: every other required answer is reported, in the order of the form.
    await page.getByLabel('Full name').fill('Nia Newcomer');
    const errorResponse = page.waitForResponse((r) => r.url() === h.url('/register') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Register' }).click();
    expect((await errorResponse).status()).toBe(422);
    await page.waitForLoadState('load');
    await expect(page.title()).resolves.toBe(`Error: Register - ${SERVICE}`);
    const summary = page.locator('.govuk-error-summary');
    await expect(summary.isVisible()).resolves.toBe(true);
    expect(await summary.getByRole('heading', { level: 2 }).innerText()).toBe('There is a problem');
    // GOV.UK Frontend moves focus to the summary so screen readers announce it.
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), undefined, { timeout: 5_000 });
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => ({ text: a.textContent!.trim(), href: a.getAttribute('href') })));
    expect(links).toEqual([
      { text: 'Enter an email address', href: '#email' },
      { text: 'Select your organisation', href: '#organisationId' },
      { text: 'Enter your job title', href: '#jobTitle' },
      { text: 'Select your workforce group', href: '#workforceGroupId' },
    ]);
    // Each field with an error says so, and the field points at its message.
    for (const [id, message] of [['email', 'Enter an email address'], ['organisationId', 'Select your organisation'], ['jobTitle', 'Enter your job title'], ['workforceGroupId', 'Select your workforce group']]) {
      const field = page.locator(`#${id}`);
      expect(await field.getAttribute('aria-describedby'), id).toContain(`${id}-error`);
      expect((await page.locator(`#${id}-error`).textContent())!.replace(/\s+/g, ' ').trim()).toBe(`Error: ${message}`);
      expect(await field.evaluate((el) => el.closest('.govuk-form-group')!.classList.contains('govuk-form-group--error')), id).toBe(true);
    }
    // The answer given is kept, and has no error.
    expect(await page.getByLabel('Full name').inputValue()).toBe('Nia Newcomer');
    expect(await page.locator('#name-error').count()).toBe(0);
    await checkAccessibility(page, '/register (with errors)');
    await screenshot(page, 'register-errors');

    // A summary link takes focus to its field (a select here).
    await summary.getByRole('link', { name: 'Select your organisation' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'organisationId', undefined, { timeout: 5_000 });
    await summary.getByRole('link', { name: 'Enter an email address' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'email', undefined, { timeout: 5_000 });

    // Complete it.
    const email = `nia.newcomer.${Date.now()}@partner.example`;
    await page.getByLabel('Work email address').fill(email);
    const organisation = 'The Rotherham NHS Foundation Trust';
    await page.getByLabel('Organisation').selectOption({ label: organisation });
    await page.getByLabel('Job title').fill('Health visitor');
    await page.getByLabel('Workforce group').selectOption({ index: 3 });
    const group = await page.getByLabel('Workforce group').evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent!.trim());
    expect(group).toMatch(/^Group 3/);
    const since = mailCount();
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await expect(page.getByText(`If ${email} has an account, we have sent it a link to sign in.`).isVisible()).resolves.toBe(true);
    await checkAccessibility(page, '/register (check your email)');

    // The email, through real SMTP.
    const mail = await waitForMail(email, since);
    expect(mail.subject).toBe('Your sign-in link for RSCP safeguarding training');
    expect(mail.text).toContain('Hello Nia Newcomer,');
    expect(mail.text).toContain('Thank you for registering');
    const link = signInLinkIn(mail);
    expect(link.startsWith(`${h.baseUrl}/sign-in/link?token=`)).toBe(true);

    // Following the link only shows a button; pressing it signs in.
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in');
    await checkAccessibility(page, '/sign-in/link');
    await Promise.all([page.waitForURL(h.url('/account')), page.getByRole('button', { name: 'Continue to sign in' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Your account');
    const account = await page.locator('.govuk-summary-list').innerText();
    expect(account).toContain('Nia Newcomer');
    expect(account).toContain(email);
    expect(account).toContain('practitioner');
    const nav = page.locator('.govuk-service-navigation');
    await expect(nav.getByRole('link', { name: 'Your account' }).isVisible()).resolves.toBe(true);
    await expect(nav.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
    expect(await nav.getByRole('link', { name: 'Manage' }).count()).toBe(0);
    await checkAccessibility(page);

    // The link works once.
    const again = await page.context().newPage();
    await again.goto(link);
    await Promise.all([again.waitForURL(h.url('/sign-in/link')), again.getByRole('button', { name: 'Continue to sign in' }).click()]);
    expect(await again.getByRole('heading', { level: 1 }).innerText()).toBe('This sign-in link has expired');
    await checkAccessibility(again, '/sign-in/link (used link)');
    await again.close();

    // Sign out.
    await Promise.all([page.waitForURL(h.url('/')), nav.getByRole('button', { name: 'Sign out' }).click()]);
    await expect(nav.getByRole('link', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    expect(await nav.getByRole('link', { name: 'Your account' }).count()).toBe(0);
    await checkAccessibility(page, '/ (signed out)');
    await page.goto(h.url('/account'));
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/sign-in?next=%2Faccount');
  });

  it('shows the same "Check your email" page for an email with no account, and sends it nothing', async () => {
    const page = h.page;
    const mainText = async () => (await page.locator('main').innerText()).trim();

    const since = mailCount();
    await page.goto(h.url('/sign-in'));
    await page.getByLabel('Work email address').fill('nobody.here@nowhere.example');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await expect(page.title()).resolves.toBe(`Check your email - ${SERVICE}`);
    const unknown = await mainText();
    await checkAccessibility(page, '/sign-in (unknown email)');

    await page.goto(h.url('/sign-in'));
    await page.getByLabel('Work email address').fill('practitioner@rscp.example');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    const known = await mainText();
    await checkAccessibility(page, '/sign-in (known email)');
    expect(unknown.replace('nobody.here@nowhere.example', 'EMAIL')).toBe(known.replace('practitioner@rscp.example', 'EMAIL'));

    // The outbox sends in order: once the known person's mail is here, none went to the unknown one.
    await waitForMail('practitioner@rscp.example', since);
    const to = h.smtp.received.slice(since).flatMap((m) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address)));
    expect(to).not.toContain('nobody.here@nowhere.example');
  });

  it('reports a sign-in form with no email as an error', async () => {
    const page = h.page;
    await page.goto(h.url('/sign-in'));
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.title()).resolves.toBe(`Error: Sign in - ${SERVICE}`);
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), undefined, { timeout: 5_000 });
    expect(await page.locator('.govuk-error-summary a').getAttribute('href')).toBe('#email');
    await checkAccessibility(page, '/sign-in (with errors)');
  });

  it('signs the demo accounts in through signInAs, for other test files', async () => {
    const page = h.page;
    await signInAs(page, 'practitioner@rscp.example');
    expect(await page.locator('.govuk-summary-list').innerText()).toContain('Priya Practitioner');
    await checkAccessibility(page, '/account (practitioner)');

    const coordinator = await h.newPage();
    await signInAs(coordinator, 'coordinator@rscp.example');
    expect(await coordinator.locator('.govuk-summary-list').innerText()).toContain('Chris Coordinator');
    await expect(coordinator.locator('.govuk-service-navigation').getByRole('link', { name: 'Manage' }).isVisible()).resolves.toBe(true);
    await expect(coordinator.getByRole('heading', { name: 'API tokens' }).isVisible()).resolves.toBe(true);
    await checkAccessibility(coordinator, '/account (coordinator)');
  });
});

describe('other pages', () => {
  it('answers an unknown course with the 404 page', async () => {
    const page = h.page;
    const res = await page.goto(h.url('/courses/00000000-0000-4000-8000-000000000000'));
    expect(res?.status()).toBe(404);
    await expect(page.title()).resolves.toBe(`Page not found - ${SERVICE}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found');
    await expectGovukStyling(page);
    await checkAccessibility(page, '/courses/unknown (404)');
  });

  it('answers an unknown address with the 404 page', async () => {
    const page = h.page;
    const res = await page.goto(h.url('/no-such-page'));
    expect(res?.status()).toBe(404);
    await expect(page.title()).resolves.toBe(`Page not found - ${SERVICE}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found');
    await expectGovukStyling(page);
    await checkAccessibility(page, '/no-such-page (404)');
  });

  it('links to the accessibility statement from every page footer', async () => {
    const page = h.page;
    await page.goto(h.url('/courses'));
    await Promise.all([page.waitForURL(h.url('/accessibility')), page.locator('.govuk-footer').getByRole('link', { name: 'Accessibility statement' }).click()]);
    await expect(page.title()).resolves.toBe(`Accessibility statement - ${SERVICE}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Accessibility statement');
    await expect(page.getByText('use the whole service without JavaScript').isVisible()).resolves.toBe(true);
    await checkAccessibility(page);
  });

  it('has a skip link that moves to the main content', async () => {
    const page = h.page;
    await page.goto(h.url('/courses'));
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), href: document.activeElement?.getAttribute('href') }));
    expect(focused).toEqual({ text: 'Skip to main content', href: '#main-content' });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main-content', undefined, { timeout: 5_000 });
    await checkAccessibility(page);
  });
});

describe('without JavaScript', () => {
  it('filters the prospectus, registers and signs in', async () => {
    const page = await h.newPage({ javaScriptEnabled: false });
    await page.goto(h.url('/courses'));
    expect(await page.locator('body').getAttribute('class')).not.toContain('js-enabled');
    await expectGovukStyling(page);
    const total = await resultCount(page);
    await checkAccessibility(page, '/courses (no JS)');

    await page.getByLabel('Theme').selectOption('Online safety');
    await page.getByLabel('Search').fill('digital');
    await applyFilters(page);
    const params = new URL(page.url()).searchParams;
    expect(params.get('theme')).toBe('Online safety');
    expect(params.get('q')).toBe('digital');
    const found = await listedCourses(page);
    expect(await resultCount(page)).toBe(found.length);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(total);
    for (const course of found) expect(course.rows.Themes).toContain('Online safety');
    expect(found.map((c) => c.title)).toContain('Digital Safeguarding Training');
    await checkAccessibility(page, '/courses?theme=Online+safety&q=digital (no JS)');

    // Register: errors first, then complete.
    await page.goto(h.url('/register'));
    await checkAccessibility(page, '/register (no JS)');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.title()).resolves.toBe(`Error: Register - ${SERVICE}`);
    expect(await page.locator('.govuk-error-summary a').count()).toBe(5);
    expect(await page.locator('.govuk-error-message').count()).toBe(5);
    await checkAccessibility(page, '/register (with errors, no JS)');
    // Without JavaScript the summary link is a plain in-page link to the field.
    await page.locator('.govuk-error-summary').getByRole('link', { name: 'Enter your full name' }).click();
    await page.waitForURL(/#name$/);

    const email = `no.script.${Date.now()}@partner.example`;
    await page.getByLabel('Full name').fill('Sam Noscript');
    await page.getByLabel('Work email address').fill(email);
    await page.getByLabel('Organisation').selectOption({ index: 1 });
    await page.getByLabel('Job title').fill('Youth worker');
    await page.getByLabel('Workforce group').selectOption({ index: 2 });
    const since = mailCount();
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await checkAccessibility(page, '/register (check your email, no JS)');

    await page.goto(signInLinkIn(await waitForMail(email, since)));
    await checkAccessibility(page, '/sign-in/link (no JS)');
    await Promise.all([page.waitForURL(h.url('/account')), page.getByRole('button', { name: 'Continue to sign in' }).click()]);
    expect(await page.locator('.govuk-summary-list').innerText()).toContain('Sam Noscript');
    await checkAccessibility(page, '/account (no JS)');
    const nav = page.locator('.govuk-service-navigation');
    await Promise.all([page.waitForURL(h.url('/')), nav.getByRole('button', { name: 'Sign out' }).click()]);
    await expect(nav.getByRole('link', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  });
});

describe('the harness', () => {
  it('fails a page with an accessibility violation, naming the rule and the element', async () => {
    const page = h.page;
    await page.goto(h.url('/accessibility'));
    // Break the page in the browser only: an image with no text alternative.
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.id = 'no-alt';
      img.src = '/assets/images/favicon.svg';
      document.querySelector('main')!.append(img);
    });
    const error = await checkAccessibility(page, '/accessibility (deliberately broken)').then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/image-alt .*Images must have alternative text/);
    expect(error?.message).toContain('#no-alt');
  });
});
