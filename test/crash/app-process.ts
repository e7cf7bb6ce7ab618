// The real Node server (server/node.ts, as `npm start` runs it) as a child process that a test can
// kill and start again, and the command lines beside it, all on the test's PostgreSQL database.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { runScript } from '../support/command-line';

export const SECRET = 'crash-test-secret-crash-test-secret-0123';
/** The application name the server's connections carry, so a test can find (and end) them in pg_stat_activity. */
export const APP_NAME = 'crash-test-app';

/** A port nobody listens on, for a server to start on (and start on again after a crash). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Only what the server needs: the test runner's own variables stay out. */
export const appEnvironment = (databaseUrl: string, smtpUrl: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TMPDIR: tmpdir(),
  DEMO: 'false',
  SECRET,
  DATABASE_URL: databaseUrl,
  SMTP_URL: smtpUrl,
  PGAPPNAME: APP_NAME,
  ...extra,
});

export interface AppProcess {
  url: string;
  pid: number;
  /** True until the process has exited. */
  alive(): boolean;
  /** Its exit code once it has exited (null while running, or when a signal ended it). */
  exitCode(): number | null;
  /** What it wrote to stdout and stderr, for a failure's message. */
  output(): string;
  /** SIGKILL: no handler runs, nothing is flushed or closed. */
  crash(): Promise<void>;
  /** SIGTERM, as an operator stops it. */
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/**
 * Starts server/node.ts on `port` and waits (bounded) until /healthz answers. `nodeArgs` are what
 * follows `node` (bench/embedded.ts passes the built server's, as `npm start` runs it).
 */
export async function startApp(port: number, env: Record<string, string | undefined>, timeoutMs = 60_000, nodeArgs = ['--import', 'tsx', 'server/node.ts']): Promise<AppProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', BASE_URL: url, COOKIE_SECURE: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const gone = exited(child);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode} before it answered:\n${log}`);
    const health = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
    if (health === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not answer /healthz within ${timeoutMs} ms:\n${log}`);
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
    exitCode: () => child.exitCode,
    output: () => log,
    crash: async () => {
      child.kill('SIGKILL');
      await gone;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
    },
  };
}

/** Starts the jobs command line (npm run jobs) as a child process that a test can kill. */
export function startJobs(env: Record<string, string | undefined>, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'jobs/cli.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const gone = exited(child);
  return {
    output: () => log,
    done: gone.then(() => ({ code: child.exitCode, signal: child.signalCode, output: log })),
    crash: async () => {
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/** Runs the jobs command line to the end. */
export const runJobs = (env: Record<string, string | undefined>, args: string[]) => runScript('jobs/cli.ts', env, args);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs on a connection of its own, closed after the answer, and reads the whole answer. A client
 * reusing kept-alive connections can lose a request when the server closes an idle one just as
 * it is reused; that is the client's race, not the server's, so these tests keep clear of it:
 * any request left without an answer here was the server's doing. Rejects when the connection
 * fails or drops before the whole answer arrives, or after `timeoutMs`.
 */
export function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => (res.complete ? resolve({ status: res.statusCode!, headers: res.headers, body: text }) : reject(new Error('the answer was cut off'))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
