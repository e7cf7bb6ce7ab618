// Learning needs: an organisation's workforce against the competencies its workforce groups
// require, today and a year earlier, and the partnership's gap map (competency by sector and by
// organisation, with the competencies no course of this year's or a draft prospectus develops).
//
// The statuses are the profile's, by the same rules (statusFrom, ./service), from the days of the
// same evidence, read for the whole partnership in one narrow query per kind
// (./workforce-statuses). "Meets" a competency is learned or applied. Every count and share goes through one suppression (shownCells,
// ../shared/statistics) of all the figures any page shows, organisations', sectors' and the
// partnership's together, so no page and no pair of pages lets a count of fewer than 5 people be
// worked out: see docs/decisions/0012-small-numbers-suppressed.md.
import { and, asc, eq, gte, or } from 'drizzle-orm';
import { courseCompetencies, courses, organisations, people, prospectuses, SECTORS, workforceGroups, type Sector } from '../../db/schema';
import { currentPublishedProspectus } from '../catalogue/service';
import { addMonths, londonDay } from '../shared/dates';
import { forbidden, notFound } from '../shared/errors';
import { describeRate, rate, shownCells, SMALL_GROUP, type Proportion, type SumOf } from '../shared/statistics';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { currentFramework, requirementsByGroup, type CompetencyStatus, type Framework, type GroupRequirements, type RequiredCompetency } from './service';
import { readEvidenceDays, WorkforceStatuses } from './workforce-statuses';
import { formatCount } from '../shared/words';

/** A figure not shown: it counts fewer than 5 people, or it would let one that does be worked out. */
export interface Hidden {
  suppressed: true;
  reason: 'fewer than 5' | 'would give another away';
}
/** A count of people, or hidden. */
export type Figure = { count: number } | Hidden;
/** A share with its count and denominator, or hidden; null when nobody there needs the competency. */
export type Share = Proportion | Hidden | null;

export const isHidden = (figure: Figure | Share): figure is Hidden => figure !== null && 'suppressed' in figure;

/** The two days the analysis compares: today and the same day a year earlier. */
const COLUMNS = ['now', 'yearEarlier'] as const;
type Column = (typeof COLUMNS)[number];
type Bucket = 'meets' | 'due' | 'notStarted';
const bucketOf = { applied: 'meets', learned: 'meets', 'due for refresh': 'due', 'not started': 'notStarted' } as const;

/** The code of people whose group is not in the current framework (or who have none). */
const NO_GROUP = '';

export interface NeedsCompetency {
  id: string;
  code: string;
  domain: string;
  statement: string;
  /** The codes of the groups that require it, in the framework's order. */
  requiredBy: string[];
}

export interface StatusFigures {
  /** Learned or applied, of those who need it. */
  meets: Share;
  dueForRefresh: Figure;
  notStarted: Figure;
}

/** People to talk to, for the organisation's lead and the coordinators: never in the API, the gap map or a reviewer's view. */
export interface NamedPeople {
  noLearning: string[];
  competencies: Record<string, { dueForRefresh: string[]; notStarted: string[] }>;
}

export interface LearningNeeds {
  organisation: { id: string; name: string; sector: Sector };
  framework: Pick<Framework, 'id' | 'version' | 'title' | 'defaultRefreshMonths'>;
  asOf: string;
  yearEarlier: string;
  people: Figure;
  groups: { code: string; name: string; people: Figure }[];
  /** People with no workforce group, or one the current framework does not have. */
  notInFramework: Figure;
  /** People with no learning (a course with its feedback, or e-learning) in the framework's refresh period up to the day. */
  noLearning: Record<Column, Figure>;
  /** The competencies the organisation's people need, by code. */
  competencies: (NeedsCompetency & { required: Figure } & Record<Column, StatusFigures>)[];
  named: NamedPeople | null;
}

