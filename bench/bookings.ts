// The booking rush (promises 1 and 3): BENCH_BOOKING_PEOPLE people (2,000), each with a personal
// API token, each POSTing /api/v1/sessions/:id/bookings once through the Node server, from
// BENCH_BOOKING_CLIENTS (64) keep-alive connections of bench/book-load.mjs in a process of its own.
// Twice: spread over 100 sessions of 20 places (most get one), and contended on 5 (most wait).
// After each rush the database is read: no session holds more places than it has, places_taken
// is the places held, each person has exactly one live booking; otherwise the run exits non-zero.
// The limit beside each, on the same database and tables in the same run: pgbench running the
// minimal booking transaction (lock the session, insert the booking, count the place) at as many
// clients for BENCH_BOOKING_SECONDS (10). Without pgbench, or on PGlite, the same SQL from this
// process (over postgres.js, or through PGlite in-process). Part of `npm run bench`; runs alone
// too (`node --import tsx bench/bookings.ts`). Each scenario runs BENCH_BOOKING_ROUNDS (3) rounds,
// the app's rush and then its limit in each, on new sessions; the medians are printed, with the
// range of the rates and of the ratios (each round's app beside that round's limit).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { SMTPServer } from 'smtp-server';
import { eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/database';
import { openPostgres } from '../db/postgres';
import { apiTokens, bookings, people, personRoles, sessions } from '../db/schema';
import { createApiToken } from '../server/accounts/api-tokens';
import { tokenUsesFor, withStaticFiles } from '../server/runtime';
import { appEnvironment, freePort, sleep, startApp } from '../test/crash/app-process';
import { buildApp, makePerson, seed } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { actingAs, bookingScope, makeSession } from '../test/support/fixtures';
import { median, percentile } from './percentile.mjs';

const QUICK = Boolean(process.env.BENCH_QUICK);
const PEOPLE = Number(process.env.BENCH_BOOKING_PEOPLE ?? (QUICK ? 500 : 2000));
const CLIENTS = Number(process.env.BENCH_BOOKING_CLIENTS ?? 64);
const SECONDS = Number(process.env.BENCH_BOOKING_SECONDS ?? (QUICK ? 5 : 10));
/** Rounds of each scenario, the app's rush and its limit side by side in each; the figures printed are their medians. */
const ROUNDS = Number(process.env.BENCH_BOOKING_ROUNDS ?? 3);
/**
 * On PostgreSQL, with this set, the rush books through the Node server started in a process of its
 * own with this many processes answering requests (its WORKERS), rather than the app in this process.
 */
const WORKERS = Number(process.env.BENCH_BOOKING_WORKERS ?? 0);
const PLACES = 20;
const HELD = ['confirmed', 'pending approval'];
const LIVE = [...HELD, 'waitlisted'];

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  seconds: number;
  statuses?: Record<string, number>;
  /** When fewer than CLIENTS connections were free for pgbench. */
  clients?: number;
  /** PostgreSQL's CPU milliseconds per transaction, where it can be read. */
  databaseCpuMs?: number;
  /** The app server's CPU milliseconds per transaction (this process, or the Node server's processes; the load runs in a process of its own). */
  serverCpuMs?: number;
}

/**
 * CPU milliseconds used so far by the processes on this machine that `counts` picks by name, pid
 * and parent pid, ended children included (a process's reaped children count in its own time).
 * Read from /proc, so only on Linux; undefined there is none or no /proc.
 */
function cpuMsOf(counts: (name: string, pid: string, parent: string) => boolean): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  let ticks = 0;
  let found = false;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const close = stat.lastIndexOf(')');
    // After the name: state, ppid, ... utime (14th field), stime, cutime, cstime.
    const fields = stat.slice(close + 2).split(' ');
    if (!counts(stat.slice(stat.indexOf('(') + 1, close), pid, fields[1])) continue;
    found = true;
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return found ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
}

