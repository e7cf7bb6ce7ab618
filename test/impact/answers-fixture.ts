// Words for the hand-counted year's three-month answers (test/impact/fixture.ts), so that "What
// people said" has something to show. Each answer names its booking, like "S1:p3", in its text (the
// tests find answers by it); none of the words is a person's name, email or organisation, except
// the one the identifying-details check is meant to catch: S1:p2's example names "Jayden".
//
// Respondents: p1..p6 (local authority, 6 people), h1 twice (health, 1 person), x1 (police).
// Consent to be quoted: p1, p2, p5, x1. The day's feedback of S1:p4 and the line manager of
// S1:p1 also said something.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import type { Database } from '../../db/database';
import { bookings, feedback, followUpSurveys, impactResponses, managerResponses, people, sessions } from '../../db/schema';
import { buildApp, seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { writeImpactYear } from './fixture';

const CONSENTED = new Set(['S1:p1', 'S1:p2', 'S1:p5', 'S2:x1']);

/** Gives every answer words and returns the answers' ids by booking key ("S1:p1"). */
export async function writeAnswerWords(db: Database): Promise<Record<string, string>> {
  const rows = await db
    .select({ id: impactResponses.id, surveyId: impactResponses.surveyId, bookingId: bookings.id, key: people.email, startsAt: sessions.startsAt })
    .from(impactResponses)
    .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
    .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .innerJoin(people, eq(people.id, bookings.personId));
  const ids: Record<string, string> = {};
  for (const row of rows) {
    const key = `${row.startsAt.getUTCMonth() === 4 ? 'S1' : 'S2'}:${row.key.split('@')[0]}`;
    ids[key] = row.id;
    await db
      .update(impactResponses)
      .set({
        practiceChangeHow: `Answer ${key}: I ask who else lives in the home.`,
        outcomeExample: key === 'S1:p2' ? 'I spoke to Jayden and his mum about the plan.' : `A family is better supported (${key}).`,
        barriers: key === 'S2:x1' ? 'Shift patterns.' : '',
        sharedHow: 'At a team meeting.',
        quotationConsent: CONSENTED.has(key),
      })
      .where(eq(impactResponses.id, row.id));
    if (key === 'S1:p4') await db.update(feedback).set({ willDoDifferently: 'Ask the child directly (S1:p4 on the day).' }).where(eq(feedback.bookingId, row.bookingId));
    if (key === 'S1:p1') {
      const [manager] = await db.select({ id: followUpSurveys.id }).from(followUpSurveys).where(and(eq(followUpSurveys.bookingId, row.bookingId), eq(followUpSurveys.respondent, 'manager')));
      await db.update(managerResponses).set({ example: 'They now chair the core group well (manager of S1:p1).' }).where(eq(managerResponses.surveyId, manager.id));
    }
  }
  return ids;
}

/** A test file's database with the year and its answers' words, and the app over it. */
export function useAnswersYear() {
  const year = {} as { database: OpenDatabase; built: ReturnType<typeof buildApp>; ids: Record<string, string>; fixture: Awaited<ReturnType<typeof writeImpactYear>> };
  beforeAll(async () => {
    year.database = await createTestDatabase();
    await seed(year.database.db, 'partnership');
    year.fixture = await writeImpactYear(year.database.db);
    year.ids = await writeAnswerWords(year.database.db);
    year.built = buildApp(year.database.db);
  });
  afterAll(() => year.database.close());
  return year;
}
