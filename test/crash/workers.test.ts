// WORKERS: server/node.ts answering requests from several processes on one port (node:cluster),
// shown on the real server. PostgreSQL only: PGlite is one process's database, and the
// configuration refuses WORKERS without DATABASE_URL (tested in test/cli).
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { seed } from '../support/app';
import { createTestDatabase, onRealPostgres } from '../support/database';
import { startSmtpPeer } from '../support/smtp';
import { appEnvironment, freePort, postOnce, sleep, startApp, type AppProcess } from './app-process';

/** The live processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(parent) === pid && state !== 'Z' ? [Number(entry)] : [];
      } catch {
        return []; // ended meanwhile
      }
    });
}

const isRunning = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/** Waits (bounded) until `pid` has `count` live children, and returns them. */
async function untilChildren(pid: number, count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const children = childrenOf(pid);
    if (children.length === count) return children;
    if (Date.now() > deadline) throw new Error(`expected ${count} worker processes, found ${children.length}`);
    await sleep(100);
  }
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
    const [first] = await untilChildren(app.pid, 2);

    // A form from one request, posted on new connections: the workers take connections in turn,
    // so the posts reach both, and each must accept the other's CSRF token.
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
    for (let waited = 0; waited < 100 && isRunning(first); waited++) await sleep(50);
    const replaced = await untilChildren(app.pid, 2);
    expect(replaced).not.toContain(first);
    expect(app.output()).toContain(`Worker process ${first} ended (SIGKILL); starting another.`);
    for (let i = 0; i < 4; i++) expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

    await app.stop();
    expect(app.exitCode()).toBe(0);
    expect(replaced.filter(isRunning)).toEqual([]);
    app = undefined;
  });
});