/**
 * Every PostgreSQL process on this machine: only where PostgreSQL runs here. Other work on the
 * same server counts too: the figure is the database's work per transaction only on an otherwise
 * quiet server.
 */
const postgresCpuMs = () => cpuMsOf((name) => name === 'postgres');

/** The app's server: this process, or the server/node.ts started for the rush with its worker processes. */
function serverCpuMs(serverPid: number | undefined) {
  if (serverPid === undefined) {
    return () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
  }
  return () => cpuMsOf((_, pid, parent) => pid === String(serverPid) || parent === String(serverPid)) ?? 0;
}

/** Runs `work` and adds PostgreSQL's CPU per transaction (see postgresCpuMs) and the app server's to its figures. */
async function withCpu(local: boolean, serverCpu: () => number, work: () => Promise<Figures>): Promise<Figures> {
  const before = local ? postgresCpuMs() : undefined;
  const server = serverCpu();
  const figures = await work();
  const serverCpuMs = (serverCpu() - server) / figures.count;
  const after = local ? postgresCpuMs() : undefined;
  return before === undefined || after === undefined ? { ...figures, serverCpuMs } : { ...figures, serverCpuMs, databaseCpuMs: (after - before) / figures.count };
}

/** The run's folder for the load's pairs and pgbench's script and logs. */
let tmp = '';

/** The same people on every run (a fixed seed), so two runs' spreads over the sessions match. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` practitioners in two statements, then a personal API token each (through the service, 20 at a time). */
async function crowdWithTokens(db: Database, size: number) {
  const template = await makePerson(db);
  const [row] = await db.select().from(people).where(eq(people.id, template.id));
  const made = await db
    .insert(people)
    .values(Array.from({ length: size }, (_, i) => ({ partnershipId: row.partnershipId, name: `Booker ${i}`, email: `booker.${i}@bench.example`, organisationId: row.organisationId, jobTitle: 'Social worker', workforceGroupId: row.workforceGroupId })))
    .returning({ id: people.id });
  await db.insert(personRoles).values(made.map((p) => ({ personId: p.id, role: 'practitioner' as const })));
  const scope = await bookingScope(db);
  const crowd: { id: string; token: string }[] = [];
  for (let i = 0; i < made.length; i += 20) {
    const batch = made.slice(i, i + 20);
    const tokens = await Promise.all(batch.map((p) => createApiToken(actingAs(scope, p.id), 'Booking rush')));
    crowd.push(...batch.map((p, j) => ({ id: p.id, token: tokens[j] })));
  }
  return crowd;
}

