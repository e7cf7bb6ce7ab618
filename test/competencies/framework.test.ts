// The framework's versions as a coordinator changes them: a draft copied from the current version,
// changed (a statement renamed, one split in two, one dropped, a group given an outside scheme and
// moved), refused when the input is bad or the version is published, and published: the old version
// stops being current, people keep their group, live courses' competencies follow the
// continuations, and a practitioner's evidence under version 1 keeps their status under version 2.
// The draft as started, the draft changed, and the draft published each have a database of their
// own, so each block's tests stand alone.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, competencies, competencyFrameworks, courseCompetencies, courseWorkforceGroups, people, workforceGroups } from '../../db/schema';
import { myCompetencyProfile } from '../../server/competencies/service';
import {
  addCompetency,
  addGroup,
  changeCompetency,
  changeGroup,
  getVersion,
  listVersions,
  publishDraft,
  removeCompetency,
  removeGroup,
  startDraft,
  type VersionDetail,
} from '../../server/competencies/framework/service';
import { competencyInput, groupInput } from '../../server/competencies/framework/schemas';
import { isDomainError } from '../../server/shared/errors';
import { createTestDatabase } from '../support/database';
import { seed, TEST_NOW } from '../support/app';
import { actingAs, bookingScope } from '../support/fixtures';
import { answeredSurvey, competencyIds, learnedOn, makeCourse, makeProspectus, practitioner, type Practitioner } from './helpers';

let database: OpenDatabase;
let v1: Record<string, string>;
let trained: Practitioner;
let pastCourse: string;
let liveCourse: string;
const scope = () => bookingScope(database.db, TEST_NOW);

/** A fresh database with the people and courses above, made the file's current one. */
async function openWorld() {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  v1 = await competencyIds(database.db);
  trained = await practitioner(database.db, '3');
  // Learned A1 and B1 at last year's workshop, and said three months on that practice had changed.
  const past = await makeProspectus(database.db, '2025-26');
  const { booking, course } = await learnedOn(database.db, trained, past.id, ['A1', 'B1'], '2026-01-12T10:00:00Z', { title: 'Core workshop 2025-26' });
  await answeredSurvey(database.db, trained, booking.id, '2026-04-14', { practiceChanged: 'yes' });
  pastCourse = course.id;
  const thisYear = await makeProspectus(database.db, '2026-27');
  liveCourse = (await makeCourse(database.db, thisYear.id, ['A1', 'B1', 'C3'], { title: 'Core workshop 2026-27', mode: 'E-learning' })).id;
  // For groups 3 and 6 of version 1; version 2 will have no group 6.
  const groups = await database.db.select().from(workforceGroups);
  await database.db.insert(courseWorkforceGroups).values(groups.filter((g) => g.code === '3' || g.code === '6').map((g) => ({ courseId: liveCourse, workforceGroupId: g.id })));
}

/** A fresh world with a draft started from the current version. */
async function openWorldWithDraft() {
  await openWorld();
  const made = await startDraft(await scope());
  return getVersion(await scope(), made.id);
}

/** The coordinator's changes: a statement renamed, one split in two, one dropped, group 3 moved first and mapped to an outside scheme, group 6 removed. */
async function changeDraft(draft: VersionDetail) {
  const s = await scope();
  const { A1, B1, C3 } = byCode(draft);
  const three = draft.groups.find((g) => g.code === '3')!;
  const fromThree = draft.groups.filter((g) => g.sortOrder >= three.sortOrder).map((g) => g.id);
  await changeCompetency(s, A1.id, competencyInput.parse({ code: 'A1', domain: A1.domain, statement: 'Recognise abuse, neglect and exploitation, online and offline', requiredFor: A1.requiredFor, continuesId: v1.A1 }));
  await changeCompetency(s, B1.id, competencyInput.parse({ code: 'B1a', domain: B1.domain, statement: 'Know what to do when worried about a child', requiredFor: fromThree, continuesId: v1.B1, refreshMonths: '24' }));
  await addCompetency(s, competencyInput.parse({ code: 'B1b', domain: B1.domain, statement: 'Know who to tell, and how, when worried about a child', requiredFor: fromThree, continuesId: v1.B1 }));
  await removeCompetency(s, C3.id);
  await changeGroup(s, three.id, groupInput.parse({ code: '3', name: three.name, who: three.who, outsideScheme: 'Intercollegiate level 3', position: '1' }));
  await removeGroup(s, draft.groups.find((g) => g.code === '6')!.id);
  return getVersion(s, draft.framework.id);
}

/** The error a call is refused with. */
async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('Expected a refusal');
}

const byCode = (version: VersionDetail) => Object.fromEntries(version.competencies.map((c) => [c.code, c]));
const groupId = (version: VersionDetail, code: string) => version.groups.find((g) => g.code === code)!.id;
/** Everything of the draft a refused change must leave alone. */
const draftRows = async (frameworkId: string) => ({
  groups: await database.db.select().from(workforceGroups).where(eq(workforceGroups.frameworkId, frameworkId)),
  competencies: await database.db.select().from(competencies).where(eq(competencies.frameworkId, frameworkId)),
  version: await getVersion(await scope(), frameworkId),
});

