import { readFileSync } from 'node:fs';
import { and, asc, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, courses, eLearningCompletions, partnerships, people, prospectuses } from '../../db/schema';
import { importCompletions } from '../../server/elearning/service';
import { DomainError } from '../../server/shared/errors';
import { buildApp, TEST_NOW, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { actingAs, bookingScope } from '../support/fixtures';
import { errorSummary, signedIn, type Built } from '../manage/helpers';
import { expectWellFormedPage } from '../register/helpers';

let database: OpenDatabase;
let built: Built;
let coordinator: TestClient;
let coordinatorId: string;
let partnershipId: string;
/** Titles of two seeded e-learning courses and a face-to-face one. */
const CORE = 'Awareness of Child Abuse and Neglect - Core';
const ESAFETY = 'E-Safety Guidance for Practitioners Working with Children';
let faceToFace: { id: string; title: string };
let coreId: string;
let seeded: Set<string>;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
  const signed = await signedIn(database.db, built, ['coordinator']);
  coordinator = signed.client;
  coordinatorId = signed.person.id;
  [{ id: partnershipId }] = await database.db.select({ id: partnerships.id }).from(partnerships);
  [faceToFace] = await database.db.select({ id: courses.id, title: courses.title }).from(courses).where(eq(courses.deliveryMode, 'Face to face')).orderBy(asc(courses.title)).limit(1);
  [{ id: coreId }] = await database.db.select({ id: courses.id }).from(courses).where(eq(courses.title, CORE));
  // The demo's own e-learning, imported by its coordinator: not this file's imports.
  seeded = new Set((await database.db.select({ id: eLearningCompletions.id }).from(eLearningCompletions)).map((r) => r.id));
});
afterAll(() => database.close());

const db = () => database.db;
// Each import a minute after the one before, so the audit log's times (the service's clock) order them.
let imports = 0;
const runImport = async (csv: string) => importCompletions(actingAs(await bookingScope(db(), new Date(Date.parse(TEST_NOW) + ++imports * 60_000).toISOString()), { id: coordinatorId, roles: ['coordinator'] }), csv);
const countCompletions = async () => (await db().select({ n: count() }).from(eLearningCompletions))[0].n;
const importAudit = () =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'e-learning.imported'), eq(auditLog.actorId, coordinatorId)))
    .orderBy(asc(auditLog.at), asc(auditLog.seq));

async function completionsOf(email: string) {
  const rows = await db()
    .select({ id: eLearningCompletions.id, course: courses.title, courseId: courses.id, completedOn: eLearningCompletions.completedOn, source: eLearningCompletions.source })
    .from(eLearningCompletions)
    .innerJoin(people, eq(people.id, eLearningCompletions.personId))
    .innerJoin(courses, eq(courses.id, eLearningCompletions.courseId))
    .where(and(eq(people.partnershipId, partnershipId), eq(people.email, email)))
    .orderBy(asc(eLearningCompletions.completedOn));
  return rows.filter((r) => !seeded.has(r.id)).map(({ id: _id, ...row }) => row);
}

/** Rejects with a 422 whose `csv` field says why; returns the message. */
async function refusal(csv: string) {
  const error = await runImport(csv).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('invalid');
  return (error as DomainError).fields.csv;
}

