// Mends a known fault in postgres.js 3.4.9 (porsager/postgres issues #1066, #1154, #1208; fixes
// proposed in pull requests #1168, #1176 and #1209, not released): when the database ends a
// connection (a restart, a failover, pg_terminate_backend) while a small write is waiting for the
// next tick, the driver later writes to a socket it has already dropped. That throws outside any
// promise, so the whole Node process dies, or, once the stale write timer is left set, the
// connection never sends again and its queries wait for ever. The crash tests
// (test/crash/crash.test.ts) end the app's connections mid-rush and found both.
//
// The mend, applied after every install (npm's postinstall) to each build of the driver (ESM,
// CommonJS, Workers): forget the buffered write and its timer when the connection closes or is
// ended, and if a write still finds no socket, fail the waiting queries with CONNECTION_CLOSED,
// which the app answers as 503 with Retry-After. Idempotent; it says so when the driver changed
// and the mend no longer applies, so a driver upgrade cannot drop it silently.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARK = '/* mended: scripts/patch-postgres.mjs */';
const root = join(import.meta.dirname, '..', 'node_modules', 'postgres');
const builds = ['src', 'cjs/src', 'cf/src'].map((dir) => join(root, dir, 'connection.js')).filter(existsSync);

const edits = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    ${MARK}\n    if (!socket) {\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  // terminate() and closed() both clear the timer without forgetting it (nor the buffered bytes).
  ['    clearImmediate(nextWriteTimer)\n    if (socket) {', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {'],
  ['    incomings = null\n    clearImmediate(nextWriteTimer)\n', '    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n'],
];

let failed = false;
for (const file of builds) {
  let text = readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  for (const [from, to] of edits) {
    if (!text.includes(from)) {
      console.error(`patch-postgres: ${file} has changed; check whether the driver still needs the mend (see this script).`);
      failed = true;
      break;
    }
    text = text.replace(from, to);
  }
  if (!failed) writeFileSync(file, text);
}
if (!builds.length) console.error('patch-postgres: postgres.js is not installed.');
process.exitCode = failed ? 1 : 0;
