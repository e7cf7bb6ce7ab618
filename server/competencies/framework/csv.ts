// The framework as one CSV file (docs/framework-csv.md): a row per workforce group, per
// competency and per course mapping, told apart by the `type` column. Exporting a version and
// importing the file into the draft gives the draft the same groups, competencies and course
// mappings. The import is all or nothing: every problem is listed by line and column, and the
// draft changes only when there are none, in one transaction with one audit entry.
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../../db/database';
import { competencies, competencyFrameworks, competencyRequirements, plannedCourseCompetencies, workforceGroups } from '../../../db/schema';
import { auditChange } from '../../audit/log';
import type { ServiceContext } from '../../shared/context';
import { CsvError, readCsvTable, writeCsv, type CsvRow } from '../../shared/csv';
import { competencyFields, groupFields } from './schemas';
import { getVersion, liveCourses, lockedDraft, type LiveCourse } from './service';

export const FRAMEWORK_CSV_HEADER = ['type', 'code', 'name', 'who', 'outside_scheme', 'domain', 'statement', 'required_for', 'refresh_months', 'continues', 'course_id', 'course'] as const;
type Column = (typeof FRAMEWORK_CSV_HEADER)[number];
const ROW_TYPES = ['group', 'competency', 'course'] as const;
type RowType = (typeof ROW_TYPES)[number];

/** The columns each type of row fills; the others must be empty, so a value in the wrong column is caught. */
const COLUMNS_OF: Record<RowType, readonly Column[]> = {
  group: ['code', 'name', 'who', 'outside_scheme'],
  competency: ['code', 'domain', 'statement', 'required_for', 'refresh_months', 'continues'],
  course: ['code', 'course_id', 'course'],
};

/** A framework is a few dozen rows and a few hundred mappings; far more is the wrong file. */
const MAX_FRAMEWORK_CSV_CHARACTERS = 1_000_000;
/** The largest upload of the framework's file, in bytes: room for multi-byte characters and the form around it. */
export const MAX_FRAMEWORK_UPLOAD_BYTES = 3 * 1024 * 1024;

/** Group codes in required_for: "1;2;3" (spaces and commas also separate them). */
const codeList = (value: string) => value.split(/[;,\s]+/).filter(Boolean);

/** A version as the file: groups in order, competencies by code, then each competency's courses by title. */
export async function exportFrameworkCsv(s: ServiceContext, frameworkId: string): Promise<{ filename: string; csv: string }> {
  const version = await getVersion(s, frameworkId);
  const blank = Object.fromEntries(FRAMEWORK_CSV_HEADER.map((c) => [c, ''])) as Record<Column, string>;
  const line = (values: Partial<Record<Column, string>>) => FRAMEWORK_CSV_HEADER.map((c) => ({ ...blank, ...values })[c]);
  const codeOf = new Map(version.groups.map((g) => [g.id, g.code]));
  const rows = [
    [...FRAMEWORK_CSV_HEADER],
    ...version.groups.map((g) => line({ type: 'group', code: g.code, name: g.name, who: g.who, outside_scheme: g.outsideScheme })),
    ...version.competencies.map((c) =>
      line({
        type: 'competency',
        code: c.code,
        domain: c.domain,
        statement: c.statement,
        required_for: c.requiredFor.map((id) => codeOf.get(id)!).join(';'),
        refresh_months: c.refreshMonths === null ? '' : String(c.refreshMonths),
        continues: c.continues?.code ?? '',
      }),
    ),
    ...version.competencies.flatMap((c) => c.courses.map((course) => line({ type: 'course', code: c.code, course_id: course.id, course: course.title }))),
  ];
  return { filename: `competency-framework-version-${version.framework.version}.csv`, csv: writeCsv(rows) };
}

export interface ImportProblem {
  /** The file's line (1 is the header); null for the file as a whole. */
  line: number | null;
  column: Column | null;
  message: string;
}

export type FrameworkImport = { ok: true; groups: number; competencies: number; courseMappings: number } | { ok: false; problems: ImportProblem[] };

interface GroupRow {
  line: number;
  code: string;
  name: string;
  who: string;
  outsideScheme: string;
}
interface CompetencyRow {
  line: number;
  code: string;
  domain: string;
  statement: string;
  refreshMonths: number | null;
  requiredFor: string[];
  continuesId: string | null;
}

const groupRowSchema = z.object(groupFields);
const competencyRowSchema = z.object(competencyFields);
/** The file's column for each field of the schemas. */
const COLUMN_OF_FIELD: Record<string, Column> = { code: 'code', name: 'name', who: 'who', outsideScheme: 'outside_scheme', domain: 'domain', statement: 'statement', refreshMonths: 'refresh_months' };

