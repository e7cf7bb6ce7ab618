// The mail the services queue while the seed plays the demo's past: confirmations, waiting-list
// and cancellation emails, session reminders, feedback invitations, surveys and their reminders,
// a year of them. None of it may go to a mail server (the people are made up, and it is long past),
// and it would bury a newcomer's sign-in links in the dev mailbox. So once the past is played, each
// message is settled as the demo's dev mailbox would have taken it at the time: the ones the demo
// promises (the demo practitioner's open survey, with its link) stay in the outbox marked delivered
// when they were queued, as the capture mailer marks what it keeps, and the rest are deleted.
import { and, eq, gte, like, lte, not, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { outbox } from '../../db/schema';

/** The messages waiting to go before the seed began: not the seed's, so left alone. */
export async function pendingMail(db: Executor, partnershipId: string): Promise<string[]> {
  const rows = await db.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.partnershipId, partnershipId), eq(outbox.status, 'pending')));
  return rows.map((r) => r.id);
}

/**
 * Settles the mail the seed queued: everything pending that was not pending before (`before`) and
 * was queued by the demo's clock (no later than `now`). What goes to `keep.to` with a link that
 * starts `keep.link`, queued from `keep.since` on (after the surveys that person has answered),
 * stays; the rest goes.
 */
export async function settleSeededMail(db: Executor, partnershipId: string, now: Date, before: string[], keep: { to: string; link: string; since: Date }) {
  const seeded = and(eq(outbox.partnershipId, partnershipId), eq(outbox.status, 'pending'), lte(outbox.createdAt, now), before.length ? notInArray(outbox.id, before) : undefined);
  const kept: SQL = and(eq(outbox.to, keep.to), gte(outbox.createdAt, keep.since), like(outbox.text, `%${keep.link.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`))!;
  await db
    .update(outbox)
    .set({ status: 'sent', sentAt: sql`${outbox.createdAt}`, attempts: sql`${outbox.attempts} + 1` })
    .where(and(seeded, kept));
  await db.delete(outbox).where(and(seeded, not(kept)));
}
