import { and, asc, eq, inArray, isNull, lte, notInArray, or, sql } from 'drizzle-orm';
import { builtOnce } from '../../db/built-once';
import type { Database, Executor } from '../../db/database';
import { outbox } from '../../db/schema';
import { MINUTE } from '../shared/clock';
import { isDatabaseUnavailable } from '../shared/errors';
import type { Mailer, MailMessage } from './mailer';

export type QueuedMail = Omit<MailMessage, 'attachments'> & {
  attachments?: MailMessage['attachments'];
  /** The text holds a personal link: keep it only until the mail server has the message. */
  clearAfterSending?: boolean;
};

/** What a sent message's text becomes when it held a personal link. */
export const CLEARED_TEXT = '(Removed once sent: this message held a personal link.)';
/** What a message holding a personal link keeps once it has failed for good: the link must not outlive it either. */
export const CLEARED_FAILED_TEXT = '(Removed when sending failed for good: this message held a personal link.)';

/**
 * Queues mail inside the caller's transaction, so it goes if and only if the change commits.
 * `now` (the app's clock, not the database's) makes it due at once.
 */
export async function queueMail(tx: Executor, at: { partnershipId: string; now: Date }, mail: QueuedMail | QueuedMail[]): Promise<void> {
  const rows = (Array.isArray(mail) ? mail : [mail]).map((m) => ({
    partnershipId: at.partnershipId,
    ...m,
    attachments: m.attachments ?? [],
    createdAt: at.now,
    nextAttemptAt: at.now,
  }));
  if (rows.length === 1) await insertMail(tx, { ...rows[0], id: rows[0].id ?? null, clearAfterSending: rows[0].clearAfterSending ?? false });
  else if (rows.length) await tx.insert(outbox).values(rows);
}
/** One message, as most changes queue: made once (db/built-once.ts). */
const insertMail = builtOnce('queue_mail', (db) =>
  db.insert(outbox).values({
    id: sql`coalesce(${sql.placeholder('id')}::uuid, gen_random_uuid())`,
    partnershipId: sql.placeholder('partnershipId'),
    to: sql.placeholder('to'),
    subject: sql.placeholder('subject'),
    text: sql.placeholder('text'),
    attachments: sql.placeholder('attachments'),
    clearAfterSending: sql.placeholder('clearAfterSending'),
    createdAt: sql.placeholder('createdAt'),
    nextAttemptAt: sql.placeholder('nextAttemptAt'),
  }),
);

const CLAIM_MINUTES = 5;
const MAX_ATTEMPTS = 10;
/** 1, 2, 4 ... minutes, at most an hour: a mail server that is down for a day loses nothing. */
export const retryDelay = (attempts: number) => Math.min(60, 2 ** (attempts - 1)) * MINUTE;

export interface SendSummary {
  sent: number;
  failed: number;
  gaveUp: number;
}

/**
 * Sends what is due, a batch at a time, in three statements a batch whatever its size: one
 * claims it (FOR UPDATE SKIP LOCKED inside the UPDATE that sets a claim time, so two senders
 * never take the same row), one marks what the mail server accepted as sent, and one (only when
 * something failed) records each failure and its next attempt. A sender that dies leaves its
 * claim to expire and the rows are sent by the next run. The only window for a duplicate is a
 * crash after the SMTP server accepted a message and before its batch was marked sent: at most
 * one batch (`batch`, 50), for as long as the batch takes to send (decision 4).
 */