describe('a draft version', () => {
  let draft: VersionDetail;
  beforeAll(async () => {
    draft = await openWorldWithDraft();
  });
  afterAll(() => database.close());

  it('is copied from the current version, each competency continuing the one it was copied from', async () => {
    const current = (await listVersions(await scope())).find((v) => v.status === 'current')!;
    const copy = await getVersion(await scope(), current.id);
    expect(draft.framework).toMatchObject({ version: 2, status: 'draft', current: false, publishedAt: null, title: copy.framework.title, defaultRefreshMonths: 36 });
    expect(draft.groups.map((g) => [g.code, g.name, g.sortOrder])).toEqual(copy.groups.map((g) => [g.code, g.name, g.sortOrder]));
    expect(draft.competencies.map((c) => [c.code, c.statement, c.continues?.id, c.requiredFor.length])).toEqual(copy.competencies.map((c) => [c.code, c.statement, c.id, c.requiredFor.length]));
    expect(draft.notCarriedForward).toEqual([]);
    // The live course's competencies, carried to the copies once published.
    expect(byCode(draft).A1.courses.map((c) => c.title)).toEqual(['Core workshop 2026-27']);
  });

  it('is the only draft: another is refused', async () => {
    const error = await refusal(startDraft(await scope()));
    expect(error.code).toBe('conflict');
    expect(error.message).toBe('There is already a draft, version 2. Change that one, or publish it, before starting another.');
    expect((await listVersions(await scope())).map((v) => [v.version, v.status])).toEqual([[2, 'draft'], [1, 'current']]);
  });

  it('leaves the current version read-only', async () => {
    const before = await draftRows(draft.framework.id);
    const current = await getVersion(await scope(), (await listVersions(await scope()))[1].id);
    const group = current.groups[0];
    const error = await refusal(changeGroup(await scope(), group.id, groupInput.parse({ code: group.code, name: 'Renamed', who: group.who, position: '1' })));
    expect(error).toMatchObject({ code: 'conflict', message: 'Version 1 is published, so it cannot be changed. Start a new draft to change the framework.' });
    const competency = current.competencies[0];
    expect((await refusal(removeCompetency(await scope(), competency.id))).code).toBe('conflict');
    expect(await draftRows(draft.framework.id)).toEqual(before);
    expect((await getVersion(await scope(), current.framework.id)).groups[0].name).toBe(group.name);
  });

  it('refuses bad input with a message per field, changing nothing', async () => {
    const before = await draftRows(draft.framework.id);
    expect(competencyInput.safeParse({ code: 'A 1', domain: '', statement: 'x', refreshMonths: '0' }).error?.issues.map((i) => i.message)).toEqual([
      'The competency’s code can only have letters, numbers, full stops and hyphens, like A1 or 3',
      'Enter the domain',
      'The refresh period must be between 1 and 240 months',
    ]);
    const current = await getVersion(await scope(), (await listVersions(await scope()))[1].id);
    const error = await refusal(
      addCompetency(
        await scope(),
        competencyInput.parse({ code: 'A1', domain: 'Recognising harm', statement: 'Again', requiredFor: [current.groups[0].id], continuesId: byCode(draft).A2.id }),
      ),
    );
    expect(error.fields).toEqual({
      code: 'The draft already has a competency with the code A1',
      requiredFor: 'Select workforce groups from the list',
      continuesId: 'Select a competency of the current version from the list',
    });
    expect((await refusal(addGroup(await scope(), groupInput.parse({ code: '3', name: 'Again', who: 'Nobody', position: '1' })))).fields).toEqual({ code: 'The draft already has a group with the code 3' });
    expect(await draftRows(draft.framework.id)).toEqual(before);
  });
});

describe('a changed draft version', () => {
  let draft: VersionDetail;
  beforeAll(async () => {
    draft = await changeDraft(await openWorldWithDraft());
  });
  afterAll(() => database.close());

  it('is changed: a statement renamed, one split in two, one dropped, a group moved and mapped to an outside scheme, a group removed', async () => {
    const changed = byCode(draft);
    expect(changed.A1).toMatchObject({ statement: 'Recognise abuse, neglect and exploitation, online and offline', continues: { id: v1.A1, version: 1 } });
    expect(changed.B1a).toMatchObject({ refreshMonths: 24, continues: { id: v1.B1, code: 'B1' } });
    expect(changed.B1b).toMatchObject({ refreshMonths: null, continues: { id: v1.B1, code: 'B1' } });
    expect(changed.C3).toBeUndefined();
    expect(draft.groups[0]).toMatchObject({ code: '3', sortOrder: 1, outsideScheme: 'Intercollegiate level 3' });
    expect(draft.groups.map((g) => [g.code, g.sortOrder])).toEqual([['3', 1], ['1', 2], ['2', 3], ['4', 4], ['5', 5]]);
    // What the live course will develop: the continuations of A1 and B1 (both halves of the split), and nothing for C3.
    expect([changed.A1, changed.B1a, changed.B1b].map((c) => c.courses.map((x) => x.id))).toEqual([[liveCourse], [liveCourse], [liveCourse]]);
  });

  it('lists what of the current version it does not carry forward', () => {
    expect(draft.notCarriedForward.map((c) => [c.id, c.code])).toEqual([[v1.C3, 'C3']]);
    expect(draft.groupsNotCarried).toEqual([{ code: '6', name: 'Group 6: senior leaders', people: 0 }]);
  });

  it('is audited, change by change', async () => {
    const actions = (await database.db.select().from(auditLog).where(eq(auditLog.subjectId, draft.framework.id)).orderBy(auditLog.at, auditLog.seq)).map((a) => a.action);
    expect(actions).toEqual(['framework.draft-started', 'framework.competency-changed', 'framework.competency-changed', 'framework.competency-added', 'framework.competency-removed', 'framework.group-changed', 'framework.group-removed']);
  });

});

