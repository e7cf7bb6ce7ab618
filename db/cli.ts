// The admin command line: npm run admin -- <command> [options]. See docs/cli.md.
// This file only reads the arguments and the environment and prints; db/admin.ts does the work.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseEnvironment, type Environment } from '../server/config';
import { AdminError, addUser, findPartnership, formatProblem, importPeople, initPartnership, seedDemoData } from './admin';
import type { Database } from './database';
import { openDatabase } from './open';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  migrate          Bring the database up to date (DATABASE_URL, or PGlite in DATA_DIR)
  init             Set up the partnership, its organisations and competency framework
  seed-demo        Add the demo prospectus and accounts for the current year
  add-user --email E --name N --organisation O --role R [--role R2]
           [--job-title T] [--workforce-group G]
                   Add a person with roles, or give roles to someone who has an account
  import-people FILE.csv
                   Add many people from a CSV file (docs/cli.md describes the columns)
  help             Show this message

Roles: practitioner, trainer, coordinator, reviewer, organisation lead.`;

/** Wrong command or options: the usage is printed and the exit code is 2. */
class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Context {
  env: Environment;
  values: Values;
  positionals: string[];
}

interface Command {
  options?: Options;
  /** Names of the positional arguments, all required. */
  arguments?: string[];
  run(context: Context): Promise<number>;
}

const say = (line: string) => console.log(line);
const complain = (line: string) => console.error(line);

function describeDatabase(env: Environment) {
  if (!env.DATABASE_URL) return `PGlite in ${resolve(env.DATA_DIR)}`;
  try {
    const url = new URL(env.DATABASE_URL);
    return `PostgreSQL at ${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** The driver's own words ("connect ECONNREFUSED ..."), not the query drizzle wraps them in. */
function rootCause(error: unknown): string {
  let cause = error as (Error & { code?: string }) | undefined;
  while (cause?.cause instanceof Error) cause = cause.cause;
  return cause?.message || cause?.code || String(error);
}

/** Opens (and migrates) the database, runs `work` and closes it again. */
async function withDatabase<T>(env: Environment, work: (db: Database) => Promise<T>): Promise<T> {
  let open;
  try {
    open = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  } catch (error) {
    throw new AdminError([`Could not open the database (${describeDatabase(env)}): ${rootCause(error)}`]);
  }
  try {
    return await work(open.db);
  } finally {
    await open.close();
  }
}

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

const COMMANDS: Record<string, Command> = {
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
    run: ({ env }) =>
      withDatabase(env, async (db) => {
        const { created } = await seedDemoData(db, env.PARTNERSHIP, new Date());
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
};

function parseCommandLine([name, ...rest]: string[]): { command: Command; values: Values; positionals: string[] } {
  if (!name) throw new UsageError('Give a command.');
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`There is no command '${name}'.`);
  const command = COMMANDS[name];
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const expected = command.arguments ?? [];
  if (parsed.positionals.length !== expected.length) {
    throw new UsageError(expected.length ? `${name} needs ${expected.join(' ')}.` : `${name} takes no arguments (got ${parsed.positionals.join(' ')}).`);
  }
  return { command, values: parsed.values, positionals: parsed.positionals };
}

function readEnvironment(): Environment {
  try {
    return parseEnvironment(process.env);
  } catch (error) {
    throw new AdminError([(error as Error).message]);
  }
}

const argv = process.argv.slice(2);
try {
  if (['help', '--help', '-h'].includes(argv[0])) say(USAGE);
  else {
    const { command, values, positionals } = parseCommandLine(argv);
    process.exitCode = await command.run({ env: readEnvironment(), values, positionals });
  }
} catch (error) {
  if (error instanceof UsageError) {
    complain(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof AdminError) {
    complain(error.message);
    process.exitCode = 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
