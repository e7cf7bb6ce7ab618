// E-learning completions, imported from the e-learning provider's CSV (docs/e-learning-import.md).
//
// Unlike the people import (all or nothing), the good rows are imported even when some rows
// are bad: providers' exports are messy, and holding back hundreds of completions for one
// mistyped date helps nobody. Every line that is skipped is reported with its line number,
// so the coordinator can fix those and import the file again: a completion already recorded
// (same person, course and date) is never recorded twice.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { CsvError, readCsvTable, type CsvRow } from '../shared/csv';
import { courses, eLearningCompletions, people, prospectuses } from '../../db/schema';
import { normaliseEmail } from '../accounts/people';
import { auditChange } from '../audit/log';
import { invalid } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import { readDay, toLondonFields } from '../shared/dates';


export const COMPLETION_COLUMNS = { required: ['email', 'course', 'completed'], optional: ['name'], allowOtherColumns: true } as const;

/** A provider's export for a partnership is a few thousand rows; far more is the wrong file. */
export const MAX_CSV_CHARACTERS = 5_000_000;
/** The largest upload of such a file, in bytes: room for multi-byte characters and for JSON's escaping of it. */
export const MAX_UPLOAD_BYTES = 12 * 1024 * 1024;

/** A line of the file that was left out, and why. */
export interface SkippedLine {
  line: number;
  message: string;
}

export interface CompletionImport {
  /** Data rows in the file (not the header). */
  rows: number;
  /** Completions recorded by this import. */
  imported: number;
  /** Good rows whose completion was already recorded (an earlier import, or twice in this file). */
  alreadyRecorded: number;
  /** Good rows whose email has no account in the partnership. */
  unmatched: { line: number; email: string }[];
  /** Bad rows: unknown or non-e-learning course, bad or future date, missing email. */
  skipped: SkippedLine[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type CourseRow = { id: string; title: string; deliveryMode: string; startsOn: string; endsOn: string };

/** Every course of the partnership, for matching the course column by id or title. */
async function courseMatcher(db: ServiceContext['db'], partnershipId: string) {
  const rows: CourseRow[] = await db
    .select({ id: courses.id, title: courses.title, deliveryMode: courses.deliveryMode, startsOn: prospectuses.startsOn, endsOn: prospectuses.endsOn })
    .from(courses)
    .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
    .where(eq(courses.partnershipId, partnershipId))
    .orderBy(asc(prospectuses.startsOn));
  const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r]));
  const titleKey = (title: string) => title.trim().toLowerCase();
  const byTitle = new Map<string, CourseRow[]>();
  for (const r of rows) {
    const same = byTitle.get(titleKey(r.title));
    if (same) same.push(r);
    else byTitle.set(titleKey(r.title), [r]);
  }

  /**
   * The e-learning course named by id or title. The same title can be in several years'
   * prospectuses: the one whose year covers the completion date, else the latest.
   */
  return (value: string, completedOn: string | undefined): { id?: string; error?: string } => {
    const found = UUID.test(value) ? [byId.get(value.toLowerCase())].filter((r) => r !== undefined) : (byTitle.get(titleKey(value)) ?? []);
    if (!found.length) return { error: `course '${value}' is not a course in any prospectus; use the course’s title or id` };
    const eLearning = found.filter((r) => r.deliveryMode === 'E-learning');
    if (!eLearning.length) return { error: `course '${value}' is ${found[0].deliveryMode.toLowerCase()}, not e-learning` };
    const covering = completedOn && eLearning.find((r) => r.startsOn <= completedOn && completedOn <= r.endsOn);
    return { id: (covering || eLearning[eLearning.length - 1]).id };
  };
}

/** The file's rows, or an `invalid` refusal saying why the file as a whole cannot be read (nothing is written). */
function readCompletionsCsv(csvText: string) {
  if (csvText.length > MAX_CSV_CHARACTERS) throw invalid({ csv: 'The file is larger than 5 MB; split it into smaller files' });
  try {
    const table = readCsvTable(csvText, COMPLETION_COLUMNS);
    if (!table.rows.length) throw new CsvError('the file has no completions in it, only a header');
    return table;
  } catch (error) {
    if (error instanceof CsvError) throw invalid({ csv: `The file cannot be read: ${error.line ? `line ${error.line}: ` : ''}${error.message}` });
    throw error;
  }
}