export interface GapMap {
  framework: LearningNeeds['framework'];
  asOf: string;
  sectors: Sector[];
  organisations: { id: string; name: string; sector: Sector }[];
  competencies: (NeedsCompetency & {
    /** Courses of the current published prospectus or a draft one, not withdrawn, that develop it (or a version it continues). */
    developedBy: { id: string; title: string; prospectus: string }[];
    uncovered: boolean;
    all: Share;
    /** In the order of `sectors`, then of `organisations`. */
    bySector: Share[];
    byOrganisation: Share[];
  })[];
}

// ---- Counting -------------------------------------------------------------------------------

interface WorkforcePerson {
  id: string;
  name: string;
  organisationId: string;
  groupCode: string | null;
}

/** Each competency required by some group, with the codes of the groups requiring it, by code. */
function requiredCompetencies(groups: Map<string, GroupRequirements>) {
  const byId = new Map<string, RequiredCompetency & { requiredBy: string[] }>();
  for (const { group, required } of groups.values()) {
    for (const c of required) {
      const entry = byId.get(c.id) ?? { ...c, requiredBy: [] };
      entry.requiredBy.push(group.code);
      byId.set(c.id, entry);
    }
  }
  return [...byId.values()].sort((a, b) => a.code.localeCompare(b.code));
}

type RequiredByGroups = ReturnType<typeof requiredCompetencies>;
/** A person's status as a bucket: its place in BUCKETS. */
const BUCKETS = ['meets', 'due', 'notStarted'] as const satisfies readonly Bucket[];
const bucketIndex = (status: CompetencyStatus) => BUCKETS.indexOf(bucketOf[status]);

/**
 * Everyone's status in every competency their group requires, on each day, tallied by
 * organisation; and, for naming people, each person's bucket today (its place in BUCKETS plus 1,
 * 0 where not needed: [person * competencies + competency]) and who has no learning today.
 */
function tally(workforce: WorkforcePerson[], statuses: WorkforceStatuses, groups: Map<string, GroupRequirements>, competencies: RequiredByGroups, framework: Framework) {
  const K = competencies.length;
  const place = new Map(competencies.map((c, k) => [c.id, k]));
  const required = new Map([...groups].map(([code, g]) => [code, g.required.map((c) => place.get(c.id)!)]));
  const tallies = new Map<string, { people: number; groups: Map<string, number>; untrained: number[]; buckets: Int32Array }>();
  const today = new Uint8Array(workforce.length * K);
  const untrained = new Set<number>();
  workforce.forEach((person, i) => {
    let mine = tallies.get(person.organisationId);
    if (!mine) tallies.set(person.organisationId, (mine = { people: 0, groups: new Map(), untrained: COLUMNS.map(() => 0), buckets: new Int32Array(K * COLUMNS.length * BUCKETS.length) }));
    const code = person.groupCode !== null && groups.has(person.groupCode) ? person.groupCode : NO_GROUP;
    mine.people++;
    mine.groups.set(code, (mine.groups.get(code) ?? 0) + 1);
    COLUMNS.forEach((_, column) => {
      if (statuses.learnedWithin(i, framework.defaultRefreshMonths, column)) return;
      mine.untrained[column]++;
      if (column === 0) untrained.add(i);
    });
    for (const k of required.get(code) ?? []) {
      for (let column = 0; column < COLUMNS.length; column++) {
        const bucket = bucketIndex(statuses.status(i, k, column));
        mine.buckets[(k * COLUMNS.length + column) * BUCKETS.length + bucket]++;
        if (column === 0) today[i * K + k] = bucket + 1;
      }
    }
  });
  const counts = new Map<string, number>();
  for (const [o, mine] of tallies) {
    counts.set(`people|${o}`, mine.people);
    for (const [code, n] of mine.groups) counts.set(`group|${o}|${code}`, n);
    COLUMNS.forEach((column, c) => mine.untrained[c] && counts.set(`untrained|${o}|${column}`, mine.untrained[c]));
    competencies.forEach((competency, k) =>
      COLUMNS.forEach((column, c) =>
        BUCKETS.forEach((bucket, b) => {
          const n = mine.buckets[(k * COLUMNS.length + c) * BUCKETS.length + b];
          if (n) counts.set(`${bucket}|${o}|${competency.id}|${column}`, n);
        }),
      ),
    );
  }
  return { counts, today, untrained };
}

