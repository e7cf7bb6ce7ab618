// The admin commands' logic, kept apart from server/admin/commands.ts (which only parses arguments and
// prints) so tests can call them on a test database.
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { findPersonByEmail, normaliseEmail } from '../accounts/people';
import { createPerson, personInput, type PersonInput } from '../accounts/service';
import { audit } from '../audit/log';
import { CommandError } from '../command-line';
import { CsvError, readCsvTable, type CsvRow } from '../shared/csv';
import type { Database, Executor } from '../../db/database';
import * as ref from '../../db/reference-data';
import { competencyFrameworks, organisations, partnerships, people, personRoles, ROLES, workforceGroups, type Role } from '../../db/schema';
import { seedDemo } from '../demo/seed';
import { importHistory, type HistoryImport } from '../history/service';
import type { Clock } from '../shared/clock';
import { DEFAULTS, setUpPartnership } from './partnership';

/** An expected failure: the command line prints the message (no stack trace) and exits 1. */
export class AdminError extends CommandError {
  constructor(
    readonly problems: string[],
    readonly hints: string[] = [],
  ) {
    super([...problems, ...hints].join('\n'));
  }
}

/** A problem with an import, on a line of the file when it has one. */
export interface Problem {
  line?: number;
  message: string;
}

export const formatProblem = (p: Problem) => (p.line ? `line ${p.line}: ${p.message}` : p.message);

export async function findPartnership(db: Database, slug: string) {
  const [partnership] = await db
    .select({ id: partnerships.id, name: partnerships.name })
    .from(partnerships)
    .where(eq(partnerships.slug, slug));
  if (!partnership) throw new AdminError([`The partnership '${slug}' is not set up in this database. Run: npm run admin -- init`]);
  return partnership;
}

/** The seed data describes one partnership; setting it up under another slug would be a mistake. */
function checkReferencePartnership(slug: string) {
  if (slug !== ref.partnership.slug) {
    throw new AdminError([`This deployment serves the partnership '${slug}' (PARTNERSHIP), but the built-in reference data is for '${ref.partnership.slug}'.`]);
  }
}

/** The partnership, its organisations and competency framework (once; running it again changes nothing). */
export async function initPartnership(db: Database, slug: string) {
  checkReferencePartnership(slug);
  const { created } = await setUpPartnership(db);
  return { created, name: ref.partnership.name };
}

/** The demo prospectus and accounts for the year containing `now` (once per year); links in its mail start with `baseUrl`. */
export async function seedDemoData(db: Database, slug: string, now: Date, options: { baseUrl?: string } = {}) {
  checkReferencePartnership(slug);
  return seedDemo(db, now, options);
}

/** A past year's records file imported (or only checked, with `dryRun`) as the partnership itself. */
export async function importHistoryFile(db: Database, slug: string, csvText: string, clock: Clock, options: { dryRun?: boolean } = {}): Promise<HistoryImport> {
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, slug));
  if (!partnership) throw new AdminError([`The partnership '${slug}' is not set up in this database. Run: npm run admin -- init`]);
  return importHistory({ db, clock, config: DEFAULTS, partnership, actor: null }, csvText, options);
}

// Reading a person's details from the command line or a CSV row.

/** What a person is described by, as typed: organisation and group by name, roles by name. */
export interface PersonFields {
  name: string;
  email: string;
  organisation: string;
  jobTitle: string;
  workforceGroup: string;
  lineManagerEmail?: string;
  roles: string[];
}

/** Messages name the CSV columns, in this order. */
const FIELDS = ['name', 'email', 'organisation', 'job_title', 'workforce_group', 'line_manager_email', 'roles'] as const;
type Field = (typeof FIELDS)[number];
const INPUT_FIELDS: Partial<Record<keyof PersonInput, Field>> = { name: 'name', email: 'email', jobTitle: 'job_title', lineManagerEmail: 'line_manager_email' };

const normaliseRole = (value: string) => value.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** "trainer; Reviewer" or ["trainer", "organisation-lead"] as roles, or the messages for the ones that are not. */
function parseRoles(values: string[]): { roles: Role[]; error?: string } {
  const names = values.map(normaliseRole);
  const unknown = values.filter((v, i) => names[i] && !isRole(names[i]));
  const roles = [...new Set(names.filter(isRole))];
  if (!unknown.length) return { roles };
  const listed = unknown.map((v) => `'${v.trim()}'`).join(', ');
  return { roles, error: `${unknown.length > 1 ? `roles ${listed} are not` : `role ${listed} is not`} one of: ${ROLES.join(', ')}` };
}