export async function sendDueMail(deps: { db: Database; mailer: Mailer }, now: Date, batch = 50): Promise<SendSummary> {
  const summary: SendSummary = { sent: 0, failed: 0, gaveUp: 0 };
  if (deps.mailer.kind === 'capture') {
    // Demo mode: mail stays in the outbox and the dev mailbox shows it.
    const done = await deps.db
      .update(outbox)
      .set({ status: 'sent', sentAt: now, attempts: sql`${outbox.attempts} + 1` })
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
      .returning({ id: outbox.id });
    summary.sent = done.length;
    return summary;
  }
  for (;;) {
    const due = deps.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), or(isNull(outbox.claimedUntil), lte(outbox.claimedUntil, now))))
      .orderBy(asc(outbox.nextAttemptAt))
      .limit(batch)
      .for('update', { skipLocked: true });
    const claimed = await deps.db
      .update(outbox)
      .set({ claimedUntil: new Date(now.getTime() + CLAIM_MINUTES * MINUTE) })
      .where(inArray(outbox.id, due))
      .returning();
    if (!claimed.length) return summary;
    // The batch goes at once: the pooled transport spreads it over a few connections.
    const results = await Promise.allSettled(
      claimed.map((mail) => deps.mailer.send({ id: mail.id, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments })),
    );
    const sent = claimed.filter((_, i) => results[i].status === 'fulfilled');
    if (sent.length) {
      // The mail server has them. Recording that must not count as a failed send (which would
      // send them again): if the database connection dropped, try again on a fresh one; only if
      // that fails too are the rows left claimed, the one window for a duplicate.
      await whileDatabaseComesBack(() =>
        deps.db
          .update(outbox)
          .set({
            status: 'sent',
            sentAt: now,
            attempts: sql`${outbox.attempts} + 1`,
            claimedUntil: null,
            lastError: null,
            text: sql`case when ${outbox.clearAfterSending} then ${CLEARED_TEXT} else ${outbox.text} end`,
          })
          .where(inArray(outbox.id, sent.map((m) => m.id))),
      );
      summary.sent += sent.length;
    }
    const failures = claimed.flatMap((mail, i) => {
      const result = results[i];
      if (result.status === 'fulfilled') return [];
      const attempts = mail.attempts + 1;
      const gaveUp = attempts >= MAX_ATTEMPTS;
      if (gaveUp) summary.gaveUp++;
      else summary.failed++;
      const error = result.reason;
      return [{
        id: mail.id,
        status: gaveUp ? 'failed' : 'pending',
        attempts,
        next_attempt_at: new Date(now.getTime() + retryDelay(attempts)).toISOString(),
        last_error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        text: gaveUp && mail.clearAfterSending ? CLEARED_FAILED_TEXT : mail.text,
      }];
    });
    if (failures.length) {
      await deps.db.execute(sql`
        update ${outbox} set status = f.status, attempts = f.attempts, claimed_until = null,
          next_attempt_at = f.next_attempt_at, last_error = f.last_error, text = f.text
        from jsonb_to_recordset(${JSON.stringify(failures)}::jsonb)
          as f(id uuid, status text, attempts integer, next_attempt_at timestamptz, last_error text, text text)
        where ${outbox.id} = f.id`);
    }
    if (claimed.length < batch) return summary;
  }
}

/** Runs `write` again (three tries in all, a moment apart) while the database is out of reach. */
async function whileDatabaseComesBack<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 3 || !isDatabaseUnavailable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/** What a sent message's text becomes under the partnership's retention policy. */
export const RETAINED_TEXT = '(Removed under the partnership’s retention policy once sent.)';
const BLANK_TEXTS = ['', CLEARED_TEXT, CLEARED_FAILED_TEXT, RETAINED_TEXT];

/**
 * Blanks the text and attachments of the partnership's mail sent (or given up on) before
 * `before`; the record that it went, to whom and with what subject stays. Returns how many
 * messages lost a text or an attachment.
 */
export async function blankSentMail(tx: Executor, partnershipId: string, before: Date): Promise<number> {
  const blanked = await tx
    .update(outbox)
    .set({ text: RETAINED_TEXT, attachments: [] })
    .where(
      and(
        eq(outbox.partnershipId, partnershipId),
        or(and(eq(outbox.status, 'sent'), lte(outbox.sentAt, before)), and(eq(outbox.status, 'failed'), lte(outbox.createdAt, before))),
        or(notInArray(outbox.text, BLANK_TEXTS), sql`jsonb_array_length(${outbox.attachments}) > 0`),
      ),
    )
    .returning({ id: outbox.id });
  return blanked.length;
}
