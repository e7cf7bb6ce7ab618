// The Cloudflare Workers entry: the same app and jobs as server/node.ts, wired for workerd.
// No PGlite, node-cron or file system here: the database is PostgreSQL through Hyperdrive, cron
// triggers replace node-cron, and wrangler's [assets] serves the static files
// (scripts/build-assets.mjs). See docs/decisions/0002-workers-runtime.md.
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { schema, type Database } from '../db/database';
import { RECONNECT } from '../db/postgres';
import { runCron, runJob, sendsMail as jobSendsMail } from '../jobs/registry';
import { createApp } from './app';
import { systemClock } from './shared/clock';
import { configFrom, parseEnvironment, type Config } from './shared/config';
import { captureMailer, chooseMailer } from './mail/mailer';

/** The bindings this Worker reads (wrangler.toml); every variable and secret arrives as a string. */
export interface Env {
  HYPERDRIVE: { connectionString: string };
  /** [vars] */
  DEMO?: string;
  PARTNERSHIP?: string;
  BASE_URL?: string;
  MAIL_FROM?: string;
  /** Secrets (wrangler secret put). */
  SECRET?: string;
  SMTP_URL?: string;
  [name: string]: unknown;
}

/** The parts of workerd's ExecutionContext and ScheduledController this entry uses. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}
export interface ScheduledEvent {
  cron: string;
  scheduledTime: number;
}

let configured: { env: Env; config: Config; smtpUrl?: string } | undefined;
let randomSecret: string | undefined;
/** Demo mode without SECRET, as on Node: a random one, kept for the isolate's life. */
const fallbackSecret = () =>
  (randomSecret ??= Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join(''));

/** Config from the bindings with the Node entry's rules; parsed once per isolate (bindings do not change). */
function configure(env: Env) {
  if (configured?.env === env) return configured;
  const strings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  // The Hyperdrive binding is the database URL: as on Node, having one means not demo unless DEMO says so.
  const parsed = parseEnvironment({ ...strings, DATABASE_URL: env.HYPERDRIVE.connectionString });
  configured = { env, config: configFrom(parsed, fallbackSecret), smtpUrl: parsed.SMTP_URL };
  return configured;
}

/**
 * What one event needs. workerd does not let a socket opened for one request be used by
 * another, so each request or cron event opens its own small postgres.js client on the
 * Hyperdrive binding (Hyperdrive keeps the real connections warm) and closes it when done.
 */
function open(env: Env) {
  const { config, smtpUrl } = configure(env);
  const client = postgres(env.HYPERDRIVE.connectionString, {
    max: 5,
    // One round trip fewer per connection; the schema has no custom array types to look up.
    fetch_types: false,
    onnotice: () => {},
    ...RECONNECT,
  });
  const db = drizzle(client, { schema }) as unknown as Database;
  // nodemailer runs on workerd (nodejs_compat's node:net and node:tls). Without SMTP_URL, demo
  // mode keeps mail for the dev mailbox as on Node; outside demo the mail is left pending in the
  // outbox for another sender (npm run jobs on Node) rather than marked sent and lost.
  const sender = chooseMailer(smtpUrl, config);
  const mailer = sender ?? captureMailer;
  const sendsMail = Boolean(sender);
  const close = async () => {
    mailer.close();
    await client.end({ timeout: 5 });
  };
  return { deps: { db, mailer, clock: systemClock, config }, sendsMail, close };
}

/** The cron table's entry for `cron`, less 'send-mail' when this Worker has no way to send. */
const runScheduled = (cron: string, deps: ReturnType<typeof open>['deps'], sendsMail: boolean) =>
  runCron(cron, deps, deps.clock.now(), (name) => !sendsMail && jobSendsMail(name));

const logFailure = (what: string) => (error: unknown) => console.error(`${what} failed:`, error);

export default {
  async fetch(request: Request, env: Env, ctx: WorkerContext): Promise<Response> {
    const { deps, sendsMail, close } = open(env);
    let sending: Promise<unknown> | undefined;
    const app = createApp({
      ...deps,
      // After a write: send what it queued, in the background once the response is on its way.
      onMailQueued: () => {
        if (sendsMail) sending ??= runJob('send-mail', deps, deps.clock.now()).catch(logFailure('Sending mail'));
      },
      clientAddress: (req) => req.headers.get('cf-connecting-ip') ?? undefined,
    });
    try {
      return await app.fetch(request, env, ctx as never);
    } finally {
      // The response is complete (the app does not stream), so the client closes after any sending.
      ctx.waitUntil(Promise.resolve(sending).then(close).catch(logFailure('Closing the database')));
    }
  },

  async scheduled(event: ScheduledEvent, env: Env, ctx: WorkerContext): Promise<void> {
    const { deps, sendsMail, close } = open(env);
    // Rejects when a job fails, so the failure shows in the Worker's cron event log.
    ctx.waitUntil(
      runScheduled(event.cron, deps, sendsMail)
        .then((results) => console.log(`Cron ${event.cron}:`, JSON.stringify(results)))
        .finally(close),
    );
  },
};
