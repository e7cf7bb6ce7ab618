import type { Database } from '../db/database';
import type { Mailer } from '../server/mail/mailer';
import { sendDueMail } from '../server/mail/outbox';

/** What a job is given: the database and the mail port. The time is passed separately. */
export interface JobDeps {
  db: Database;
  mailer: Mailer;
}

export type Job = (deps: JobDeps, now: Date) => Promise<Record<string, number>>;

/** Every scheduled job, by name. Each works out what is due from the database, so a missed run catches up. */
export const jobs = {
  'send-mail': (deps, now) => sendDueMail(deps, now) as unknown as Promise<Record<string, number>>,
} satisfies Record<string, Job>;

export type JobName = keyof typeof jobs;

/** The one cron table: node-cron in the Node entry and wrangler's cron triggers both use it. */
export const cronTable: { cron: string; jobs: JobName[] }[] = [{ cron: '* * * * *', jobs: ['send-mail'] }];

export const isJobName = (name: string): name is JobName => Object.hasOwn(jobs, name);

export function runJob(name: JobName, deps: JobDeps, now: Date) {
  return jobs[name](deps, now);
}

/** Runs every job due for a cron expression (a Worker's scheduled event names its cron). */
export async function runCron(cron: string, deps: JobDeps, now: Date) {
  const entry = cronTable.find((e) => e.cron === cron);
  const results: Record<string, Record<string, number>> = {};
  for (const name of entry?.jobs ?? []) results[name] = await runJob(name, deps, now);
  return results;
}
