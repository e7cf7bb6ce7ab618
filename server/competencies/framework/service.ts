// The coordinator's rules for the competency framework's versions. A version is a draft until it
// is published; then it is the current version until the next is published, and an earlier one
// after that. Only the draft can be changed, and there is at most one (a partial unique index is
// the backstop). Starting a draft copies the current version, each copied competency continuing
// the one it was copied from, so evidence earned under the old one counts for the new one (the
// profile follows continues_competency_id back through the versions; decision 10).
//
// Publishing, in one transaction: the old version stops being current and the draft becomes it;
// people, and the courses of prospectuses still running or to come, are moved to the new
// version's groups of the same code; and those courses' competencies are carried to the new
// competencies that continue them, unless an imported file planned them (./csv.ts). Courses of
// prospectuses that have ended keep the competencies they were given: their evidence reaches the
// new version through the continuation links.
//
// Every change takes the draft's row lock first, so edits, an import and publishing queue behind
// each other, and writes its audit entry in the same transaction.
import { and, asc, desc, eq, gte, inArray, isNull, max, ne, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../../db/database';
import {
  competencies,
  competencyFrameworks,
  competencyRequirements,
  courseCompetencies,
  courses,
  courseWorkforceGroups,
  people,
  plannedCourseCompetencies,
  prospectuses,
  workforceGroups,
} from '../../../db/schema';
import { auditChange } from '../../audit/log';
import type { ServiceContext } from '../../shared/context';
import { londonDay } from '../../shared/dates';
import { conflict, invalid, isUniqueViolation, notFound, type FieldErrors } from '../../shared/errors';
import type { Framework } from '../service';
import type { CompetencyInput, DraftDetailsInput, GroupInput } from './schemas';

export type VersionStatus = 'draft' | 'current' | 'earlier';
const statusOf = (f: Pick<Framework, 'current' | 'publishedAt'>): VersionStatus => (f.current ? 'current' : f.publishedAt ? 'earlier' : 'draft');

type Scope = Pick<ServiceContext, 'partnership' | 'clock'>;

/** Every version of the partnership's framework, newest first. */
export async function listVersions(s: ServiceContext) {
  const rows = await s.db.select().from(competencyFrameworks).where(eq(competencyFrameworks.partnershipId, s.partnership.id)).orderBy(desc(competencyFrameworks.version));
  return rows.map((f) => ({ ...f, status: statusOf(f) }));
}

const currentOf = async (s: Scope, db: Executor) =>
  (await db.select().from(competencyFrameworks).where(and(eq(competencyFrameworks.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true))))[0] as Framework | undefined;

/** The draft, if there is one. */
export async function findDraft(s: ServiceContext): Promise<Framework | undefined> {
  const [draft] = await s.db.select().from(competencyFrameworks).where(and(eq(competencyFrameworks.partnershipId, s.partnership.id), isNull(competencyFrameworks.publishedAt)));
  return draft;
}

// ---- Courses whose competencies follow the framework -----------------------------------------

export interface LiveCourse {
  id: string;
  title: string;
  deliveryMode: string;
}

/**
 * Courses of draft prospectuses and of published ones not yet ended, not withdrawn: the courses
 * a new version's competencies are carried to. A course of a year that has ended keeps what it
 * developed then.
 */
export async function liveCourses(s: Scope, db: Executor): Promise<LiveCourse[]> {
  return db
    .select({ id: courses.id, title: courses.title, deliveryMode: courses.deliveryMode })
    .from(courses)
    .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
    .where(
      and(
        eq(courses.partnershipId, s.partnership.id),
        eq(courses.withdrawn, false),
        or(eq(prospectuses.status, 'draft'), gte(prospectuses.endsOn, londonDay(s.clock.now()))),
      ),
    )
    .orderBy(asc(courses.title), asc(courses.id));
}

/**
 * What each live course will develop once the draft is published: the competencies an imported
 * file planned for it, if any; otherwise the draft's competencies that continue the ones it
 * develops now (two, for a split; none, for one not carried forward).
 */
async function draftCoursePlan(db: Executor, draftId: string, live: LiveCourse[]): Promise<Map<string, string[]>> {
  const ids = live.map((c) => c.id);
  if (!ids.length) return new Map();
  const [drafted, planned, existing] = await Promise.all([
    db.select({ id: competencies.id, continues: competencies.continuesCompetencyId }).from(competencies).where(eq(competencies.frameworkId, draftId)),
    db
      .select({ courseId: plannedCourseCompetencies.courseId, competencyId: plannedCourseCompetencies.competencyId })
      .from(plannedCourseCompetencies)
      .innerJoin(competencies, eq(competencies.id, plannedCourseCompetencies.competencyId))
      .where(and(eq(competencies.frameworkId, draftId), inArray(plannedCourseCompetencies.courseId, ids))),
    db.select().from(courseCompetencies).where(inArray(courseCompetencies.courseId, ids)),
  ]);
  const continuers = new Map<string, string[]>();
  for (const c of drafted) if (c.continues) continuers.set(c.continues, [...(continuers.get(c.continues) ?? []), c.id]);
  const plan = new Map<string, string[]>();
  for (const courseId of ids) {
    const own = planned.filter((p) => p.courseId === courseId).map((p) => p.competencyId);
    const carried = existing.filter((e) => e.courseId === courseId).flatMap((e) => continuers.get(e.competencyId) ?? []);
    const next = [...new Set(own.length ? own : carried)];
    if (next.length) plan.set(courseId, next);
  }
  return plan;
}

/** The live courses developing each competency of the version: as planned for a draft, as they stand for a published one. */
async function courseMappings(s: Scope, db: Executor, framework: Framework): Promise<Map<string, LiveCourse[]>> {
  const live = await liveCourses(s, db);
  const byCourse = new Map(live.map((c) => [c.id, c]));
  const pairs: { courseId: string; competencyId: string }[] = [];
  if (statusOf(framework) === 'draft') {
    for (const [courseId, ids] of await draftCoursePlan(db, framework.id, live)) pairs.push(...ids.map((competencyId) => ({ courseId, competencyId })));
  } else if (live.length) {
    pairs.push(
      ...(await db
        .select({ courseId: courseCompetencies.courseId, competencyId: courseCompetencies.competencyId })
        .from(courseCompetencies)
        .innerJoin(competencies, eq(competencies.id, courseCompetencies.competencyId))
        .where(and(eq(competencies.frameworkId, framework.id), inArray(courseCompetencies.courseId, [...byCourse.keys()])))),
    );
  }
  const result = new Map<string, LiveCourse[]>();
  for (const p of pairs) result.set(p.competencyId, [...(result.get(p.competencyId) ?? []), byCourse.get(p.courseId)!]);
  for (const list of result.values()) list.sort((a, b) => a.title.localeCompare(b.title));
  return result;
}

// ---- Reading a version --------------------------------------------------------------------

export interface VersionGroup {
  id: string;
  code: string;
  name: string;
  who: string;
  sortOrder: number;
  outsideScheme: string;
}

export interface VersionCompetency {
  id: string;
  code: string;
  domain: string;
  statement: string;
  /** Its own refresh period; null: the version's default. */
  refreshMonths: number | null;
  /** Ids of the groups that require it, in the groups' order. */
  requiredFor: string[];
  /** The competency of an earlier version it continues. */
  continues: { id: string; code: string; statement: string; version: number } | null;
  /** Live courses that develop it (for a draft: will, once published). */
  courses: LiveCourse[];
}

export interface VersionDetail {
  framework: Framework & { status: VersionStatus };
  groups: VersionGroup[];
  competencies: VersionCompetency[];
  /** For a draft: the current version's competencies, which the draft's may continue. */
  previous: { id: string; code: string; statement: string }[];
  /** For a draft: the current version's competencies no competency of the draft continues; their evidence counts for nothing new. */
  notCarriedForward: { id: string; code: string; statement: string }[];
  /** For a draft: the current version's groups whose code the draft does not have, and how many people are in each. */
  groupsNotCarried: { code: string; name: string; people: number }[];
}

async function versionIn(s: Scope, db: Executor, frameworkId: string): Promise<Framework> {
  const [framework] = await db.select().from(competencyFrameworks).where(and(eq(competencyFrameworks.id, frameworkId), eq(competencyFrameworks.partnershipId, s.partnership.id)));
  if (!framework) throw notFound('Framework version');
  return framework;
}

/** A version with its groups, competencies (requirements, refresh, continuation, courses), and for a draft what it leaves behind. */
export async function getVersion(s: ServiceContext, frameworkId: string): Promise<VersionDetail> {
  const { db } = s;
  const framework = await versionIn(s, db, frameworkId);
  const status = statusOf(framework);
  const [groups, rows, requirements, mappings, current] = await Promise.all([
    db
      .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name, who: workforceGroups.who, sortOrder: workforceGroups.sortOrder, outsideScheme: workforceGroups.outsideScheme })
      .from(workforceGroups)
      .where(eq(workforceGroups.frameworkId, framework.id))
      .orderBy(asc(workforceGroups.sortOrder), asc(workforceGroups.code)),
    db.select().from(competencies).where(eq(competencies.frameworkId, framework.id)).orderBy(asc(competencies.code)),
    db
      .select({ competencyId: competencyRequirements.competencyId, groupId: competencyRequirements.workforceGroupId })
      .from(competencyRequirements)
      .innerJoin(workforceGroups, eq(workforceGroups.id, competencyRequirements.workforceGroupId))
      .where(eq(workforceGroups.frameworkId, framework.id)),
    courseMappings(s, db, framework),
    status === 'draft' ? currentOf(s, db) : undefined,
  ]);
  const continuedIds = [...new Set(rows.flatMap((c) => (c.continuesCompetencyId ? [c.continuesCompetencyId] : [])))];
  const [continued, previous, previousGroups] = await Promise.all([
    continuedIds.length
      ? db
          .select({ id: competencies.id, code: competencies.code, statement: competencies.statement, version: competencyFrameworks.version })
          .from(competencies)
          .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId))
          .where(inArray(competencies.id, continuedIds))
      : [],
    current ? db.select({ id: competencies.id, code: competencies.code, statement: competencies.statement }).from(competencies).where(eq(competencies.frameworkId, current.id)).orderBy(asc(competencies.code)) : [],
    current
      ? db
          .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name, people: people.id })
          .from(workforceGroups)
          .leftJoin(people, eq(people.workforceGroupId, workforceGroups.id))
          .where(eq(workforceGroups.frameworkId, current.id))
          .orderBy(asc(workforceGroups.sortOrder))
      : [],
  ]);
  const draftCodes = new Set(groups.map((g) => g.code));
  const notCarried = new Map<string, { code: string; name: string; people: number }>();
  for (const g of previousGroups.filter((g) => !draftCodes.has(g.code))) {
    const entry = notCarried.get(g.id) ?? { code: g.code, name: g.name, people: 0 };
    if (g.people) entry.people++;
    notCarried.set(g.id, entry);
  }
  return {
    framework: { ...framework, status },
    groups,
    competencies: rows.map((c) => ({
      id: c.id,
      code: c.code,
      domain: c.domain,
      statement: c.statement,
      refreshMonths: c.refreshMonths,
      requiredFor: groups.filter((g) => requirements.some((r) => r.competencyId === c.id && r.groupId === g.id)).map((g) => g.id),
      continues: continued.find((x) => x.id === c.continuesCompetencyId) ?? null,
      courses: mappings.get(c.id) ?? [],
    })),
    previous,
    notCarriedForward: previous.filter((p) => !continuedIds.includes(p.id)),
    groupsNotCarried: [...notCarried.values()],
  };
}

