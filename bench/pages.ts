// The prospectus and a course page served by the Node server, signed out, at BENCH_CONNECTIONS
// (64) connections for BENCH_REQUESTS (4,000) requests each, beside node:http serving the same
// bytes in the same run: the ratio is the app's share of what the machine can serve. The load
// comes from bench/load.mjs in a process of its own. Part of `npm run bench`; runs alone too
// (`node --import tsx bench/pages.ts`).
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { withStaticFiles } from '../server/runtime';
import { buildApp } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

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
  console.log(`Pages, signed out: ${REQUESTS} requests at ${CONNECTIONS} connections each (no Accept-Encoding, as the limit serves the same bytes)`);
  for (const page of pages) {
    const twin = await staticTwin(page.response);
    const ours = await load(`${base}${page.path}`);
    const limit = await load(`http://127.0.0.1:${twin.port}/`);
    twin.server.close();
    console.log(`   ${page.name}`);
    console.log(line('the app', ours));
    console.log(line('node:http, same bytes', limit));
    console.log(`   ratio ${(ours.perSecond / limit.perSecond).toFixed(3)}`);
    const gzip = await load(`${base}${page.path}`, ['accept-encoding:gzip, deflate, br']);
    console.log(line('the app, compressed', gzip));
  }
  server.close();
  await database.close();
  console.log('');
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPages();
