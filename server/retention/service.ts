// The partnership's retention policy and the daily job that applies it
// (docs/decisions/0018-retention.md). What the job removes is past its time and nothing else;
// the figures of past years stay as they were: ratings, counts and coded themes are kept, and a
// person's training records are anonymised the way an erasure does it, never deleted.
import { and, desc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../db/database';
import { auditLog, authSessions, feedback, impactResponses, managerResponses, partnerships, people, rateLimits, signInTokens } from '../../db/schema';
import { anonymisePerson } from '../accounts/erasure';
import { auditChange } from '../audit/log';
import { blankSentMail } from '../mail/outbox';
import { DAY, MINUTE } from '../shared/clock';
import type { ServiceContext } from '../shared/context';
import { addMonths, fromLondon, londonDay } from '../shared/dates';
import { forbidden } from '../shared/errors';

export interface RetentionPolicy {
  /** Years a free-text survey or feedback answer is kept after it was given. */
  freeTextYears: number;
  /** Years a person's training records are kept after their last activity. */
  trainingYears: number;
  /** Days the text of a sent email is kept after sending (0: until the next daily run). */
  sentMailDays: number;
}

/** The bounds the page and the database's checks both hold to. */
export const RETENTION_BOUNDS: Record<keyof RetentionPolicy, { min: number; max: number }> = {
  freeTextYears: { min: 1, max: 10 },
  trainingYears: { min: 1, max: 25 },
  sentMailDays: { min: 0, max: 90 },
};

/** How long sign-in rate-limit rows are kept once their window has started: longer than any window. */
const RATE_LIMIT_ROWS_KEPT = DAY;

export const retentionPolicy = (s: Pick<ServiceContext, 'partnership'>): RetentionPolicy => ({
  freeTextYears: s.partnership.retentionFreeTextYears,
  trainingYears: s.partnership.retentionTrainingYears,
  sentMailDays: s.partnership.retentionSentMailDays,
});

/** A coordinator changes the policy, audited with what it was and what it became. */
export async function setRetentionPolicy(s: ServiceContext, policy: RetentionPolicy): Promise<void> {
  if (!s.actor?.roles.includes('coordinator')) throw forbidden('Only a coordinator can change the retention policy');
  await s.db.transaction(async (tx) => {
    const [row] = await tx.select().from(partnerships).where(eq(partnerships.id, s.partnership.id)).for('update');
    const before = retentionPolicy({ partnership: row });
    if ((Object.keys(policy) as (keyof RetentionPolicy)[]).every((k) => before[k] === policy[k])) return;
    await tx
      .update(partnerships)
      .set({ retentionFreeTextYears: policy.freeTextYears, retentionTrainingYears: policy.trainingYears, retentionSentMailDays: policy.sentMailDays })
      .where(eq(partnerships.id, s.partnership.id));
    await auditChange(tx, s, 'partnership.retention-policy.changed', 'partnership', s.partnership.id, { before, after: policy });
  });
}

/** What one run removed, by kind. */
export interface RetentionSummary {
  signInLinks: number;
  sessions: number;
  rateLimitRows: number;
  sentMail: number;
  freeTextAnswers: number;
  peopleAnonymised: number;
}

/** The start of the London day `years` years before `now`: anything dated before it is past. */
const yearsBefore = (now: Date, years: number) => fromLondon(addMonths(londonDay(now), -12 * years));

/**
 * A person's last sign of activity: their account made, their last sign-in, a booking made, the
 * end of a session they booked, e-learning recorded, an API token used. Whichever is latest.
 */
const lastActivity = sql`greatest(
  ${people.createdAt},
  ${people.lastSignedInAt},
  (select max(greatest(b.created_at, s.ends_at)) from bookings b join sessions s on s.id = b.session_id where b.person_id = ${people.id}),
  (select max(e.created_at) from e_learning_completions e where e.person_id = ${people.id}),
  (select max(t.last_used_at) from api_tokens t where t.person_id = ${people.id})
)`;

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`; // postgres.js does not serialise Date inside sql``

/**
 * Applies the partnership's policy as at the context's clock, in one transaction, and audits the
 * counts. `blankSentMail` is false in demo mode, where the dev mailbox shows the sent mail.
 */
export async function applyRetention(s: ServiceContext, options: { blankSentMail: boolean }): Promise<RetentionSummary> {
  const now = s.clock.now();
  const policy = retentionPolicy(s);
  const partnershipId = s.partnership.id;
  return s.db.transaction(async (tx) => {
    const theirPeople = tx.select({ id: people.id }).from(people).where(eq(people.partnershipId, partnershipId));
    const count = (rows: unknown[]) => rows.length;

    const signInLinks = count(
      await tx
        .delete(signInTokens)
        .where(and(lte(signInTokens.expiresAt, now), inArray(signInTokens.personId, theirPeople)))
        .returning({ id: signInTokens.tokenHash }),
    );
    const sessions = count(
      await tx
        .delete(authSessions)
        .where(and(or(lte(authSessions.expiresAt, now), lte(authSessions.idleExpiresAt, now)), inArray(authSessions.personId, theirPeople)))
        .returning({ id: authSessions.id }),
    );
    // Rate-limit rows belong to no partnership: the first partnership's run removes them all.
    const windowsOver = new Date(now.getTime() - Math.max(RATE_LIMIT_ROWS_KEPT, s.config.signInLimitWindowMinutes * MINUTE));
    const rateLimitRows = count(await tx.delete(rateLimits).where(lte(rateLimits.windowStart, windowsOver)).returning({ key: rateLimits.key }));
    const sentMail = options.blankSentMail ? await blankSentMail(tx, partnershipId, new Date(now.getTime() - policy.sentMailDays * DAY)) : 0;
    const freeTextAnswers = await clearFreeText(tx, partnershipId, yearsBefore(now, policy.freeTextYears));
    const peopleAnonymised = await anonymiseInactivePeople(tx, s, yearsBefore(now, policy.trainingYears), policy.trainingYears);

    const summary: RetentionSummary = { signInLinks, sessions, rateLimitRows, sentMail, freeTextAnswers, peopleAnonymised };
    await auditChange(tx, s, 'partnership.retention-applied', 'partnership', partnershipId, { ...summary, policy });
    return summary;
  });
}

/**
 * Clears the words of answers given before `before`: the day's feedback, the three-month answers
 * (no longer featured, as there is nothing left to quote) and the line manager's example. Every
 * rating, choice and coded theme stays, so no figure moves. Returns the answers cleared.
 */
async function clearFreeText(tx: Executor, partnershipId: string, before: Date): Promise<number> {
  const cleared = await tx
    .update(feedback)
    .set({ willDoDifferently: '', comments: '' })
    .where(and(eq(feedback.partnershipId, partnershipId), lte(feedback.createdAt, before), or(ne(feedback.willDoDifferently, ''), ne(feedback.comments, ''))))
    .returning({ id: feedback.id });
  const answers = await tx
    .update(impactResponses)
    .set({ practiceChangeHow: '', outcomeExample: '', sharedHow: '', barriers: '', featuredAt: null, featuredBy: null })
    .where(
      and(
        eq(impactResponses.partnershipId, partnershipId),
        lte(impactResponses.createdAt, before),
        or(
          ne(impactResponses.practiceChangeHow, ''),
          ne(impactResponses.outcomeExample, ''),
          ne(impactResponses.sharedHow, ''),
          ne(impactResponses.barriers, ''),
          sql`${impactResponses.featuredAt} is not null`,
        ),
      ),
    )
    .returning({ id: impactResponses.id });
  const managers = await tx
    .update(managerResponses)
    .set({ example: '' })
    .where(and(eq(managerResponses.partnershipId, partnershipId), lte(managerResponses.createdAt, before), ne(managerResponses.example, '')))
    .returning({ id: managerResponses.id });
  return cleared.length + answers.length + managers.length;
}

/** Anonymises, as an erasure does, everyone not yet erased whose last activity is before `before`. */
async function anonymiseInactivePeople(tx: Executor, s: ServiceContext, before: Date, years: number): Promise<number> {
  const due = await tx
    .select({ id: people.id, name: people.name, email: people.email })
    .from(people)
    .where(and(eq(people.partnershipId, s.partnership.id), isNull(people.erasedAt), sql`${lastActivity} < ${at(before)}`))
    .for('update');
  for (const person of due) await anonymisePerson(tx, s, person, { reason: 'retention', years });
  return due.length;
}

/** The latest run's counts for each partnership that has had one, for the jobs command line. */
export async function lastRetentionRuns(db: Database) {
  const runs = await db
    .selectDistinctOn([auditLog.partnershipId], { partnership: partnerships.name, at: auditLog.at, detail: auditLog.detail })
    .from(auditLog)
    .innerJoin(partnerships, eq(partnerships.id, auditLog.partnershipId))
    .where(eq(auditLog.action, 'partnership.retention-applied'))
    .orderBy(auditLog.partnershipId, desc(auditLog.at), desc(auditLog.seq));
  const keys: (keyof RetentionSummary)[] = ['signInLinks', 'sessions', 'rateLimitRows', 'sentMail', 'freeTextAnswers', 'peopleAnonymised'];
  return runs.map((r) => ({ partnership: r.partnership, at: r.at, counts: Object.fromEntries(keys.map((k) => [k, Number(r.detail[k] ?? 0)])) as unknown as RetentionSummary }));
}