describe('importing the provider’s CSV', () => {
  const file = () =>
    '\uFEFFName,COMPLETED,Email,Course,Score\r\n' +
    `"Practitioner, Priya",2026-05-04, Practitioner@RSCP.example ,"${CORE.toLowerCase()}",92\r\n` +
    '\r\n' +
    `"Tariq ""TT"" Trainer",12/06/2026,trainer@rscp.example,"${ESAFETY}",80\r\n` +
    `Rowan,1/7/2026,reviewer@rscp.example,${coreId},75\r\n`;

  // Each test reads only its own completions and audit entries: the tests run in any order.
  it('imports a good file: BOM, CRLF, quoted values, columns in any order and case, both date forms, course by title or id; the second time adds nothing, and says so', async () => {
    const before = await countCompletions();
    expect(await runImport(file())).toEqual({ rows: 3, imported: 3, alreadyRecorded: 0, unmatched: [], skipped: [] });
    expect(await countCompletions()).toBe(before + 3);
    const of = async (email: string, course: string) => (await completionsOf(email)).filter((c) => c.course === course);
    expect(await of('practitioner@rscp.example', CORE)).toEqual([{ course: CORE, courseId: coreId, completedOn: '2026-05-04', source: 'import' }]);
    expect(await of('trainer@rscp.example', ESAFETY)).toMatchObject([{ course: ESAFETY, completedOn: '2026-06-12' }]);
    expect(await of('reviewer@rscp.example', CORE)).toMatchObject([{ course: CORE, completedOn: '2026-07-01' }]);
    const entry = (await importAudit()).at(-1);
    expect(entry).toMatchObject({ actorId: coordinatorId, subjectType: 'partnership', subjectId: partnershipId, detail: { rows: 3, imported: 3, alreadyRecorded: 0, unmatched: 0, skippedLines: 0 } });

    expect(await runImport(file())).toEqual({ rows: 3, imported: 0, alreadyRecorded: 3, unmatched: [], skipped: [] });
    expect(await countCompletions()).toBe(before + 3);
    expect((await importAudit()).slice(-2).map((a) => a.detail)).toEqual([
      { rows: 3, imported: 3, alreadyRecorded: 0, unmatched: 0, skippedLines: 0 },
      { rows: 3, imported: 0, alreadyRecorded: 3, unmatched: 0, skippedLines: 0 },
    ]);
  });

  it('imports the good rows and reports every unmatched email and bad row by its line', async () => {
    const lines = [
      'email,course,completed,name',
      `lead@rscp.example,${CORE},2026-09-30,"Olu`,
      'Lead"',
      `nobody@elsewhere.example,${CORE},2026-09-30,Nobody`,
      `,${CORE},2026-09-30,No Email`,
      'lead@rscp.example,Basket Weaving,2026-09-30,Olu',
      `lead@rscp.example,${CORE},31/02/2026,Olu`,
      `lead@rscp.example,${CORE},2026-11-24,Olu`,
      `lead@rscp.example,"${faceToFace.title}",2026-09-30,Olu`,
      '',
      `lead@rscp.example,${ESAFETY},,Olu`,
      `lead@rscp.example,${ESAFETY},2026-11-23,Olu,extra`,
      ',,yesterday,',
      `lead@rscp.example,${ESAFETY},2026-11-23,Olu`,
      `LEAD@rscp.example,${CORE},30/09/2026,Olu`,
      `someone.new@partner.example,${ESAFETY},2026-10-01,`,
    ].join('\n');
    const before = await countCompletions();
    const result = await runImport(lines);
    expect(result.skipped).toEqual([
      { line: 5, message: 'email is missing' },
      { line: 6, message: "course 'Basket Weaving' is not a course in any prospectus; use the course’s title or id" },
      { line: 7, message: "completed date '31/02/2026' is not a real date in the form YYYY-MM-DD or DD/MM/YYYY" },
      { line: 8, message: 'completed date 2026-11-24 is in the future' },
      { line: 9, message: `course '${faceToFace.title}' is face to face, not e-learning` },
      { line: 11, message: 'completed date is missing' },
      { line: 12, message: 'has 5 values but the header has 4 columns; put values that contain commas in quotes' },
      { line: 13, message: 'email is missing' },
      { line: 13, message: 'course is missing' },
      { line: 13, message: "completed date 'yesterday' is not a real date in the form YYYY-MM-DD or DD/MM/YYYY" },
    ]);
    expect(result.unmatched).toEqual([
      { line: 4, email: 'nobody@elsewhere.example' },
      { line: 16, email: 'someone.new@partner.example' },
    ]);
    // Lines 2 and 15 are the same completion: recorded once.
    expect(result).toMatchObject({ rows: 13, imported: 2, alreadyRecorded: 1 });
    expect(await countCompletions()).toBe(before + 2);
    expect((await completionsOf('lead@rscp.example')).filter((c) => ['2026-09-30', '2026-11-23'].includes(c.completedOn))).toMatchObject([
      { course: CORE, completedOn: '2026-09-30' },
      { course: ESAFETY, completedOn: '2026-11-23' },
    ]);
    expect((await importAudit()).at(-1)?.detail).toEqual({ rows: 13, imported: 2, alreadyRecorded: 1, unmatched: 2, skippedLines: 8 });
  });

  it('records a completion against the course in the prospectus whose year covers its date', async () => {
    const [current] = await db().select().from(prospectuses).where(eq(prospectuses.year, '2026-27'));
    // Last year's prospectus (the demo's, imported from records).
    const [earlier] = await db().select().from(prospectuses).where(eq(prospectuses.year, '2025-26'));
    const [course] = await db().select().from(courses).where(and(eq(courses.title, ESAFETY), eq(courses.prospectusId, current.id)));
    const [old] = await db()
      .insert(courses)
      .values({ partnershipId, prospectusId: earlier.id, title: ESAFETY, summary: 'Last year', learningOutcomes: ['x'], themes: ['Online safety'], deliveryMode: 'E-learning', durationMinutes: 90 })
      .returning();
    expect(await runImport(`email,course,completed\nreviewer@rscp.example,${ESAFETY},2026-03-31\nreviewer@rscp.example,${ESAFETY},2026-04-01\n`)).toMatchObject({ imported: 2 });
    expect((await completionsOf('reviewer@rscp.example')).filter((x) => x.course === ESAFETY).map((x) => [x.completedOn, x.courseId])).toEqual([
      ['2026-03-31', old.id],
      ['2026-04-01', course.id],
    ]);
  });

  it('imports nothing from a file it cannot read as a whole, and says why', async () => {
    const before = { completions: await countCompletions(), audit: (await importAudit()).length };
    expect(await refusal('email,completed\nlead@rscp.example,2026-01-01\n')).toBe("The file cannot be read: line 1: the header is missing these columns: 'course' (it needs 'email', 'course', 'completed')");
    expect(await refusal('email,course,completed\r\n')).toBe('The file cannot be read: the file has no completions in it, only a header');
    expect(await refusal('')).toContain('the file is empty');
    expect(await refusal(`email,course,completed\nlead@rscp.example,"${CORE},2026-01-01\n`)).toContain('line 2: a quoted value is not closed');
    expect(await refusal('email,course,completed,email\n')).toContain("these columns appear more than once in the header: 'email'");
    expect(await refusal(`email,course,completed\n${'x'.repeat(5_000_000)}`)).toBe('The file is larger than 5 MB; split it into smaller files');
    expect({ completions: await countCompletions(), audit: (await importAudit()).length }).toEqual(before);
  });

  it('imports nothing from a file with a quote not closed after good rows, and names the line it opens on', async () => {
    const before = { completions: await countCompletions(), audit: (await importAudit()).length };
    const file = [
      'email,name,course,completed',
      `lead@rscp.example,"Olu\r\nLead",${ESAFETY},2026-10-02`,
      `lead@rscp.example,"Olu,${CORE},2026-10-02`,
      `trainer@rscp.example,Tariq,${CORE},2026-10-02`,
    ].join('\r\n');
    expect(await refusal(file)).toBe('The file cannot be read: line 4: a quoted value is not closed; check for a missing "');
    expect({ completions: await countCompletions(), audit: (await importAudit()).length }).toEqual(before);
  });

  it('numbers the lines after a quoted value with line breaks in it, in a file with CRLF line ends', async () => {
    const file = ['email,name,course,completed', `nobody@elsewhere.example,"Two\r\nLines",${CORE},2026-09-30`, `lead@rscp.example,Olu,${CORE},31/02/2026`, ''].join('\r\n');
    const result = await runImport(file);
    expect(result.unmatched).toEqual([{ line: 2, email: 'nobody@elsewhere.example' }]);
    expect(result.skipped).toEqual([{ line: 4, message: "completed date '31/02/2026' is not a real date in the form YYYY-MM-DD or DD/MM/YYYY" }]);
  });

  it('imports the example in docs/e-learning-import.md', async () => {
    const docs = readFileSync(new URL('../../docs/e-learning-import.md', import.meta.url), 'utf8');
    const example = docs.match(/```csv\n([\s\S]*?)```/)![1];
    expect(await runImport(example)).toEqual({ rows: 2, imported: 1, alreadyRecorded: 0, unmatched: [{ line: 3, email: 'sam.smith@partner.example' }], skipped: [] });
  });
});

