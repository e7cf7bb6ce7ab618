// WORKERS: server/node.ts answering requests from several processes on one port (node:cluster),
// shown on the real server. PostgreSQL only: PGlite is one process's database, and the
// configuration refuses WORKERS without DATABASE_URL (test/unit/config.test.ts).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get, request } from 'node:http';
import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { apiTokens, partnerships } from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { makePerson, seed, testConfig } from '../support/app';
import { createTestDatabase, onRealPostgres } from '../support/database';
import { startSmtpPeer } from '../support/smtp';
import { appEnvironment, freePort, postOnce, sleep, startApp, type AppProcess } from './app-process';

const isRunning = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/** The worker processes the server has said are answering requests, in the order they said it. */
const answeringWorkers = (app: AppProcess) => Array.from(app.output().matchAll(/Worker process (\d+) is answering requests\./g), (m) => Number(m[1]));

/** Waits (bounded) until `count` workers have said they are answering, and returns them all. */
async function untilAnswering(app: AppProcess, count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workers = answeringWorkers(app);
    if (workers.length >= count) return workers;
    if (Date.now() > deadline) throw new Error(`expected ${count} workers answering, found ${workers.length}:\n${app.output()}`);
    await sleep(100);
  }
}

/** A GET on a connection of its own, so the cluster hands each to the next worker. */
function getOnce(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
  });
}

describe.skipIf(!onRealPostgres())('the Node server with WORKERS (PostgreSQL only)', () => {
  let database: OpenDatabase & { url?: string };
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database.db, 'partnership');
    smtp = await startSmtpPeer();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  afterAll(async () => {
    await smtp?.close();
    await database?.close();
  });

  it('answers from every worker (a form one made is accepted by another), replaces a worker that dies, and stops them all on SIGTERM', async () => {
    // Demo mode without SECRET: the first process makes a random one, which its workers must share.
    app = await startApp(await freePort(), { ...appEnvironment(database.url!, smtp.url), DEMO: 'true', SECRET: undefined, WORKERS: '2' });
    const [first, second] = await untilAnswering(app, 2);

    // A form from one request, posted on new connections: the cluster hands connections to the
    // workers in turn, so the posts reach both, and each must accept the other's CSRF token.
    const page = await fetch(`${app.url}/sign-in`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)![1];
    const posts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        postOnce(`${app!.url}/sign-in`, { cookie, 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ _csrf: csrf, email: `worker.${i}@partner.example` }).toString(), 10_000),
      ),
    );
    expect(posts.map((p) => p.status)).toEqual(Array(8).fill(200));

    process.kill(first, 'SIGKILL');
    const [, , replacement] = await untilAnswering(app, 3);
    expect(app.output()).toContain(`Worker process ${first} ended (SIGKILL); starting another.`);
    expect(isRunning(first)).toBe(false);
    expect(await Promise.all(Array.from({ length: 4 }, () => getOnce(`${app!.url}/healthz`)))).toEqual([200, 200, 200, 200]);

    // An API token used just before the stop: its mark, still gathered, is written on the way out.
    const person = await makePerson(database.db);
    const [partnership] = await database.db.select().from(partnerships).limit(1);
    const token = await createApiToken({ db: database.db, clock: { now: () => new Date() }, config: testConfig(), partnership, actor: { id: person.id, roles: ['practitioner'] } }, 'Stop test');
    expect(await getOnce(`${app.url}/api/v1/me`, { authorization: `Bearer ${token}` })).toBe(200);
    await app.stop();
    expect(app.exitCode()).toBe(0);
    expect([second, replacement].filter(isRunning)).toEqual([]);
    const [mark] = await database.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.personId, person.id));
    expect(mark.at).not.toBeNull();
    app = undefined;
  });

  it('lets a request under way finish when stopped, then ends (one process, as by default)', async () => {
    app = await startApp(await freePort(), appEnvironment(database.url!, smtp.url));
    const page = await fetch(`${app.url}/sign-in`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)![1];
    const body = new URLSearchParams({ _csrf: csrf, email: 'under.way@partner.example' }).toString();

    // The request's headers now, its body only once the stop has begun.
    const answer = new Promise<{ status: number }>((resolve, reject) => {
      const req = request(`${app!.url}/sign-in`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode! }));
      });
      req.on('error', reject);
      req.flushHeaders();
      sleep(300).then(() => {
        process.kill(app!.pid, 'SIGTERM');
        return sleep(500);
      }).then(() => req.end(body));
    });
    expect((await answer).status).toBe(200);
    await app.stop();
    expect(app.exitCode()).toBe(0);
    expect(app.output()).not.toContain('Stopping failed');
    app = undefined;
  });

  it('stops with an error when a worker cannot start, rather than starting another for ever', async () => {
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const ended = await new Promise<{ code: number | null; errors: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/node.ts'], {
          env: { ...appEnvironment(database.url!, smtp.url), WORKERS: '2', PORT: String(port), HOST: '127.0.0.1' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let errors = '';
        child.stderr!.on('data', (chunk) => (errors += chunk));
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        // 'close': the output read to its end, not only the process ended.
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, errors });
        });
      });
      expect(ended.errors).toContain('EADDRINUSE');
      expect(ended.errors).toMatch(/Worker process \d+ ended \(exit code 1\) before any could answer requests; stopping\./);
      expect(ended.code).toBe(1);
    } finally {
      taken.close();
    }
  });
});
