// A year of training records small enough to count by hand, written straight into the tables
// (the services that write them are tested elsewhere): 2025-26, with one session the year before.
// The expected figures in figures.test.ts are worked out from the comments here.
//
// People: p1..p10 in a local authority, h1..h6 in a health trust, x1 and x2 in the police.
// Workforce groups: p1..p5 and h1..h6 in group 3, p6 and p7 in group 2, x1, x2 and p8..p10 none.
//
// C1 "Neglect" (face to face, Neglect), C2 "Online" (live online, Online safety), C3 e-learning.
// S0 C1 2024-06-03 09:00-12:00, 10 places, delivered: p1..p5 attended (the previous year).
// S1 C1 2025-05-12 10:00-13:00, 10 places, delivered: p1..p6 attended, p7 partly attended, p8 did
//    not attend, h1 walked in, p9 cancelled late, p10 cancelled in good time.
// S2 C1 2025-09-10 10:00-16:00, 10 places, delivered: h1..h5, x1, x2 attended, h6 did not attend.
// S3 C2 2025-06-02, 20 places, cancelled: p1's booking cancelled with it.
// S4 C2 2025-11-05 10:00-12:00, 8 places, delivered: p1..p4 and h1 attended.
// E-learning C3: p9 on 2025-07-01, x1 on 2025-07-02, p1 on 2026-05-01 (after the year).
//
// Feedback (confidence before 4 for all; outcomes met [4, 3]; relevance 5, delivery 4):
//   S1: p1..p6 after 6, 7, 8, 6, 7, 8; h1 after 5. S2: h1..h5 after 6, 7, 8, 9, 10.
// Attendee surveys: sent to everyone who came to S1 and S2 (15); S4's not yet due.
//   Answered: p1..p6, h1 (S1), h1 (S2), x1. Practice changed yes: p1, p2, p3, h1 (S1), x1.
//   Outcome improved: p1 yes, p2 yes, p3 n/a, p4 no, p5 not yet, p6 yes, h1 (S1) yes, h1 (S2)
//   not asked (an answer from before the question), x1 no. Shared learning: p1..p5.
//   Confidence now: p1 7, p2 7, p3 6, p4 8, p5 7, p6 9, h1 (S1) 6, h1 (S2) 6, x1 9.
//   Self-assessments: p1..p5 one confident and one developing; the others one "not yet".
// Manager surveys: sent for p1, p2, p3, h2, h3, x1; answered p1 yes, p2 yes, h2 no, h3 too early
//   to say, x1 yes.
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import {
  bookings,
  courses,
  eLearningCompletions,
  feedback,
  followUpSurveys,
  impactResponses,
  managerResponses,
  organisations,
  partnerships,
  people,
  prospectuses,
  sessions,
  workforceGroups,
  type BookingStatus,
  type OutcomeImproved,
  type Role,
  type Sector,
} from '../../db/schema';
import { fixedClock } from '../../server/shared/clock';
import type { ServiceContext } from '../../server/shared/context';
import { testConfig } from '../support/app';

type Mark = BookingStatus | 'walk-in' | 'late';

