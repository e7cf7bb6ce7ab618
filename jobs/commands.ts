// The jobs command line's commands (npm run jobs -- <command> [options]; entry jobs/cli.ts). See docs/cli.md.
// Runs the scheduled jobs by hand (at a chosen time, to catch up or to try a date out) and counts
// the follow-up surveys. It opens the database and chooses the mailer as the Node entry does.
import { count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { FOLLOW_UP_STATUSES, outbox, type FollowUpRespondent, type FollowUpStatus } from '../db/schema';
import { say, UsageError, withDatabase, type Command, type Values } from '../server/command-line';
import { chooseMailer, captureMailer } from '../server/mail/mailer';
import { followUpCounts } from '../server/follow-ups/service';
import { lastRetentionRuns } from '../server/retention/service';
import { describeDatabase, nodeConfig, requireMailer } from '../server/runtime';
import { cronTable, jobGroups, jobs, jobsNamed, runJob, sendsMail, type JobName, type Progress, type Summary } from './registry';

const DESCRIPTIONS: Record<JobName, string> = {
  'send-mail': 'Send the email waiting in the outbox (needs SMTP_URL outside demo mode)',
  'lapse-approvals': 'Lapse held places whose line manager has not decided in time',
  'session-reminders': 'Queue the reminders before each session',
  'close-follow-ups': 'Close the follow-up surveys whose time is up',
  'send-follow-ups': 'Queue the follow-up surveys that have fallen due',
  'remind-follow-ups': 'Queue the reminders for follow-up surveys not answered yet',
  'apply-retention': 'Remove what the retention policy no longer keeps (expired links, old free text, ...)',
};

/** Rows of cells as text columns: the first column left-aligned, the others (numbers) right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
}

const names = (list: readonly string[]) => list.join(', ');

/** Two columns, the second starting at the same place on every line of the listing. */
const WIDTH = Math.max(...[...Object.keys(jobs), ...Object.keys(jobGroups), ...cronTable.map((e) => e.cron)].map((n) => n.length));
const lines = (rows: [string, string][]) => rows.map(([left, right]) => `  ${left.padEnd(WIDTH)}  ${right}`).join('\n');

const LISTING = `Jobs:
${lines(Object.keys(jobs).map((name) => [name, DESCRIPTIONS[name as JobName]]))}

Groups (each runs its jobs in this order):
${lines(Object.entries(jobGroups).map(([group, members]) => [group, names(members)]))}

Cron table (node-cron runs it in Europe/London time on Node; cron triggers in UTC on Workers):
${lines(cronTable.map((entry) => [entry.cron, names(entry.jobs)]))}`;

export const USAGE = `Usage: npm run jobs -- <command> [options]

Commands:
  run NAME [--now TIME]  Run a job, or a group of jobs, once, as if it were TIME
                         (ISO 8601 with a time zone, like 2026-07-01T09:00:00Z; default: now)
  status                 Count the follow-up surveys by whom they ask and where they stand,
                         and show what the last retention run removed
  list                   List the jobs, the groups and the cron table
  help                   Show this message

${LISTING}`;

const RESPONDENTS: FollowUpRespondent[] = ['attendee', 'manager'];

const instant = z.iso.datetime({ offset: true });

/** --now: an ISO 8601 date and time with its time zone (a bare date or local time would be ambiguous). */
function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (!instant.safeParse(value).success) {
    throw new UsageError(`--now '${value}' is not a date and time. Write it in ISO 8601 with the time zone, like 2026-07-01T09:00:00Z or 2026-07-01T10:00:00+01:00.`);
  }
  return new Date(value);
}

function jobsFor(name: string): JobName[] {
  const found = jobsNamed(name);
  if (found) return found;
  throw new UsageError(`There is no job or group called '${name}'. The jobs are: ${names(Object.keys(jobs))}. The groups are: ${names(Object.keys(jobGroups))}.`);
}

/** "sent 3, failed 0, gave up 0" */
const describeSummary = (summary: Summary) =>
  Object.entries(summary)
    .map(([key, value]) => `${key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${value}`)
    .join(', ') || 'nothing to do (no partnership in the database)';

/** The running total from a job's second batch on: a run that fits in one batch prints only its summary. */
function progressLines(name: JobName): Progress {
  let batches = 0;
  return (done) => {
    if (++batches > 1) say(`${name}: ${done} so far`);
  };
}

export const COMMANDS: Record<string, Command> = {
  run: {
    arguments: ['NAME'],
    options: { now: { type: 'string' } },
    check: (values: Values, [name]) => {
      jobsFor(name);
      parseNow(values.now as string | undefined);
    },
    run: async ({ env, clock, values, positionals: [name] }) => {
      const list = jobsFor(name);
      const now = parseNow(values.now as string | undefined) ?? clock.now();
      const config = nodeConfig(env);
      // Jobs that only queue mail do not need a mail server; send-mail does (a ConfigurationError says so).
      const mailer = list.some(sendsMail) ? requireMailer(env, config) : (chooseMailer(env.SMTP_URL, config) ?? captureMailer);
      try {
        return await withDatabase(env, async (db) => {
          say(`Running ${list.length > 1 ? `${name} (${names(list)})` : name} as at ${now.toISOString()} on ${describeDatabase(env)}.`);
          let failed = false;
          for (const job of list) {
            try {
              say(`${job}: ${describeSummary(await runJob(job, { db, mailer, config }, now, progressLines(job)))}`);
            } catch (error) {
              // As the scheduler does: report it and go on with the next job.
              console.error(`${job} failed:`, error);
              failed = true;
            }
          }
          return failed ? 1 : 0;
        });
      } finally {
        mailer.close();
      }
    },
  },

  status: {
    run: ({ env }) =>
      withDatabase(env, async (db) => {
        const counts = await followUpCounts(db);
        /** Surveys asking `respondent` (anyone when undefined) in `status` (any when undefined). */
        const sum = (respondent?: FollowUpRespondent, status?: FollowUpStatus) =>
          counts.filter((c) => (!respondent || c.respondent === respondent) && (!status || c.status === status)).reduce((total, c) => total + c.surveys, 0);
        const rows = [...FOLLOW_UP_STATUSES, undefined].map((status) => [status ?? 'total', ...[...RESPONDENTS, undefined].map((r) => String(sum(r, status)))]);
        say(`Follow-up surveys (${describeDatabase(env)}):`);
        say('');
        table([['status', ...RESPONDENTS, 'total'], ...rows]).forEach((line) => say(`  ${line}`));
        const [{ waiting }] = await db.select({ waiting: count() }).from(outbox).where(eq(outbox.status, 'pending'));
        say('');
        say(`Email waiting in the outbox: ${waiting} (npm run jobs -- run send-mail sends it).`);
        say('');
        const runs = await lastRetentionRuns(db);
        if (!runs.length) say('Retention: not run yet (npm run jobs -- run apply-retention runs it).');
        for (const run of runs) say(`Retention, last run ${run.at.toISOString()} for ${run.partnership}: ${describeSummary({ ...run.counts })}.`);
        return 0;
      }),
  },

  list: {
    run: async () => {
      say(LISTING);
      return 0;
    },
  },
};