/** The person the limit books next: one of `pool` people made beforehand, each id from a sequence, so no two bookings share one. */
const LIMIT_PERSON = (n: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

async function limitPeople(db: Database, partnershipId: string, organisationId: string, pool: number) {
  await db.execute(sql.raw(`create sequence bench_limit_person maxvalue ${pool}`));
  await db.execute(
    sql.raw(`insert into people (id, partnership_id, name, email, organisation_id, job_title)
      select ${LIMIT_PERSON('n')}, '${partnershipId}', 'Limit ' || n, 'limit.' || n || '@bench.example', '${organisationId}', 'Social worker'
      from generate_series(1, ${pool}) n`),
  );
}

/** The minimal booking transaction's statements, for the session the SQL expression `session` names. */
const minimalBooking = (partnershipId: string, session: string) => [
  `SELECT capacity, places_taken FROM sessions WHERE id = ${session} FOR UPDATE;`,
  `INSERT INTO bookings (partnership_id, session_id, person_id, status, created_at) VALUES ('${partnershipId}', ${session}, ${LIMIT_PERSON("nextval('bench_limit_person')")}, 'confirmed', now());`,
  `UPDATE sessions SET places_taken = places_taken + 1 WHERE id = ${session};`,
];

function pgbenchPath() {
  const found = ['15', '16', '17', '14', '13'].map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`).find((p) => existsSync(p));
  if (found) return found;
  return process.env.PATH?.split(':')
    .map((dir) => join(dir, 'pgbench'))
    .find((p) => existsSync(p));
}

function run(command: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** pgbench at CLIENTS clients for SECONDS; TPS from its summary, p50 and p99 from its log of every transaction. */
async function pgbenchLimit(db: Database, pgbench: string, url: string, partnershipId: string, sessionIds: string[], name: string, pool: number): Promise<Figures> {
  const session = `('{${sessionIds.join(',')}}'::uuid[])[:n]`;
  const script = join(tmp, `${name}.sql`);
  writeFileSync(script, [`\\set n random(1, ${sessionIds.length})`, 'BEGIN;', ...minimalBooking(partnershipId, session), 'COMMIT;', ''].join('\n'));
  const prefix = join(tmp, `${name}-log`);
  const clients = await connectionsFree(db);
  const { code, out, err } = await run(pgbench, ['-n', '-c', String(clients), '-j', '2', '-T', String(SECONDS), '-M', 'prepared', '-f', script, '-l', `--log-prefix=${prefix}`, url]);
  const latencies = readdirSync(tmp)
    .filter((f) => f.startsWith(`${name}-log`))
    .flatMap((f) => readFileSync(join(tmp, f), 'utf8').split('\n'))
    .map((line) => Number(line.split(' ')[2]) / 1000)
    .filter((ms) => Number.isFinite(ms) && ms > 0)
    .sort((a, b) => a - b);
  const tps = Number(out.match(/tps = ([\d.]+) \(without initial connection time\)/)?.[1]);
  const count = Number(out.match(/number of transactions actually processed: (\d+)/)?.[1]);
  const failed = Number(out.match(/number of failed transactions: (\d+)/)?.[1] ?? 0);
  if (code !== 0 || failed || !latencies.length) {
    const reached = /reached maximum value of sequence "bench_limit_person"/.test(err) ? ` (it used up its ${pool} people: raise BENCH_BOOKING_LIMIT_POOL)` : '';
    throw new Error(`pgbench exited ${code} with ${failed} failed transactions${reached}:\n${err.trim().split('\n').slice(0, 5).join('\n')}`);
  }
  return { perSecond: tps, p50: percentile(latencies, 50), p99: percentile(latencies, 99), count, seconds: SECONDS, clients };
}

/**
 * CLIENTS, once the server has that many connection slots free (other work shares it), waiting up
 * to 30 s; after that as many as are free, and the limit's line says how many it had.
 */
async function connectionsFree(db: Database) {
  let free = 0;
  for (let waited = 0; waited < 30; waited++) {
    const [row] = rowsOf<{ free: number }>(
      await db.execute(
        sql`select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as free`,
      ),
    );
    free = row.free;
    if (free >= CLIENTS) return CLIENTS;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return Math.max(1, free - 2);
}

/** The same SQL from this process: CLIENTS workers for SECONDS, each running one transaction after another. */
async function inProcessLimit(db: Database, partnershipId: string, sessionIds: string[], pool: number): Promise<Figures> {
  const latencies: number[] = [];
  const random = seeded(7);
  let started = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < deadline && started < pool) {
      started++;
      const statements = minimalBooking(partnershipId, `'${sessionIds[Math.floor(random() * sessionIds.length)]}'::uuid`);
      const t = process.hrtime.bigint();
      await db.transaction(async (tx) => {
        for (const statement of statements) await tx.execute(sql.raw(statement));
      });
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: latencies.length, seconds };
}

function rush(file: string, warmUrl: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./book-load.mjs', import.meta.url).pathname, file, String(CLIENTS), warmUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the booking load generator exited ${code}`));
      const r = JSON.parse(out);
      resolve({ perSecond: r.perSecond, p50: r.p50, p99: r.p99, count: r.requests, seconds: r.seconds, statuses: r.statuses });
    });
  });
}