// ---- Changing the draft -------------------------------------------------------------------

/** The draft, locked for the rest of the transaction; refused when there is none. */
export async function lockedDraft(s: Scope, tx: Executor): Promise<Framework> {
  const [draft] = await tx
    .select()
    .from(competencyFrameworks)
    .where(and(eq(competencyFrameworks.partnershipId, s.partnership.id), isNull(competencyFrameworks.publishedAt)))
    .for('update');
  if (!draft) throw noDraft();
  return draft;
}

const noDraft = () => conflict('There is no draft version to change. Start a new draft to change the framework: published versions cannot be changed.');
const readOnly = (version: number) => conflict(`Version ${version} is published, so it cannot be changed. Start a new draft to change the framework.`);

/** A group or competency of the draft: one of a published version is read-only, one of nobody's is not found. */
async function ownRow<T extends { frameworkId: string }>(tx: Executor, draft: Framework, rows: T[], what: string): Promise<T> {
  const [row] = rows;
  if (!row) throw notFound(what);
  if (row.frameworkId !== draft.id) {
    const [version] = await tx.select({ version: competencyFrameworks.version }).from(competencyFrameworks).where(eq(competencyFrameworks.id, row.frameworkId));
    throw readOnly(version.version);
  }
  return row;
}

const groupRow = (s: Scope, tx: Executor, groupId: string) => tx.select().from(workforceGroups).where(and(eq(workforceGroups.id, groupId), eq(workforceGroups.partnershipId, s.partnership.id)));
const competencyRow = (s: Scope, tx: Executor, competencyId: string) => tx.select().from(competencies).where(and(eq(competencies.id, competencyId), eq(competencies.partnershipId, s.partnership.id)));

