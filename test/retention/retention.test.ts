// The daily retention job removes exactly what is past the partnership's policy, as at the time
// it is given, and nothing else; every figure of a past year is what it was before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { OpenDatabase } from '../../db/database';
import {
  answerCodes,
  answerThemes,
  auditLog,
  authSessions,
  bookings,
  eLearningCompletions,
  feedback,
  followUpSurveys,
  impactResponses,
  managerResponses,
  outbox,
  people,
  rateLimits,
  sessions,
  signInTokens,
} from '../../db/schema';
import { runJob, type Summary } from '../../jobs/registry';
import { ERASED_NAME } from '../../server/accounts/erasure';
import { captureMailer } from '../../server/mail/mailer';
import { RETAINED_TEXT } from '../../server/mail/outbox';
import { impactDashboard } from '../../server/impact/service';
import { DAY, HOUR } from '../../server/shared/clock';
import { makePerson, seed, testConfig } from '../support/app';
import { createTestDatabase } from '../support/database';
import { impactScope, writeImpactYear } from '../impact/fixture';

let database: OpenDatabase;
let fixture: Awaited<ReturnType<typeof writeImpactYear>>;

/** The job runs at 3:30 on 1 September 2028: with the defaults, free text from before 1 September 2025 goes, and people last active before 1 September 2022. */
const RUN = new Date('2028-09-01T02:30:00Z');
const YEAR = { from: '2025-04-01', to: '2026-04-01' };
const OLD_YEAR = { from: '2022-04-01', to: '2023-04-01' };
const deps = () => ({ db: database.db, mailer: captureMailer, config: testConfig({ demo: false }) });
const day = (d: string) => new Date(`${d}T12:00:00Z`);

const ids: Record<string, string> = {};
let before: { year: unknown; oldYear: unknown };
let summary: Record<string, number>;

const surveyOf = async (key: string, session: string, respondent: 'attendee' | 'manager' = 'attendee') =>
  (
    await database.db
      .select({ id: followUpSurveys.id })
      .from(followUpSurveys)
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .innerJoin(people, eq(people.id, bookings.personId))
      .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
      .where(and(eq(people.email, `${key}@impact.example`), eq(followUpSurveys.respondent, respondent), eq(sessions.startsAt, new Date(session))))
  )[0].id;