/** Promises 1 and 2 for the rush's sessions and people, read from the database: the number of faults found, and what was found. */
async function check(db: Database, sessionIds: string[], crowd: { id: string }[]) {
  const rows = await db.select({ sessionId: bookings.sessionId, personId: bookings.personId, status: bookings.status }).from(bookings).where(inArray(bookings.sessionId, sessionIds));
  const places = await db.select({ id: sessions.id, capacity: sessions.capacity, placesTaken: sessions.placesTaken }).from(sessions).where(inArray(sessions.id, sessionIds));
  let overbooked = 0;
  let drift = 0;
  for (const session of places) {
    const held = rows.filter((r) => r.sessionId === session.id && HELD.includes(r.status)).length;
    if (held > session.capacity) overbooked++;
    if (session.placesTaken !== held) drift++;
  }
  const live = new Map<string, number>();
  for (const r of rows) if (LIVE.includes(r.status)) live.set(r.personId, (live.get(r.personId) ?? 0) + 1);
  const notOne = crowd.filter((p) => live.get(p.id) !== 1).length;
  const byStatus: Record<string, number> = {};
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const held = rows.filter((r) => HELD.includes(r.status)).length;
  const capacity = places.reduce((sum, s) => sum + s.capacity, 0);
  return {
    faults: overbooked + drift + notOne,
    text: `${Object.entries(byStatus).map(([s, n]) => `${n} ${s}`).join(', ')} (${held} of ${capacity} places held); ${overbooked} overbooked, ${drift} with places_taken not the places held, ${notOne} people without exactly one live booking`,
  };
}

const range = (values: number[], digits: number) => (values.length > 1 ? ` (${Math.min(...values).toFixed(digits)} to ${Math.max(...values).toFixed(digits)})` : '');

/** The median of each figure over the rounds, the rate with its range. */
function medianOf(rounds: Figures[]): Figures & { spread: string } {
  const pick = (f: (r: Figures) => number | undefined) => {
    const values = rounds.map(f).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  return {
    perSecond: pick((r) => r.perSecond)!,
    p50: pick((r) => r.p50)!,
    p99: pick((r) => r.p99)!,
    count: pick((r) => r.count)!,
    seconds: pick((r) => r.seconds)!,
    statuses: rounds[0].statuses && Object.fromEntries(Object.keys(rounds[0].statuses).map((k) => [k, median(rounds.map((r) => r.statuses?.[k] ?? 0))])),
    clients: Math.min(...rounds.map((r) => r.clients ?? CLIENTS)),
    databaseCpuMs: pick((r) => r.databaseCpuMs),
    serverCpuMs: pick((r) => r.serverCpuMs),
    spread: range(rounds.map((r) => r.perSecond), 0),
  };
}

const row = (name: string, f: Figures & { spread: string }, unit: string) =>
  `   ${name.padEnd(40)} ${f.perSecond.toFixed(0).padStart(6)} ${unit.padEnd(10)} p50 ${f.p50.toFixed(1).padStart(7)} ms  p99 ${f.p99.toFixed(1).padStart(7)} ms  ${f.count} in ${f.seconds.toFixed(1)} s${f.statuses ? `  ${JSON.stringify(f.statuses)}` : ''}${f.clients && f.clients !== CLIENTS ? `  (at ${f.clients} clients: the server had no more connections free)` : ''}${f.spread ? `  rounds${f.spread}` : ''}`;

/** The app the rush books through, and how to read its CPU. */
interface AppServer {
  base: string;
  /** What the header says it is. */
  title: string;
  cpuMs: () => number;
  /** Resolves once the round's "last used" marks are written (they count in the round's CPU). */
  tokenUsesWritten: () => Promise<void>;
  close: () => Promise<void>;
}

/** The app in this process, its token marks gathered as server/node.ts gathers them. */
async function inThisProcess(db: Database): Promise<AppServer> {
  const tokenUses = tokenUsesFor(db);
  const { app, config } = buildApp(db, { tokenUses });
  const server = serve({ fetch: withStaticFiles(app, config).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    title: 'the app in this process',
    cpuMs: serverCpuMs(undefined),
    tokenUsesWritten: () => tokenUses.flush(),
    close: async () => void server.close(),
  };
}

/**
 * The Node server (server/node.ts, `workers` processes answering requests) in a process of its
 * own on the bench's database, as a deployment runs it: each booking's email is sent straight
 * after, to an SMTP server on loopback that takes and drops it.
 */
async function workerProcesses(url: string, workers: number): Promise<AppServer> {
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], disableReverseLookup: true, logger: false, onData: (stream, _session, done) => stream.on('end', () => done()).resume() });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;
  const app = await startApp(await freePort(), { ...appEnvironment(url, smtpUrl), WORKERS: String(workers) }).catch(async (error) => {
    sink.close();
    throw error;
  });
  return {
    base: app.url,
    title: `server/node.ts${workers > 1 ? ` with ${workers} worker processes` : ''}, sending mail to loopback SMTP`,
    cpuMs: serverCpuMs(app.pid),
    // The server writes them a second after the first of a batch.
    tokenUsesWritten: async () => void (await sleep(1_500)),
    close: async () => {
      await app.stop();
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    },
  };
}