/**
 * A new draft, copied from the current version: its groups, and its competencies with their
 * requirements and refresh periods, each continuing the one it was copied from. Refused while
 * there is a draft already.
 */
export async function startDraft(s: ServiceContext): Promise<Framework> {
  try {
    return await s.db.transaction(async (tx) => {
      const [existing] = await tx.select().from(competencyFrameworks).where(and(eq(competencyFrameworks.partnershipId, s.partnership.id), isNull(competencyFrameworks.publishedAt)));
      if (existing) throw conflict(`There is already a draft, version ${existing.version}. Change that one, or publish it, before starting another.`);
      const current = await currentOf(s, tx);
      const [{ top }] = await tx.select({ top: max(competencyFrameworks.version) }).from(competencyFrameworks).where(eq(competencyFrameworks.partnershipId, s.partnership.id));
      const [draft] = await tx
        .insert(competencyFrameworks)
        .values({
          partnershipId: s.partnership.id,
          version: (top ?? 0) + 1,
          title: current?.title ?? 'Partnership safeguarding competency framework',
          defaultRefreshMonths: current?.defaultRefreshMonths ?? 36,
          createdAt: s.clock.now(),
        })
        .returning();
      if (current) await copyVersion(s, tx, current.id, draft.id);
      await auditChange(tx, s, 'framework.draft-started', 'competency framework', draft.id, { version: draft.version, copiedFrom: current?.version ?? null });
      return draft;
    });
  } catch (error) {
    // Two coordinators starting a draft at the same moment: the index lets one through.
    if (isUniqueViolation(error)) throw conflict('Someone else has just started a draft. Change that one, or publish it, before starting another.');
    throw error;
  }
}

