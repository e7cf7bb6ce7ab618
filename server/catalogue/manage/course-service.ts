// The coordinator's rules for courses: adding and changing them (with the workforce groups
// and competencies of the partnership's current framework) and withdrawing them. Every read
// and write is scoped to the context's partnership; every write is one transaction with its
// audit entry.
import { and, asc, count, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/database';
import { competencies, competencyFrameworks, courseCompetencies, courses, courseWorkforceGroups, sessions, workforceGroups } from '../../../db/schema';
import { conflict, invalid, notFound } from '../../shared/errors';
import type { ServiceContext } from '../../shared/context';
import type { CourseInput } from '../schemas';
import type { Course } from '../service';
import { auditChange } from '../../audit/log';
import { getProspectus, refuseImported } from './prospectus-service';

/** A course in the partnership, whatever its prospectus's status. */
export async function courseIn(s: ServiceContext, db: Executor, courseId: string): Promise<Course> {
  const [course] = await db.select().from(courses).where(and(eq(courses.id, courseId), eq(courses.partnershipId, s.partnership.id)));
  if (!course) throw notFound('Course');
  return course;
}

/** Workforce groups and competencies must come from the partnership's current framework. */
async function checkFramework(s: ServiceContext, db: Executor, input: Pick<CourseInput, 'workforceGroupIds' | 'competencyIds'>) {
  const current = and(eq(competencyFrameworks.partnershipId, s.partnership.id), eq(competencyFrameworks.current, true));
  const [groups, comps] = await Promise.all([
    input.workforceGroupIds.length
      ? db.select({ id: workforceGroups.id }).from(workforceGroups).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId)).where(and(current, inArray(workforceGroups.id, input.workforceGroupIds)))
      : [],
    input.competencyIds.length
      ? db.select({ id: competencies.id }).from(competencies).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId)).where(and(current, inArray(competencies.id, input.competencyIds)))
      : [],
  ]);
  const errors: Record<string, string> = {};
  if (groups.length !== new Set(input.workforceGroupIds).size) errors.workforceGroupIds = 'Select workforce groups from the list';
  if (comps.length !== new Set(input.competencyIds).size) errors.competencyIds = 'Select competencies from the list';
  if (Object.keys(errors).length) throw invalid(errors);
}

/** The course's own columns, and its links to groups and competencies (replaced whole). */
async function writeCourseLinks(tx: Executor, courseId: string, input: CourseInput) {
  await tx.delete(courseWorkforceGroups).where(eq(courseWorkforceGroups.courseId, courseId));
  await tx.delete(courseCompetencies).where(eq(courseCompetencies.courseId, courseId));
  const groupIds = [...new Set(input.workforceGroupIds)];
  const competencyIds = [...new Set(input.competencyIds)];
  if (groupIds.length) await tx.insert(courseWorkforceGroups).values(groupIds.map((workforceGroupId) => ({ courseId, workforceGroupId })));
  if (competencyIds.length) await tx.insert(courseCompetencies).values(competencyIds.map((competencyId) => ({ courseId, competencyId })));
}

const courseColumns = ({ workforceGroupIds: _g, competencyIds: _c, ...columns }: CourseInput) => columns;

/** Courses can be added to a draft or a published prospectus (published ones show at once). */
export async function createCourse(s: ServiceContext, prospectusId: string, input: CourseInput): Promise<Course> {
  refuseImported(await getProspectus(s, prospectusId));
  await checkFramework(s, s.db, input);
  return s.db.transaction(async (tx) => {
    const now = s.clock.now();
    const [course] = await tx
      .insert(courses)
      .values({ partnershipId: s.partnership.id, prospectusId, ...courseColumns(input), createdAt: now, updatedAt: now })
      .returning();
    await writeCourseLinks(tx, course.id, input);
    await auditChange(tx, s, 'course.created', 'course', course.id, { prospectusId, ...input });
    return course;
  });
}

export async function updateCourse(s: ServiceContext, courseId: string, input: CourseInput): Promise<Course> {
  refuseImported(await getProspectus(s, (await courseIn(s, s.db, courseId)).prospectusId));
  await checkFramework(s, s.db, input);
  return s.db.transaction(async (tx) => {
    const [course] = await tx
      .update(courses)
      .set({ ...courseColumns(input), updatedAt: s.clock.now() })
      .where(and(eq(courses.id, courseId), eq(courses.partnershipId, s.partnership.id)))
      .returning();
    await writeCourseLinks(tx, courseId, input);
    await auditChange(tx, s, 'course.updated', 'course', courseId, input);
    return course;
  });
}

/** Scheduled sessions still to come: each must be cancelled (telling who booked) before the course is withdrawn. */
export async function upcomingSessionCount(s: ServiceContext, courseId: string, db: Executor = s.db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(sessions)
    .where(and(eq(sessions.courseId, courseId), eq(sessions.partnershipId, s.partnership.id), eq(sessions.status, 'scheduled'), gt(sessions.startsAt, s.clock.now())));
  return row.n;
}

/** Takes the course off the prospectus. Its past sessions and their records stay. */
export async function withdrawCourse(s: ServiceContext, courseId: string): Promise<void> {
  refuseImported(await getProspectus(s, (await courseIn(s, s.db, courseId)).prospectusId));
  await s.db.transaction(async (tx) => {
    const course = await courseIn(s, tx, courseId);
    if (course.withdrawn) return;
    const upcoming = await upcomingSessionCount(s, courseId, tx);
    if (upcoming) throw conflict(`Cancel the ${upcoming} upcoming ${upcoming === 1 ? 'date' : 'dates'} of this course before withdrawing it, so the people booked are told`);
    await tx.update(courses).set({ withdrawn: true, updatedAt: s.clock.now() }).where(and(eq(courses.id, courseId), eq(courses.partnershipId, s.partnership.id)));
    await auditChange(tx, s, 'course.withdrawn', 'course', courseId, { title: course.title });
  });
}

/** Every course of a prospectus, withdrawn ones too, with how many dates are scheduled. */
export async function listCoursesForManaging(s: ServiceContext, prospectusId: string) {
  return s.db
    .select({
      ...getTableColumns(courses),
      scheduledSessions: sql<number>`count(${sessions.id}) filter (where ${sessions.status} = 'scheduled')`.mapWith(Number),
    })
    .from(courses)
    .leftJoin(sessions, eq(sessions.courseId, courses.id))
    .where(and(eq(courses.partnershipId, s.partnership.id), eq(courses.prospectusId, prospectusId)))
    .groupBy(courses.id)
    .orderBy(asc(courses.withdrawn), asc(courses.title));
}
