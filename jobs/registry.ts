import type { Database } from '../db/database';
import { partnerships } from '../db/schema';
import { lapseApprovals } from '../server/bookings/service';
import { sendSessionReminders } from '../server/bookings/reminders';
import type { Config } from '../server/config';
import type { Mailer } from '../server/mail/mailer';
import { sendDueMail } from '../server/mail/outbox';

/** What a job is given: the database, the mail port and the configuration. The time is passed separately. */
export interface JobDeps {
  db: Database;
  mailer: Mailer;
  config: Config;
}

export type Summary = Record<string, number>;
export type Job = (deps: JobDeps, now: Date) => Promise<Summary>;

/** Runs a partnership-level job for every partnership in the database and adds up the summaries. */
function forEachPartnership(work: (scope: Parameters<typeof lapseApprovals>[0]) => Promise<Summary>): Job {
  return async (deps, now) => {
    const total: Summary = {};
    for (const partnership of await deps.db.select().from(partnerships)) {
      const summary = await work({ db: deps.db, config: deps.config, partnership, clock: { now: () => now } });
      for (const [key, value] of Object.entries(summary)) total[key] = (total[key] ?? 0) + value;
    }
    return total;
  };
}

/** Every scheduled job, by name. Each works out what is due from the database, so a missed run catches up. */
export const jobs = {
  'send-mail': async (deps, now) => ({ ...(await sendDueMail(deps, now)) }),
  'lapse-approvals': forEachPartnership(lapseApprovals),
  'session-reminders': forEachPartnership(sendSessionReminders),
} satisfies Record<string, Job>;

export type JobName = keyof typeof jobs;

/** The one cron table: node-cron in the Node entry and wrangler's cron triggers both use it. */
export const cronTable: { cron: string; jobs: JobName[] }[] = [
  { cron: '* * * * *', jobs: ['send-mail'] },
  { cron: '*/15 * * * *', jobs: ['lapse-approvals', 'session-reminders'] },
];

export const isJobName = (name: string): name is JobName => Object.hasOwn(jobs, name);

export function runJob(name: JobName, deps: JobDeps, now: Date) {
  return jobs[name](deps, now);
}

/** Runs every job due for a cron expression (a Worker's scheduled event names its cron). */
export async function runCron(cron: string, deps: JobDeps, now: Date) {
  const entry = cronTable.find((e) => e.cron === cron);
  const results: Record<string, Summary> = {};
  for (const name of entry?.jobs ?? []) results[name] = await runJob(name, deps, now);
  return results;
}