async function copyVersion(s: Scope, tx: Executor, fromId: string, toId: string) {
  const partnershipId = s.partnership.id;
  const [groups, comps, requirements] = await Promise.all([
    tx.select().from(workforceGroups).where(eq(workforceGroups.frameworkId, fromId)),
    tx.select().from(competencies).where(eq(competencies.frameworkId, fromId)),
    tx.select({ competencyId: competencyRequirements.competencyId, groupId: competencyRequirements.workforceGroupId }).from(competencyRequirements).innerJoin(workforceGroups, eq(workforceGroups.id, competencyRequirements.workforceGroupId)).where(eq(workforceGroups.frameworkId, fromId)),
  ]);
  const newGroups = groups.length
    ? await tx
        .insert(workforceGroups)
        .values(groups.map((g) => ({ partnershipId, frameworkId: toId, code: g.code, name: g.name, who: g.who, sortOrder: g.sortOrder, outsideScheme: g.outsideScheme })))
        .returning({ id: workforceGroups.id, code: workforceGroups.code })
    : [];
  const newComps = comps.length
    ? await tx
        .insert(competencies)
        .values(comps.map((c) => ({ partnershipId, frameworkId: toId, code: c.code, domain: c.domain, statement: c.statement, refreshMonths: c.refreshMonths, continuesCompetencyId: c.id })))
        .returning({ id: competencies.id, continues: competencies.continuesCompetencyId })
    : [];
  const groupId = new Map(groups.map((g) => [g.id, newGroups.find((n) => n.code === g.code)!.id]));
  const competencyId = new Map(newComps.map((c) => [c.continues!, c.id]));
  if (requirements.length) await tx.insert(competencyRequirements).values(requirements.map((r) => ({ competencyId: competencyId.get(r.competencyId)!, workforceGroupId: groupId.get(r.groupId)! })));
}

