// The framework file: a version exported and imported into the draft comes back the same (groups,
// competencies with their groups, refresh periods and continuations, course mappings); a bad file
// lists every problem by line and column and changes nothing; and an import needs a draft. This
// file makes drafts, so it has its database to itself.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog } from '../../db/schema';
import { exportFrameworkCsv, FRAMEWORK_CSV_HEADER, importFrameworkCsv } from '../../server/competencies/framework/csv';
import { listVersions, startDraft } from '../../server/competencies/framework/service';
import { parseCsv, writeCsv } from '../../server/shared/csv';
import { isDomainError } from '../../server/shared/errors';
import { createTestDatabase } from '../support/database';
import { seed } from '../support/app';
import { bookingScope } from '../support/fixtures';
import { makeCourse, makeProspectus } from './helpers';

let database: OpenDatabase;
let courseId: string;
const scope = () => bookingScope(database.db);
const exported = async (frameworkId: string) => (await exportFrameworkCsv(await scope(), frameworkId)).csv;
const versionId = async (status: 'draft' | 'current') => (await listVersions(await scope())).find((v) => v.status === status)!.id;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  const thisYear = await makeProspectus(database.db, '2026-27');
  courseId = (await makeCourse(database.db, thisYear.id, ['A1', 'B2'], { title: 'Safeguarding essentials', mode: 'E-learning' })).id;
});
afterAll(() => database.close());

/** A file of the header and these rows. */
const file = (...rows: string[]) => [FRAMEWORK_CSV_HEADER.join(','), ...rows].join('\r\n');

it('needs a draft to import into', async () => {
  // A database of its own: the other tests start a draft, in whatever order they run.
  const undrafted = await createTestDatabase();
  try {
    await seed(undrafted.db, 'partnership');
    const error = await importFrameworkCsv(await bookingScope(undrafted.db), file('group,1,Group 1,Everyone,,,,,,,,')).catch((e: unknown) => e);
    expect(isDomainError(error, 'conflict')).toBe(true);
  } finally {
    await undrafted.close();
  }
});

describe('a version’s file', () => {
  let current: string;
  beforeAll(async () => {
    await startDraft(await scope());
    current = await exported(await versionId('current'));
  });

  it('has a row per group, per competency and per course mapping', () => {
    const records = parseCsv(current).map((r) => r.fields);
    expect(records[0]).toEqual([...FRAMEWORK_CSV_HEADER]);
    expect(records.filter((r) => r[0] === 'group').map((r) => r[1])).toEqual(['1', '2', '3', '4', '5', '6']);
    const a2 = records.find((r) => r[0] === 'competency' && r[1] === 'A2')!;
    expect(a2).toEqual(['competency', 'A2', '', '', '', 'Recognising harm', 'Understand how parental domestic abuse, substance misuse and mental ill health affect children', '2;3;4;5;6', '', '', '', '']);
    expect(records.filter((r) => r[0] === 'course')).toEqual([
      ['course', 'A1', '', '', '', '', '', '', '', '', courseId, 'Safeguarding essentials'],
      ['course', 'B2', '', '', '', '', '', '', '', '', courseId, 'Safeguarding essentials'],
    ]);
  });

  it('imported into the draft, reproduces the version', async () => {
    const result = await importFrameworkCsv(await scope(), current);
    expect(result).toEqual({ ok: true, groups: 6, competencies: 12, courseMappings: 2 });
    expect(await exported(await versionId('draft'))).toBe(current);
  });

  it('round trips a draft with continuations, own refresh periods, outside schemes and changed mappings', async () => {
    const records = parseCsv(current).map((r) => r.fields);
    records.find((r) => r[0] === 'group' && r[1] === '1')![4] = 'Intercollegiate level 1';
    records.find((r) => r[0] === 'competency' && r[1] === 'A1')!.splice(8, 2, '24', 'A1');
    records.find((r) => r[0] === 'course' && r[1] === 'B2')!.splice(1, 1, 'C1');
    const edited = writeCsv(records);
    const result = await importFrameworkCsv(await scope(), edited);
    expect(result).toMatchObject({ ok: true });
    const again = await exported(await versionId('draft'));
    const rows = parseCsv(again).map((r) => r.fields);
    expect(rows.find((r) => r[1] === '1')![4]).toBe('Intercollegiate level 1');
    expect(rows.find((r) => r[0] === 'competency' && r[1] === 'A1')!.slice(8, 10)).toEqual(['24', 'A1']);
    expect(rows.filter((r) => r[0] === 'course').map((r) => r[1])).toEqual(['A1', 'C1']);
    expect((await importFrameworkCsv(await scope(), again)).ok).toBe(true);
    expect(await exported(await versionId('draft'))).toBe(again);
  });

  it('refuses a bad file, listing each problem by line and column, and changes nothing', async () => {
    const draft = await versionId('draft');
    const before = await exported(draft);
    const audits = (await database.db.select().from(auditLog).where(eq(auditLog.subjectId, draft))).length;
    const result = await importFrameworkCsv(
      await scope(),
      file(
        'group,1,Group 1,Everyone,,,,,,,,',
        'group,1,Group 1 again,Everyone,,,,,,,,',
        'group,2,,Some,,Recognising harm,,,,,,',
        'competency,A1,,,,Recognising harm,Recognise harm,1;9,0,Z9,,',
        'competncy,A2,,,,,,,,,,',
        'course,A1,,,,,,,,,,No such course',
        'course,Q7,,,,,,,,,,Safeguarding essentials',
      ),
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 3, column: 'code', message: 'the group code 1 is already on line 2' },
        { line: 4, column: 'domain', message: 'leave this column empty on a group row' },
        { line: 4, column: 'name', message: 'Enter the group’s name' },
        { line: 5, column: 'refresh_months', message: 'The refresh period must be between 1 and 240 months' },
        { line: 5, column: 'continues', message: 'the current version has no competency with the code Z9' },
        { line: 6, column: 'type', message: '\'competncy\' is not a type of row: use group, competency or course' },
        { line: 7, column: 'course', message: '\'No such course\' is not a course of a current or draft prospectus' },
        { line: 8, column: 'code', message: 'there is no competency Q7 in the file' },
      ],
    });
    expect(await exported(draft)).toBe(before);
    expect((await database.db.select().from(auditLog).where(eq(auditLog.subjectId, draft))).length).toBe(audits);
  });

  it('names the line and column of a required group that is not in the file', async () => {
    const result = await importFrameworkCsv(await scope(), file('group,1,Group 1,Everyone,,,,,,,,', 'competency,A1,,,,Recognising harm,Recognise harm,1;7,,,,'));
    expect(result).toEqual({ ok: false, problems: [{ line: 3, column: 'required_for', message: 'there is no group 7 in the file' }] });
  });

  it('refuses a file it cannot read, with the line', async () => {
    expect(await importFrameworkCsv(await scope(), 'type,code,colour\ngroup,1,red\n')).toEqual({
      ok: false,
      problems: [{ line: 1, column: null, message: expect.stringContaining("the header has columns this import does not know: 'colour'") }],
    });
    expect(await importFrameworkCsv(await scope(), file('group,1,"Group 1,Everyone'))).toEqual({ ok: false, problems: [{ line: 2, column: null, message: 'a quoted value is not closed; check for a missing "' }] });
    expect(await importFrameworkCsv(await scope(), file())).toEqual({ ok: false, problems: [{ line: null, column: null, message: 'the file has no rows, only a header' }] });
  });
});