// ---- Suppression ----------------------------------------------------------------------------

/** The figures as cells with their sums, to suppress together. */
class Cells {
  readonly counts: number[] = [];
  readonly displayed: boolean[] = [];
  readonly sums: SumOf[] = [];
  private readonly index = new Map<string, number>();
  private shown: boolean[] = [];

  constructor(private readonly tallies: Map<string, number>) {}

  /** The cell for a key, made on first use with its tallied count (0 if none). */
  cell(key: string, displayed = true): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.counts.push(this.tallies.get(key) ?? 0) - 1;
      this.displayed.push(displayed);
      this.index.set(key, i);
    }
    return i;
  }

  /** A cell that is the sum of others, its count their sum. */
  sum(key: string, parts: number[], displayed = true) {
    const total = this.cell(key, displayed);
    this.counts[total] = parts.reduce((n, i) => n + this.counts[i], 0);
    if (parts.length) this.sums.push({ total, parts });
    return total;
  }

  suppress() {
    this.shown = shownCells(this.counts, this.sums, this.displayed);
  }

  private hidden(i: number): Hidden {
    return { suppressed: true, reason: this.counts[i] < SMALL_GROUP ? 'fewer than 5' : 'would give another away' };
  }

  /** The count itself, for deciding what to list, never to show. */
  countOf(key: string): number {
    return this.counts[this.cell(key)];
  }

  figure(key: string): Figure {
    const i = this.cell(key);
    return this.shown[i] ? { count: this.counts[i] } : this.hidden(i);
  }

  share(countKey: string, ofKey: string): Share {
    const [count, of] = [this.cell(countKey), this.cell(ofKey)];
    if (this.shown[of] && this.counts[of] === 0) return null;
    if (!this.shown[of]) return this.hidden(of);
    if (!this.shown[count]) return this.hidden(count);
    return rate(this.counts[count], this.counts[of]) as Proportion;
  }
}

/** A requirement set's key: the codes of the groups in it. */
const setKey = (codes: string[]) => [...codes].sort().join(',');
/**
 * The cell of the people in a scope who are in one of a set of groups: the people needing a
 * competency, or, for the set of every group and none, the scope's head count (which only an
 * organisation's page shows).
 */
const denominatorKey = (scope: string, set: string[]) => (set.includes(NO_GROUP) ? `people|${scope}` : `n|${scope}|${setKey(set)}`);

/**
 * The sums linking a scope's group counts to its denominators. The people needing a competency
 * are those in the groups requiring it; where the groups' sets nest (each group requires what
 * the one below does, as in the partnership's framework), each set is its largest subsets plus
 * the groups left over, which makes subtracting one denominator from another a sum the
 * suppression sees. Sets that overlap without nesting are summed from the groups directly.
 */
function denominatorSums(cells: Cells, scope: string, sets: string[][], groupCell: (code: string) => number, everyoneDisplayed: boolean) {
  const bySize = [...sets].sort((a, b) => a.length - b.length);
  for (const set of bySize) {
    const subsets = bySize.filter((other) => other.length < set.length && other.every((g) => set.includes(g)));
    const largest = subsets.filter((sub) => !subsets.some((other) => other !== sub && other.length > sub.length && sub.every((g) => other.includes(g))));
    const disjoint = largest.every((a, i) => largest.slice(i + 1).every((b) => !b.some((g) => a.includes(g))));
    const children = disjoint ? largest : [];
    const covered = new Set(children.flat());
    cells.sum(denominatorKey(scope, set), [...children.map((c) => cells.cell(denominatorKey(scope, c))), ...set.filter((g) => !covered.has(g)).map(groupCell)], !set.includes(NO_GROUP) || everyoneDisplayed);
  }
}

// ---- The analysis ---------------------------------------------------------------------------