export async function updateDraftDetails(s: ServiceContext, input: DraftDetailsInput): Promise<Framework> {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    const [row] = await tx.update(competencyFrameworks).set(input).where(eq(competencyFrameworks.id, draft.id)).returning();
    await auditChange(tx, s, 'framework.draft-changed', 'competency framework', draft.id, { ...input });
    return row;
  });
}

/** Puts the group at the position (1 first; past the end is last) and numbers the draft's groups 1, 2, 3 in order. */
async function placeGroup(tx: Executor, draftId: string, groupId: string | null, position: number) {
  const rows = await tx.select({ id: workforceGroups.id, sortOrder: workforceGroups.sortOrder }).from(workforceGroups).where(eq(workforceGroups.frameworkId, draftId)).orderBy(asc(workforceGroups.sortOrder), asc(workforceGroups.code));
  const order = rows.map((r) => r.id).filter((id) => id !== groupId);
  if (groupId) order.splice(Math.min(position, order.length + 1) - 1, 0, groupId);
  for (const [i, id] of order.entries()) {
    if (rows.find((r) => r.id === id)?.sortOrder !== i + 1) await tx.update(workforceGroups).set({ sortOrder: i + 1 }).where(eq(workforceGroups.id, id));
  }
}

async function checkGroupCode(tx: Executor, draft: Framework, code: string, groupId?: string) {
  const [taken] = await tx.select({ id: workforceGroups.id }).from(workforceGroups).where(and(eq(workforceGroups.frameworkId, draft.id), eq(workforceGroups.code, code), groupId ? ne(workforceGroups.id, groupId) : undefined));
  if (taken) throw invalid({ code: `The draft already has a group with the code ${code}` });
}

const groupColumns = ({ position: _position, ...columns }: GroupInput) => columns;

export async function addGroup(s: ServiceContext, input: GroupInput) {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    await checkGroupCode(tx, draft, input.code);
    // Last for now: placeGroup then moves it to its position.
    const [group] = await tx.insert(workforceGroups).values({ partnershipId: s.partnership.id, frameworkId: draft.id, ...groupColumns(input), sortOrder: 1000 }).returning();
    await placeGroup(tx, draft.id, group.id, input.position);
    await auditChange(tx, s, 'framework.group-added', 'competency framework', draft.id, { groupId: group.id, ...input });
    return group;
  });
}

export async function changeGroup(s: ServiceContext, groupId: string, input: GroupInput) {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    await ownRow(tx, draft, await groupRow(s, tx, groupId), 'Workforce group');
    await checkGroupCode(tx, draft, input.code, groupId);
    await tx.update(workforceGroups).set(groupColumns(input)).where(eq(workforceGroups.id, groupId));
    await placeGroup(tx, draft.id, groupId, input.position);
    await auditChange(tx, s, 'framework.group-changed', 'competency framework', draft.id, { groupId, ...input });
  });
}

/** Removes a group from the draft (and from the competencies that required it). */
export async function removeGroup(s: ServiceContext, groupId: string) {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    const group = await ownRow(tx, draft, await groupRow(s, tx, groupId), 'Workforce group');
    await tx.delete(workforceGroups).where(eq(workforceGroups.id, groupId));
    await placeGroup(tx, draft.id, null, 0);
    await auditChange(tx, s, 'framework.group-removed', 'competency framework', draft.id, { groupId, code: group.code, name: group.name });
  });
}

