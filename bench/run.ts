// npm run bench: the figures behind promise 3, each beside a baseline measured in the same run on
// the same database, so the ratios hold on any machine. Runs on PGlite in memory, or on a fresh
// database on the PostgreSQL server at TEST_DATABASE_URL (the figures that matter for production).
//
//   1. Queuing due follow-up surveys (claim, link, outbox, state) against the bare inserts of
//      the same rows: the price of claiming and of one transaction per batch.
//   2. Sending the outbox to a loopback SMTP server against nodemailer alone: the price of the
//      outbox's claims and bookkeeping.
//   3. The duplicate window: how long the UPDATE that marks a message sent takes, the only time
//      in which a crash makes the message go twice.
//   4. The learning-needs gap map for BENCH_PEOPLE people (20,000) and five years of records,
//      against the aggregate query of the same counts (bench/gap-map.ts, on a database of its own).
//   5. With BENCH_IMPACT=1 only, the impact dashboard over ten partnerships' five years
//      (bench/impact.ts, also `npm run bench:impact`): making its million bookings takes minutes.
import { inArray } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { followUpLinks, followUpSurveys, outbox } from '../db/schema';
import { sendDueFollowUps } from '../server/follow-ups/service';
import { smtpMailer } from '../server/mail/mailer';
import { sendDueMail } from '../server/mail/outbox';
import { generateToken, hashToken } from '../server/shared/tokens';
import { seed } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { attendedCrowd } from '../test/support/crowd';
import { bookingScope } from '../test/support/fixtures';
import { startSmtpPeer } from '../test/support/smtp';
import { benchGapMap } from './gap-map';
import { benchImpact } from './impact';

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
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

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

// 2. Sending the outbox.
const smtp = await startSmtpPeer();
const mailer = smtpMailer(smtp.url, 'Bench <bench@bench.example>');
start = process.hrtime.bigint();
const delivered = await sendDueMail({ db, mailer }, new Date(RUN_AT));
await smtp.waitFor(delivered.sent, 60_000);
const outboxMs = ms(start);
mailer.close();
const bare = nodemailer.createTransport(`${smtp.url}?pool=true`);
start = process.hrtime.bigint();
for (let i = 0; i < delivered.sent; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, delivered.sent - i) }, (_, k) => bare.sendMail({ from: 'bench@bench.example', to: `bare${i + k}@bench.example`, subject: 'Baseline', text: 'Baseline' })));
}
const bareMs = ms(start);
bare.close();
await smtp.close();
console.log('2. Sending the outbox to a loopback SMTP server');
console.log(`   send-mail: ${delivered.sent} messages in ${fixed(outboxMs)} ms (${fixed(delivered.sent / (outboxMs / 1000), 0)} a second)`);
console.log(`   nodemailer alone, same batches: ${fixed(bareMs)} ms; ratio ${fixed(outboxMs / bareMs, 2)}\n`);

// 3. The duplicate window: the marking UPDATE, one row by primary key, as the sender runs it.
const rows = await db.select({ id: outbox.id }).from(outbox).limit(SURVEYS);
const windows: number[] = [];
for (const row of rows) {
  start = process.hrtime.bigint();
  await db.update(outbox).set({ status: 'sent', sentAt: new Date(RUN_AT), claimedUntil: null, lastError: null }).where(inArray(outbox.id, [row.id]));
  windows.push(ms(start));
}
windows.sort((a, b) => a - b);
console.log('3. The duplicate window (SMTP accepted, row not yet marked sent)');
console.log(`   marking UPDATE over ${windows.length} rows: median ${fixed(percentile(windows, 50), 2)} ms, 99th percentile ${fixed(percentile(windows, 99), 2)} ms, worst ${fixed(windows[windows.length - 1], 2)} ms`);

await database.close();

await benchGapMap();
if (process.env.BENCH_IMPACT) await benchImpact();
