// "Your competency profile" in real Chromium. No page can make evidence months or years old, so
// before the server starts the harness's `prepare` adds a practitioner in workforce group 3 (a new
// person, clear of the demo's own bookings) and makes their evidence through the services, as the
// competency tests do: a workshop 150 days ago developing A1 and B1, come to with feedback and
// answered three months on with "practice changed" (applied); a briefing 30 days ago developing A3,
// come to with feedback (learned); a course about four years ago developing B2 (due for refresh);
// the rest of group 3's competencies have no evidence (not started). It also adds a course of the
// current prospectus developing A2 with a session in two days, which the profile should suggest.
// The jobs the scheduler would run are run then too, and the mail they queue sent, so none arrives
// while a test waits for a sign-in link.
//
// In the browser the practitioner goes from "Your learning" to the profile by its link, and the
// tests check each competency under its domain with its status tag, dates and evidence, the
// suggestion and the session it leads to, the CSV (fetched through the page, and downloaded
// without JavaScript) against the page, and the page to print (printed without the service's
// header and navigation); once with JavaScript, once without. Every page visited is checked with
// axe-core.

import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { currentPublishedProspectus } from '../../server/catalogue/service';
import { smtpMailer } from '../../server/mail/mailer';
import { cronTable, runJob } from '../../jobs/registry';
import { testConfig } from '../support/app';
import { bookingScope } from '../support/fixtures';
import { answeredSurvey, learnedOn, makeCourse, makeProspectus, makeSessionOf, practitioner } from '../competencies/helpers';
import { checkAccessibility, screenshot, signInAs, useBrowserHarness, type Preparation } from './harness';
import { follow, h1 } from './steps';

const DAY = 86_400_000;
const UUID = '[0-9a-f-]{36}';
const NAME = 'Robin Profile';
const APPLIED_COURSE = 'Recognising and responding workshop';
const LEARNED_COURSE = 'Contextual safeguarding briefing';
const OLD_COURSE = 'Referrals that work';
const SUGGESTED_COURSE = 'Parental mental health and the child';

// ---- Days, worked out apart from the app's code ----------------------------------------

/** The UTC day "YYYY-MM-DD" n days ago (n < 0: ahead), moved a day earlier off 29 February so "three years on" is plain. */
function daysAgo(n: number): string {
  const day = new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
  return day.endsWith('-02-29') ? daysAgo(n + 1) : day;
}
/** The same day three years on (the framework's refresh period). */
const threeYearsOn = (day: string) => `${Number(day.slice(0, 4)) + 3}${day.slice(4)}`;
/** "Monday 12 January 2026", as the pages write a day. */
function dayName(day: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
      .formatToParts(new Date(`${day}T12:00:00Z`))
      .map((x) => [x.type, x.value]),
  );
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}
/** Today in London, "YYYY-MM-DD". */
const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

// Sessions at 10:00 UTC, so each is on the same London day as its UTC day.
const APPLIED_DAY = daysAgo(150);
const SURVEY_DAY = daysAgo(50); // 100 days after the workshop: the survey (due after 91 days) is open
const LEARNED_DAY = daysAgo(30);
const OLD_DAY = daysAgo(4 * 365 + 30);

/** What prepare made, for the tests (prepare runs in this process, before the tests). */
const made: { email: string; sessionId: string } = { email: '', sessionId: '' };