/** The competency's code is the draft's only, its groups are the draft's, and what it continues is a competency of the current version. */
async function checkCompetency(s: Scope, tx: Executor, draft: Framework, input: CompetencyInput, competencyId?: string) {
  const current = await currentOf(s, tx);
  const [[taken], groups, continued] = await Promise.all([
    tx.select({ id: competencies.id }).from(competencies).where(and(eq(competencies.frameworkId, draft.id), eq(competencies.code, input.code), competencyId ? ne(competencies.id, competencyId) : undefined)),
    input.requiredFor.length ? tx.select({ id: workforceGroups.id }).from(workforceGroups).where(and(eq(workforceGroups.frameworkId, draft.id), inArray(workforceGroups.id, input.requiredFor))) : [],
    input.continuesId && current ? tx.select({ id: competencies.id }).from(competencies).where(and(eq(competencies.id, input.continuesId), eq(competencies.frameworkId, current.id))) : [],
  ]);
  const errors: FieldErrors = {};
  if (taken) errors.code = `The draft already has a competency with the code ${input.code}`;
  if (groups.length !== new Set(input.requiredFor).size) errors.requiredFor = 'Select workforce groups from the list';
  if (input.continuesId && !continued.length) errors.continuesId = 'Select a competency of the current version from the list';
  if (Object.keys(errors).length) throw invalid(errors);
}

async function writeRequirements(tx: Executor, competencyId: string, groupIds: string[]) {
  await tx.delete(competencyRequirements).where(eq(competencyRequirements.competencyId, competencyId));
  const ids = [...new Set(groupIds)];
  if (ids.length) await tx.insert(competencyRequirements).values(ids.map((workforceGroupId) => ({ competencyId, workforceGroupId })));
}

const competencyColumns = ({ requiredFor: _groups, continuesId, ...columns }: CompetencyInput) => ({ ...columns, continuesCompetencyId: continuesId });

export async function addCompetency(s: ServiceContext, input: CompetencyInput) {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    await checkCompetency(s, tx, draft, input);
    const [competency] = await tx.insert(competencies).values({ partnershipId: s.partnership.id, frameworkId: draft.id, ...competencyColumns(input) }).returning();
    await writeRequirements(tx, competency.id, input.requiredFor);
    await auditChange(tx, s, 'framework.competency-added', 'competency framework', draft.id, { competencyId: competency.id, ...input });
    return competency;
  });
}

export async function changeCompetency(s: ServiceContext, competencyId: string, input: CompetencyInput) {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    await ownRow(tx, draft, await competencyRow(s, tx, competencyId), 'Competency');
    await checkCompetency(s, tx, draft, input, competencyId);
    await tx.update(competencies).set(competencyColumns(input)).where(eq(competencies.id, competencyId));
    await writeRequirements(tx, competencyId, input.requiredFor);
    await auditChange(tx, s, 'framework.competency-changed', 'competency framework', draft.id, { competencyId, ...input });
  });
}

export async function removeCompetency(s: ServiceContext, competencyId: string) {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    const competency = await ownRow(tx, draft, await competencyRow(s, tx, competencyId), 'Competency');
    await tx.delete(competencies).where(eq(competencies.id, competencyId));
    await auditChange(tx, s, 'framework.competency-removed', 'competency framework', draft.id, { competencyId, code: competency.code, statement: competency.statement });
  });
}

// ---- Publishing ---------------------------------------------------------------------------

/** For each group of an earlier version, the draft’s group of the same code (where it has one). */
async function sameCodeGroups(tx: Executor, draftId: string, groupIds: string[]) {
  if (!groupIds.length) return new Map<string, string>();
  const older = alias(workforceGroups, 'older_group');
  const rows = await tx
    .select({ from: older.id, to: workforceGroups.id })
    .from(older)
    .innerJoin(workforceGroups, and(eq(workforceGroups.frameworkId, draftId), eq(workforceGroups.code, older.code)))
    .where(inArray(older.id, groupIds));
  return new Map(rows.map((r) => [r.from, r.to]));
}

