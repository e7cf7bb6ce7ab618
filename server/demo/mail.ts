// The mail the services queue while the seed plays the demo's past: confirmations, waiting-list
// and cancellation emails, session reminders, feedback invitations, surveys and their reminders,
// a year of them. None of it may go to a mail server (the people are made up, and it is long past),
// and it would bury a newcomer's sign-in links in the dev mailbox. So once the past is played, each
// message is settled as the demo's dev mailbox would have taken it at the time: the ones the demo
// promises (the demo practitioner's open survey, with its link) stay in the outbox marked delivered
// when they were queued, as the capture mailer marks what it keeps, and the rest are deleted.
import { and, eq, inArray, lte, notInArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { outbox } from '../../db/schema';

/** The messages waiting to go before the seed began: not the seed's, so left alone. */
export async function pendingMail(db: Executor, partnershipId: string): Promise<string[]> {
  const rows = await db.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.partnershipId, partnershipId), eq(outbox.status, 'pending')));
  return rows.map((r) => r.id);
}

/**
 * Settles the mail the seed queued: everything pending that was not pending before (`before`) and
 * was queued by the demo's clock (no later than `now`). `keep` says which messages stay.
 */
export async function settleSeededMail(db: Executor, partnershipId: string, now: Date, before: string[], keep: (mail: { to: string; text: string }) => boolean) {
  const seeded = await db
    .select({ id: outbox.id, to: outbox.to, text: outbox.text })
    .from(outbox)
    .where(and(eq(outbox.partnershipId, partnershipId), eq(outbox.status, 'pending'), lte(outbox.createdAt, now), before.length ? notInArray(outbox.id, before) : undefined));
  const kept = seeded.filter(keep).map((m) => m.id);
  const dropped = seeded.filter((m) => !kept.includes(m.id)).map((m) => m.id);
  if (kept.length) {
    await db
      .update(outbox)
      .set({ status: 'sent', sentAt: sql`${outbox.createdAt}`, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, kept));
  }
  // In slices: one statement's parameters are limited, and a year of mail is thousands of rows.
  for (let i = 0; i < dropped.length; i += 1000) await db.delete(outbox).where(inArray(outbox.id, dropped.slice(i, i + 1000)));
  return { kept: kept.length, dropped: dropped.length };
}