async function prepare({ db, baseUrl, smtpUrl }: Preparation) {
  const person = await practitioner(db, '3', { name: NAME });
  made.email = person.email;
  const past = (await makeProspectus(db, '2019-20')).id;
  const applied = await learnedOn(db, person, past, ['A1', 'B1'], `${APPLIED_DAY}T10:00:00Z`, { title: APPLIED_COURSE });
  await answeredSurvey(db, person, applied.booking.id, SURVEY_DAY, { practiceChanged: 'yes' });
  await learnedOn(db, person, past, ['A3'], `${LEARNED_DAY}T10:00:00Z`, { title: LEARNED_COURSE });
  await learnedOn(db, person, past, ['B2'], `${OLD_DAY}T10:00:00Z`, { title: OLD_COURSE });

  // A session to suggest: a course of the current prospectus developing A2 (not started), in two days.
  const now = new Date();
  const prospectus = await currentPublishedProspectus(await bookingScope(db, now.toISOString()));
  if (!prospectus) throw new Error('The demo has no published prospectus covering today');
  const course = await makeCourse(db, prospectus.id, ['A2'], { title: SUGGESTED_COURSE });
  made.sessionId = (await makeSessionOf(db, course.id, `${daysAgo(-2)}T10:00:00Z`)).id;

  // What the scheduler would do on its next runs, done now: the mail is sent through the SMTP peer.
  const config = testConfig({ baseUrl });
  const mailer = smtpMailer(smtpUrl, config.mailFrom);
  try {
    for (const entry of [...cronTable].reverse()) for (const name of entry.jobs) await runJob(name, { db, mailer, config }, now);
  } finally {
    mailer.close();
  }
}

const h = useBrowserHarness({ prepare });

// ---- What the profile should say --------------------------------------------------------

type Status = 'Not started' | 'Learned' | 'Applied' | 'Due for refresh';
interface Row {
  domain: string;
  code: string;
  statement: string;
  status: Status;
  colour: string;
  /** The lines under the tag. */
  dates: string[];
  /** Each piece of evidence: its first line (kind, day) and what it is; "None yet" is none. */
  evidence: { head: string; text: string }[];
}

const TAG_COLOURS: Record<Status, string> = { 'Not started': 'grey', Learned: 'blue', Applied: 'green', 'Due for refresh': 'orange' };

const notStarted = (domain: string, code: string, statement: string): Row => ({ domain, code, statement, status: 'Not started', colour: 'grey', dates: [], evidence: [] });
const appliedAt = (domain: string, code: string, statement: string): Row => ({
  domain,
  code,
  statement,
  status: 'Applied',
  colour: 'green',
  dates: [`Applied since ${dayName(SURVEY_DAY)}`, `Refresh due ${dayName(threeYearsOn(APPLIED_DAY))}`],
  evidence: [
    { head: `Your three-month survey, ${dayName(SURVEY_DAY)}`, text: `${APPLIED_COURSE}: said practice had changed` },
    { head: `Course, ${dayName(APPLIED_DAY)}`, text: `${APPLIED_COURSE}: attended and gave feedback` },
  ],
});

/** Group 3's nine competencies, by domain in the framework's order. */
const EXPECTED: Row[] = [
  appliedAt('Recognising harm', 'A1', 'Recognise the signs and indicators of abuse, neglect and exploitation'),
  notStarted('Recognising harm', 'A2', 'Understand how parental domestic abuse, substance misuse and mental ill health affect children'),
  {
    domain: 'Recognising harm',
    code: 'A3',
    statement: 'Recognise risks to children online and in the community (contextual safeguarding)',
    status: 'Learned',
    colour: 'blue',
    dates: [`Learned since ${dayName(LEARNED_DAY)}`, `Refresh due ${dayName(threeYearsOn(LEARNED_DAY))}`],
    evidence: [{ head: `Course, ${dayName(LEARNED_DAY)}`, text: `${LEARNED_COURSE}: attended and gave feedback` }],
  },
  appliedAt('Responding and referring', 'B1', 'Know what to do and who to tell when worried about a child'),
  {
    domain: 'Responding and referring',
    code: 'B2',
    statement: 'Make a clear, evidence-based referral to children’s social care or early help',
    status: 'Due for refresh',
    colour: 'orange',
    dates: [`Due for refresh since ${dayName(threeYearsOn(OLD_DAY))}`],
    evidence: [{ head: `Course, ${dayName(OLD_DAY)}`, text: `${OLD_COURSE}: attended and gave feedback` }],
  },
  notStarted('Working together', 'C1', 'Share information lawfully and in good time with partner agencies'),
  notStarted('Working together', 'C2', 'Contribute to multi-agency assessment, planning and review for a child'),
  notStarted('Working together', 'C3', 'Work with families who are hard to engage, keeping the child at the centre'),
  notStarted('Assessment', 'D1', 'Use assessment tools such as the Graded Care Profile to evidence neglect'),
];
const COUNTS = 'Of the 9 competencies your workforce group needs: 2 applied, 1 learned, 1 due for refresh and 5 not started.';