export interface Published {
  framework: Framework;
  peopleMoved: number;
  coursesMapped: number;
}

/**
 * Makes the draft the current version, in one transaction: see the top of this file. Refused
 * when there is no draft, or it has no group or no competency.
 */
export async function publishDraft(s: ServiceContext): Promise<Published> {
  return s.db.transaction(async (tx) => {
    const draft = await lockedDraft(s, tx);
    const [groups, comps] = await Promise.all([
      tx.select({ id: workforceGroups.id }).from(workforceGroups).where(eq(workforceGroups.frameworkId, draft.id)),
      tx.select({ id: competencies.id }).from(competencies).where(eq(competencies.frameworkId, draft.id)),
    ]);
    if (!groups.length || !comps.length) throw conflict('The draft needs at least one workforce group and one competency before it can be published.');
    const current = await currentOf(s, tx);
    const live = await liveCourses(s, tx);
    const plan = await draftCoursePlan(tx, draft.id, live);

    if (current) await tx.update(competencyFrameworks).set({ current: false }).where(eq(competencyFrameworks.id, current.id));
    const [published] = await tx.update(competencyFrameworks).set({ current: true, publishedAt: s.clock.now() }).where(eq(competencyFrameworks.id, draft.id)).returning();

    // People keep their group by its code; those whose code the new version lacks keep their old row (no profile until they choose again).
    const placed = await tx.select({ id: people.id, groupId: people.workforceGroupId }).from(people).innerJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId)).where(and(eq(people.partnershipId, s.partnership.id), ne(workforceGroups.frameworkId, draft.id)));
    const peopleTo = await sameCodeGroups(tx, draft.id, [...new Set(placed.map((p) => p.groupId!))]);
    let peopleMoved = 0;
    for (const [from, to] of peopleTo) {
      const moved = await tx.update(people).set({ workforceGroupId: to }).where(and(eq(people.partnershipId, s.partnership.id), eq(people.workforceGroupId, from))).returning({ id: people.id });
      peopleMoved += moved.length;
    }

    const liveIds = live.map((c) => c.id);
    if (liveIds.length) {
      // Who each live course is for, by code; a group the new version lacks drops out, as the course form would drop it.
      const audiences = await tx.select().from(courseWorkforceGroups).where(inArray(courseWorkforceGroups.courseId, liveIds));
      const audienceTo = await sameCodeGroups(tx, draft.id, [...new Set(audiences.map((a) => a.workforceGroupId))]);
      await tx.delete(courseWorkforceGroups).where(inArray(courseWorkforceGroups.courseId, liveIds));
      const audienceRows = [...new Map(audiences.flatMap((a) => (audienceTo.has(a.workforceGroupId) ? [[`${a.courseId} ${audienceTo.get(a.workforceGroupId)}`, { courseId: a.courseId, workforceGroupId: audienceTo.get(a.workforceGroupId)! }]] : []))).values()];
      if (audienceRows.length) await tx.insert(courseWorkforceGroups).values(audienceRows);

      await tx.delete(courseCompetencies).where(inArray(courseCompetencies.courseId, liveIds));
      const mapped = [...plan].flatMap(([courseId, ids]) => ids.map((competencyId) => ({ courseId, competencyId })));
      if (mapped.length) await tx.insert(courseCompetencies).values(mapped);
    }
    // The plans are what the courses now develop.
    await tx.delete(plannedCourseCompetencies).where(inArray(plannedCourseCompetencies.competencyId, comps.map((c) => c.id)));

    await auditChange(tx, s, 'framework.published', 'competency framework', draft.id, { version: draft.version, replaced: current?.version ?? null, peopleMoved, coursesMapped: plan.size });
    return { framework: published, peopleMoved, coursesMapped: plan.size };
  });
}

/** The draft with everything on it, for its pages; refused (as a change would be) when there is none. */
export async function draftVersion(s: ServiceContext): Promise<VersionDetail> {
  const draft = await findDraft(s);
  if (!draft) throw noDraft();
  return getVersion(s, draft.id);
}