export async function benchBookings() {
  tmp = mkdtempSync(join(tmpdir(), 'bench-bookings-'));
  const database = await createTestDatabase();
  // On PostgreSQL the app has a pool of the size server/node.ts opens (10), which the setup and
  // the checks use too: the test database's pool of 20 stays at the one connection that migrated
  // it, so pgbench's clients find connections free on a server shared with other work.
  const appDatabase = database.url ? openPostgres(database.url) : database;
  const pgbench = database.url ? pgbenchPath() : undefined;
  const limitDatabase = database.url && !pgbench ? openPostgres(database.url, { max: CLIENTS }) : database;
  const serverFor = database.url && WORKERS ? () => workerProcesses(database.url!, WORKERS) : () => inThisProcess(appDatabase.db);
  try {
    const faults = await rushes(database, appDatabase.db, limitDatabase.db, pgbench, serverFor);
    if (faults) {
      console.error(`The booking rush broke a promise: ${faults} faults above.`);
      process.exitCode = 1;
    }
  } finally {
    if (limitDatabase !== database) await limitDatabase.close();
    if (appDatabase !== database) await appDatabase.close();
    await database.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Both rushes and their limits; the number of faults the checks found. */
async function rushes(database: { url?: string }, db: Database, limitDb: Database, pgbench: string | undefined, serverFor: () => Promise<AppServer>) {
  await seed(db, 'partnership');
  const crowd = await crowdWithTokens(db, PEOPLE);
  const server = await serverFor();
  try {
    return await rushesThrough(server, database, db, limitDb, pgbench, crowd);
  } finally {
    await server.close();
  }
}

async function rushesThrough(server: AppServer, database: { url?: string }, db: Database, limitDb: Database, pgbench: string | undefined, crowd: { id: string; token: string }[]) {
  const { base } = server;
  const [template] = await db.select().from(people).where(eq(people.id, crowd[0].id));
  // Enough people for every transaction the limit can run in both scenarios (its sequence stops at the last).
  const pool = Number(process.env.BENCH_BOOKING_LIMIT_POOL ?? (pgbench ? 70_000 : 20_000) * ROUNDS);
  await limitPeople(db, template.partnershipId, template.organisationId, pool);
  const limitName = pgbench
    ? 'pgbench, minimal booking transaction'
    : database.url
      ? 'same SQL over postgres.js, in process'
      : 'same SQL through PGlite, in process';

  const scenarios = [
    { name: 'spread', title: `spread over 100 sessions of ${PLACES} places`, sessions: 100 },
    { name: 'contended', title: `contended, 5 sessions of ${PLACES} places`, sessions: 5 },
  ];
  let faults = 0;
  console.log(
    `Booking rush on ${database.url ? 'PostgreSQL' : 'PGlite'} through ${server.title}: ${PEOPLE} people each POSTing one booking with their API token, ${CLIENTS} clients; the limit for ${SECONDS} s at ${CLIENTS} clients; ${ROUNDS} rounds of each, the app and its limit side by side, medians printed`,
  );
  const local = Boolean(database.url && /@(127\.0\.0\.1|localhost)[:/]/.test(database.url));
  for (const scenario of scenarios) {
    const ours: Figures[] = [];
    const limits: Figures[] = [];
    let roundFaults = 0;
    const checks: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Each round books new sessions, so every round starts from empty ones, and each token is
      // as if unused for a minute: every booking marks its token's last use, as in a real rush.
      await db.update(apiTokens).set({ lastUsedAt: null }).where(inArray(apiTokens.personId, crowd.map((p) => p.id)));
      const { sessions: made } = await makeSession(db, { capacity: PLACES, extraSessions: scenario.sessions - 1 });
      const ids = made.map((s) => s.id);
      const random = seeded(scenario.sessions);
      const file = join(tmp, `${scenario.name}-${round}.txt`);
      writeFileSync(file, crowd.map((p) => `${base}/api/v1/sessions/${ids[Math.floor(random() * ids.length)]}/bookings ${p.token}\n`).join(''));
      ours.push(
        await withCpu(local, server.cpuMs, async () => {
          const figures = await rush(file, `${base}/api/v1/bookings`);
          await server.tokenUsesWritten();
          return figures;
        }),
      );

      const { sessions: limitSessions } = await makeSession(db, { capacity: 1_000_000_000, extraSessions: scenario.sessions - 1 });
      const limitIds = limitSessions.map((s) => s.id);
      limits.push(
        await withCpu(local, () => 0, () =>
          pgbench ? pgbenchLimit(db, pgbench, database.url!, template.partnershipId, limitIds, `${scenario.name}-${round}`, pool) : inProcessLimit(limitDb, template.partnershipId, limitIds, pool),
        ),
      );
      const found = await check(db, ids, crowd);
      roundFaults += found.faults;
      checks.push(found.text);
    }
    const app = medianOf(ours);
    const limit = medianOf(limits);
    const ratios = ours.map((r, i) => r.perSecond / limits[i].perSecond);
    console.log(`Booking rush, ${scenario.title}, ${PEOPLE} people, ${CLIENTS} clients`);
    console.log(row('the app', app, 'bookings/s'));
    console.log(row(limitName, limit, 'TPS'));
    console.log(`   ratio ${median(ratios).toFixed(3)}${range(ratios, 3)}, each round's app beside that round's limit`);
    if (app.databaseCpuMs !== undefined && limit.databaseCpuMs !== undefined)
      console.log(`   PostgreSQL's CPU a transaction: the app ${app.databaseCpuMs.toFixed(2)} ms, the limit ${limit.databaseCpuMs.toFixed(2)} ms (${(app.databaseCpuMs / limit.databaseCpuMs).toFixed(1)}×)`);
    console.log(`   the app's server (${server.title}): ${app.serverCpuMs!.toFixed(2)} ms of CPU a booking`);
    console.log(checks.map((text, i) => `   round ${i + 1} from the database: ${text}`).join('\n'));
    faults += roundFaults;
  }
  const [{ used }] = rowsOf<{ used: string }>(await db.execute(sql`select count(*) as used from bookings where person_id in (select id from people where email like 'limit.%@bench.example')`));
  if (Number(used) >= pool) console.log(`   the limit used up its ${pool} people: raise BENCH_BOOKING_LIMIT_POOL`);
  console.log('');
  return faults;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBookings();
