// The year-end review's fixture: the impact dashboard's hand-counted year (test/impact/fixture.ts
// says who did what), with seven of C1's answers coded (five with the first theme, two with the
// second), C1 developing the current framework's first competency, and a reviewer and a
// coordinator who act in it.
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { answerCodes, answerThemes, competencies, competencyFrameworks, courseCompetencies, courses, followUpSurveys, impactResponses, sessions, bookings, type Role } from '../../db/schema';
import type { PersonalContext } from '../../server/shared/context';
import { makePerson } from '../support/app';
import { impactScope, writeImpactYear } from '../impact/fixture';

export async function writeReviewYear(db: Database) {
  const fixture = await writeImpactYear(db);
  const { c1 } = fixture.courses;
  const [first, second] = await db.select().from(answerThemes).orderBy(answerThemes.name).limit(2);
  const c1Answers = await db
    .select({ id: impactResponses.id })
    .from(impactResponses)
    .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
    .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .where(eq(sessions.courseId, c1.id))
    .orderBy(impactResponses.id);
  const codedAt = new Date('2026-04-01T09:00:00Z');
  await db.insert(answerCodes).values(c1Answers.slice(0, 5).map((a) => ({ responseId: a.id, themeId: first.id, codedAt })));
  await db.insert(answerCodes).values(c1Answers.slice(5, 7).map((a) => ({ responseId: a.id, themeId: second.id, codedAt })));
  const [competency] = await db
    .select({ id: competencies.id, code: competencies.code, statement: competencies.statement })
    .from(competencies)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId))
    .where(eq(competencyFrameworks.current, true))
    .orderBy(competencies.code)
    .limit(1);
  await db.insert(courseCompetencies).values({ courseId: c1.id, competencyId: competency.id });
  const reviewer = await makePerson(db, ['reviewer'], { name: 'Rita Reviewer' });
  const coordinator = await makePerson(db, ['coordinator'], { name: 'Cora Coordinator' });
  const scopeFor = (id: string, roles: Role[]): PersonalContext => ({ ...impactScope(db, fixture.partnership, roles), actor: { id, roles: ['practitioner', ...roles] } });
  return {
    ...fixture,
    themes: { first: first.name, second: second.name },
    competency,
    reviewer: scopeFor(reviewer.id, ['reviewer']),
    coordinator: scopeFor(coordinator.id, ['coordinator']),
    reviewerId: reviewer.id,
    coordinatorId: coordinator.id,
    courseIn: async (id: string) => (await db.select().from(courses).where(eq(courses.id, id)))[0],
  };
}
