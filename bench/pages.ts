// The prospectus and a course page served by the Node server, signed out, at BENCH_CONNECTIONS
// (64) connections for BENCH_REQUESTS (4,000) requests each, beside node:http serving the same
// bytes in the same run: the ratio is the app's share of what the machine can serve. The load
// comes from bench/load.mjs in a process of its own. Part of `npm run bench`; runs alone too
// (`node --import tsx bench/pages.ts`). BENCH_ROUNDS (3) rounds of each, medians printed.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { withStaticFiles } from '../server/runtime';
import { buildApp } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { median } from './percentile.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
/** Rounds of each page, the app and node:http side by side in each; medians are printed. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Each figure's median over the rounds (errors summed, so none is hidden). */
const medianLoad = (rounds: Load[]): Load => ({
  requests: median(rounds.map((r) => r.requests)),
  perSecond: median(rounds.map((r) => r.perSecond)),
  p50: median(rounds.map((r) => r.p50)),
  p99: median(rounds.map((r) => r.p99)),
  errors: rounds.reduce((sum, r) => sum + r.errors, 0),
  statuses: Object.fromEntries(Object.keys(rounds[0].statuses).map((k) => [k, rounds.reduce((sum, r) => sum + (r.statuses[k] ?? 0), 0)])),
  bytes: rounds[0].bytes,
});

interface Load {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
  bytes: number;
}

function load(url: string, headers: string[] = []): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./load.mjs', import.meta.url).pathname, url, String(REQUESTS), String(CONNECTIONS), ...headers], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`))));
  });
}

const listen = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** node:http answering every request with the same status, headers and bytes. */
async function staticTwin(response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie' && name !== 'transfer-encoding' && name !== 'connection' && name !== 'keep-alive') headers[name] = value;
  });
  headers['content-length'] = String(body.length);
  const server = http.createServer((_req, res) => {
    res.writeHead(response.status, headers);
    res.end(body);
  });
  return { server, port: await listen(server) };
}

const line = (name: string, l: Load) =>
  `   ${name.padEnd(22)} ${l.perSecond.toFixed(0).padStart(7)} req/s  p50 ${l.p50.toFixed(1).padStart(6)} ms  p99 ${l.p99.toFixed(1).padStart(6)} ms  ${l.errors} errors  ${(l.bytes / 1024).toFixed(1)} KB  ${JSON.stringify(l.statuses)}`;

export async function benchPages() {
  const database = await createTestDatabase({ demo: true });
  const { app, config } = buildApp(database.db);
  const root = withStaticFiles(app, config);
  const server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const prospectus = await fetch(`${base}/courses`);
  const courseId = (await prospectus.clone().text()).match(/href="\/courses\/([0-9a-f-]{36})"/)?.[1];
  const pages = [
    { name: '/courses', path: '/courses', response: prospectus },
    { name: 'a course page', path: `/courses/${courseId}`, response: await fetch(`${base}/courses/${courseId}`) },
  ];
  console.log(
    `Pages, signed out: ${REQUESTS} requests at ${CONNECTIONS} connections each (no Accept-Encoding, as the limit serves the same bytes); ${ROUNDS} rounds of the app and node:http side by side, medians printed (statuses and errors summed)`,
  );
  for (const page of pages) {
    const twin = await staticTwin(page.response);
    const ours: Load[] = [];
    const limits: Load[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(await load(`${base}${page.path}`));
      limits.push(await load(`http://127.0.0.1:${twin.port}/`));
    }
    twin.server.close();
    const ratios = ours.map((l, i) => l.perSecond / limits[i].perSecond);
    console.log(`   ${page.name}`);
    console.log(line('the app', medianLoad(ours)));
    console.log(line('node:http, same bytes', medianLoad(limits)));
    console.log(`   ratio ${median(ratios).toFixed(3)}${ROUNDS > 1 ? ` (${Math.min(...ratios).toFixed(3)} to ${Math.max(...ratios).toFixed(3)})` : ''}, each round's app beside that round's node:http`);
    const gzip = await load(`${base}${page.path}`, ['accept-encoding:gzip, deflate, br']);
    console.log(line('the app, compressed', gzip));
  }
  server.close();
  await database.close();
  console.log('');
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPages();