/** The rows checked against the draft's world (the current version's competencies, the live courses): what to write, or every problem. */
function checkRows(rows: CsvRow[], previous: Map<string, string>, live: LiveCourse[]) {
  const problems: ImportProblem[] = [];
  const problem = (line: number, column: Column | null, message: string) => problems.push({ line, column, message });
  const groups: GroupRow[] = [];
  const comps: CompetencyRow[] = [];
  const courseRows: { line: number; code: string; courseId: string }[] = [];
  const requiredCodes = new Map<CompetencyRow, { line: number; codes: string[] }>();

  for (const row of rows) {
    const type = row.values.type.toLowerCase() as RowType;
    if (!ROW_TYPES.includes(type)) {
      problem(row.line, 'type', row.values.type ? `'${row.values.type}' is not a type of row: use group, competency or course` : 'the type is missing: use group, competency or course');
      continue;
    }
    for (const column of FRAMEWORK_CSV_HEADER) {
      if (column !== 'type' && !COLUMNS_OF[type].includes(column) && row.values[column]) problem(row.line, column, `leave this column empty on a ${type} row`);
    }
    const parse = <S extends z.ZodType>(schema: S, values: Record<string, string>): z.output<S> | undefined => {
      const result = schema.safeParse(values);
      if (result.success) return result.data;
      for (const issue of result.error.issues) problem(row.line, COLUMN_OF_FIELD[String(issue.path[0])] ?? null, issue.message);
      return undefined;
    };
    const v = row.values;
    if (type === 'group') {
      const group = parse(groupRowSchema, { code: v.code, name: v.name, who: v.who, outsideScheme: v.outside_scheme });
      if (!group) continue;
      const same = groups.find((g) => g.code.toLowerCase() === group.code.toLowerCase());
      if (same) problem(row.line, 'code', `the group code ${group.code} is already on line ${same.line}`);
      else groups.push({ line: row.line, ...group });
    } else if (type === 'competency') {
      const competency = parse(competencyRowSchema, { code: v.code, domain: v.domain, statement: v.statement, refreshMonths: v.refresh_months });
      const continuesId = v.continues ? previous.get(v.continues.toLowerCase()) : null;
      if (v.continues && !continuesId) problem(row.line, 'continues', `the current version has no competency with the code ${v.continues}`);
      if (!competency || continuesId === undefined) continue;
      const same = comps.find((c) => c.code.toLowerCase() === competency.code.toLowerCase());
      if (same) {
        problem(row.line, 'code', `the competency code ${competency.code} is already on line ${same.line}`);
        continue;
      }
      const entry = { line: row.line, ...competency, requiredFor: [], continuesId };
      comps.push(entry);
      requiredCodes.set(entry, { line: row.line, codes: codeList(v.required_for) });
    } else {
      if (!v.code) problem(row.line, 'code', 'the code of the competency the course develops is missing');
      const found = v.course_id ? live.filter((c) => c.id === v.course_id.toLowerCase()) : live.filter((c) => c.title.toLowerCase() === v.course.toLowerCase());
      if (!v.course_id && !v.course) problem(row.line, 'course', 'the course is missing: give its title, or its id in course_id');
      else if (!found.length) problem(row.line, v.course_id ? 'course_id' : 'course', `'${v.course_id || v.course}' is not a course of a current or draft prospectus`);
      else if (found.length > 1) problem(row.line, 'course', `more than one course is called '${v.course}': give the course’s id in course_id`);
      else if (v.code) courseRows.push({ line: row.line, code: v.code, courseId: found[0].id });
    }
  }

  // Codes are matched as typed, ignoring case, once every group and competency is known (rows may come in any order).
  const groupByCode = new Map(groups.map((g) => [g.code.toLowerCase(), g]));
  for (const [competency, { line, codes }] of requiredCodes) {
    const missing = codes.filter((code) => !groupByCode.has(code.toLowerCase()));
    if (missing.length) problem(line, 'required_for', `there is no group ${missing.join(', ')} in the file`);
    competency.requiredFor = [...new Set(codes.filter((code) => groupByCode.has(code.toLowerCase())).map((code) => groupByCode.get(code.toLowerCase())!.code))];
  }
  const compByCode = new Map(comps.map((c) => [c.code.toLowerCase(), c]));
  for (const r of courseRows) if (!compByCode.has(r.code.toLowerCase())) problem(r.line, 'code', `there is no competency ${r.code} in the file`);
  if (!problems.length && !groups.length) problems.push({ line: null, column: null, message: 'the file has no group rows: a framework needs at least one workforce group' });
  if (!problems.length && !comps.length) problems.push({ line: null, column: null, message: 'the file has no competency rows: a framework needs at least one competency' });
  const mappings = [...new Map(courseRows.filter((r) => compByCode.has(r.code.toLowerCase())).map((r) => [`${r.courseId} ${r.code.toLowerCase()}`, { courseId: r.courseId, code: compByCode.get(r.code.toLowerCase())!.code }])).values()];
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { problems, groups, comps, mappings };
}

