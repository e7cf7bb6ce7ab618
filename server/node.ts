// The Node entry: reads the environment, opens the database, serves the app and runs the jobs.
// `node server/node.ts admin <command>` (npm run admin) runs the admin command line instead, with
// the same environment and clock: this is the only Node file that reads them.
import cluster from 'node:cluster';
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
  const database = await openDatabaseFrom(env);
  // With WORKERS, this first process migrates, seeds and runs the jobs; the workers it starts
  // answer the requests (docs/decisions/0025-worker-processes.md).
  const first = cluster.isPrimary;
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

  const scheduler = first ? startScheduler(deps) : undefined;
  const answering = first && env.WORKERS > 1 ? startWorkers(env.WORKERS, config.secret) : answerRequests(env, deps, database.engine);
  if (first && env.WORKERS > 1) cluster.once('listening', () => console.log(`Listening on ${config.baseUrl} (port ${env.PORT}, ${database.engine}, ${env.WORKERS} worker processes)`));

  let stopping = false;
  const stop = async () => {
    // Ctrl-C reaches the workers too, and the first process then asks them again.
    if (stopping) return;
    stopping = true;
    scheduler?.stop();
    await answering.stop();
    mailer.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Serves the app in this process: the first (and only) one, or a worker. */
function answerRequests(env: Environment, deps: AppDeps, engine: string) {
  const { config } = deps;
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
  const root = withStaticFiles(app, config);
  const server = serve({ fetch: root.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    if (cluster.isWorker) return;
    console.log(`Listening on ${config.baseUrl} (port ${info.port}, ${engine}${config.demo ? ', demo mode' : ''})`);
    if (showsDevMailbox(deps)) console.log(`Demo mode: ${config.baseUrl}/dev/mailbox shows every email the app sends, sign-in links included, to anyone who can open it.`);
  });
  return {
    stop: async () => {
      server.close();
      await sending;
      await tokenUses.flush();
    },
  };
}

/**
 * Starts `count` worker processes sharing the port (node:cluster), each with its own pool of
 * connections, and starts a new one when one dies. They share this process's secret, so a form
 * one made is accepted by another.
 */
function startWorkers(count: number, secret: string) {
  let stopping = false;
  const start = () => cluster.fork({ SECRET: secret });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`Worker process ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another.`);
    setTimeout(start, 1000);
  });
  for (let i = 0; i < count; i++) start();
  return {
    stop: async () => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      await Promise.all(
        workers.map((worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
        ),
      );
    },
  };
}