interface Analysis {
  framework: Framework;
  days: Record<Column, string>;
  groups: Map<string, GroupRequirements>;
  competencies: ReturnType<typeof requiredCompetencies>;
  organisations: { id: string; name: string; sector: Sector }[];
  sectors: Sector[];
  cells: Cells;
  workforce: WorkforcePerson[];
  /** Each person's bucket today in each competency (tally). */
  today: Uint8Array;
  /** The places in `workforce` of the people with no learning today. */
  untrained: Set<number>;
}

/** Every figure of every organisation, sector and the partnership, suppressed together; undefined without a framework. */
async function analyse(s: ServiceContext): Promise<Analysis | undefined> {
  const framework = await currentFramework(s);
  if (!framework) return undefined;
  const today = londonDay(s.clock.now());
  const days = { now: today, yearEarlier: addMonths(today, -12) };
  const [groups, workforce, orgs, evidence] = await Promise.all([
    requirementsByGroup(s, framework),
    s.db
      .select({ id: people.id, name: people.name, organisationId: people.organisationId, groupCode: workforceGroups.code })
      .from(people)
      .leftJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId))
      .where(eq(people.partnershipId, s.partnership.id))
      .orderBy(asc(people.name)),
    s.db.select({ id: organisations.id, name: organisations.name, sector: organisations.sector }).from(organisations).where(eq(organisations.partnershipId, s.partnership.id)).orderBy(asc(organisations.name)),
    readEvidenceDays(s),
  ]);
  const competencies = requiredCompetencies(groups);
  const statuses = new WorkforceStatuses(
    evidence,
    workforce.map((p) => p.id),
    competencies,
    COLUMNS.map((column) => days[column]),
  );
  const { counts, today: todays, untrained } = tally(workforce, statuses, groups, competencies, framework);
  const withPeople = orgs.filter((o) => counts.has(`people|${o.id}`));
  const sectors = SECTORS.filter((sector) => withPeople.some((o) => o.sector === sector));

  const cells = new Cells(counts);
  const codes = [...groups.keys(), NO_GROUP];
  // Everyone, and each set of groups that requires some competency.
  const uniqueSets = [...new Map([codes, ...competencies.map((c) => c.requiredBy)].map((set) => [setKey(set), set])).values()];
  // Organisations, those with nobody yet too (whose figures are all 0): their groups,
  // denominators, statuses on both days, and people with no learning.
  for (const o of orgs) {
    denominatorSums(cells, o.id, uniqueSets, (code) => cells.cell(`group|${o.id}|${code}`), true);
    for (const column of COLUMNS) {
      cells.cell(`untrained|${o.id}|${column}`);
      for (const c of competencies) {
        const parts = (['meets', 'due', 'notStarted'] as const).map((b) => cells.cell(`${b}|${o.id}|${c.id}|${column}`));
        cells.sums.push({ total: cells.cell(`n|${o.id}|${setKey(c.requiredBy)}`), parts, describesEach: true });
      }
    }
  }
  // Sectors and the partnership: the same sums over the organisations in them. Their group counts
  // are on no page, but they link the denominators the gap map shows to the organisations'.
  const scopes = [...sectors.map((sector) => ({ key: sector, members: withPeople.filter((o) => o.sector === sector).map((o) => o.id) })), { key: '*', members: sectors as string[] }];
  for (const { key, members } of scopes) {
    for (const code of codes) cells.sum(`group|${key}|${code}`, members.map((m) => cells.cell(`group|${m}|${code}`)), false);
    denominatorSums(cells, key, uniqueSets, (code) => cells.cell(`group|${key}|${code}`), false);
    for (const set of uniqueSets) cells.sums.push({ total: cells.cell(denominatorKey(key, set)), parts: members.map((m) => cells.cell(denominatorKey(m, set))) });
    for (const c of competencies) cells.sum(`meets|${key}|${c.id}|now`, members.map((m) => cells.cell(`meets|${m}|${c.id}|now`)));
  }
  cells.suppress();
  return { framework, days, groups, competencies, organisations: withPeople, sectors, cells, workforce, today: todays, untrained };
}

