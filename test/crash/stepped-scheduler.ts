// One app instance's scheduler on a stepped clock, as a child process: it opens the database and
// the mailer from the environment as server/node.ts does, and at each step of simulated time runs
// every entry of the one cron table (jobs/registry.ts) that would have fired since the last step,
// in Europe/London time as node-cron does. Two of these side by side are two app instances whose
// clocks agree: after each step it writes `step N` and waits for a line on stdin before going on,
// so a test keeps them at the same simulated moment, as real clocks are.
//   node --import tsx test/crash/stepped-scheduler.ts FROM TO STEP_MINUTES
// At the end it writes `totals {json}`: what each job reported, added up.
import { createInterface } from 'node:readline';
import { cronTable, runJob } from '../../jobs/registry';
import { nodeConfig, openDatabaseFrom, requireMailer } from '../../server/runtime';
import { MINUTE } from '../../server/shared/clock';
import { parseEnvironment } from '../../server/shared/config';

const LONDON = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short', hourCycle: 'h23' });
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** One cron field (`*`, `*\/15`, `3`, `1-5`, lists of them) against a value. */
function fieldMatches(field: string, value: number) {
  return field.split(',').some((part) => {
    const [range, step] = part.split('/');
    const every = step ? Number(step) : 1;
    if (range === '*') return value % every === 0;
    const [low, high] = range.split('-').map(Number);
    return value >= low && value <= (high ?? (step ? Infinity : low)) && (value - low) % every === 0;
  });
}

function fires(cron: string, at: number) {
  const parts = Object.fromEntries(LONDON.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const [minute, hour, day, month, weekday] = cron.split(' ');
  return (
    fieldMatches(minute, Number(parts.minute)) &&
    fieldMatches(hour, Number(parts.hour)) &&
    fieldMatches(day, Number(parts.day)) &&
    fieldMatches(month, Number(parts.month)) &&
    fieldMatches(weekday, WEEKDAYS.indexOf(parts.weekday))
  );
}

const firedBetween = (cron: string, after: number, upTo: number) => {
  if (cron === '* * * * *') return upTo > after;
  for (let at = after + MINUTE; at <= upTo; at += MINUTE) if (fires(cron, at)) return true;
  return false;
};

const [from, to, stepMinutes] = process.argv.slice(2);
const start = new Date(from).getTime();
const end = new Date(to).getTime();
const step = Number(stepMinutes) * MINUTE;

const env = parseEnvironment(process.env);
const config = nodeConfig(env);
const database = await openDatabaseFrom(env);
const mailer = requireMailer(env, config);
const deps = { db: database.db, mailer, config };

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const totals: Record<string, number> = {};
let n = 0;
for (let at = start + step; at <= end; at += step) {
  for (const entry of cronTable.filter((e) => firedBetween(e.cron, at - step, at))) {
    for (const name of entry.jobs) {
      // As jobs/scheduler.ts does: a job that fails is logged, and the next still runs.
      try {
        const summary = await runJob(name, deps, new Date(at));
        for (const [key, value] of Object.entries(summary)) totals[`${name}.${key}`] = (totals[`${name}.${key}`] ?? 0) + value;
      } catch (error) {
        totals[`${name}.runsFailed`] = (totals[`${name}.runsFailed`] ?? 0) + 1;
        console.error(`Job ${name} failed:`, error instanceof Error ? error.message.split('\n')[0] : error);
      }
    }
  }
  process.stdout.write(`step ${++n}\n`);
  if ((await lines.next()).done) break;
}
process.stdout.write(`totals ${JSON.stringify(totals)}\n`);
mailer.close();
await database.close();
process.exit(0);