export async function writeImpactYear(db: Database) {
  const [partnership] = await db.select().from(partnerships);
  const partnershipId = partnership.id;
  const orgOf = async (sector: Sector) => (await db.select().from(organisations).where(eq(organisations.sector, sector)).limit(1))[0];
  const [la, health, police] = [await orgOf('Local authority'), await orgOf('Health'), await orgOf('Police')];
  const groups = await db.select().from(workforceGroups);
  const group = (code: string) => groups.find((g) => g.code === code)!.id;

  const who: Record<string, string> = {};
  const person = async (key: string, organisationId: string, groupCode: string | null) => {
    const [row] = await db
      .insert(people)
      .values({ partnershipId, name: `Person ${key}`, email: `${key}@impact.example`, organisationId, jobTitle: 'Practitioner', workforceGroupId: groupCode ? group(groupCode) : null })
      .returning();
    who[key] = row.id;
  };
  for (let i = 1; i <= 10; i++) await person(`p${i}`, la.id, i <= 5 ? '3' : i <= 7 ? '2' : null);
  for (let i = 1; i <= 6; i++) await person(`h${i}`, health.id, '3');
  for (let i = 1; i <= 2; i++) await person(`x${i}`, police.id, null);

  const [prospectus] = await db.insert(prospectuses).values({ partnershipId, year: '2025-26', title: 'Prospectus 2025-26', startsOn: '2025-04-01', endsOn: '2026-03-31', status: 'published' }).returning();
  const course = async (title: string, theme: string, deliveryMode: 'Face to face' | 'Live online' | 'E-learning') =>
    (
      await db
        .insert(courses)
        .values({ partnershipId, prospectusId: prospectus.id, title, summary: title, learningOutcomes: ['One', 'Two'], themes: [theme], deliveryMode, durationMinutes: 180 })
        .returning()
    )[0];
  const c1 = await course('Neglect', 'Neglect', 'Face to face');
  const c2 = await course('Online', 'Online safety', 'Live online');
  const c3 = await course('Neglect e-learning', 'Neglect', 'E-learning');

  const bookingIds: Record<string, string> = {};
  const session = async (name: string, courseId: string, starts: string, ends: string, capacity: number, status: 'delivered' | 'cancelled', marks: Record<string, Mark>) => {
    const [row] = await db
      .insert(sessions)
      .values({ partnershipId, courseId, startsAt: new Date(starts), endsAt: new Date(ends), capacity, bookingClosesAt: new Date(starts), status })
      .returning();
    for (const [key, mark] of Object.entries(marks)) {
      const [booking] = await db
        .insert(bookings)
        .values({
          partnershipId,
          sessionId: row.id,
          personId: who[key],
          status: mark === 'walk-in' ? 'attended' : mark === 'late' ? 'cancelled' : mark,
          walkIn: mark === 'walk-in',
          lateCancellation: mark === 'late',
        })
        .returning();
      bookingIds[`${name}:${key}`] = booking.id;
    }
  };
  const attended = (...keys: string[]): Record<string, Mark> => Object.fromEntries(keys.map((k) => [k, 'attended']));
  await session('S0', c1.id, '2024-06-03T08:00:00Z', '2024-06-03T11:00:00Z', 10, 'delivered', attended('p1', 'p2', 'p3', 'p4', 'p5'));
  await session('S1', c1.id, '2025-05-12T09:00:00Z', '2025-05-12T12:00:00Z', 10, 'delivered', {
    ...attended('p1', 'p2', 'p3', 'p4', 'p5', 'p6'),
    p7: 'partly attended',
    p8: 'did not attend',
    h1: 'walk-in',
    p9: 'late',
    p10: 'cancelled',
  });
  await session('S2', c1.id, '2025-09-10T09:00:00Z', '2025-09-10T15:00:00Z', 10, 'delivered', { ...attended('h1', 'h2', 'h3', 'h4', 'h5', 'x1', 'x2'), h6: 'did not attend' });
  await session('S3', c2.id, '2025-06-02T09:00:00Z', '2025-06-02T12:00:00Z', 20, 'cancelled', { p1: 'cancelled' });
  await session('S4', c2.id, '2025-11-05T10:00:00Z', '2025-11-05T12:00:00Z', 8, 'delivered', attended('p1', 'p2', 'p3', 'p4', 'h1'));

  await db.insert(eLearningCompletions).values([
    { partnershipId, personId: who.p9, courseId: c3.id, completedOn: '2025-07-01' },
    { partnershipId, personId: who.x1, courseId: c3.id, completedOn: '2025-07-02' },
    { partnershipId, personId: who.p1, courseId: c3.id, completedOn: '2026-05-01' },
  ]);

  const after: Record<string, number> = { 'S1:p1': 6, 'S1:p2': 7, 'S1:p3': 8, 'S1:p4': 6, 'S1:p5': 7, 'S1:p6': 8, 'S1:h1': 5, 'S2:h1': 6, 'S2:h2': 7, 'S2:h3': 8, 'S2:h4': 9, 'S2:h5': 10 };
  for (const [booking, confidenceAfter] of Object.entries(after)) {
    await db.insert(feedback).values({ partnershipId, bookingId: bookingIds[booking], outcomesMet: [4, 3], relevance: 5, delivery: 4, confidenceBefore: 4, confidenceAfter });
  }

  const survey = async (booking: string, respondent: 'attendee' | 'manager') =>
    (
      await db
        .insert(followUpSurveys)
        .values({
          partnershipId,
          bookingId: bookingIds[booking],
          respondent,
          managerEmail: respondent === 'manager' ? 'manager@impact.example' : null,
          status: 'sent',
          dueAt: new Date('2025-12-01T09:00:00Z'),
          sentAt: new Date('2025-12-01T09:00:00Z'),
        })
        .returning()
    )[0].id;
  const sent = ['S1:p1', 'S1:p2', 'S1:p3', 'S1:p4', 'S1:p5', 'S1:p6', 'S1:p7', 'S1:h1', 'S2:h1', 'S2:h2', 'S2:h3', 'S2:h4', 'S2:h5', 'S2:x1', 'S2:x2'];
  const surveyIds: Record<string, string> = {};
  for (const booking of sent) surveyIds[booking] = await survey(booking, 'attendee');
  const answers: Record<string, { changed: 'yes' | 'not yet' | 'no'; improved: OutcomeImproved | null; shared: boolean; now: number; ratings: number }> = {
    'S1:p1': { changed: 'yes', improved: 'yes', shared: true, now: 7, ratings: 2 },
    'S1:p2': { changed: 'yes', improved: 'yes', shared: true, now: 7, ratings: 2 },
    'S1:p3': { changed: 'yes', improved: 'not applicable', shared: true, now: 6, ratings: 2 },
    'S1:p4': { changed: 'not yet', improved: 'no', shared: true, now: 8, ratings: 2 },
    'S1:p5': { changed: 'no', improved: 'not yet', shared: true, now: 7, ratings: 2 },
    'S1:p6': { changed: 'not yet', improved: 'yes', shared: false, now: 9, ratings: 1 },
    'S1:h1': { changed: 'yes', improved: 'yes', shared: false, now: 6, ratings: 1 },
    'S2:h1': { changed: 'no', improved: null, shared: false, now: 6, ratings: 1 },
    'S2:x1': { changed: 'yes', improved: 'no', shared: false, now: 9, ratings: 1 },
  };
  for (const [booking, a] of Object.entries(answers)) {
    await db.insert(impactResponses).values({
      partnershipId,
      surveyId: surveyIds[booking],
      practiceChanged: a.changed,
      outcomeImproved: a.improved,
      sharedLearning: a.shared,
      confidenceNow: a.now,
      competencies: a.ratings === 2 ? { first: 'confident', second: 'developing' } : { first: 'not yet' },
      quotationConsent: false,
    });
  }
  const managerAnswers: Record<string, 'yes' | 'no' | 'too early to say' | null> = { 'S1:p1': 'yes', 'S1:p2': 'yes', 'S1:p3': null, 'S2:h2': 'no', 'S2:h3': 'too early to say', 'S2:x1': 'yes' };
  for (const [booking, seenChange] of Object.entries(managerAnswers)) {
    const surveyId = await survey(booking, 'manager');
    if (seenChange) await db.insert(managerResponses).values({ partnershipId, surveyId, seenChange });
  }
  return { partnership, la, health, police, courses: { c1, c2, c3 }, groups };
}