const frameworkOut = ({ id, version, title, defaultRefreshMonths }: Framework) => ({ id, version, title, defaultRefreshMonths });
const competencyOut = (c: Analysis['competencies'][number]): NeedsCompetency => ({ id: c.id, code: c.code, domain: c.domain, statement: c.statement, requiredBy: c.requiredBy });

/** What the actor may see of an organisation's learning needs: its figures, and whether the names of its people. */
async function accessTo(s: PersonalContext, organisationId: string) {
  const { roles } = s.actor;
  const [[organisation], [actor]] = await Promise.all([
    s.db
      .select({ id: organisations.id, name: organisations.name, sector: organisations.sector })
      .from(organisations)
      .where(and(eq(organisations.id, organisationId), eq(organisations.partnershipId, s.partnership.id))),
    s.db.select({ organisationId: people.organisationId }).from(people).where(eq(people.id, s.actor.id)),
  ]);
  const readsAll = roles.includes('coordinator') || roles.includes('reviewer');
  const leadsIt = roles.includes('organisation lead') && actor?.organisationId === organisationId;
  if (!readsAll && !roles.includes('organisation lead')) throw forbidden('Only an organisation’s lead, coordinators and reviewers can see its learning needs');
  if (!organisation) throw notFound('Organisation');
  if (!readsAll && !leadsIt) throw forbidden('An organisation lead can see only their own organisation’s learning needs');
  return { organisation, names: roles.includes('coordinator') || leadsIt };
}

/** The organisation a lead leads: their own. */
export async function ledOrganisation(s: PersonalContext): Promise<string | undefined> {
  if (!s.actor.roles.includes('organisation lead')) return undefined;
  const [row] = await s.db.select({ organisationId: people.organisationId }).from(people).where(eq(people.id, s.actor.id));
  return row?.organisationId;
}

/**
 * An organisation's learning-needs analysis: its people by workforce group, and for each
 * competency its groups require how many meet it, are due for refresh and have not started,
 * today and a year earlier (today's people, with the evidence there was then), and how many have
 * had no learning in the refresh period. For its lead, coordinators and reviewers; names of
 * people for its lead and coordinators when `withNames`. Undefined without a framework.
 */
export async function learningNeeds(s: PersonalContext, organisationId: string, options: { withNames?: boolean } = {}): Promise<LearningNeeds | undefined> {
  const access = await accessTo(s, organisationId);
  const analysis = await analyse(s);
  if (!analysis) return undefined;
  const { cells, days, groups } = analysis;
  const o = organisationId;
  const statusFigures = (c: Analysis['competencies'][number], column: Column): StatusFigures => ({
    meets: cells.share(`meets|${o}|${c.id}|${column}`, `n|${o}|${setKey(c.requiredBy)}`),
    dueForRefresh: cells.figure(`due|${o}|${c.id}|${column}`),
    notStarted: cells.figure(`notStarted|${o}|${c.id}|${column}`),
  });
  const needed = analysis.competencies.filter((c) => c.requiredBy.some((code) => cells.countOf(`group|${o}|${code}`) > 0));
  return {
    organisation: access.organisation,
    framework: frameworkOut(analysis.framework),
    asOf: days.now,
    yearEarlier: days.yearEarlier,
    people: cells.figure(`people|${o}`),
    groups: [...groups.values()].map(({ group }) => ({ code: group.code, name: group.name, people: cells.figure(`group|${o}|${group.code}`) })),
    notInFramework: cells.figure(`group|${o}|${NO_GROUP}`),
    noLearning: { now: cells.figure(`untrained|${o}|now`), yearEarlier: cells.figure(`untrained|${o}|yearEarlier`) },
    competencies: needed.map((c) => ({ ...competencyOut(c), required: cells.figure(`n|${o}|${setKey(c.requiredBy)}`), now: statusFigures(c, 'now'), yearEarlier: statusFigures(c, 'yearEarlier') })),
    named: options.withNames && access.names ? namedPeople(analysis, o, needed) : null,
  };
}

