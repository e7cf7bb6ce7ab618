// Shared pieces of the follow-up survey tests: a session whose three attendees have been marked
// as having come (so each has a scheduled survey), the moments of the default policy around it,
// and the survey links read back from the emails queued for them.
import { and, asc, eq, like } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { competencies, courseCompetencies, courses, followUpSurveys, outbox, people } from '../../db/schema';
import { recordAttendance } from '../../server/attendance/service';
import { bookingScope } from '../support/fixtures';
import { TIMES, trainedSession } from '../attendance/helpers';

/** The session ends at 13:00 on 15 December 2026; three months (91 days) on, at 9am London time: */
export const DUE = '2027-03-16T09:00:00Z';
const DAY = 86_400_000;
/** Moments counted from a due date: `days` (and `hours`) after it, as ISO strings. */
export const countedFrom = (due: string) => (days: number, hours = 0) => new Date(Date.parse(due) + days * DAY + hours * 3_600_000).toISOString();
/** `days` after the survey is due (and sent, when a run happens then), as an ISO string. */
export const afterDue = countedFrom(DUE);

/** A delivered session whose attendees all came; each has a survey, scheduled. */
export async function attendedSession(db: Database, options: { managerEmail?: string; startsAt?: string } = {}) {
  const trained = await trainedSession(db, { startsAt: options.startsAt });
  // Two competencies the course develops, for the survey's self-assessment.
  const developed = await db.select({ id: competencies.id }).from(competencies).orderBy(asc(competencies.code)).limit(2);
  await db.insert(courseCompetencies).values(developed.map((c) => ({ courseId: trained.course.id, competencyId: c.id })));
  if (options.managerEmail) {
    await db.update(courses).set({ asksManagerFollowUp: true }).where(eq(courses.id, trained.course.id));
    for (const a of trained.attendees) await db.update(people).set({ lineManagerEmail: options.managerEmail }).where(eq(people.id, a.person.id));
  }
  const marks = Object.fromEntries(trained.attendees.map((a) => [a.booking.id, 'attended' as const]));
  // Half an hour into the session, when the register is open.
  const during = options.startsAt ? new Date(Date.parse(options.startsAt) + 30 * 60_000).toISOString() : TIMES.during;
  await recordAttendance({ ...await bookingScope(db, during), actor: { id: trained.trainer.id, roles: ['trainer'] } }, trained.session.id, marks);
  return trained;
}

/** A scope of the seeded partnership with its clock at `at`: what a job run then sees. */
export const at = (db: Database, when: string) => bookingScope(db, when);

export async function surveysOf(db: Database, bookingId: string) {
  return db.select().from(followUpSurveys).where(eq(followUpSurveys.bookingId, bookingId)).orderBy(asc(followUpSurveys.respondent));
}

/** The survey emails queued for an address, oldest first, each with the token its link carries. */
export async function surveyMailTo(db: Database, email: string) {
  const rows = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.to, email), like(outbox.text, '%/follow-up/%')))
    .orderBy(asc(outbox.createdAt));
  return rows.map((m) => ({ ...m, token: m.text.match(/\/follow-up\/([a-z2-7]{32})/)?.[1] }));
}
