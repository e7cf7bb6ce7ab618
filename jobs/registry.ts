import type { Database } from '../db/database';
import { partnerships } from '../db/schema';
import { lapseApprovals } from '../server/bookings/service';
import { sendSessionReminders } from '../server/bookings/reminders';
import type { Config } from '../server/shared/config';
import type { Mailer } from '../server/mail/mailer';
import { sendDueMail } from '../server/mail/outbox';
import { closeExpiredFollowUps, sendDueFollowUps, sendFollowUpReminders, type JobOptions } from '../server/follow-ups/service';
import type { ServiceContext } from '../server/shared/context';
import { applyRetention } from '../server/retention/service';

/** What a job is given: the database, the mail port and the configuration. The time is passed separately. */
export interface JobDeps {
  db: Database;
  mailer: Mailer;
  config: Config;
}

export type Summary = Record<string, number>;
/** Progress on a long run: the running total so far, across partnerships. */
export type Progress = (done: number) => void;
export type Job = (deps: JobDeps, now: Date, progress?: Progress) => Promise<Summary>;

/** Runs a partnership-level job for every partnership in the database and adds up the summaries. */
function forEachPartnership(work: (s: ServiceContext, options: JobOptions, deps: JobDeps) => Promise<Summary>): Job {
  return async (deps, now, progress) => {
    const total: Summary = {};
    let before = 0;
    for (const partnership of await deps.db.select().from(partnerships)) {
      const onProgress = progress && ((done: number) => progress(before + done));
      const summary = await work({ db: deps.db, config: deps.config, partnership, clock: { now: () => now }, actor: null }, { onProgress }, deps);
      for (const [key, value] of Object.entries(summary)) total[key] = (total[key] ?? 0) + value;
      before += Object.values(summary).reduce((a, b) => a + b, 0);
    }
    return total;
  };
}

/** Every scheduled job, by name. Each works out what is due from the database, so a missed run catches up. */
export const jobs = {
  'send-mail': async (deps, now) => ({ ...(await sendDueMail(deps, now)) }),
  'lapse-approvals': forEachPartnership(lapseApprovals),
  'session-reminders': forEachPartnership(sendSessionReminders),
  'close-follow-ups': forEachPartnership(closeExpiredFollowUps),
  'send-follow-ups': forEachPartnership(sendDueFollowUps),
  'remind-follow-ups': forEachPartnership(sendFollowUpReminders),
  // In demo mode sent mail stays whole: the dev mailbox shows it.
  'apply-retention': forEachPartnership(async (s, _options, deps) => ({ ...(await applyRetention(s, { blankSentMail: !deps.config.demo })) })),
} satisfies Record<string, Job>;

export type JobName = keyof typeof jobs;

/** Jobs run together under one name. Closing comes first so a survey past its end is not reminded. */
export const jobGroups: Record<string, JobName[]> = {
  'follow-ups': ['close-follow-ups', 'send-follow-ups', 'remind-follow-ups'],
};

/** The one cron table: node-cron in the Node entry and wrangler's cron triggers both use it. */
export const cronTable: { cron: string; jobs: JobName[] }[] = [
  { cron: '* * * * *', jobs: ['send-mail'] },
  { cron: '*/15 * * * *', jobs: ['lapse-approvals', 'session-reminders', ...jobGroups['follow-ups']] },
  { cron: '30 3 * * *', jobs: ['apply-retention'] },
];

export const isJobName = (name: string): name is JobName => Object.hasOwn(jobs, name);

/** The jobs a name stands for: a job on its own, or a group's jobs in order; undefined if neither. */
export function jobsNamed(name: string): JobName[] | undefined {
  if (isJobName(name)) return [name];
  return Object.hasOwn(jobGroups, name) ? jobGroups[name] : undefined;
}

/** Jobs that hand mail to a mail server (the others only queue it in the outbox): they need a way to send. */
export const sendsMail = (name: JobName) => name === 'send-mail';

export function runJob(name: JobName, deps: JobDeps, now: Date, progress?: Progress) {
  return jobs[name](deps, now, progress);
}

/**
 * Runs every job due for a cron expression (a Worker's scheduled event names its cron), less
 * those `skip` names (a Worker with no way to send mail leaves it queued).
 */
export async function runCron(cron: string, deps: JobDeps, now: Date, skip: (name: JobName) => boolean = () => false) {
  const entry = cronTable.find((e) => e.cron === cron);
  const results: Record<string, Summary> = {};
  for (const name of entry?.jobs ?? []) if (!skip(name)) results[name] = await runJob(name, deps, now);
  return results;
}
