// Edits postgres.js 3.4.9 after every install (npm's postinstall), in each build of the driver
// (ESM, CommonJS, Workers): mends known faults, and saves two round trips a transaction.
// Idempotent; it says so when the driver changed and an edit no longer applies, so an upgrade
// cannot drop one silently.
//
// 1. connection.js (porsager/postgres issues #1066, #1154, #1208; fixes proposed in pull
//    requests #1168, #1176 and #1209, not released): when the database ends a connection (a
//    restart, a failover, pg_terminate_backend) while a small write is waiting for the next tick,
//    the driver later writes to a socket it has already dropped. That throws outside any
//    promise, so the whole Node process dies, or, once the stale write timer is left set, the
//    connection never sends again and its queries wait for ever. The crash tests
//    (test/crash/crash.test.ts) end the app's connections mid-rush and found both. The mend:
//    forget the buffered write and its timer when the connection closes or is ended, and if a
//    write still finds no socket, fail the waiting queries with CONNECTION_CLOSED, which the app
//    answers as 503 with Retry-After. And a statement sent between a socket's failure and its
//    close no longer waits for ever.
//
// 2. connection.js, a tuning: statements go in one write up to 16 KB, not 1 KB (see below).
//
// 3. index.js, `sql.begin`: BEGIN and COMMIT each go with the statements beside them (below).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARK = '/* mended: scripts/patch-postgres.mjs */';
const root = join(import.meta.dirname, '..', 'node_modules', 'postgres');

const connectionEdits = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    ${MARK}\n    if (!socket) {\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  // terminate() and closed() both clear the timer without forgetting it (nor the buffered bytes).
  ['    clearImmediate(nextWriteTimer)\n    if (socket) {', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {'],
  ['    incomings = null\n    clearImmediate(nextWriteTimer)\n', '    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n'],
  // A statement sent after the socket failed (a ROLLBACK after its error) but before it closed
  // was left waiting for ever: when the socket had failed, closing failed only what was sent before.
  ["    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))", "    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))"],
  // 2. Statements made in one tick go in one write, except that a write of 1 KB goes at once. A
  //    booking's email is a few KB, so the COMMIT sent behind it (db/postgres.ts) went in a write
  //    of its own: one more system call and one more wake-up of the database per booking. At
  //    16 KB, a booking's writes and its COMMIT go as one.
  ['    if (fn || chunk.length >= 1024)\n', '    if (fn || chunk.length >= 16384)\n'],
];

// 3. `sql.begin` sends BEGIN and waits for its answer before the transaction's first statement,
//    and waits for the last statement's answer before COMMIT: two round trips that carry
//    nothing. Here BEGIN goes as soon as a connection takes it, with the first statement behind
//    it, and the transaction's client has `sendCommit()`, which sends COMMIT behind the statements
//    already sent (db/postgres.ts, `commitWith` in db/database.ts, decision 24). Once COMMIT or
//    ROLLBACK has gone, or the connection has closed, the transaction's clients (savepoints'
//    too) refuse any statement: the connection may already serve someone else. BEGIN and that
//    COMMIT are simple queries, never prepared statements the server could have lost.
const beginEdits = [
  [
    '        if (uncaughtError)\n          throw uncaughtError\n',
    '        if (uncaughtError || failedBegin)\n          throw uncaughtError || failedBegin\n',
  ],
  [
    "      await sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute }).execute()\n      return await Promise.race([\n        scope(connection, fn),\n        new Promise((_, reject) => connection.onclose = reject)\n      ])\n",
    `      ${MARK}\n      let taken\n      const took = new Promise(r => taken = r)\n      const begun = sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute: c => { const x = onexecute(c); taken(); return x } }).execute()\n      begun.catch(e => failedBegin = e)\n      await Promise.race([begun, took])\n      // The pool marks the connection full once BEGIN is on it; only BEGIN is, so statements may follow.\n      connection && connection.queue === full && move(connection, reserved)\n      return await Promise.race([\n        scope(connection, fn),\n        new Promise((_, reject) => connection.onclose = e => (finished = true, reject(e)))\n      ])\n`,
  ],
  [
    '    let savepoints = 0\n      , connection\n      , prepare = null\n\n    try {\n',
    '    let savepoints = 0\n      , connection\n      , prepare = null\n      , failedBegin = null\n      , finishing = null\n      , finished = false\n\n    try {\n',
  ],
  [
    '      sql.prepare = x => prepare = x.replace(/[^a-z0-9$-_. ]/gi)\n      let uncaughtError\n        , result\n',
    "      sql.prepare = x => prepare = x.replace(/[^a-z0-9$-_. ]/gi)\n      let uncaughtError\n        , result\n        , committed = null\n      name || (sql.sendCommit = () => committed = finishing = sql.unsafe('commit').execute())\n",
  ],
  [
    '      } catch (e) {\n        await (name\n          ? sql`rollback to ${ sql(name) }`\n          : sql`rollback`\n        )\n',
    "      } catch (e) {\n        committed || finished || await (name\n          ? sql`rollback to ${ sql(name) }`\n          : finishing = sql.unsafe('rollback').execute()\n        )\n",
  ],
  [
    "      if (!name) {\n        prepare\n          ? await sql`prepare transaction '${ sql.unsafe(prepare) }'`\n          : await sql`commit`\n      }\n",
    "      if (!name) {\n        prepare\n          ? await sql`prepare transaction '${ sql.unsafe(prepare) }'`\n          : await (committed || (finishing = sql.unsafe('commit').execute()))\n      }\n",
  ],
  [
    '      function handler(q) {\n        q.catch(e => uncaughtError || (uncaughtError = e))\n',
    "      function handler(q) {\n        if (finished || failedBegin)\n          return q.reject(failedBegin || Errors.generic('TRANSACTION_ENDED', 'A statement was made after its transaction had ended'))\n        q === finishing && (finished = true)\n        q.catch(e => uncaughtError || (uncaughtError = e))\n",
  ],
];

// In a transaction a statement the server asks to prepare again is not sent again: sent again,
// it would go behind what was pipelined after it, COMMIT included, and run outside the
// transaction; and in a transaction its failure has aborted everything after it anyway.
const retryEdits = [
  [
    '          : query.prepared && retryRoutines.has(errorResponse.routine)\n',
    '          : query.prepared && !connection.reserved && retryRoutines.has(errorResponse.routine)\n',
  ],
];

const mends = ['src', 'cjs/src', 'cf/src'].flatMap((dir) => [
  [join(root, dir, 'connection.js'), [...connectionEdits, ...retryEdits]],
  [join(root, dir, 'index.js'), beginEdits],
]).filter(([file]) => existsSync(file));

let failed = false;
for (const [file, edits] of mends) {
  let text = readFileSync(file, 'utf8');
  const before = text;
  for (const [from, to] of edits) {
    if (text.includes(to)) continue;
    if (!text.includes(from)) {
      console.error(`patch-postgres: ${file} has changed; check whether the driver still needs the mend (see this script).`);
      failed = true;
      break;
    }
    text = text.replace(from, to);
  }
  if (!failed && text !== before) writeFileSync(file, text);
}
if (!mends.length) console.error('patch-postgres: postgres.js is not installed.');
process.exitCode = failed ? 1 : 0;
