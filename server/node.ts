// The Node entry: reads the environment, opens the database, serves the app and runs the jobs.
// `node server/node.ts admin <command>` (npm run admin) runs the admin command line instead, with
// the same environment and clock: this is the only Node file that reads them.
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { seedDemo } from './demo/seed';
import { createApp } from './app';
import { showsDevMailbox, type AppDeps } from './deps';
import { systemClock } from './shared/clock';
import type { Mailer } from './mail/mailer';
import { parseEnvironment, type Environment } from './shared/config';
import { nodeConfig, openDatabaseFrom, requireMailer, tokenUsesFor, withStaticFiles } from './runtime';
import { startScheduler } from '../jobs/scheduler';
import { runJob } from '../jobs/registry';
import { runCommandLine } from './command-line';
import { describeFailure, isDatabaseUnavailable } from './http/errors';

if (process.argv[2] === 'admin') {
  const { COMMANDS, USAGE } = await import('./admin/commands');
  process.exitCode = await runCommandLine(USAGE, COMMANDS, { argv: process.argv.slice(3), env: process.env, clock: systemClock });
} else {
  await serveApp();
}

async function serveApp() {
  // The PostgreSQL driver can leave a promise of a connection the database ended (a restart, a
  // failover) with nobody waiting on it. The request that used the connection has its own error
  // (answered 503), so that one is only logged; anything else unhandled still stops the process.
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      console.error(`A database connection was lost: ${describeFailure(reason)}`);
      return;
    }
    console.error(`Unhandled failure, stopping: ${describeFailure(reason)}`);
    process.exit(1);
  });
  const env = parseEnvironment(process.env);
  const config = nodeConfig(env);
  // With WORKERS, this first process migrates, seeds and runs the jobs; the workers it starts
  // answer the requests (docs/decisions/0025-worker-processes.md).
  const first = cluster.isPrimary;
  const database = await openDatabaseFrom(env, { migrated: !first });
  if (first && config.demo) {
    const { created } = await seedDemo(database.db, systemClock.now(), { baseUrl: config.baseUrl });
    if (created) console.log('Seeded the demo partnership and this year’s prospectus.');
  }
  let mailer: Mailer;
  try {
    mailer = requireMailer(env, config);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const deps = { db: database.db, mailer, clock: systemClock, config };
  const announce = (port: number, workers = '') => {
    console.log(`Listening on ${config.baseUrl} (port ${port}, ${database.engine}${workers}${config.demo ? ', demo mode' : ''})`);
    if (showsDevMailbox(deps)) console.log(`Demo mode: ${config.baseUrl}/dev/mailbox shows every email the app sends, sign-in links included, to anyone who can open it.`);
  };

  const scheduler = first ? startScheduler(deps) : undefined;
  const workers = first && env.WORKERS > 1;
  const answering = workers
    ? startWorkers(env.WORKERS, config.secret, {
        listening: () => announce(env.PORT, `, ${env.WORKERS} worker processes`),
        cannotStart: () => void stop(1),
      })
    : answerRequests(env, deps, first ? announce : () => {});

  let stopping = false;
  const stop = async (exitCode = 0) => {
    // Ctrl-C reaches the workers too, and the first process then asks them again.
    if (stopping) return;
    stopping = true;
    const jobsEnded = scheduler?.stop();
    const cleanUp = async () => {
      await answering.stop();
      await jobsEnded;
      mailer.close();
      await database.close();
    };
    try {
      // Whatever hangs (a mail server, the database), the process ends.
      await Promise.race([cleanUp(), sleep(workers ? WORKERS_STOP_MS + STOP_MS : STOP_MS)]);
    } catch (error) {
      console.error(`Stopping failed: ${describeFailure(error)}`);
      exitCode ||= 1;
    } finally {
      process.exit(exitCode);
    }
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** How long a process answering requests takes to stop at most; the first process gives its workers a little more before it kills them. */
const STOP_MS = 8_000;
const WORKERS_STOP_MS = STOP_MS + 2_000;
/** How long requests under way have to finish once a stop begins. */
const REQUESTS_STOP_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Stops taking connections, closes each kept-alive one as soon as its request is answered (Node
 * closes only those idle at the moment it is asked), and ends any still open after `ms`.
 */
async function closeServer(server: ReturnType<typeof serve>, ms: number) {
  const http = server as Server;
  const closed = new Promise((resolve) => http.close(resolve));
  const idle = setInterval(() => http.closeIdleConnections(), 50);
  try {
    if ((await Promise.race([closed.then(() => 'closed'), sleep(ms)])) !== 'closed') http.closeAllConnections();
  } finally {
    clearInterval(idle);
  }
}

/** Serves the app in this process: the first (and only) one, or a worker. */
function answerRequests(env: Environment, deps: AppDeps, listening: (port: number) => void) {
  let sending: Promise<unknown> | undefined;
  const sendMailSoon = () => {
    sending ??= runJob('send-mail', deps, systemClock.now())
      .catch((error) => console.error(`Sending mail failed: ${describeFailure(error)}`))
      .finally(() => (sending = undefined));
  };
  const tokenUses = tokenUsesFor(deps.db);
  const app = createApp({
    ...deps,
    onMailQueued: sendMailSoon,
    tokenUses,
    clientAddress: (request, runtimeEnv) => getConnInfo({ req: { raw: request }, env: runtimeEnv } as never).remote.address,
  });
  const server = serve({ fetch: withStaticFiles(app, deps.config).fetch, port: env.PORT, hostname: env.HOST }, (info) => listening(info.port));
  return {
    stop: async () => {
      // Requests under way finish (and mark their tokens) before the last marks are written; then
      // the mail run under way ends.
      await closeServer(server, REQUESTS_STOP_MS);
      await tokenUses.flush();
      await sending;
    },
  };
}

/**
 * Starts `count` worker processes sharing the port (node:cluster), each with its own pool of
 * connections. They share this process's secret, so a form one made is accepted by another. A
 * worker that dies is replaced a second later (longer while replacements keep dying before they
 * answer); when the first ones die before any could listen (the port taken), none can: `cannotStart`.
 */
function startWorkers(count: number, secret: string, on: { listening: () => void; cannotStart: () => void }) {
  let stopping = false;
  const answered = new Set<number>();
  const restarts = new Set<ReturnType<typeof setTimeout>>();
  // A second between a worker's end and its replacement, doubling (to a minute) while
  // replacements end before they answer.
  let restartDelay = 1000;
  const start = () => cluster.fork({ SECRET: secret });
  cluster.on('listening', (worker) => {
    answered.add(worker.id);
    restartDelay = 1000;
    console.log(`Worker process ${worker.process.pid} is answering requests.`);
    if (answered.size === 1) on.listening();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const how = signal ?? `exit code ${code}`;
    if (!answered.size) {
      console.error(`Worker process ${worker.process.pid} ended (${how}) before any could answer requests; stopping.`);
      return on.cannotStart();
    }
    if (!answered.has(worker.id)) restartDelay = Math.min(restartDelay * 2, 60_000);
    console.error(`Worker process ${worker.process.pid} ended (${how}); starting another.`);
    const restart = setTimeout(() => {
      restarts.delete(restart);
      if (!stopping) start();
    }, restartDelay);
    restarts.add(restart);
  });
  for (let i = 0; i < count; i++) start();
  return {
    stop: async () => {
      stopping = true;
      for (const restart of restarts) clearTimeout(restart);
      const ended = Object.values(cluster.workers ?? {}).map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (!worker || worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      );
      // A worker still going once its own time to stop has passed is ended.
      await Promise.race([Promise.all(ended), sleep(WORKERS_STOP_MS)]);
      for (const worker of Object.values(cluster.workers ?? {})) if (worker && !worker.isDead()) worker.process.kill('SIGKILL');
    },
  };
}