function readFrameworkCsv(text: string): { rows: CsvRow[] } | { problems: ImportProblem[] } {
  if (text.length > MAX_FRAMEWORK_CSV_CHARACTERS) return { problems: [{ line: null, column: null, message: 'the file is larger than 1 MB: is it the framework file?' }] };
  try {
    const table = readCsvTable(text, { required: ['type', 'code'], optional: FRAMEWORK_CSV_HEADER.filter((c) => c !== 'type' && c !== 'code') });
    if (table.problems.length) return { problems: table.problems.map((p) => ({ line: p.line, column: null, message: p.message })) };
    if (!table.rows.length) return { problems: [{ line: null, column: null, message: 'the file has no rows, only a header' }] };
    return { rows: table.rows };
  } catch (error) {
    if (error instanceof CsvError) return { problems: [{ line: error.line ?? null, column: null, message: error.message }] };
    throw error;
  }
}

/** The current version's competency ids by code (lower case), which a draft's competencies may continue. */
async function currentCodes(s: ServiceContext, tx: Executor) {
  const rows = await tx
    .select({ id: competencies.id, code: competencies.code })
    .from(competencies)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId))
    .where(and(eq(competencyFrameworks.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true)))
    .orderBy(asc(competencies.code));
  return new Map(rows.map((r) => [r.code.toLowerCase(), r.id]));
}

/**
 * Replaces the draft's groups, competencies and planned course mappings with the file's, or
 * changes nothing and lists every problem. Refused (conflict) when there is no draft.
 */
export async function importFrameworkCsv(s: ServiceContext, text: string): Promise<FrameworkImport> {
  const read = readFrameworkCsv(text);
  if ('problems' in read) return { ok: false, problems: read.problems };
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    const checked = checkRows(read.rows, await currentCodes(s, tx), await liveCourses(s, tx));
    if (checked.problems.length) return { ok: false, problems: checked.problems };

    // The draft's rows are nobody else's (people and courses only take the current version's), so they can go.
    await tx.delete(competencies).where(eq(competencies.frameworkId, draft.id));
    await tx.delete(workforceGroups).where(eq(workforceGroups.frameworkId, draft.id));
    const partnershipId = s.partnership.id;
    const groups = await tx
      .insert(workforceGroups)
      .values(checked.groups.map((g, i) => ({ partnershipId, frameworkId: draft.id, code: g.code, name: g.name, who: g.who, outsideScheme: g.outsideScheme, sortOrder: i + 1 })))
      .returning({ id: workforceGroups.id, code: workforceGroups.code });
    const comps = await tx
      .insert(competencies)
      .values(checked.comps.map((c) => ({ partnershipId, frameworkId: draft.id, code: c.code, domain: c.domain, statement: c.statement, refreshMonths: c.refreshMonths, continuesCompetencyId: c.continuesId })))
      .returning({ id: competencies.id, code: competencies.code });
    const groupId = new Map(groups.map((g) => [g.code, g.id]));
    const competencyId = new Map(comps.map((c) => [c.code, c.id]));
    const requirements = checked.comps.flatMap((c) => c.requiredFor.map((code) => ({ competencyId: competencyId.get(c.code)!, workforceGroupId: groupId.get(code)! })));
    if (requirements.length) await tx.insert(competencyRequirements).values(requirements);
    if (checked.mappings.length) await tx.insert(plannedCourseCompetencies).values(checked.mappings.map((m) => ({ courseId: m.courseId, competencyId: competencyId.get(m.code)! })));
    const result = { ok: true as const, groups: groups.length, competencies: comps.length, courseMappings: checked.mappings.length };
    await auditChange(tx, s, 'framework.imported', 'competency framework', draft.id, { version: draft.version, groups: result.groups, competencies: result.competencies, courseMappings: result.courseMappings });
    return result;
  });
}