// ---- Reading the page (locators only, so it works without JavaScript too) ---------------

const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The profile's tables as rows: each competency under its table's caption (its domain). */
async function readProfile(page: Page): Promise<Row[]> {
  const rows: Row[] = [];
  const tables = page.locator('main table');
  for (let t = 0; t < (await tables.count()); t++) {
    const table = tables.nth(t);
    const domain = squash(await table.locator('caption').textContent());
    expect(await table.locator('thead th').allTextContents()).toEqual(['Competency', 'Status', 'Evidence']);
    const trs = table.locator('tbody tr');
    for (let r = 0; r < (await trs.count()); r++) {
      const cells = trs.nth(r).locator('td');
      expect(await cells.count()).toBe(3);
      const code = squash(await cells.nth(0).locator('strong').textContent());
      const statement = squash(await cells.nth(0).textContent()).slice(code.length).trim();
      const tag = cells.nth(1).locator('.govuk-tag');
      expect(await tag.count()).toBe(1);
      const status = squash(await tag.textContent()) as Status;
      const colour = (await tag.getAttribute('class'))?.match(/govuk-tag--(\w+)/)?.[1] ?? '';
      const dates = (await cells.nth(1).locator('span').allTextContents()).map(squash);
      const items = cells.nth(2).locator('li');
      const evidence: Row['evidence'] = [];
      for (let i = 0; i < (await items.count()); i++) {
        const head = squash(await items.nth(i).locator('span').textContent());
        const all = squash(await items.nth(i).textContent());
        expect(all.startsWith(head)).toBe(true);
        evidence.push({ head, text: all.slice(head.length).trim() });
      }
      if (!evidence.length) expect(squash(await cells.nth(2).textContent())).toBe('None yet');
      rows.push({ domain, code, statement, status, colour, dates, evidence });
    }
  }
  return rows;
}

/** Checks the profile page (or the page to print) lists what EXPECTED says, and that each tag's colour is its status's. */
async function expectProfile(page: Page) {
  const rows = await readProfile(page);
  expect(rows).toEqual(EXPECTED);
  for (const row of rows) expect(row.colour, row.code).toBe(TAG_COLOURS[row.status]);
  expect(await page.locator('main table caption').allTextContents()).toEqual(['Recognising harm', 'Responding and referring', 'Working together', 'Assessment']);
  expect(squash(await page.locator('main').textContent())).toContain(COUNTS);
  return rows;
}

/** From /learning, by its link, to the profile; both pages checked with axe. */
async function openProfile(page: Page, label: string) {
  await page.goto(h.url('/learning'));
  expect(await h1(page)).toBe('Your learning');
  await checkAccessibility(page, `/learning${label}`);
  await follow(page, page.getByRole('link', { name: 'your competency profile' }), h.url('/learning/competencies'));
  expect(await h1(page)).toBe('Your competency profile');
  expect(await page.title()).toMatch(/^Your competency profile - /);
  await expect(page.locator('main').textContent()).resolves.toContain('Your workforce group is Group 3: work predominantly with children and families, in the Partnership safeguarding competency framework (version 1).');
  await checkAccessibility(page, `/learning/competencies${label}`);
}

/** The suggested sessions: each one's link, address and the codes it says it develops. */
async function suggestions(page: Page) {
  const items = page.locator('main ul.app-suggestions > li');
  const out: { title: string; href: string; text: string; develops: string[]; link: Locator }[] = [];
  for (let i = 0; i < (await items.count()); i++) {
    const link = items.nth(i).getByRole('link');
    const text = squash(await items.nth(i).textContent());
    const develops = text.match(/Develops ([A-Z0-9, ]+)\.$/)?.[1].split(', ') ?? [];
    out.push({ title: squash(await link.textContent()), href: (await link.getAttribute('href')) ?? '', text, develops, link });
  }
  return out;
}