function namedPeople(analysis: Analysis, organisationId: string, needed: Analysis['competencies']): NamedPeople {
  const { workforce, competencies, today } = analysis;
  const staff = workforce.flatMap((p, i) => (p.organisationId === organisationId ? [i] : []));
  const named = (competencyId: string, bucket: Bucket) => {
    const k = competencies.findIndex((c) => c.id === competencyId);
    const want = BUCKETS.indexOf(bucket) + 1;
    return staff.filter((i) => today[i * competencies.length + k] === want).map((i) => workforce[i].name);
  };
  return {
    noLearning: staff.filter((i) => analysis.untrained.has(i)).map((i) => workforce[i].name),
    competencies: Object.fromEntries(needed.map((c) => [c.code, { dueForRefresh: named(c.id, 'due'), notStarted: named(c.id, 'notStarted') }])),
  };
}

/**
 * Courses of the current published prospectus or of a draft one not yet ended, not withdrawn,
 * by the competency they are mapped to. A past year's or a withdrawn course develops nothing the
 * partnership offers now.
 */
async function offeredCourses(s: ServiceContext, today: string) {
  const current = await currentPublishedProspectus(s);
  return s.db
    .select({ competencyId: courseCompetencies.competencyId, id: courses.id, title: courses.title, prospectus: prospectuses.year })
    .from(courseCompetencies)
    .innerJoin(courses, eq(courses.id, courseCompetencies.courseId))
    .innerJoin(prospectuses, eq(prospectuses.id, courses.prospectusId))
    .where(
      and(
        eq(courses.partnershipId, s.partnership.id),
        eq(courses.withdrawn, false),
        or(current ? eq(prospectuses.id, current.id) : undefined, and(eq(prospectuses.status, 'draft'), gte(prospectuses.endsOn, today))),
      ),
    )
    .orderBy(asc(prospectuses.year), asc(courses.title));
}

/**
 * The partnership's gap map: for each competency some group requires, the share of the people
 * needing it who meet it, across the partnership, by sector and by organisation, and whether any
 * course on offer (this year's published prospectus or a draft) develops it. For coordinators and
 * reviewers; figures only, never names. Undefined without a framework.
 */
export async function gapMap(s: PersonalContext): Promise<GapMap | undefined> {
  if (!s.actor.roles.includes('coordinator') && !s.actor.roles.includes('reviewer')) throw forbidden('Only coordinators and reviewers can see the gap map');
  const analysis = await analyse(s);
  if (!analysis) return undefined;
  const offered = await offeredCourses(s, analysis.days.now);
  const { cells } = analysis;
  return {
    framework: frameworkOut(analysis.framework),
    asOf: analysis.days.now,
    sectors: analysis.sectors,
    organisations: analysis.organisations,
    competencies: analysis.competencies.map((c) => {
      const developedBy = [...new Map(offered.filter((m) => c.lineage.includes(m.competencyId)).map(({ id, title, prospectus }) => [id, { id, title, prospectus }])).values()];
      const share = (scope: string) => cells.share(`meets|${scope}|${c.id}|now`, `n|${scope}|${setKey(c.requiredBy)}`);
      return {
        ...competencyOut(c),
        developedBy,
        uncovered: developedBy.length === 0,
        all: share('*'),
        bySector: analysis.sectors.map(share),
        byOrganisation: analysis.organisations.map((o) => share(o.id)),
      };
    }),
  };
}


// ---- In words, as pages and CSV files say them ----------------------------------------------

const HIDDEN_WORDS: Record<Hidden['reason'], string> = { 'fewer than 5': `fewer than ${SMALL_GROUP}`, 'would give another away': 'not shown' };

/** "212", "fewer than 5", or "not shown" (a figure that would let a smaller one be worked out). */
export const describeFigure = (f: Figure) => (isHidden(f) ? HIDDEN_WORDS[f.reason] : formatCount(f.count));

/** "64% (212 of 331)", "fewer than 5", "not shown", or "nobody needs it". */
export const describeShare = (f: Share) => (f === null ? 'nobody needs it' : isHidden(f) ? HIDDEN_WORDS[f.reason] : describeRate(f));
