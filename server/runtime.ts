// What the Node entry (server/node.ts) and the command lines (server/node.ts admin, jobs/cli.ts) share: reading
// the environment, opening the database it names and choosing the mailer, all by the same rules.
// The Worker (server/worker.ts) reads its bindings instead, with the same config and mailer rules.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { openDatabase } from '../db/open';
import { ConfigurationError, configFrom, type Environment } from './shared/config';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { chooseMailer, type Mailer } from './mail/mailer';
import { securityHeaders } from './http/security';
import { describeFailure } from './http/errors';
import { tokenUsesInBatches } from './accounts/token-uses';
import type { Database } from '../db/database';

/** The app's config: outside demo mode SECRET is required; in demo mode without it, a random one for this process. */
export const nodeConfig = (env: Environment) => configFrom(env, () => randomBytes(32).toString('hex'));

/** The PostgreSQL server at DATABASE_URL, or PGlite in DATA_DIR; migrated, unless `migrated` says another process has done it. */
export const openDatabaseFrom = (env: Environment, options: { migrated?: boolean } = {}) => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, ...options });

/** Which database `openDatabaseFrom` opens, in words (without the password). */
export function describeDatabase(env: Environment) {
  if (!env.DATABASE_URL) return `PGlite in ${resolve(env.DATA_DIR)}`;
  try {
    const url = new URL(env.DATABASE_URL);
    return `PostgreSQL at ${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** API tokens' "last used" marks, written a second after the first of a batch; a failed write is logged and tried again. */
export const tokenUsesFor = (db: Database) =>
  tokenUsesInBatches(db, { delayMs: 1000, onError: (error) => console.error(`Writing API tokens' last use failed: ${describeFailure(error)}`) });

/**
 * The mailer for SMTP_URL (or the capture mailer in demo mode). Outside demo mode without
 * SMTP_URL no email can be sent: a ConfigurationError, for whoever needs to send.
 */
export function requireMailer(env: Environment, config: Parameters<typeof chooseMailer>[1]): Mailer {
  const mailer = chooseMailer(env.SMTP_URL, config);
  if (!mailer) throw new ConfigurationError('The configuration is not valid:\n  SMTP_URL: set it outside demo mode, or no email will be sent');
  return mailer;
}

/**
 * The Node server's front: the static files built by scripts/build-assets.mjs (npm start runs
 * it; the same folder the Worker serves), with the app's security headers too, then the app.
 * A fingerprinted file (its content's hash in its name) is sent with its brotli or gzip form
 * when the client takes one, may be kept for a year, and has its hash as its ETag; the others
 * must be checked again (their Last-Modified is their source's, not the build's).
 */
export function withStaticFiles(app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> }, config: { trustProxy: boolean }, folder = './dist/assets') {
  const root = new Hono();
  // gzip (or deflate) for HTML, CSS, JS and JSON when the client asks, on Node only: workerd
  // compresses a Worker's answers itself (a body compressed here would be compressed twice).
  // A precompressed static file (its Content-Encoding set) is left as it is. Only for a client
  // that takes an encoding: compress reads the answer's headers, for which @hono/node-server
  // makes a full web Response of every answer (its body a web stream), a twentieth of the CPU of
  // a small API answer, and there is nothing to choose for a client that takes none.
  const gzip = compress();
  root.use((c, next) => (c.req.header('accept-encoding') ? gzip(c, next) : next()));
  root.use('/assets/*', securityHeaders(config), staticCaching, serveStatic({ root: folder }));
  root.use('/static/*', securityHeaders(config), staticCaching, serveStatic({ root: folder, precompressed: true }));
  root.all('*', (c) => app.fetch(c.req.raw, c.env));
  return root;
}

/** "app.3f2a9c01d4.css": a name build-assets gave a file, with the hash of its content. */
const FINGERPRINTED = /\.([0-9a-f]{10})\.[a-z]+$/;

const staticCaching: MiddlewareHandler = async (c, next) => {
  const hash = c.req.path.match(FINGERPRINTED)?.[1];
  if (hash) {
    const etag = `"${hash}"`;
    if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      return c.body(null, 304, { ETag: etag, 'Cache-Control': IMMUTABLE });
    }
  }
  await next();
  if (c.res.status !== 200) return;
  // A shared cache keeps a file by its encoding too, whether or not this client took one.
  if (!/accept-encoding/i.test(c.res.headers.get('Vary') ?? '')) c.res.headers.append('Vary', 'Accept-Encoding');
  if (hash) {
    c.res.headers.set('Cache-Control', IMMUTABLE);
    c.res.headers.set('ETag', `"${hash}"`);
  } else {
    c.res.headers.set('Cache-Control', 'public, no-cache');
  }
};
const IMMUTABLE = 'public, max-age=31536000, immutable';
