// The coordinator's page for past years' records: check a file (nothing written), import it from
// the check's own button, see that the same file again changes nothing, and see every problem of a
// bad file by line and column with nothing written; nobody but a coordinator gets in.
import { readFileSync } from 'node:fs';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, prospectuses } from '../../db/schema';
import { buildApp, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { signedIn, type Built } from '../manage/helpers';
import { expectWellFormedPage } from '../register/helpers';

const PAGE = '/manage/history';
const FILE = readFileSync(new URL('./year-2023-24.csv', import.meta.url), 'utf8');
let database: OpenDatabase;
let built: Built;
let coordinator: TestClient;
let reviewer: TestClient;

/** A database and app of its own for a group of tests (groups run one at a time), with the hand-counted year imported or not. */
function useApp(options: { imported?: boolean } = {}) {
  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database.db, 'partnership');
    built = buildApp(database.db);
    coordinator = (await signedIn(database.db, built, ['coordinator'])).client;
    reviewer = (await signedIn(database.db, built, ['reviewer'])).client;
    if (options.imported) expect((await send(coordinator, { file: FILE, mode: 'import' })).status).toBe(200);
  });
  afterAll(() => database.close());
}

const written = async () => ({
  years: (await database.db.select({ n: count() }).from(prospectuses))[0].n,
  bookings: (await database.db.select({ n: count() }).from(bookings))[0].n,
});

async function send(client: TestClient, fields: { file?: string; csv?: string; mode?: string }) {
  const form = new FormData();
  form.append('_csrf', await client.csrfToken());
  form.append('file', new Blob([fields.file ?? ''], { type: 'text/csv' }), fields.file === undefined ? '' : 'records.csv');
  form.append('csv', fields.csv ?? '');
  if (fields.mode) form.append('mode', fields.mode);
  return client.request(PAGE, { method: 'POST', body: form });
}

