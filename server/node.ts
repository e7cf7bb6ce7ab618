// The Node entry: reads the environment, opens the database, serves the app and runs the jobs.
// `node server/node.ts admin <command>` (npm run admin) runs the admin command line instead, with
// the same environment and clock: this is the only Node file that reads them.
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { seedDemo } from './demo/seed';
import { createApp } from './app';
import { showsDevMailbox } from './deps';
import { systemClock } from './shared/clock';
import type { Mailer } from './mail/mailer';
import { parseEnvironment } from './shared/config';
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
  if (config.demo) {
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

  let sending: Promise<unknown> | undefined;
  const sendMailSoon = () => {
    sending ??= runJob('send-mail', deps, systemClock.now())
      .catch((error) => console.error(`Sending mail failed: ${describeFailure(error)}`))
      .finally(() => (sending = undefined));
  };

  const tokenUses = tokenUsesFor(database.db);
  const app = createApp({
    ...deps,
    onMailQueued: sendMailSoon,
    tokenUses,
    clientAddress: (request, runtimeEnv) => getConnInfo({ req: { raw: request }, env: runtimeEnv } as never).remote.address,
  });

  const root = withStaticFiles(app, config);

  const scheduler = startScheduler(deps);
  const server = serve({ fetch: root.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    console.log(`Listening on ${config.baseUrl} (port ${info.port}, ${database.engine}${config.demo ? ', demo mode' : ''})`);
    if (showsDevMailbox(deps)) console.log(`Demo mode: ${config.baseUrl}/dev/mailbox shows every email the app sends, sign-in links included, to anyone who can open it.`);
  });

  const stop = async () => {
    scheduler.stop();
    server.close();
    await sending;
    mailer.close();
    await tokenUses.flush();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
