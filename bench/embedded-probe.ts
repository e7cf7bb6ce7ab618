// Where the embedded default's memory goes, stage by stage, in one process:
//   node --import tsx bench/embedded-probe.ts DATA_DIR
// Prints resident memory (VmRSS), the V8 heap, external and array buffers, and PGlite's
// WebAssembly memory after each stage of what server/node.ts does at start.
import { readFileSync } from 'node:fs';

const t0 = Date.now();
function report(stage: string, wasmBytes?: number) {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) / 1024;
  const m = process.memoryUsage();
  const mb = (n: number) => (n / 1048576).toFixed(0).padStart(5);
  console.log(
    `${stage.padEnd(28)} rss ${kb('VmRSS').toFixed(0).padStart(5)} peak ${kb('VmHWM').toFixed(0).padStart(5)} | heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}${wasmBytes === undefined ? '' : ` wasm ${mb(wasmBytes)}`}  ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}
const gc = () => (globalThis as { gc?: () => void }).gc?.();

report('start');
const { openPglite } = await import('../db/pglite');
const { migrate } = await import('../db/migrate');
report('db modules');
const { seedDemo } = await import('../server/demo/seed');
report('seed modules');
const { createApp } = await import('../server/app');
void createApp;
report('app modules');
const open = await openPglite(process.argv[2]);
const wasm = () => (open.client as unknown as { mod: { HEAPU8: Uint8Array } }).mod.HEAPU8.byteLength;
report('PGlite open', wasm());
await migrate(open);
report('migrated', wasm());
const { systemClock } = await import('../server/shared/clock');
const { created } = await seedDemo(open.db, systemClock.now(), { baseUrl: 'http://localhost:8787' });
report(created ? 'demo seeded' : 'demo already there', wasm());
gc();
report('after gc', wasm());