/** The value of the check's hidden field, as a browser would post it back. */
const hiddenCsv = (html: string) =>
  html
    .match(/<input type="hidden" name="csv" value="([^"]*)"/)![1]
    .replace(/&#13;/g, '\r')
    .replace(/&#10;/g, '\n')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('the past years page, before any import', () => {
  useApp();

  it('explains the file and lists no imported years yet', async () => {
    const res = await coordinator.get(PAGE);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectWellFormedPage(html, PAGE);
    expect(html).toContain('No past years have been imported yet.');
    expect(html).toContain('type="file"');
    expect(html).toContain('value="check" checked');
  });

  it('names every problem of a bad file by line and column, and imports nothing', async () => {
    const before = await written();
    const bad = FILE.replace('attended,Neglect', 'atended,Neglect').replace('2024-02-20 10:00,,25,', '2024-02-20 10:00,,lots,');
    const res = await send(coordinator, { file: bad, mode: 'import' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expectWellFormedPage(html, 'the problems');
    expect(html).toContain('The file has 2 problems.');
    expect(html).toMatch(/<td class="govuk-table__cell">2<\/td><td class="govuk-table__cell">status<\/td><td class="govuk-table__cell">&#39;atended&#39; is not one of/);
    expect(html).toMatch(/<td class="govuk-table__cell">24<\/td><td class="govuk-table__cell">capacity<\/td><td class="govuk-table__cell">&#39;lots&#39; is not a whole number/);
    expect(await written()).toEqual(before);
  });

  it('is for coordinators only, and needs the form’s CSRF token', async () => {
    expect((await reviewer.get(PAGE)).status).toBe(403);
    const before = await written();
    expect((await send(reviewer, { file: FILE, mode: 'import' })).status).toBe(403);
    const form = new FormData();
    form.append('csv', FILE);
    form.append('mode', 'import');
    expect((await coordinator.request(PAGE, { method: 'POST', body: form })).status).toBe(403);
    expect(await written()).toEqual(before);
  });
});

describe('checking a file, then importing it from the check', () => {
  useApp();

  it('checks a file without importing it, then imports it from the check', async () => {
    const before = await written();
    const checked = await send(coordinator, { file: FILE, mode: 'check' });
    expect(checked.status).toBe(200);
    const html = await checked.text();
    expectWellFormedPage(html, 'the check');
    expect(html).toContain('The file can be imported');
    expect(html).toMatch(/2023-24 <strong class="govuk-tag govuk-tag--grey">Imported<\/strong><\/span><\/td><td class="govuk-table__cell">2<\/td><td class="govuk-table__cell">3<\/td><td class="govuk-table__cell">1<\/td><td class="govuk-table__cell">32<\/td><td class="govuk-table__cell">25</);
    expect(await written()).toEqual(before);

    const imported = await send(coordinator, { csv: hiddenCsv(html), mode: 'import' });
    expect(imported.status).toBe(200);
    const done = await imported.text();
    expect(done).toContain('32 rows imported');
    expect(await written()).toEqual({ years: before.years + 1, bookings: before.bookings + 32 });

    const list = await (await coordinator.get(PAGE)).text();
    expect(list).toMatch(/<a class="govuk-link" href="\/review\/2023-24">2023-24<\/a>/);
  });
});

describe('after an import', () => {
  useApp({ imported: true });

  it('says the same file again changes nothing', async () => {
    const before = await written();
    const html = await (await send(coordinator, { file: FILE, mode: 'import' })).text();
    expect(html).toContain('This file was imported already');
    expect(await written()).toEqual(before);
  });

  it('marks the imported year wherever it is shown, and offers no way to change it but another import', async () => {
    const tag = '<strong class="govuk-tag govuk-tag--grey">Imported</strong>';
    const reviews = await (await coordinator.get('/review')).text();
    expect(reviews).toMatch(new RegExp(`href="/review/2023-24">2023-24</a> ${tag}`));
    const review = await (await coordinator.get('/review/2023-24')).text();
    expect(review).toContain(`${tag} Imported from the partnership’s past records on`);
    const report = await (await coordinator.get('/review/2023-24/report')).text();
    expect(report).toContain(`${tag} Imported from the partnership’s past records on`);
    const [year] = await database.db.select().from(prospectuses);
    const manage = await (await coordinator.get(`/manage/prospectuses/${year.id}`)).text();
    expect(manage).toContain(tag);
    expect(manage).not.toContain('Add a course');
    expect(manage).not.toContain(`/manage/prospectuses/${year.id}/edit`);
    const list = await (await coordinator.get('/manage/prospectuses')).text();
    expect(list).toContain(tag);
  });

  it('shows the imported years side by side, on the impact pages and in the review', async () => {
    // The same records a year earlier: 2022-23.
    const earlier = FILE.replace(/2023-/g, '2022-').replace(/2024-/g, '2023-');
    expect((await send(coordinator, { file: earlier, mode: 'import' })).status).toBe(200);
    const tag = '<strong class="govuk-tag govuk-tag--grey">Imported</strong>';
    const years = await (await coordinator.get('/impact/years')).text();
    expectWellFormedPage(years, '/impact/years');
    expect(years).toContain(`<th scope="col" class="govuk-table__header">2022-23 ${tag}</th><th scope="col" class="govuk-table__header">2023-24 ${tag}</th>`);
    expect(years).toMatch(/Take-up of places<\/th><td class="govuk-table__cell">42% \(25 of 60\)[^]*?<\/td><td class="govuk-table__cell">42% \(25 of 60\)/);
    const one = await (await coordinator.get('/impact/years?years=2023-24')).text();
    expect(one).not.toContain('2022-23 <strong');
    expect((await coordinator.get('/impact/years?years=1999-00')).status).toBe(400);
    const review = await (await coordinator.get('/review/2023-24')).text();
    expect(review).toContain('2023-24 beside the years before it');
    expect(review).toMatch(/Practice changed<\/th><td class="govuk-table__cell">75% \(9 of 12\)[^]*?<\/td><td class="govuk-table__cell">75% \(9 of 12\)/);
    expect((await reviewer.get('/impact/years')).status).toBe(200);
  });
});
