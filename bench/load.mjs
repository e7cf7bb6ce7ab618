// A small load generator, run as its own process so it does not share the server's event loop:
//   node bench/load.mjs URL REQUESTS CONNECTIONS [HEADER:VALUE ...]
// Keeps CONNECTIONS keep-alive connections busy until REQUESTS answers have come back, and prints
// one line of JSON: requests a second, p50 and p99 in milliseconds, errors, bytes of the last body.
import http from 'node:http';
import { percentile } from './percentile.mjs';

const [url, total, connections, ...headerArgs] = process.argv.slice(2);
const headers = Object.fromEntries(headerArgs.map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)]));
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
const latencies = [];
let started = 0;
let errors = 0;
let statuses = {};
let bytes = 0;

const one = () =>
  new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const req = http.get(url, { agent, headers }, (res) => {
      let size = 0;
      res.on('data', (chunk) => (size += chunk.length));
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 400) errors++;
        bytes = size;
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
  });

const worker = async () => {
  while (started < Number(total)) {
    started++;
    await one();
  }
};
// Warm up the connections (and the server) before the clock starts.
await Promise.all(Array.from({ length: Number(connections) }, one));
latencies.length = 0;
statuses = {};
errors = 0;
const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: Number(connections) }, worker));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
latencies.sort((a, b) => a - b);
const at = (p) => percentile(latencies, p);
console.log(JSON.stringify({ requests: latencies.length, perSecond: latencies.length / seconds, p50: at(50), p99: at(99), errors, statuses, bytes }));
agent.destroy();