/** The partnership's active organisations and current workforce groups, matched as people type them. */
async function loadLookups(db: Executor, partnershipId: string) {
  const orgs = await db.select().from(organisations).where(eq(organisations.partnershipId, partnershipId));
  const groups = await db
    .select({ id: workforceGroups.id, code: workforceGroups.code, name: workforceGroups.name })
    .from(workforceGroups)
    .innerJoin(competencyFrameworks, eq(workforceGroups.frameworkId, competencyFrameworks.id))
    .where(and(eq(workforceGroups.partnershipId, partnershipId), eq(competencyFrameworks.current, true)))
    .orderBy(workforceGroups.sortOrder);
  const missed = new Set<'organisation' | 'workforce_group'>();
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

  return {
    /** By full name, else by short name; case does not matter. */
    organisation(value: string): { id?: string; error?: string } {
      if (!value.trim()) return { error: 'organisation: Enter the organisation’s name or short name' };
      const byName = orgs.filter((o) => same(o.name, value));
      const matches = byName.length ? byName : orgs.filter((o) => same(o.shortName, value));
      const active = matches.filter((o) => o.active);
      if (active.length === 1) return { id: active[0].id };
      if (active.length > 1) return { error: `organisation '${value}' matches ${active.map((o) => o.name).join(' and ')}; use the full name` };
      missed.add('organisation');
      if (matches.length) return { error: `organisation '${value}' is no longer active` };
      return { error: `organisation '${value}' is not in the list` };
    },
    /** By code ("3"), "Group 3" or the group's full name. */
    workforceGroup(value: string): { id?: string; error?: string } {
      if (!value.trim()) return { error: 'workforce_group: Enter the workforce group’s code or name' };
      const group = groups.find((g) => same(g.code, value) || same(`group ${g.code}`, value) || same(g.name, value));
      if (group) return { id: group.id };
      missed.add('workforce_group');
      return { error: `workforce group '${value}' is not in the list` };
    },
    /** What may be typed instead, once, for the kinds of value that did not match. */
    hints(): string[] {
      const hints: string[] = [];
      if (missed.has('organisation')) {
        const names = orgs.filter((o) => o.active).map((o) => `${o.name} (${o.shortName})`);
        hints.push(`The organisations are (full or short name): ${names.join('; ')}.`);
      }
      if (missed.has('workforce_group')) hints.push(`The workforce groups are (code or name): ${groups.map((g) => g.name).join('; ')}.`);
      return hints;
    },
  };
}
type Lookups = Awaited<ReturnType<typeof loadLookups>>;

/** The zod personInput rules plus the lookups; every problem with the fields, in column order. */
function checkPerson(lookups: Lookups, fields: PersonFields): { input?: PersonInput; roles: Role[]; problems: string[] } {
  const organisation = lookups.organisation(fields.organisation);
  const group = lookups.workforceGroup(fields.workforceGroup);
  const { roles, error: rolesError } = parseRoles(fields.roles);
  const found: Partial<Record<Field, string>> = { organisation: organisation.error, workforce_group: group.error, roles: rolesError };

  const parsed = personInput.safeParse({
    name: fields.name,
    email: fields.email,
    organisationId: organisation.id ?? '',
    jobTitle: fields.jobTitle,
    workforceGroupId: group.id ?? '',
    lineManagerEmail: fields.lineManagerEmail,
  });
  if (!parsed.success) {
    // The lookups have already said what is wrong with the organisation and group.
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Partial<Record<keyof PersonInput, string[]>>;
    for (const [key, field] of Object.entries(INPUT_FIELDS) as [keyof PersonInput, Field][]) {
      const message = fieldErrors[key]?.[0];
      if (message) found[field] = `${field}: ${message}`;
    }
  }
  const problems = FIELDS.map((f) => found[f]).filter((m): m is string => Boolean(m));
  return { input: problems.length ? undefined : parsed.data, roles, problems };
}

// add-user

export interface AddUserArgs {
  email: string;
  name: string;
  organisation: string;
  roles: string[];
  jobTitle?: string;
  /** A code ("4") or name; by default group 4 for staff roles, group 3 for a practitioner. */
  workforceGroup?: string;
}

export interface AddUserResult {
  personId: string;
  name: string;
  email: string;
  /** False when the email already had an account and only roles were added. */
  created: boolean;
  /** Roles this command gave the person. */
  added: Role[];
  /** Every role the person now holds. */
  roles: Role[];
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Fills in the job title and workforce group from the roles when they are not given. */
function withDefaults(args: AddUserArgs): PersonFields {
  const staffRole = parseRoles(args.roles).roles.find((r) => r !== 'practitioner');
  return {
    ...args,
    jobTitle: args.jobTitle ?? capitalise(staffRole ?? 'practitioner'),
    workforceGroup: args.workforceGroup ?? (staffRole ? '4' : '3'),
  };
}

async function rolesHeld(db: Executor, personId: string): Promise<Role[]> {
  const rows = await db.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, personId));
  return ROLES.filter((r) => rows.some((row) => row.role === r));
}

