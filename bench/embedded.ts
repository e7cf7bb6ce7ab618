// npm run bench:embedded: the embedded default (`npm start` with no DATABASE_URL: PGlite in a
// data folder, the demo seeded) measured as a person would run it. Builds and starts the real
// server as package.json's "start" does (its build steps, then its last command) on a fresh
// temporary data folder, reads its
// resident memory once it answers /healthz, stops it, starts it again on the same folder (the
// demo already there) and reads it again; then loads the signed-out prospectus at 64 keep-alive
// connections with bench/load.mjs. Beside the figures: the goals, what Node alone and with tsx
// cost (an idle script), and a later start through tsx (`node --import tsx server/node.ts`, as the
// tests and `npm run admin` run it), so the server's own share is plain.
//
//   npm run bench:embedded                   (BENCH_REQUESTS=2000 BENCH_CONNECTIONS=64 by default)
//   BENCH_KEEP=1 npm run bench:embedded      (keeps the data folder, and says where)
// Where the memory goes, stage by stage: bench/embedded-probe.ts (docs/decisions/0021).
import { execFile, execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, sleep, startApp } from '../test/crash/app-process';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const GOALS = { firstStartMb: 300, laterStartMb: 200, p99Ms: 1000 };

/** VmRSS (resident now) and VmHWM (the most it was resident) of a process, in MB. */
function memoryOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const mb = (n: number) => `${n.toFixed(0)} MB`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** The embedded default's environment: no DATABASE_URL, the demo on, PGlite in `dataDir`. */
const embeddedEnvironment = (dataDir: string) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TMPDIR: tmpdir(),
  DEMO: 'true',
  DATA_DIR: dataDir,
});

/** package.json's start script: its build steps, and the node command that serves. */
function npmStart() {
  const steps = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split('&&').map((s) => s.trim());
  const serve = steps.pop()!.split(/\s+/);
  if (serve[0] !== 'node') throw new Error(`The start script's last step is not a node command: ${serve.join(' ')}`);
  return { builds: steps, nodeArgs: serve.slice(1) };
}
const start = npmStart();
const TSX_ARGS = ['--import', 'tsx', 'server/node.ts'];

/** Starts the server, waits for /healthz, settles a moment, reads its memory. */
async function startAndMeasure(dataDir: string, nodeArgs = start.nodeArgs) {
  const started = Date.now();
  const app = await startApp(await freePort(), embeddedEnvironment(dataDir), 180_000, nodeArgs);
  const ready = Date.now() - started;
  await sleep(500);
  const memory = memoryOf(app.pid);
  return { app, ready, memory };
}

/** What Node with tsx costs before any of the app's code: a script that only waits. */
async function tsxAlone() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tsx-'));
  const script = join(dir, 'idle.ts');
  writeFileSync(script, 'const wait: number = 60_000;\nsetTimeout(() => {}, wait);\nconsole.log("ready");\n');
  const measure = async (args: string[]) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await sleep(300);
    const memory = memoryOf(child.pid!);
    child.kill('SIGKILL');
    return memory;
  };
  const withTsx = await measure(['--import', 'tsx', script]);
  const plain = await measure(['-e', 'setTimeout(() => {}, 60000); console.log("ready")']);
  rmSync(dir, { recursive: true, force: true });
  return { withTsx, plain };
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-embedded-'));
for (const step of start.builds) execSync(step, { stdio: 'ignore' });
console.log(`The embedded default (PGlite, demo) as npm start runs it: node ${start.nodeArgs.join(' ')}; data in ${dataDir}\n`);

const baseline = await tsxAlone();
console.log('0. Node alone and with tsx (an idle script), the floor under every figure below');
console.log(`   node: ${mb(baseline.plain.rss)} resident; node --import tsx: ${mb(baseline.withTsx.rss)} (tsx's loader ${mb(baseline.withTsx.rss - baseline.plain.rss)})\n`);

const first = await startAndMeasure(dataDir);
await first.app.stop();
console.log('1. First start (fresh data folder, the demo seeded)');
console.log(`   ready in ${(first.ready / 1000).toFixed(1)} s; resident ${mb(first.memory.rss)} (peak ${mb(first.memory.peak)}); goal under ${GOALS.firstStartMb} MB: ${verdict(first.memory.rss < GOALS.firstStartMb)}\n`);

const throughTsx = await startAndMeasure(dataDir, TSX_ARGS);
await throughTsx.app.stop();

const later = await startAndMeasure(dataDir);
console.log('2. Later start (the same data folder)');
console.log(`   ready in ${(later.ready / 1000).toFixed(1)} s; resident ${mb(later.memory.rss)} (peak ${mb(later.memory.peak)}); goal under ${GOALS.laterStartMb} MB: ${verdict(later.memory.rss < GOALS.laterStartMb)}`);
console.log(`   the same through tsx (node ${TSX_ARGS.join(' ')}): resident ${mb(throughTsx.memory.rss)} (peak ${mb(throughTsx.memory.peak)})\n`);

try {
  const { stdout } = await promisify(execFile)(process.execPath, ['bench/load.mjs', `${later.app.url}/courses`, String(REQUESTS), String(CONNECTIONS)], { timeout: 300_000 });
  const load = JSON.parse(stdout.trim().split('\n').pop()!) as { requests: number; perSecond: number; p50: number; p99: number; errors: number; statuses: Record<string, number>; bytes: number };
  const after = memoryOf(later.app.pid);
  console.log(`3. /courses signed out, ${CONNECTIONS} keep-alive connections, ${REQUESTS} requests`);
  console.log(`   ${load.perSecond.toFixed(0)} req/s; p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms; ${load.errors} errors; statuses ${JSON.stringify(load.statuses)}; ${load.bytes} bytes a page`);
  console.log(`   goal 0 errors and p99 under ${GOALS.p99Ms} ms: ${verdict(load.errors === 0 && load.p99 < GOALS.p99Ms)}`);
  console.log(`   resident after the load ${mb(after.rss)} (peak ${mb(after.peak)})`);
} finally {
  await later.app.stop();
  if (process.env.BENCH_KEEP) console.log(`\nThe data folder is kept: ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