/** The suggestions are sessions of courses developing competencies not started or due, and ours is among them. */
async function expectSuggestions(page: Page, rows: Row[]) {
  await expect(page.getByRole('heading', { level: 2, name: 'Sessions you could book' }).count()).resolves.toBe(1);
  const found = await suggestions(page);
  expect(found.length).toBeGreaterThan(0);
  expect(found.length).toBeLessThanOrEqual(5);
  const status = new Map(rows.map((r) => [r.code, r.status]));
  for (const s of found) {
    expect(s.href, s.title).toMatch(new RegExp(`^/sessions/${UUID}$`));
    expect(s.develops.length, s.text).toBeGreaterThan(0);
    for (const code of s.develops) expect(['Not started', 'Due for refresh'], `${s.title} develops ${code}`).toContain(status.get(code));
  }
  const ours = found.find((s) => s.title === SUGGESTED_COURSE);
  expect(ours, `no suggestion of ${SUGGESTED_COURSE} in ${found.map((s) => s.title).join(', ')}`).toBeDefined();
  expect(ours!.href).toBe(`/sessions/${made.sessionId}`);
  expect(ours!.text).toContain(`${dayName(daysAgo(-2))},`);
  expect(ours!.text).toContain('Riverside House. 20 places left. Develops A2.');
  return ours!;
}

/** Follows the suggestion to its session's page, where a place can be booked. */
async function followSuggestion(page: Page, suggestion: { link: Locator }, label: string) {
  await follow(page, suggestion.link, h.url(`/sessions/${made.sessionId}`));
  expect(squash(await page.locator('main .govuk-caption-l').textContent())).toBe(SUGGESTED_COURSE);
  expect(await h1(page)).toContain(dayName(daysAgo(-2)));
  expect(await page.getByRole('button', { name: 'Book a place' }).count()).toBe(1);
  await checkAccessibility(page, `/sessions/:id${label}`);
}

/** CSV rows as the page's rows, to compare: the statuses as tags say them, the days as the page writes them. */
function csvAsRows(body: string) {
  const records: string[][] = parse(body, { bom: true, relax_column_count: false });
  const [header, ...rows] = records;
  expect(header).toEqual(['domain', 'code', 'competency', 'status', 'since', 'refresh due', 'evidence']);
  const kinds: Record<string, string> = { course: 'Course', 'three-month survey': 'Your three-month survey' };
  return rows.map(([domain, code, statement, status, since, refreshDue, evidence]) => {
    const tag = (status[0].toUpperCase() + status.slice(1)) as Status;
    const dates =
      tag === 'Not started' ? [] : tag === 'Due for refresh' ? [`Due for refresh since ${dayName(refreshDue)}`] : [`${tag} since ${dayName(since)}`, `Refresh due ${dayName(refreshDue)}`];
    if (tag === 'Not started') expect([since, refreshDue]).toEqual(['', '']);
    const pieces = evidence
      ? evidence.split('\n').map((line) => {
          const m = /^(\d{4}-\d{2}-\d{2}) ([a-z -]+): (.+)$/.exec(line);
          if (!m) throw new Error(`An evidence line not as expected: ${line}`);
          return { head: `${kinds[m[2]] ?? m[2]}, ${dayName(m[1])}`, text: m[3] };
        })
      : [];
    return { domain, code, statement, status: tag, colour: TAG_COLOURS[tag], dates, evidence: pieces };
  });
}

/**
 * The page to print, by its link from the profile: the profile alone; printed, without the service's
 * header, navigation and footer. (On screen the page keeps the service's header and navigation, as
 * every page does: app.css hides them only in print.)
 */
