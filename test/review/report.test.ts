// The annual report's training section against the hand-counted year (test/impact/fixture.ts):
// the drafted paragraphs hold exactly the figures counted, a small count read "fewer than 5" and
// a sentence about a withheld rate left out; only consented featured answers are quoted, without
// names; a wording naming an unknown placeholder is refused and changes nothing; a saved wording
// is audited and read with the current figures, and regenerating restores the default; the Word
// document holds the same words and numbers as the page; only reviewers change the wording, with
// the CSRF token; coordinators read; nobody else gets in.
import { eq, inArray } from 'drizzle-orm';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, bookings, followUpSurveys, impactResponses, people, sessions, yearReviewReports } from '../../db/schema';
import { DEFAULT_PARAGRAPHS, fill, getReport, PLACEHOLDERS, saveReportWording, type ReportFigures } from '../../server/review/report';
import { isDomainError } from '../../server/shared/errors';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { expectAccessiblePage } from '../feedback/helpers';
import { writeReviewYear } from './fixture';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let f: Awaited<ReturnType<typeof writeReviewYear>>;
const YEAR = '2025-26';
const PAGE = `/review/${YEAR}/report`;
const CONSENTED = 'I now check the neglect toolkit at every home visit.';
const UNCONSENTED = 'Words that were never agreed to be quoted.';

// Each test has the hand-counted year in a database of its own: one changes the wording, another cancels a session.
beforeEach(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  f = await writeReviewYear(database.db);
  // Two answers of the year featured: one whose author agreed to be quoted, one (set straight in the table) whose author did not.
  const answers = await database.db
    .select({ id: impactResponses.id })
    .from(impactResponses)
    .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
    .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .where(eq(sessions.courseId, f.courses.c1.id))
    .orderBy(impactResponses.id)
    .limit(2);
  const featuredAt = new Date('2026-04-02T09:00:00Z');
  await database.db.update(impactResponses).set({ practiceChangeHow: CONSENTED, quotationConsent: true, featuredAt }).where(eq(impactResponses.id, answers[0].id));
  await database.db.update(impactResponses).set({ practiceChangeHow: UNCONSENTED, quotationConsent: false, featuredAt }).where(eq(impactResponses.id, answers[1].id));
  built = buildApp(database.db);
});
afterEach(() => database.close());

const as = (personId: string) => new TestClient(built.app).signInAs(database.db, personId, built.clock.now(), built.config);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

// The year as counted in test/impact/fixture.ts (and test/impact/figures.test.ts).
const DRAFTED = [
  'In 2025-26 the partnership delivered 3 sessions of 2 courses, 11 hours of training, with 28 places offered. The number of sessions cancelled was 1.',
  // Take-up is withheld (it would tell the walk-ins, fewer than 5): its sentence is left out.
  '15 people from 3 organisations in 3 sectors attended, 20 attendances in all. Fewer than 5 people who had a place did not attend.',
  'On the day, 60% (12 of 20) of attendances were followed by feedback. Confidence rose on average by 3.3 (12 people; 95% interval 2.3 to 4.2) points on a scale of 1 to 10.',
  'Three months later, 56% (5 of 9) of those who answered said their practice had changed. 60% (9 of 15) of the surveys sent were answered. 57% (4 of 7) of those it applied to said an outcome for a child or family had improved, and 56% (5 of 9) had shared their learning with colleagues.',
  'Line managers answered 83% (5 of 6) of the surveys sent to them, and 60% (3 of 5) of those had seen a change in practice.',
];

