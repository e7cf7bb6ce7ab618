// The admin command line's commands (npm run admin -- <command> [options]; entry: server/node.ts admin).
// See docs/cli.md. They read the parsed arguments and print; server/admin/service.ts does the work.
import { readFile } from 'node:fs/promises';
import { say, complain, UsageError, withDatabase, type Command } from '../command-line';
import { describeDatabase } from '../runtime';
import type { Environment } from '../shared/config';
import { describeProblem } from '../history/rows';
import type { HistoryImport } from '../history/service';
import { AdminError, addUser, findPartnership, formatProblem, importHistoryFile, importPeople, initPartnership, seedDemoData } from './service';
import type { Database } from '../../db/database';

export const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  migrate          Bring the database up to date (DATABASE_URL, or PGlite in DATA_DIR)
  init             Set up the partnership, its organisations and competency framework
  seed-demo        Add the demo prospectus and accounts for the current year
  add-user --email E --name N --organisation O --role R [--role R2]
           [--job-title T] [--workforce-group G]
                   Add a person with roles, or give roles to someone who has an account
  import-people FILE.csv
                   Add many people from a CSV file (docs/cli.md describes the columns)
  import-history FILE.csv [--dry-run]
                   Bring in a past year's training records (docs/history-import.md);
                   --dry-run checks the file and says what it would do
  help             Show this message

Roles: practitioner, trainer, coordinator, reviewer, organisation lead.`;

/** The partnership this deployment serves (PARTNERSHIP), which must be set up already. */
const withPartnership = <T>(env: Environment, work: (db: Database, partnershipId: string) => Promise<T>) =>
  withDatabase(env, async (db) => work(db, (await findPartnership(db, env.PARTNERSHIP)).id));

async function readUtf8(file: string): Promise<string> {
  let bytes;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AdminError([`Cannot read ${file}: ${code === 'ENOENT' ? 'there is no such file' : (error as Error).message}`]);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AdminError([`${file} is not UTF-8 text. In a spreadsheet, save it as "CSV UTF-8".`]);
  }
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export const COMMANDS: Record<string, Command> = {
  migrate: {
    run: ({ env }) =>
      withDatabase(env, async () => {
        say(`The database is up to date (${describeDatabase(env)}).`);
        return 0;
      }),
  },

  init: {
    run: ({ env }) =>
      withDatabase(env, async (db) => {
        const { created, name } = await initPartnership(db, env.PARTNERSHIP);
        say(created ? `Set up ${name}: its organisations and competency framework.` : `${name} is already set up; nothing changed.`);
        say('Add the first coordinator with: npm run admin -- add-user --email E --name N --organisation O --role coordinator');
        return 0;
      }),
  },

  'seed-demo': {
    run: ({ env, clock }) =>
      withDatabase(env, async (db) => {
        const { created } = await seedDemoData(db, env.PARTNERSHIP, clock.now(), { baseUrl: env.BASE_URL });
        say(created ? 'Added this year’s demo prospectus, sessions, bookings and demo accounts.' : 'This year’s demo prospectus is already there; nothing changed.');
        return 0;
      }),
  },

  'add-user': {
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      organisation: { type: 'string' },
      role: { type: 'string', multiple: true },
      'job-title': { type: 'string' },
      'workforce-group': { type: 'string' },
    },
    run: ({ env, values }) => {
      const missing = ['email', 'name', 'organisation', 'role'].filter((o) => values[o] === undefined);
      if (missing.length) throw new UsageError(`add-user needs ${missing.map((o) => `--${o}`).join(', ')}.`);
      const args = {
        email: values.email as string,
        name: values.name as string,
        organisation: values.organisation as string,
        roles: values.role as string[],
        jobTitle: values['job-title'] as string | undefined,
        workforceGroup: values['workforce-group'] as string | undefined,
      };
      return withPartnership(env, async (db, partnershipId) => {
        const result = await addUser(db, partnershipId, args);
        const who = `${result.name} <${result.email}>`;
        if (result.created) say(`Added ${who} with the roles: ${result.roles.join(', ')}.`);
        else if (result.added.length) say(`${who} already has an account: gave them ${result.added.join(', ')}. They now hold: ${result.roles.join(', ')}.`);
        else say(`${who} already has an account and holds ${result.roles.join(', ')}; nothing changed.`);
        return 0;
      });
    },
  },

  'import-people': {
    arguments: ['FILE.csv'],
    run: async ({ env, positionals: [file] }) => {
      const text = await readUtf8(file);
      return withPartnership(env, async (db, partnershipId) => {
        const result = await importPeople(db, partnershipId, text);
        for (const { line, email } of result.skipped) say(`line ${line}: skipped ${email}, who already has an account`);
        if (result.errors.length) {
          result.errors.forEach((problem) => complain(formatProblem(problem)));
          result.hints.forEach(complain);
          complain(`Nothing was imported. Correct the ${plural(result.errors.length, 'problem')} above and run the import again.`);
          return 1;
        }
        say(`Imported ${plural(result.imported, 'person', 'people')}${result.skipped.length ? ` (skipped ${result.skipped.length})` : ''}.`);
        return 0;
      });
    },
  },

  'import-history': {
    options: { 'dry-run': { type: 'boolean' } },
    arguments: ['FILE.csv'],
    run: async ({ env, clock, values, positionals: [file] }) => {
      const text = await readUtf8(file);
      const dryRun = Boolean(values['dry-run']);
      return withDatabase(env, async (db) => {
        const result = await importHistoryFile(db, env.PARTNERSHIP, text, clock, { dryRun });
        if (result.problems.length) {
          result.problems.forEach((problem) => complain(describeProblem(problem)));
          result.hints.forEach(complain);
          complain(`Nothing was imported. Correct the ${plural(result.problems.length, 'problem')} above and run the import again.`);
          return 1;
        }
        describeHistoryImport(result).forEach(say);
        return 0;
      });
    },
  },
};

/** What an import did (or, on a dry run, would do), a line each. */
export function describeHistoryImport(result: HistoryImport): string[] {
  if (result.unchanged) return [`This file was imported already (${result.years.map((y) => y.year).join(', ')}); nothing changed.`];
  const lines = result.years.map(
    (y) =>
      `${y.year}: ${plural(y.courses, 'course')}, ${plural(y.sessionsDelivered, 'session')} delivered and ${y.sessionsCancelled} cancelled, ${plural(y.records, 'record')} (${y.attended} attended), ${plural(y.feedback, 'feedback form')}, ${plural(y.surveysSent, 'three-month survey')} sent and ${y.surveysAnswered} answered.`,
  );
  if (result.newOrganisations.length) lines.push(`New organisations: ${result.newOrganisations.join('; ')}.`);
  lines.push(`${plural(result.newPeople, 'new person', 'new people')} and ${plural(result.anonymousAttendees, 'attendee')} not named in the records.`);
  lines.push(result.dryRun ? 'Nothing was imported: this was a dry run. Run it again without --dry-run to import.' : `Imported ${plural(result.rows, 'row')}.`);
  return lines;
}
