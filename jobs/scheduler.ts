import cron from 'node-cron';
import { cronTable, runJob, type JobDeps } from './registry';
import type { Clock } from '../server/shared/clock';

/** Schedules the cron table with node-cron; a run still going when the next is due is skipped, not doubled. */
export function startScheduler(deps: JobDeps & { clock: Clock }) {
  const tasks = cronTable.map((entry) =>
    cron.schedule(
      entry.cron,
      async () => {
        for (const name of entry.jobs) {
          try {
            await runJob(name, deps, deps.clock.now());
          } catch (error) {
            console.error(`Job ${name} failed:`, error);
          }
        }
      },
      { noOverlap: true, timezone: 'Europe/London' },
    ),
  );
  return { stop: () => tasks.forEach((t) => t.stop()) };
}