async function docxText(res: Response) {
  const zip = await JSZip.loadAsync(await res.arrayBuffer());
  // The parts Word needs to open it: content types, the package's and the document's relationships, the styles its headings use.
  expect(Object.keys(zip.files).filter((name) => !zip.files[name].dir).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'word/_rels/document.xml.rels', 'word/document.xml', 'word/styles.xml']);
  expect(await zip.file('[Content_Types].xml')!.async('string')).toContain('PartName="/word/document.xml"');
  const xml = await zip.file('word/document.xml')!.async('string');
  // Each paragraph on a line of its own, the runs within it joined.
  return xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('the drafted section', () => {
  it('says the year in words with exactly the figures counted, small counts as "fewer than 5" and withheld rates left out', async () => {
    const report = await getReport(f.reviewer, YEAR);
    expect(report.paragraphs.map((p) => p.text)).toEqual(DRAFTED);
    expect(report.paragraphs.every((p) => !p.edited)).toBe(true);
    const reach = report.paragraphs.find((p) => p.key === 'reach')!;
    expect(reach.uses).toContainEqual({ name: 'takeUp', value: null });
    expect(reach.uses).toContainEqual({ name: 'didNotAttend', value: 'fewer than 5' });
    expect(reach.text).not.toMatch(/take-up/i);
  });

  it('counts one of a thing in the singular, whatever the wording around it', () => {
    const values = { ...(Object.fromEntries(Object.keys(PLACEHOLDERS).map((name) => [name, '7'])) as ReportFigures), year: YEAR, courses: '1', sessionsDelivered: '1', peopleTrained: '1', organisationsReached: '21', trainingHours: '1.5', sectorsReached: '1' };
    expect(fill(DEFAULT_PARAGRAPHS.delivery, values)).toMatch(/^In 2025-26 the partnership delivered 1 session of 1 course, 1\.5 hours of training/);
    expect(fill('{peopleTrained} people from {organisationsReached} organisations in {sectorsReached} sectors.', values)).toBe('1 person from 21 organisations in 1 sector.');
  });

  it('quotes only featured answers whose authors agreed, with no names', async () => {
    const report = await getReport(f.coordinator, YEAR);
    expect(report.quotations).toEqual([{ words: CONSENTED, course: f.courses.c1.title, month: expect.any(String) }]);
    const client = await as(f.coordinatorId);
    const html = await (await client.get(PAGE)).text();
    expect(html).toContain(CONSENTED);
    expect(html).not.toContain(UNCONSENTED);
    const names = await database.db.select({ name: people.name }).from(people);
    for (const { name } of names) expect(html).not.toContain(name);
  });

  it('shows the same paragraphs and the key figures table on the page, for coordinators too, and prints without its buttons', async () => {
    const client = await as(f.coordinatorId);
    const res = await client.get(PAGE);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    const words = text(html);
    for (const paragraph of DRAFTED) expect(words).toContain(paragraph);
    expect(words).toContain('Sessions delivered 3');
    expect(words).toContain('People with a place who did not attend fewer than 5');
    expect(words).toContain('Take-up of the places offered not shown');
    expect(words).toContain('Neglect 2 15 56% (5 of 9)');
    expect(html).toContain('class="govuk-!-display-none-print"');
    expect(html).not.toContain('Change the wording');
    expect((await client.get(`${PAGE}/wording`)).status).toBe(403);
  });
});

