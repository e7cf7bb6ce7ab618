// The Node entry: reads the environment, opens the database, serves the app and runs the jobs.
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { openDatabase } from '../db/open';
import { seedDemo } from '../db/seed';
import { configFrom, parseEnvironment } from './config';
import { createApp } from './app';
import { systemClock } from './clock';
import { captureMailer, smtpMailer } from './mail/mailer';
import { startScheduler } from '../jobs/scheduler';
import { runJob } from '../jobs/registry';

const env = parseEnvironment(process.env);
const config = configFrom(env, () => randomBytes(32).toString('hex'));
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
if (config.demo) {
  const { created } = await seedDemo(database.db, systemClock.now());
  if (created) console.log('Seeded the demo partnership and this year’s prospectus.');
}
if (!config.demo && !env.SMTP_URL) {
  console.error('The configuration is not valid:\n  SMTP_URL: set it outside demo mode, or no email will be sent');
  process.exit(1);
}
const mailer = env.SMTP_URL ? smtpMailer(env.SMTP_URL, config.mailFrom) : captureMailer;
const deps = { db: database.db, mailer, clock: systemClock, config };

let sending: Promise<unknown> | undefined;
const sendMailSoon = () => {
  sending ??= runJob('send-mail', deps, systemClock.now())
    .catch((error) => console.error('Sending mail failed:', error))
    .finally(() => (sending = undefined));
};

const app = createApp({
  ...deps,
  onMailQueued: sendMailSoon,
  clientAddress: (request, runtimeEnv) => getConnInfo({ req: { raw: request }, env: runtimeEnv } as never).remote.address,
});

const root = new Hono();
// Built by scripts/build-assets.mjs (npm start runs it), the same folder the Worker serves.
root.use('/assets/*', serveStatic({ root: './dist/assets' }));
root.use('/static/*', serveStatic({ root: './dist/assets' }));
root.route('/', app);
// Hono answers only the top-level app's notFound: hand unknown paths to the app's own 404 page.
root.notFound((c) => app.fetch(c.req.raw, c.env));

const scheduler = startScheduler(deps);
const server = serve({ fetch: root.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  console.log(`Listening on ${config.baseUrl} (port ${info.port}, ${database.engine}${config.demo ? ', demo mode' : ''})`);
});

const stop = async () => {
  scheduler.stop();
  server.close();
  await sending;
  mailer.close();
  await database.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
