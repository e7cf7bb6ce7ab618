// Emailed links (sign-in, a manager's approval, a follow-up survey) work until the moment they
// expire and not from it: checked a millisecond before, at and after. Used twice at the same
// moment (on PostgreSQL, from two app instances), one use wins and the other changes nothing.
import { and, asc, eq, like, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { authSessions, bookingApprovals, bookings, impactResponses, outbox, people } from '../../db/schema';
import { requestSignIn, signInWithLink } from '../../server/accounts/service';
import { bookPlace, decideApproval } from '../../server/bookings/service';
import { answerImpactSurvey, sendDueFollowUps, sendFollowUpReminders, surveyByToken, type ImpactInput } from '../../server/follow-ups/service';
import { fixedClock, MINUTE } from '../../server/shared/clock';
import { isDomainError } from '../../server/shared/errors';
import type { ServiceContext } from '../../server/shared/context';
import { makePerson, seed } from '../support/app';
import { createTestDatabase, racesRun, secondInstance } from '../support/database';
import { actingAs, bookingScope, makeSession } from '../support/fixtures';
import { attendedSession, surveyMailTo, surveysOf } from '../follow-ups/helpers';

let database: OpenDatabase & { url?: string };
let second: OpenDatabase | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  if (racesRun) second = secondInstance(database);
});
afterAll(async () => {
  await second?.close();
  await database.close();
});

/** The scope at a moment (milliseconds since the epoch), on the first or the second app instance. */
const scopeAt = async (ms: number, instance = 0): Promise<ServiceContext> => ({ ...(await bookingScope(database.db)), clock: fixedClock(new Date(ms).toISOString()), db: instance && second ? second.db : database.db });
const BOUNDARY = [
  ['a millisecond before it expires', -1, true],
  ['at the moment it expires', 0, false],
  ['a millisecond after', 1, false],
] as const;

async function signInLink() {
  const person = await makePerson(database.db);
  const s = await bookingScope(database.db);
  await requestSignIn(s, person.email, undefined);
  const [mail] = await database.db.select().from(outbox).where(eq(outbox.to, person.email));
  const token = mail.text.match(/\/sign-in\/link\?token=([a-z2-7]{32})/)![1];
  return { person, token, expiresAt: s.clock.now().getTime() + s.config.signInLinkMinutes * MINUTE };
}
const sessionsOf = (personId: string) => database.db.select().from(authSessions).where(eq(authSessions.personId, personId));

async function pendingApproval() {
  const s = await bookingScope(database.db);
  const { session } = await makeSession(database.db, { capacity: 1, requiresManagerApproval: true });
  const person = await makePerson(database.db);
  const manager = `manager.of.${person.email}`;
  await database.db.update(people).set({ lineManagerEmail: manager }).where(eq(people.id, person.id));
  const booking = await bookPlace(actingAs(s, person.id), { sessionId: session.id, personId: person.id });
  const [mail] = await database.db.select().from(outbox).where(eq(outbox.to, manager));
  const [approval] = await database.db.select().from(bookingApprovals).where(eq(bookingApprovals.bookingId, booking.id));
  return { person, booking, token: mail.text.match(/\/approvals\/([a-z2-7]{32})/)![1], expiresAt: approval.expiresAt.getTime() };
}
const bookingRow = async (id: string) => (await database.db.select().from(bookings).where(eq(bookings.id, id)))[0];

/** A survey sent at its own due moment, with its invitation's link and (reminded) a second link. */
async function sentSurvey(startsAt: string, due: string, reminded = false) {
  const { attendees, course } = await attendedSession(database.db, { startsAt });
  const [attendee] = attendees;
  await sendDueFollowUps(await scopeAt(Date.parse(due)));
  const [survey] = await surveysOf(database.db, attendee.booking.id);
  if (reminded) await sendFollowUpReminders(await scopeAt(survey.nextReminderAt!.getTime()));
  const tokens = (await surveyMailTo(database.db, attendee.person.email)).map((m) => m.token!);
  return { attendee, course, survey: (await surveysOf(database.db, attendee.booking.id))[0], tokens };
}
const impactAnswers = (competencyIds: string[]): ImpactInput => ({
  practiceChanged: 'no',
  outcomeImproved: 'no',
  sharedLearning: 'no',
  confidenceNow: 6,
  competencies: Object.fromEntries(competencyIds.map((id) => [id, 'developing'])),
  quotationConsent: 'no',
});