/** A database of its own with the impact year and the old year, the dates and credentials set, and the job run once at RUN. */
async function writeYearsAndRun() {
  for (const key of Object.keys(ids)) delete ids[key];
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  fixture = await writeImpactYear(database.db);
  const db = database.db;
  const partnershipId = fixture.partnership.id;
  const S1 = '2025-05-12T09:00:00Z';
  const S2 = '2025-09-10T09:00:00Z';

  // Dates the fixture leaves to the database's clock, set as they would have been.
  await db.update(people).set({ createdAt: day('2024-01-10') });
  await db.update(bookings).set({ createdAt: day('2024-02-01') });
  await db.update(eLearningCompletions).set({ createdAt: day('2025-07-02') });
  // Free text: S1's answers were given before the cut (31 August 2025), S2's after it.
  await db.update(feedback).set({ willDoDifferently: 'Check the chronology', comments: 'Useful', createdAt: day('2025-05-12') });
  const s2Bookings = db.select({ id: bookings.id }).from(bookings).innerJoin(sessions, eq(sessions.id, bookings.sessionId)).where(eq(sessions.startsAt, new Date(S2)));
  await db.update(feedback).set({ createdAt: day('2025-09-10') }).where(inArray(feedback.bookingId, s2Bookings));
  await db.update(impactResponses).set({ practiceChangeHow: 'I ask about neglect sooner', barriers: 'Time', quotationConsent: true, createdAt: day('2025-08-31') });
  await db.update(managerResponses).set({ example: 'They now use the tool', createdAt: day('2025-08-31') });
  const s2Surveys = db.select({ id: followUpSurveys.id }).from(followUpSurveys).where(inArray(followUpSurveys.bookingId, s2Bookings));
  await db.update(impactResponses).set({ createdAt: day('2025-09-01') }).where(inArray(impactResponses.surveyId, s2Surveys));
  await db.update(managerResponses).set({ createdAt: day('2025-09-01') }).where(inArray(managerResponses.surveyId, s2Surveys));
  // Two featured quotations, one from each side of the cut, and a theme coded on the older.
  const [p1Answer] = await db.update(impactResponses).set({ featuredAt: day('2026-01-05') }).where(eq(impactResponses.surveyId, await surveyOf('p1', S1))).returning();
  const [x1Answer] = await db.update(impactResponses).set({ featuredAt: day('2026-01-05') }).where(eq(impactResponses.surveyId, await surveyOf('x1', S2))).returning();
  ids.p1Answer = p1Answer.id;
  ids.x1Answer = x1Answer.id;
  const [theme] = await db.insert(answerThemes).values({ partnershipId, name: 'Earlier help' }).returning();
  await db.insert(answerCodes).values({ responseId: p1Answer.id, themeId: theme.id, codedAt: day('2026-01-05') });

  // People of 2022-23: one last seen on a course that ended the day before the cut, one the day
  // after it, one who signed in after it, one who never did anything after registering in 2019.
  const [old] = await db.select().from(sessions).where(eq(sessions.courseId, fixture.courses.c1.id)).limit(1);
  const [oldSession] = await db
    .insert(sessions)
    .values({ partnershipId, courseId: old.courseId, startsAt: new Date('2022-08-31T08:00:00Z'), endsAt: new Date('2022-08-31T11:00:00Z'), capacity: 10, bookingClosesAt: new Date('2022-08-31T08:00:00Z'), status: 'delivered' })
    .returning();
  const [laterSession] = await db
    .insert(sessions)
    .values({ partnershipId, courseId: old.courseId, startsAt: new Date('2022-09-01T09:00:00Z'), endsAt: new Date('2022-09-01T12:00:00Z'), capacity: 10, bookingClosesAt: new Date('2022-09-01T08:00:00Z'), status: 'delivered' })
    .returning();
  const oldPerson = async (key: string, extra: Partial<typeof people.$inferInsert> = {}) => {
    const [row] = await db
      .insert(people)
      .values({ partnershipId, name: `Person ${key}`, email: `${key}@old.example`, organisationId: fixture.la.id, jobTitle: 'Social worker', workforceGroupId: fixture.groups[0].id, createdAt: day('2019-03-01'), ...extra })
      .returning();
    ids[key] = row.id;
    return row.id;
  };
  const attends = async (personId: string, sessionId: string) => {
    const [b] = await db.insert(bookings).values({ partnershipId, sessionId, personId, status: 'attended', createdAt: day('2022-07-01') }).returning();
    await db.insert(feedback).values({ partnershipId, bookingId: b.id, outcomesMet: [4, 4], relevance: 5, delivery: 5, confidenceBefore: 3, confidenceAfter: 8, comments: 'Old comment', createdAt: day('2022-09-01') });
  };
  for (let i = 1; i <= 5; i++) await attends(await oldPerson(`gone${i}`), oldSession.id);
  await attends(await oldPerson('stayed'), laterSession.id);
  await oldPerson('signedIn', { lastSignedInAt: day('2023-01-01') });
  await oldPerson('idle');
  ids.coordinator = (await makePerson(db, ['coordinator'])).id;

  // Credentials and counters: expired ones go, live ones stay.
  const person = ids.stayed;
  await db.insert(signInTokens).values([
    { tokenHash: 'expired-link', personId: person, createdAt: new Date(RUN.getTime() - HOUR), expiresAt: new Date(RUN.getTime() - 45 * 60_000) },
    { tokenHash: 'live-link', personId: person, createdAt: RUN, expiresAt: new Date(RUN.getTime() + 15 * 60_000) },
  ]);
  await db.insert(authSessions).values([
    { id: 'ended', personId: person, createdAt: new Date(RUN.getTime() - 40 * DAY), idleExpiresAt: new Date(RUN.getTime() - 30 * DAY), expiresAt: new Date(RUN.getTime() - 10 * DAY) },
    { id: 'idle', personId: person, createdAt: new Date(RUN.getTime() - 10 * DAY), idleExpiresAt: new Date(RUN.getTime() - DAY), expiresAt: new Date(RUN.getTime() + 20 * DAY) },
    { id: 'live', personId: person, createdAt: new Date(RUN.getTime() - DAY), idleExpiresAt: new Date(RUN.getTime() + 6 * DAY), expiresAt: new Date(RUN.getTime() + 29 * DAY) },
  ]);
  await db.insert(rateLimits).values([
    { key: 'sign-in:address:192.0.2.1', windowStart: new Date(RUN.getTime() - 2 * DAY), hits: 3 },
    { key: 'sign-in:address:192.0.2.2', windowStart: new Date(RUN.getTime() - HOUR), hits: 1 },
  ]);
  await db.insert(outbox).values([
    { partnershipId, to: 'someone@partner.example', subject: 'Your place is booked', text: 'See you there', status: 'sent', sentAt: new Date(RUN.getTime() - 60_000), attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR' }] },
    { partnershipId, to: 'waiting@partner.example', subject: 'Waiting to go', text: 'Not sent yet', status: 'pending' },
  ]);

  before = {
    year: await impactDashboard(impactScope(db, fixture.partnership, ['reviewer']), YEAR, {}),
    oldYear: await impactDashboard(impactScope(db, fixture.partnership, ['reviewer']), OLD_YEAR, {}),
  };
  summary = await runJob('apply-retention', deps(), RUN);
}

/** Each group of tests has its own database with the job run once: the tests that run it again change what the others read. */
function useRunOnce() {
  beforeAll(writeYearsAndRun);
  afterAll(() => database.close());
}

describe('the daily retention job, with the default policy', () => {
  useRunOnce();

  it('counts what it removed', () => {
    // 5 gone + idle; S1: 7 feedback, 7 answers, 2 manager examples; the old sessions' feedback is with its people.
    expect(summary).toEqual({ signInLinks: 1, sessions: 2, rateLimitRows: 1, sentMail: 1, freeTextAnswers: 7 + 7 + 2 + 6, peopleAnonymised: 6 });
  });

  it('leaves every figure of the past years as it was', async () => {
    const scope = impactScope(database.db, fixture.partnership, ['reviewer']);
    expect(await impactDashboard(scope, YEAR, {})).toEqual(before.year);
    expect(await impactDashboard(scope, OLD_YEAR, {})).toEqual(before.oldYear);
  });

  it('clears free text given before the cut, and only that; the ratings, choices and codes stay', async () => {
    const db = database.db;
    const answers = await db.select().from(impactResponses);
    const cleared = answers.filter((a) => a.createdAt < new Date('2025-09-01T00:00:00+01:00'));
    const kept = answers.filter((a) => a.createdAt >= new Date('2025-09-01T00:00:00+01:00'));
    expect(cleared).toHaveLength(7);
    expect(kept).toHaveLength(2);
    for (const a of cleared) expect(a).toMatchObject({ practiceChangeHow: '', barriers: '', featuredAt: null });
    for (const a of kept) expect(a).toMatchObject({ practiceChangeHow: 'I ask about neglect sooner', barriers: 'Time' });
    expect((await db.select().from(impactResponses).where(isNotNull(impactResponses.featuredAt))).map((a) => a.id)).toEqual([ids.x1Answer]);
    expect(await db.select().from(answerCodes).where(eq(answerCodes.responseId, ids.p1Answer))).toHaveLength(1);
    const ratings = await db.select().from(feedback);
    expect(ratings.filter((f) => f.comments !== '').map((f) => f.createdAt.toISOString().slice(0, 10))).toEqual(Array(5).fill('2025-09-10'));
    expect(ratings.every((f) => f.relevance === 5)).toBe(true);
    expect((await db.select().from(managerResponses)).map((m) => m.example).sort()).toEqual(['', '', 'They now use the tool', 'They now use the tool', 'They now use the tool']);
  });

  it('anonymises the training records of people last active before the cut, as an erasure does', async () => {
    const db = database.db;
    const byId = async (id: string) => (await db.select().from(people).where(eq(people.id, id)))[0];
    for (const key of ['gone1', 'gone5', 'idle']) expect(await byId(ids[key])).toMatchObject({ name: ERASED_NAME, jobTitle: '', erasedAt: RUN });
    for (const key of ['stayed', 'signedIn', 'coordinator']) expect((await byId(ids[key])).erasedAt).toBeNull();
    expect((await byId(ids.stayed)).name).toBe('Person stayed');
    // Their bookings and ratings stay, without their words.
    const theirs = await db.select().from(bookings).where(eq(bookings.personId, ids.gone1));
    expect(theirs.map((b) => b.status)).toEqual(['attended']);
    expect((await db.select().from(feedback).where(eq(feedback.bookingId, theirs[0].id)))[0]).toMatchObject({ comments: '', confidenceAfter: 8 });
    const erased = await db.select().from(auditLog).where(eq(auditLog.action, 'person.erased'));
    expect(erased).toHaveLength(6);
    for (const e of erased) expect(e).toMatchObject({ actorId: null, detail: { reason: 'retention', years: 6 } });
  });

  it('deletes expired links, ended sessions and old counters, and blanks sent mail, leaving the rest', async () => {
    const db = database.db;
    expect((await db.select().from(signInTokens)).map((t) => t.tokenHash)).toEqual(['live-link']);
    expect((await db.select().from(authSessions)).map((s) => s.id)).toEqual(['live']);
    expect((await db.select().from(rateLimits)).map((r) => r.key)).toEqual(['sign-in:address:192.0.2.2']);
    const mail = await db.select().from(outbox);
    expect(mail.find((m) => m.subject === 'Your place is booked')).toMatchObject({ to: 'someone@partner.example', text: RETAINED_TEXT, attachments: [], status: 'sent' });
    expect(mail.find((m) => m.subject === 'Waiting to go')).toMatchObject({ text: 'Not sent yet', status: 'pending' });
  });

  it('audits the run with its counts and the policy, as the partnership', async () => {
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'partnership.retention-applied'));
    expect(entry).toMatchObject({ actorId: null, subjectType: 'partnership', subjectId: fixture.partnership.id, detail: { ...summary, policy: { freeTextYears: 3, trainingYears: 6, sentMailDays: 0 } } });
  });

});

describe('the daily retention job run again', () => {
  useRunOnce();

  it('finds nothing more to do when run again', async () => {
    expect(await runJob('apply-retention', deps(), new Date(RUN.getTime() + 60_000))).toEqual({ signInLinks: 0, sessions: 0, rateLimitRows: 0, sentMail: 0, freeTextAnswers: 0, peopleAnonymised: 0 });
  });

});

describe('the daily retention job in demo mode', () => {
  useRunOnce();

  it('keeps sent mail whole in demo mode, where the dev mailbox shows it', async () => {
    const [mail] = await database.db
      .insert(outbox)
      .values({ partnershipId: fixture.partnership.id, to: 'demo@partner.example', subject: 'Demo mail', text: 'Shown in the dev mailbox', status: 'sent', sentAt: RUN })
      .returning();
    const later = new Date(RUN.getTime() + 2 * DAY);
    expect(((await runJob('apply-retention', { ...deps(), config: testConfig({ demo: true }) }, later)) as Summary).sentMail).toBe(0);
    expect((await database.db.select().from(outbox).where(eq(outbox.id, mail.id)))[0].text).toBe('Shown in the dev mailbox');
    expect(((await runJob('apply-retention', deps(), later)) as Summary).sentMail).toBe(1);
  });
});
