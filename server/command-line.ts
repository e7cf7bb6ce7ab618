// What the command lines (npm run admin: server/admin/commands.ts; npm run jobs: jobs/commands.ts) share: a table of
// commands with their options, one way of reading the arguments, and one rule for what is printed
// and the exit code when something is wrong (docs/cli.md):
//   0  done
//   1  something was wrong (a bad value or setting, no database): the message says what
//   2  the command or its options were wrong: the message and the usage are printed
// Expected failures are printed as plain messages; only a bug prints a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Database } from '../db/database';
import type { Clock } from './shared/clock';
import { ConfigurationError, parseEnvironment, type Environment } from './shared/config';
import { describeDatabase, openDatabaseFrom } from './runtime';

/** An expected failure: the message is printed (no stack trace) and the exit code is 1. */
export class CommandError extends Error {}

/** Wrong command or options: the message and the usage are printed and the exit code is 2. */
export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Context {
  env: Environment;
  /** The entry's clock: "now" for anything the command dates. */
  clock: Clock;
  values: Values;
  positionals: string[];
}

export interface Command {
  options?: Options;
  /** Names of the positional arguments, all required. */
  arguments?: string[];
  /**
   * Checks the arguments before the environment is read, so a mistyped command line is
   * reported as such whatever the settings (throw a UsageError).
   */
  check?(values: Values, positionals: string[]): void;
  /** Does the work; resolves with the exit code. */
  run(context: Context): Promise<number>;
}

export const say = (line: string) => console.log(line);
export const complain = (line: string) => console.error(line);

/** The driver's own words ("connect ECONNREFUSED ..."), not the query drizzle wraps them in. */
export function rootCause(error: unknown): string {
  let cause = error as (Error & { code?: string }) | undefined;
  while (cause?.cause instanceof Error) cause = cause.cause;
  return cause?.message || cause?.code || String(error);
}

/** Opens (and migrates) the database the environment names, runs `work` and closes it again. */
export async function withDatabase<T>(env: Environment, work: (db: Database) => Promise<T>): Promise<T> {
  let open;
  try {
    open = await openDatabaseFrom(env);
  } catch (error) {
    throw new CommandError(`Could not open the database (${describeDatabase(env)}): ${rootCause(error)}`);
  }
  try {
    return await work(open.db);
  } finally {
    await open.close();
  }
}

function parseCommandLine(commands: Record<string, Command>, [name, ...rest]: string[]) {
  if (!name) throw new UsageError('Give a command.');
  if (!Object.hasOwn(commands, name)) throw new UsageError(`There is no command '${name}'.`);
  const command = commands[name];
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const expected = command.arguments ?? [];
  if (parsed.positionals.length !== expected.length) {
    const got = parsed.positionals.length ? ` (got ${parsed.positionals.join(' ')})` : '';
    throw new UsageError(expected.length ? `${name} needs ${expected.join(' ')}${got}.` : `${name} takes no arguments${got}.`);
  }
  command.check?.(parsed.values, parsed.positionals);
  return { command, values: parsed.values, positionals: parsed.positionals };
}

/**
 * Runs the command named by the arguments with the environment and clock the entry passes, and returns
 * the exit code. `help`, `--help` and `-h` print the usage.
 */
export async function runCommandLine(usage: string, commands: Record<string, Command>, given: { argv: string[]; env: Record<string, string | undefined>; clock: Clock }): Promise<number> {
  const { argv } = given;
  try {
    if (['help', '--help', '-h'].includes(argv[0])) {
      say(usage);
      return 0;
    }
    const { command, values, positionals } = parseCommandLine(commands, argv);
    return await command.run({ env: parseEnvironment(given.env), clock: given.clock, values, positionals });
  } catch (error) {
    if (error instanceof UsageError) {
      complain(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof CommandError || error instanceof ConfigurationError) complain(error.message);
    else console.error(error);
    return 1;
  }
}