describe('a draft version published', () => {
  let draft: VersionDetail;
  let groupBefore: string | null;
  beforeAll(async () => {
    draft = await changeDraft(await openWorldWithDraft());
    [{ groupBefore }] = await database.db.select({ groupBefore: people.workforceGroupId }).from(people).where(eq(people.id, trained.id));
    const published = await publishDraft(await scope());
    expect(published).toMatchObject({ peopleMoved: expect.any(Number), coursesMapped: 1 });
    draft = await getVersion(await scope(), draft.framework.id);
  });
  afterAll(() => database.close());

  it('is the current version, and the old one is not', async () => {
    expect((await listVersions(await scope())).map((v) => [v.version, v.status, v.publishedAt?.toISOString()])).toEqual([
      [2, 'current', TEST_NOW.replace('Z', '.000Z')],
      [1, 'earlier', expect.any(String)],
    ]);
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, draft.framework.id), eq(auditLog.action, 'framework.published')));
    expect(audit.detail).toMatchObject({ version: 2, replaced: 1, coursesMapped: 1 });
  });

  it('keeps people in their group, now the new version’s group of the same code', async () => {
    const [person] = await database.db.select({ group: workforceGroups }).from(people).innerJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId)).where(eq(people.id, trained.id));
    expect(person.group).toMatchObject({ id: groupId(draft, '3'), frameworkId: draft.framework.id, code: '3' });
    expect(person.group.id).not.toBe(groupBefore);
  });

  it('keeps a person’s evidence under version 1 for the renamed competency and both halves of the split', async () => {
    const profile = await myCompetencyProfile(actingAs(await scope(), trained.id));
    const status = Object.fromEntries(profile.competencies.map((c) => [c.code, [c.status, c.since, c.evidence.map((e) => e.course?.title)]]));
    const evidence = ['Core workshop 2025-26', 'Core workshop 2025-26'];
    expect(profile.framework?.version).toBe(2);
    expect(status.A1).toEqual(['applied', '2026-04-14', evidence]);
    expect(status.B1a).toEqual(['applied', '2026-04-14', evidence]);
    expect(status.B1b).toEqual(['applied', '2026-04-14', evidence]);
    expect(status.C3).toBeUndefined();
  });

  it('carries the live course’s competencies to the ones that continue them, and leaves last year’s course as it was', async () => {
    const mapped = async (courseId: string) =>
      (await database.db.select({ code: competencies.code, framework: competencies.frameworkId }).from(courseCompetencies).innerJoin(competencies, eq(competencies.id, courseCompetencies.competencyId)).where(eq(courseCompetencies.courseId, courseId)))
        .map((c) => `${c.code} v${c.framework === draft.framework.id ? 2 : 1}`)
        .sort();
    expect(await mapped(liveCourse)).toEqual(['A1 v2', 'B1a v2', 'B1b v2']);
    expect(await mapped(pastCourse)).toEqual(['A1 v1', 'B1 v1']);
    // Who it is for, by code: group 3 of version 2; group 6 has no counterpart and drops out.
    const audience = await database.db.select({ id: courseWorkforceGroups.workforceGroupId }).from(courseWorkforceGroups).where(eq(courseWorkforceGroups.courseId, liveCourse));
    expect(audience).toEqual([{ id: groupId(draft, '3') }]);
  });

  it('can no longer be changed, and neither can version 1', async () => {
    const { A1 } = byCode(draft);
    const error = await refusal(changeCompetency(await scope(), A1.id, competencyInput.parse({ code: 'A1', domain: A1.domain, statement: 'Changed', requiredFor: [] })));
    expect(error).toMatchObject({ code: 'conflict', message: 'There is no draft version to change. Start a new draft to change the framework: published versions cannot be changed.' });
    expect((await refusal(publishDraft(await scope()))).code).toBe('conflict');
    const [row] = await database.db.select().from(competencyFrameworks).where(eq(competencyFrameworks.id, draft.framework.id));
    expect(row.current).toBe(true);
  });
});