/** Gives an existing person roles they do not hold yet, with an audit entry; returns the ones added. */
async function addRoles(tx: Executor, partnershipId: string, personId: string, roles: Role[]): Promise<Role[]> {
  const held = await rolesHeld(tx, personId);
  const added = roles.filter((r) => !held.includes(r));
  if (!added.length) return [];
  await tx.insert(personRoles).values(added.map((role) => ({ personId, role })));
  await audit(tx, { partnershipId, actorId: null, action: 'person.roles.changed', subjectType: 'person', subjectId: personId, detail: { granted: added, removed: [] } });
  return added;
}

/**
 * Creates an account with the given roles (practitioner always), or, when the email already
 * has one, gives that person the roles and changes nothing else. Throws AdminError, having
 * written nothing, when any detail is wrong.
 */
export async function addUser(db: Database, partnershipId: string, args: AddUserArgs): Promise<AddUserResult> {
  return db.transaction(async (tx) => {
    const lookups = await loadLookups(tx, partnershipId);
    const { input, roles, problems } = checkPerson(lookups, withDefaults(args));
    if (!roles.length && !problems.length) problems.push('roles: Give at least one role');
    if (!input || problems.length) throw new AdminError(problems, lookups.hints());

    const existing = await findPersonByEmail(tx, partnershipId, input.email);
    if (existing) {
      const added = await addRoles(tx, partnershipId, existing.id, roles);
      return { personId: existing.id, name: existing.name, email: existing.email, created: false, added, roles: await rolesHeld(tx, existing.id) };
    }
    const personId = await createPerson(tx, partnershipId, input, roles, null);
    const held = await rolesHeld(tx, personId);
    return { personId, name: input.name, email: normaliseEmail(input.email), created: true, added: held, roles: held };
  });
}

// import-people

export const PEOPLE_COLUMNS = {
  required: ['name', 'email', 'organisation', 'job_title', 'workforce_group'],
  optional: ['line_manager_email', 'roles'],
} as const;

export interface ImportResult {
  /** How many people were added: all the new ones, or none when there are errors. */
  imported: number;
  /** Rows whose email already has an account: left alone. */
  skipped: { line: number; email: string }[];
  errors: Problem[];
  /** What the file may use instead of a value that did not match. */
  hints: string[];
}

const rowFields = (values: Record<string, string>): PersonFields => ({
  name: values.name,
  email: values.email,
  organisation: values.organisation,
  jobTitle: values.job_title,
  workforceGroup: values.workforce_group,
  lineManagerEmail: values.line_manager_email,
  roles: (values.roles ?? '').split(/[;,]/),
});

/** The file's rows, or no rows and the reason the file as a whole cannot be read. */
function readPeopleCsv(csvText: string): { rows: CsvRow[]; problems: Problem[] } {
  try {
    return readCsvTable(csvText, PEOPLE_COLUMNS);
  } catch (error) {
    if (error instanceof CsvError) return { rows: [], problems: [{ line: error.line, message: error.message }] };
    throw error;
  }
}

/**
 * Onboards the people in a CSV file (see docs/cli.md). Every row is checked first and every
 * problem reported with its line; if there is any, nothing is imported. Otherwise every new
 * person is created, each with an audit entry, in one transaction.
 */
export async function importPeople(db: Database, partnershipId: string, csvText: string): Promise<ImportResult> {
  const { rows, problems: errors } = readPeopleCsv(csvText);
  if (!rows.length) {
    return { imported: 0, skipped: [], errors: errors.length ? errors : [{ message: 'the file has no people in it, only a header' }], hints: [] };
  }

  return db.transaction(async (tx) => {
    const lookups = await loadLookups(tx, partnershipId);
    const emails = [...new Set(rows.map((r) => normaliseEmail(r.values.email)).filter(Boolean))];
    const existing = new Set(
      (await tx.select({ email: people.email }).from(people).where(and(eq(people.partnershipId, partnershipId), inArray(people.email, emails)))).map((p) => p.email),
    );

    const skipped: ImportResult['skipped'] = [];
    const firstLine = new Map<string, number>();
    const toCreate: { input: PersonInput; roles: Role[] }[] = [];
    for (const row of rows) {
      const email = normaliseEmail(row.values.email);
      if (existing.has(email)) {
        skipped.push({ line: row.line, email });
        continue;
      }
      const { input, roles, problems } = checkPerson(lookups, rowFields(row.values));
      const seenOn = email ? firstLine.get(email) : undefined;
      if (seenOn) problems.push(`email ${email} is also on line ${seenOn}`);
      else if (email) firstLine.set(email, row.line);
      errors.push(...problems.map((message) => ({ line: row.line, message })));
      if (input && !problems.length) toCreate.push({ input, roles });
    }

    if (errors.length) {
      errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      return { imported: 0, skipped, errors, hints: lookups.hints() };
    }
    for (const { input, roles } of toCreate) await createPerson(tx, partnershipId, input, roles, null);
    return { imported: toCreate.length, skipped, errors, hints: [] };
  });
}