async function openPrintable(page: Page, label: string) {
  await follow(page, page.getByRole('link', { name: 'Print your profile' }), h.url('/learning/competencies/print'));
  expect(await h1(page)).toBe(NAME);
  expect(squash(await page.locator('main .govuk-caption-l').textContent())).toBe('Competency profile');
  await expect(page.locator('main').textContent()).resolves.toContain(`As at ${dayName(londonToday())}.`);
  await expectProfile(page);
  expect(await page.locator('main .app-suggestions').count()).toBe(0);
  expect(await page.locator('main a[href$=".csv"]').count()).toBe(0);
  await checkAccessibility(page, `/learning/competencies/print${label}`);

  await page.emulateMedia({ media: 'print' });
  try {
    for (const selector of ['.govuk-template__header', '.govuk-service-navigation', 'nav[aria-label="Menu"]', '.govuk-footer', '.govuk-phase-banner', '.govuk-back-link']) {
      expect(await page.locator(selector).isVisible(), `${selector} printed`).toBe(false);
    }
    expect(await page.getByRole('heading', { level: 1, name: NAME }).isVisible()).toBe(true);
    expect(await page.locator('main table').first().isVisible()).toBe(true);
    expect(await page.getByText('Use your browser’s print command to print this page.').isVisible()).toBe(false);
    // Without JavaScript axe checks a copy of the page, on screen: as printed it is checked with JavaScript only.
    if (!label.includes('no JS')) await checkAccessibility(page, `/learning/competencies/print${label} (as printed)`);
  } finally {
    await page.emulateMedia({ media: null });
  }
}

describe('your competency profile', () => {
  it('from Your learning: each competency by domain with its status and evidence, a suggestion to book, the CSV and the page to print', { timeout: 180_000 }, async () => {
    const page = h.page;
    await signInAs(page, made.email);
    await checkAccessibility(page, '/account');
    await openProfile(page, '');
    const rows = await expectProfile(page);
    await screenshot(page, 'competency-profile');

    // The evidence for the learned one names the course and its day.
    const a3 = page.locator('#competency-A3');
    await expect(a3.locator('.govuk-tag').textContent()).resolves.toBe('Learned');
    expect(squash(await a3.locator('td').nth(2).innerText())).toBe(`Course, ${dayName(LEARNED_DAY)} ${LEARNED_COURSE}: attended and gave feedback`);

    // The CSV, fetched through the page as the link would: a row per competency, as the page says.
    const download = page.getByRole('link', { name: 'Download your profile (CSV)' });
    const href = await download.getAttribute('href');
    expect(href).toBe('/learning/competencies.csv');
    expect(await download.getAttribute('download')).not.toBeNull();
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url, { credentials: 'same-origin' });
      return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), cache: res.headers.get('cache-control'), body: await res.text() };
    }, href!);
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.disposition).toBe(`attachment; filename="competency-profile-robin-profile-${londonToday()}.csv"`);
    expect(csv.cache).toBe('no-store');
    expect(csvAsRows(csv.body)).toEqual(rows);

    // A suggestion: a session of a course developing a competency not started, and its page.
    const suggestion = await expectSuggestions(page, rows);
    await followSuggestion(page, suggestion, '');
    await page.goBack();
    await page.waitForURL(h.url('/learning/competencies'));

    await openPrintable(page, '');
    await screenshot(page, 'competency-profile-print');
  });

  it('works without JavaScript: the profile, what the statuses mean, the download, a suggestion and the page to print', { timeout: 180_000 }, async () => {
    const page = await h.newPage({ javaScriptEnabled: false });
    await signInAs(page, made.email);
    expect(await page.locator('body').getAttribute('class')).not.toContain('js-enabled');
    await checkAccessibility(page, '/account (no JS)');
    await openProfile(page, ' (no JS)');
    const rows = await expectProfile(page);

    // The statuses explained, in a details element that opens without scripts.
    const rules = page.locator('main details');
    expect(await rules.getAttribute('open')).toBeNull();
    await rules.getByText('What the statuses mean').click();
    expect(await rules.getAttribute('open')).not.toBeNull();
    expect(await rules.getByText('there is no learning for it yet').isVisible()).toBe(true);
    await checkAccessibility(page, '/learning/competencies (no JS, statuses explained)');

    // The link downloads the file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download your profile (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe(`competency-profile-robin-profile-${londonToday()}.csv`);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(csvAsRows(Buffer.concat(chunks).toString('utf8'))).toEqual(rows);
    expect(page.url()).toBe(h.url('/learning/competencies'));

    const suggestion = await expectSuggestions(page, rows);
    await followSuggestion(page, suggestion, ' (no JS)');
    await page.goto(h.url('/learning/competencies'));
    await openPrintable(page, ' (no JS)');
  });
});
