// npm run bench: the figures behind promise 3, each beside a baseline measured in the same run on
// the same database, so the ratios hold on any machine. Runs on PGlite in memory, or on a fresh
// database on the PostgreSQL server at TEST_DATABASE_URL (the figures that matter for production).
//
//   1. Queuing due follow-up surveys (claim, link, outbox, state) against the bare inserts of
//      the same rows: the price of claiming and of one transaction per batch.
//   2. Sending the outbox to a loopback SMTP server against nodemailer alone: the price of the
//      outbox's claims and bookkeeping.
//   3. The duplicate window: how long a batch takes to send and the UPDATE that marks it sent,
//      the only time in which a crash makes a message go twice.
//   4. The prospectus and a course page served by the Node server at 64 connections, beside
//      node:http serving the same bytes (bench/pages.ts; the load from bench/load.mjs).
//   5. The booking rush: people each booking a place through the API with their token, spread
//      over 100 sessions and contended on 5, beside pgbench running the minimal booking
//      transaction on the same tables (bench/bookings.ts; the load from bench/book-load.mjs).
//   6. The learning-needs gap map for BENCH_PEOPLE people (20,000) and five years of records,
//      against the aggregate query of the same counts (bench/gap-map.ts, on a database of its own);
//      left out with BENCH_QUICK=1.
//   7. With BENCH_IMPACT=1 only, the impact dashboard over ten partnerships' five years
//      (bench/impact.ts, also `npm run bench:impact`): making its million bookings takes minutes.
import { eq, inArray } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { followUpLinks, followUpSurveys, outbox } from '../db/schema';
import { sendDueFollowUps } from '../server/follow-ups/service';
import { smtpMailer } from '../server/mail/mailer';
import { queueMail, sendDueMail } from '../server/mail/outbox';
import { generateToken, hashToken } from '../server/shared/tokens';
import { seed } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { attendedCrowd } from '../test/support/crowd';
import { bookingScope } from '../test/support/fixtures';
import { startSmtpPeer } from '../test/support/smtp';
import { benchGapMap } from './gap-map';
import { benchPages } from './pages';
import { benchBookings } from './bookings';
import { benchImpact } from './impact';
import { median, percentile } from './percentile.mjs';

const SURVEYS = Number(process.env.BENCH_SURVEYS ?? 1000);
const DUE_AT = '2027-03-16T09:00:00Z';
const RUN_AT = '2027-03-16T09:15:00Z';

const database = await createTestDatabase();
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const db = database.db;
await seed(db, 'partnership');
const scope = await bookingScope(db, RUN_AT);

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const fixed = (n: number, digits = 1) => n.toFixed(digits);

console.log(`Benchmarks on ${engine}, ${SURVEYS} surveys.\n`);

// 1. Queuing due surveys.
const { bookingIds } = await attendedCrowd(db, SURVEYS, DUE_AT);
let start = process.hrtime.bigint();
const { sent } = await sendDueFollowUps(scope);
const dispatch = ms(start);
const surveys = await db.select({ id: followUpSurveys.id }).from(followUpSurveys).where(inArray(followUpSurveys.bookingId, bookingIds));
start = process.hrtime.bigint();
for (let i = 0; i < surveys.length; i += 100) {
  const batch = surveys.slice(i, i + 100);
  await db.transaction(async (tx) => {
    await tx.insert(followUpLinks).values(batch.map((s) => ({ tokenHash: hashToken(generateToken()), surveyId: s.id })));
    await tx.insert(outbox).values(batch.map((s) => ({ partnershipId: scope.partnership.id, to: `${s.id}@bench.example`, subject: 'Baseline', text: 'Baseline', status: 'sent' as const })));
  });
}
const bareInserts = ms(start);
console.log('1. Queuing due follow-up surveys');
console.log(`   send-follow-ups: ${sent} surveys in ${fixed(dispatch)} ms (${fixed(sent / (dispatch / 1000), 0)} a second)`);
console.log(`   the same rows inserted bare: ${fixed(bareInserts)} ms; ratio ${fixed(dispatch / bareInserts, 2)}\n`);