interface GoodRow {
  line: number;
  email: string;
  courseId: string;
  completedOn: string;
}

/** Each row's problems, in column order; a row with none is good. */
function checkRow(row: CsvRow, today: string, course: Awaited<ReturnType<typeof courseMatcher>>, tooManyValues?: string): { good?: GoodRow; problems: string[] } {
  const { email: rawEmail, course: courseValue, completed } = row.values;
  const problems: string[] = [];
  const email = normaliseEmail(rawEmail);
  if (!email) problems.push('email is missing');
  const completedOn = readDay(completed);
  const matched = courseValue ? course(courseValue, completedOn) : { error: 'course is missing' };
  if (matched.error) problems.push(matched.error);
  if (!completed) problems.push('completed date is missing');
  else if (!completedOn) problems.push(`completed date '${completed}' is not a real date in the form YYYY-MM-DD or DD/MM/YYYY`);
  else if (completedOn > today) problems.push(`completed date ${completedOn} is in the future`);
  if (tooManyValues) problems.push(tooManyValues);
  if (problems.length || !matched.id || !completedOn) return { problems };
  return { good: { line: row.line, email, courseId: matched.id, completedOn }, problems };
}

const INSERT_BATCH = 1000;

/**
 * Records the completions in the provider's CSV, in one transaction with one audit entry
 * (counts only). Refuses as `invalid` (field `csv`), writing nothing, when the file as a
 * whole cannot be read; otherwise imports the good rows and reports every other line.
 */
export async function importCompletions(s: ServiceContext, csvText: string): Promise<CompletionImport> {
  const { rows, problems: tableProblems } = readCompletionsCsv(csvText);
  const tooMany = new Map(tableProblems.map((p) => [p.line, p.message]));
  const partnershipId = s.partnership.id;
  const today = toLondonFields(s.clock.now()).date;

  return s.db.transaction(async (tx) => {
    const course = await courseMatcher(tx, partnershipId);
    const skipped: SkippedLine[] = [];
    const checked: GoodRow[] = [];
    for (const row of rows) {
      const { good, problems } = checkRow(row, today, course, tooMany.get(row.line));
      skipped.push(...problems.map((message) => ({ line: row.line, message })));
      if (good) checked.push(good);
    }

    const emails = [...new Set(checked.map((r) => r.email))];
    const found = emails.length
      ? await tx.select({ id: people.id, email: people.email }).from(people).where(and(eq(people.partnershipId, partnershipId), inArray(people.email, emails)))
      : [];
    const personId = new Map(found.map((p) => [p.email, p.id]));
    const unmatched = checked.filter((r) => !personId.has(r.email)).map(({ line, email }) => ({ line, email }));
    const values = checked.filter((r) => personId.has(r.email)).map((r) => ({ partnershipId, personId: personId.get(r.email)!, courseId: r.courseId, completedOn: r.completedOn, source: 'import' }));

    let imported = 0;
    for (let i = 0; i < values.length; i += INSERT_BATCH) {
      const inserted = await tx.insert(eLearningCompletions).values(values.slice(i, i + INSERT_BATCH)).onConflictDoNothing().returning({ id: eLearningCompletions.id });
      imported += inserted.length;
    }
    const result: CompletionImport = { rows: rows.length, imported, alreadyRecorded: values.length - imported, unmatched, skipped };
    await auditChange(tx, s, 'e-learning.imported', 'partnership', partnershipId, {
      rows: result.rows,
      imported,
      alreadyRecorded: result.alreadyRecorded,
      unmatched: unmatched.length,
      skippedLines: new Set(skipped.map((x) => x.line)).size,
    });
    return result;
  });
}

/** The titles the course column can name: the partnership's e-learning courses, each once. */
export async function eLearningCourseTitles(s: Pick<ServiceContext, 'db' | 'partnership'>): Promise<string[]> {
  const rows = await s.db
    .selectDistinct({ title: courses.title })
    .from(courses)
    .where(and(eq(courses.partnershipId, s.partnership.id), eq(courses.deliveryMode, 'E-learning'), eq(courses.withdrawn, false)))
    .orderBy(asc(courses.title));
  return rows.map((r) => r.title);
}