describe('a link at the moment it expires', () => {
  it.each(BOUNDARY)('signs in with a sign-in link %s', async (_, offset, works) => {
    const { person, token, expiresAt } = await signInLink();
    const started = await signInWithLink(await scopeAt(expiresAt + offset), token);
    expect(started !== null).toBe(works);
    expect(await sessionsOf(person.id)).toHaveLength(works ? 1 : 0);
  });

  it.each(BOUNDARY)('decides a place with a manager’s link %s', async (_, offset, works) => {
    const { booking, token, expiresAt } = await pendingApproval();
    const deciding = decideApproval(await scopeAt(expiresAt + offset), token, 'approved');
    if (works) expect(await deciding).toBe('approved');
    else await expect(deciding).rejects.toMatchObject({ code: 'conflict', message: 'This request has already been decided or has expired' });
    expect((await bookingRow(booking.id)).status).toBe(works ? 'confirmed' : 'pending approval');
  });

  // Sessions on their own days of December 2026: each survey falls due 91 days on, at 9am (GMT then).
  it.each(BOUNDARY.map(([when, offset, works], i) => [when, offset, works, ['2026-12-01', '2026-12-08', '2026-12-22'][i]] as const))(
    'answers a survey from its link %s',
    async (_, offset, works, day) => {
      const due = new Date(Date.parse(`${day}T09:00:00Z`) + 91 * 86_400_000).toISOString();
      const { survey, tokens } = await sentSurvey(`${day}T10:00:00Z`, due);
      const s = await scopeAt(survey.closesAt!.getTime() + offset);
      const found = (await surveyByToken(s, tokens[0]))!;
      expect(found.state).toBe(works ? 'open' : 'closed');
      const answering = answerImpactSurvey(s, found, impactAnswers(found.competencies.map((c) => c.id)));
      if (works) await answering;
      else await expect(answering).rejects.toMatchObject({ code: 'conflict' });
      expect(await database.db.select().from(impactResponses).where(eq(impactResponses.surveyId, survey.id))).toHaveLength(works ? 1 : 0);
    },
  );
});

describe.skipIf(!racesRun)('one link used twice at the same moment (races need separate connections: PostgreSQL only)', () => {
  it('signs in once: the other use starts no session', async () => {
    for (let round = 0; round < 5; round++) {
      const { person, token, expiresAt } = await signInLink();
      const uses = await Promise.all([0, 1].map(async (i) => signInWithLink(await scopeAt(expiresAt - MINUTE, i), token)));
      expect(uses.filter((u) => u !== null)).toHaveLength(1);
      expect(await sessionsOf(person.id)).toHaveLength(1);
    }
  });

  it('decides a place once: the other decision is refused and changes nothing', async () => {
    for (let round = 0; round < 5; round++) {
      const { person, booking, token, expiresAt } = await pendingApproval();
      const decisions = ['approved', 'declined'] as const;
      const results = await Promise.allSettled(decisions.map(async (d, i) => decideApproval(await scopeAt(expiresAt - MINUTE, i), token, d)));
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(won).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(isDomainError(lost.reason, 'conflict') && lost.reason.message).toBe('This request has already been decided or has expired');
      expect((await bookingRow(booking.id)).status).toBe(won[0] === 'approved' ? 'confirmed' : 'cancelled');
      const [approval] = await database.db.select().from(bookingApprovals).where(eq(bookingApprovals.bookingId, booking.id));
      expect(approval.decision).toBe(won[0]);
      // The person hears the one outcome, once.
      const told = await database.db.select({ subject: outbox.subject }).from(outbox).where(and(eq(outbox.to, person.email), or(like(outbox.subject, 'Booking confirmed%'), like(outbox.subject, 'Not approved%'))));
      expect(told.map((m) => m.subject.split(':')[0])).toEqual([won[0] === 'approved' ? 'Booking confirmed' : 'Not approved']);
    }
  });

  it('saves one answer to a survey answered from two of its links at once: the other is refused and saves nothing', async () => {
    const due = new Date(Date.parse('2026-12-02T09:00:00Z') + 91 * 86_400_000).toISOString();
    const { survey, tokens } = await sentSurvey('2026-12-02T10:00:00Z', due, true);
    expect(tokens).toHaveLength(2);
    const at = survey.closesAt!.getTime() - MINUTE;
    const results = await Promise.allSettled(
      tokens.map(async (token, i) => {
        const s = await scopeAt(at, i);
        const found = (await surveyByToken(s, token))!;
        return answerImpactSurvey(s, found, { ...impactAnswers(found.competencies.map((c) => c.id)), confidenceNow: 3 + i });
      }),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(isDomainError(lost.reason, 'conflict')).toBe(true);
    const saved = await database.db.select().from(impactResponses).where(eq(impactResponses.surveyId, survey.id)).orderBy(asc(impactResponses.createdAt));
    expect(saved).toHaveLength(1);
    expect(saved[0].confidenceNow).toBe(results[0].status === 'fulfilled' ? 3 : 4);
  });
});