/**
 * More for the figures by theme: C2 "Online" gets a second theme, Early help, and S4's attendees
 * (p1..p4, h1) their three-month survey, all answered: practice changed yes for p1, p2 and h1,
 * no for p3, not yet for p4.
 */
export async function writeOnlineSurveys(db: Database, fixture: Awaited<ReturnType<typeof writeImpactYear>>) {
  const { c2 } = fixture.courses;
  await db.update(courses).set({ themes: ['Online safety', 'Early help'] }).where(eq(courses.id, c2.id));
  const [s4] = await db.select().from(sessions).where(and(eq(sessions.courseId, c2.id), eq(sessions.status, 'delivered')));
  const attendees = await db.select({ id: bookings.id, email: people.email }).from(bookings).innerJoin(people, eq(people.id, bookings.personId)).where(eq(bookings.sessionId, s4.id));
  const changed: Record<string, 'yes' | 'no' | 'not yet'> = { p1: 'yes', p2: 'yes', p3: 'no', p4: 'not yet', h1: 'yes' };
  for (const attendee of attendees) {
    const key = attendee.email.split('@')[0];
    const [survey] = await db
      .insert(followUpSurveys)
      .values({ partnershipId: fixture.partnership.id, bookingId: attendee.id, respondent: 'attendee', status: 'sent', dueAt: new Date('2026-02-05T09:00:00Z'), sentAt: new Date('2026-02-05T09:00:00Z') })
      .returning();
    await db.insert(impactResponses).values({
      partnershipId: fixture.partnership.id,
      surveyId: survey.id,
      practiceChanged: changed[key],
      outcomeImproved: 'not yet',
      sharedLearning: false,
      confidenceNow: 7,
      competencies: {},
      quotationConsent: false,
    });
  }
}

/** A service context for the fixture's partnership, acting with `roles`, on a day after the year (15 May 2026). */
export const impactScope = (db: Database, partnership: Awaited<ReturnType<typeof writeImpactYear>>['partnership'], roles: Role[]): ServiceContext => ({
  db,
  clock: fixedClock('2026-05-15T09:00:00Z'),
  config: testConfig(),
  partnership,
  actor: { id: '00000000-0000-4000-8000-000000000000', roles },
});
