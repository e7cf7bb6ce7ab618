// The booking rush's load generator, run as its own process so it does not share the server's
// event loop:
//   node bench/book-load.mjs FILE CONNECTIONS WARM_URL
// FILE holds one "URL TOKEN" pair a line: each is POSTed once, with {} and "Authorization: Bearer
// TOKEN", over CONNECTIONS keep-alive connections kept busy until every pair has had its answer.
// Before the clock starts, the first CONNECTIONS tokens each GET WARM_URL (a read, so nothing is
// booked) to open the connections and warm the server. Prints one line of JSON: bookings a
// second, p50 and p99 in milliseconds, the answers' statuses, connection errors, seconds.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { percentile } from './percentile.mjs';

const [file, connections, warmUrl] = process.argv.slice(2);
const pairs = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split(' '));
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
const body = '{}';

const send = (method, url, token) =>
  new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const headers = { authorization: `Bearer ${token}` };
    if (method === 'POST') Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = http.request(url, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t) / 1e6 }));
    });
    req.on('error', () => resolve({ status: 'error', ms: Number(process.hrtime.bigint() - t) / 1e6 }));
    req.end(method === 'POST' ? body : undefined);
  });

await Promise.all(pairs.slice(0, Number(connections)).map(([, token]) => send('GET', warmUrl, token)));

const latencies = [];
const statuses = {};
let next = 0;
const worker = async () => {
  while (next < pairs.length) {
    const [url, token] = pairs[next++];
    const { status, ms } = await send('POST', url, token);
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
};
const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: Number(connections) }, worker));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
latencies.sort((a, b) => a - b);
const at = (p) => percentile(latencies, p);
console.log(JSON.stringify({ requests: latencies.length, perSecond: latencies.length / seconds, p50: at(50), p99: at(99), errors: statuses.error ?? 0, statuses, seconds }));
agent.destroy();