// 2. Sending the outbox, and nodemailer alone sending the same messages (read before they go:
// sending clears the texts that hold a personal link).
const messages = await db.select({ to: outbox.to, subject: outbox.subject, text: outbox.text, attachments: outbox.attachments }).from(outbox).where(eq(outbox.status, 'pending'));
const smtp = await startSmtpPeer();
// Warm up nodemailer and the SMTP peer (their code gets compiled) before either is timed.
const warm = nodemailer.createTransport(`${smtp.url}?pool=true`);
for (let i = 0; i < 200; i += 50) await Promise.all(messages.slice(i, i + 50).map((m) => warm.sendMail({ from: 'Bench <bench@bench.example>', ...m })));
warm.close();
// Three rounds, each the outbox then nodemailer alone, the same messages queued again for the
// outbox's later rounds; the medians, as other work on the machine moves single runs a lot.
const ROUNDS = 3;
const outboxRuns: number[] = [];
const bareRuns: number[] = [];
let delivered = { sent: 0, failed: 0, gaveUp: 0 };
for (let round = 0; round < ROUNDS; round++) {
  if (round > 0) await db.transaction((tx) => queueMail(tx, { partnershipId: scope.partnership.id, now: new Date(RUN_AT) }, messages));
  const received = smtp.received.length;
  const mailer = smtpMailer(smtp.url, 'Bench <bench@bench.example>');
  start = process.hrtime.bigint();
  delivered = await sendDueMail({ db, mailer }, new Date(RUN_AT));
  await smtp.waitFor(received + delivered.sent, 60_000);
  outboxRuns.push(ms(start));
  mailer.close();
  const bare = nodemailer.createTransport(`${smtp.url}?pool=true`);
  start = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += 50) {
    await Promise.all(messages.slice(i, i + 50).map((m) => bare.sendMail({ from: 'Bench <bench@bench.example>', ...m })));
  }
  await smtp.waitFor(received + delivered.sent + messages.length, 60_000);
  bareRuns.push(ms(start));
  bare.close();
}
await smtp.close();
const outboxMs = median(outboxRuns);
const bareMs = median(bareRuns);
console.log('2. Sending the outbox to a loopback SMTP server (median of 3 rounds)');
console.log(`   send-mail: ${delivered.sent} messages in ${fixed(outboxMs)} ms (${fixed(delivered.sent / (outboxMs / 1000), 0)} a second); rounds ${outboxRuns.map((r) => fixed(r, 0)).join(', ')} ms`);
console.log(`   nodemailer alone, the same ${messages.length} messages in the same batches: ${fixed(bareMs)} ms (${fixed(messages.length / (bareMs / 1000), 0)} a second); rounds ${bareRuns.map((r) => fixed(r, 0)).join(', ')} ms`);
console.log(`   ratio (the outbox's rate over nodemailer's) ${fixed(bareMs / outboxMs, 2)}\n`);

// 3. The duplicate window: a batch of 50 sent and then marked sent in one UPDATE, as the sender does.
const rows = await db.select({ id: outbox.id }).from(outbox).limit(SURVEYS);
const windows: number[] = [];
for (let i = 0; i < rows.length; i += 50) {
  start = process.hrtime.bigint();
  await db.update(outbox).set({ status: 'sent', sentAt: new Date(RUN_AT), claimedUntil: null, lastError: null }).where(inArray(outbox.id, rows.slice(i, i + 50).map((r) => r.id)));
  windows.push(ms(start));
}
windows.sort((a, b) => a - b);
console.log('3. The duplicate window (SMTP accepted, the batch not yet marked sent)');
console.log(`   a batch's send: ${fixed(outboxMs / Math.ceil(delivered.sent / 50), 1)} ms on average; its marking UPDATE over ${windows.length} batches of 50: median ${fixed(percentile(windows, 50), 2)} ms, 99th percentile ${fixed(percentile(windows, 99), 2)} ms\n`);

await database.close();

await benchPages();
await benchBookings();
if (!process.env.BENCH_QUICK) await benchGapMap();
if (process.env.BENCH_IMPACT) await benchImpact();