describe('the Word document', () => {
  it('holds the same paragraphs, tables and quotations as the page, under a safe file name', async () => {
    const client = await as(f.reviewerId);
    const res = await client.get(`${PAGE}.docx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="training-report-2025-26.docx"');
    const lines = (await docxText(res)).split('\n');
    for (const paragraph of DRAFTED) expect(lines).toContain(paragraph);
    const words = lines.join(' ');
    expect(words).toContain('Sessions delivered 3');
    expect(words).toContain('People with a place who did not attend fewer than 5');
    expect(words).toContain(`“${CONSENTED}”`);
    expect(words).not.toContain(UNCONSENTED);
  });
});

describe('changing the wording', () => {
  it('refuses a wording that names an unknown placeholder, naming it, and changes nothing', async () => {
    const wording = { ...DEFAULT_PARAGRAPHS, delivery: 'We ran {sessionsDelivered} sessions and {sessionz} more.' };
    try {
      await saveReportWording(f.reviewer, YEAR, wording);
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error, 'invalid') && error.fields.delivery).toContain('{sessionz}');
    }
    const client = await as(f.reviewerId);
    const res = await client.post(`${PAGE}/wording`, wording);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<a href="#delivery">What was delivered: there is no figure called {sessionz}. Use the placeholders listed</a>');
    expect(await database.db.select().from(yearReviewReports)).toHaveLength(0);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'review.report-edited'))).toHaveLength(0);
  });

  it('lets a reviewer save a wording, only with the CSRF token, read with the current figures and audited; regenerating restores the default', async () => {
    const client = await as(f.reviewerId);
    const form = await client.get(`${PAGE}/wording`);
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expectAccessiblePage(formHtml);
    expect(formHtml).toContain('name="_csrf"');
    // Each paragraph says the figures it uses.
    expect(text(formHtml)).toContain('Uses {year}: 2025-26; {sessionsDelivered}: 3; {courses}: 2;');
    expect(text(formHtml)).toContain('{takeUp}: not shown, so its sentence is left out');

    const wording = { ...DEFAULT_PARAGRAPHS, delivery: 'Across {year} we ran {sessionsDelivered} sessions for {peopleTrained} people.' };
    expect((await client.post(`${PAGE}/wording`, wording, { csrf: false })).status).toBe(403);
    expect(await database.db.select().from(yearReviewReports)).toHaveLength(0);

    const saved = await client.post(`${PAGE}/wording`, wording);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${PAGE}?done=saved`);
    const words = text(await (await client.get(`${PAGE}?done=saved`)).text());
    expect(words).toContain('The wording is saved');
    expect(words).toContain('Across 2025-26 we ran 3 sessions for 15 people.');
    expect(words).not.toContain(DRAFTED[0]);
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'review.report-edited'));
    expect(entry.actorId).toBe(f.reviewerId);
    expect(JSON.stringify(entry.detail)).toContain('{sessionsDelivered} sessions for {peopleTrained} people');

    // The Word document follows the wording.
    expect(await docxText(await client.get(`${PAGE}.docx`))).toContain('Across 2025-26 we ran 3 sessions for 15 people.');

    // Each paragraph says the figures it uses, with their values now.
    const report = await getReport(f.reviewer, YEAR);
    expect(report.paragraphs[0].uses).toEqual([
      { name: 'year', value: '2025-26' },
      { name: 'sessionsDelivered', value: '3' },
      { name: 'peopleTrained', value: '15' },
    ]);

    expect((await client.post(`${PAGE}/restore`, {}, { csrf: false })).status).toBe(403);
    const restored = await client.post(`${PAGE}/restore`, {});
    expect(restored.status).toBe(303);
    expect(await database.db.select().from(yearReviewReports)).toHaveLength(0);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'review.report-restored'))).toHaveLength(1);
    expect(text(await (await client.get(PAGE)).text())).toContain(DRAFTED[0]);
  });

  it('reads the filled text from the figures as they are now', async () => {
    // The Online course's session cancelled after all: one session and its attendances fewer.
    await database.db.update(sessions).set({ status: 'cancelled' }).where(inArray(sessions.courseId, [f.courses.c2.id]));
    const report = await getReport(f.reviewer, YEAR);
    expect(report.paragraphs[0].text).toBe('In 2025-26 the partnership delivered 2 sessions of 1 course, 9 hours of training, with 20 places offered. The number of sessions cancelled was 2.');
  });
});

describe('who may use it', () => {
  it('is not for practitioners, trainers or organisation leads; coordinators read but do not change it', async () => {
    for (const roles of [[], ['trainer'], ['organisation lead']] as const) {
      const client = await as((await makePerson(database.db, [...roles])).id);
      for (const path of [PAGE, `${PAGE}.docx`, `${PAGE}/wording`]) expect((await client.get(path)).status).toBe(403);
      expect((await client.post(`${PAGE}/wording`, { ...DEFAULT_PARAGRAPHS })).status).toBe(403);
      expect((await client.post(`${PAGE}/restore`, {})).status).toBe(403);
    }
    const coordinator = await as(f.coordinatorId);
    expect((await coordinator.get(`${PAGE}.docx`)).status).toBe(200);
    expect((await coordinator.post(`${PAGE}/wording`, { ...DEFAULT_PARAGRAPHS })).status).toBe(403);
    expect((await coordinator.post(`${PAGE}/restore`, {})).status).toBe(403);
    expect((await new TestClient(built.app).get(PAGE)).status).toBe(303);
    expect((await coordinator.get('/review/1999-00/report')).status).toBe(404);
  });
});