describe('the import page', () => {
  const PAGE = '/manage/e-learning';
  const snapshot = async () => ({ completions: await countCompletions(), audit: (await importAudit()).length });

  /** Posts the form as a browser does, multipart, with a file and/or pasted text. */
  async function upload(parts: { file?: string; csv?: string }) {
    const form = new FormData();
    form.append('_csrf', await coordinator.csrfToken());
    form.append('file', new Blob([parts.file ?? ''], { type: 'text/csv' }), parts.file === undefined ? '' : 'completions.csv');
    form.append('csv', parts.csv ?? '');
    return coordinator.request(PAGE, { method: 'POST', body: form });
  }

  it('shows the form: a file upload and a box to paste into, with the course titles', async () => {
    const res = await coordinator.get(PAGE);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectWellFormedPage(html, PAGE);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('type="file"');
    expect(html).toContain('<textarea');
    expect(html).toContain(`<li>${ESAFETY}</li>`);
    expect(html).not.toContain(`<li>${faceToFace.title}</li>`);
  });

  it('imports an uploaded file and shows what happened to each line', async () => {
    const res = await upload({ file: `email,course,completed\r\nolu.lead@nowhere.example,${CORE},2026-10-01\r\nlead@rscp.example,${CORE},2026-10-02\r\nlead@rscp.example,${CORE},someday\r\n` });
    expect(res.status).toBe(200);
    const html = await res.text();
    expectWellFormedPage(html, 'the import result');
    expect(html).toContain('1 completion imported');
    expect(html).toMatch(/Emails with no account[\s\S]*?<td class="govuk-table__cell">2<\/td><td class="govuk-table__cell">olu.lead@nowhere.example<\/td>/);
    expect(html).toMatch(/Lines skipped[\s\S]*?<td class="govuk-table__cell">4<\/td><td class="govuk-table__cell">completed date &#39;someday&#39; is not a real date/);
    expect(await completionsOf('lead@rscp.example')).toContainEqual(expect.objectContaining({ completedOn: '2026-10-02' }));
  });

  it('imports pasted text, and adds nothing when the same text is posted again', async () => {
    const csv = `email,course,completed\ntrainer@rscp.example,${CORE},2026-10-03\n`;
    expect(await (await upload({ csv })).text()).toContain('1 completion imported');
    const again = await (await upload({ csv })).text();
    expect(again).toContain('0 completions imported');
    expect(again).toMatch(/Already recorded<\/dt>\s*<dd class="govuk-summary-list__value">1</);
  });

  const refused: [string, { file?: string; csv?: string }, { field: string; message: string }][] = [
    ['nothing chosen', {}, { field: 'file', message: 'Choose the CSV file from the e-learning provider, or paste its contents' }],
    ['both a file and text', { file: 'email,course,completed\n', csv: 'email' }, { field: 'file', message: 'Choose a file or paste the CSV, not both' }],
    ['a file without a needed column', { file: 'email,course\nlead@rscp.example,x\n' }, { field: 'file', message: "The file cannot be read: line 1: the header is missing these columns: 'completed' (it needs 'email', 'course', 'completed')" }],
    ['pasted text with only a header', { csv: 'email,course,completed' }, { field: 'csv', message: 'The file cannot be read: the file has no completions in it, only a header' }],
  ];
  for (const [name, parts, error] of refused) {
    it(`shows the form again with an error for ${name}, changing nothing`, async () => {
      const before = await snapshot();
      const res = await upload(parts);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('<title>Error: ');
      expect(errorSummary(html).map(({ field, message, hasTarget }) => ({ field, message: message.replaceAll('&#39;', "'"), hasTarget }))).toEqual([{ ...error, hasTarget: true }]);
      if (parts.csv) expect(html).toContain(`>${parts.csv}</textarea>`);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses an upload without the form’s CSRF token', async () => {
    const before = await snapshot();
    const form = new FormData();
    form.append('csv', `email,course,completed\nlead@rscp.example,${CORE},2026-10-09\n`);
    expect((await coordinator.request(PAGE, { method: 'POST', body: form })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });
});
