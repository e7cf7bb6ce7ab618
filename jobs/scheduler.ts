import cron from 'node-cron';
import { cronTable, runJob, type JobDeps, type JobName } from './registry';
import type { Clock } from '../server/shared/clock';

/**
 * Schedules the cron table with node-cron; a run still going when the next is due is skipped, not
 * doubled. `stop` schedules nothing more and resolves once the runs under way have ended, so the
 * database they use can be closed after.
 */
export function startScheduler(deps: JobDeps & { clock: Clock }) {
  const running = new Set<Promise<void>>();
  const runEach = async (jobs: readonly JobName[]) => {
    for (const name of jobs) {
      try {
        await runJob(name, deps, deps.clock.now());
      } catch (error) {
        console.error(`Job ${name} failed:`, error);
      }
    }
  };
  const tracked = (run: Promise<void>) => {
    running.add(run);
    return run.finally(() => running.delete(run));
  };
  const tasks = cronTable.map((entry) => cron.schedule(entry.cron, () => tracked(runEach(entry.jobs)), { noOverlap: true, timezone: 'Europe/London' }));
  return {
    stop: async () => {
      tasks.forEach((t) => t.stop());
      await Promise.all(running);
    },
  };
}
