import { z } from 'zod';
import { filtersSchema } from '../catalogue/schemas';
import { getCourse, getSession, listCourses } from '../catalogue/service';
import { scope } from '../http/context';
import { apiGet } from './operation';
import { findProspectus, NO_PROSPECTUS, yearParam } from './prospectus';
import { CourseDetail, courseDetailOut, CourseList, courseSummaryOut, prospectusOut, SessionDetail, sessionOut } from './schemas';

// The /courses page's filters, with descriptions for the document; the checks are the page's own.
const { theme, mode, group, month, q } = filtersSchema.shape;
const courseQuery = filtersSchema.extend({
  theme: theme.describe('Only courses with this priority theme'),
  mode: mode.describe('Only courses delivered this way'),
  group: group.describe('Only courses for this workforce group (its id)'),
  month: month.describe('Only courses with a session starting in this month (YYYY-MM, London time)'),
  q: q.describe('Words that must all appear in the title, summary, outcomes or themes'),
  year: yearParam,
});

export const courseOperations = [
  apiGet(
    '/api/v1/courses',
    'public',
    { operationId: 'listCourses', tag: 'Prospectus', summary: 'Courses in the prospectus, filtered as on the courses page', description: 'Withdrawn courses are left out.', query: courseQuery, response: CourseList, notFound: NO_PROSPECTUS },
    async (c, _params, { year, ...filters }) => {
      const s = scope(c);
      const prospectus = await findProspectus(s, year);
      const courses = await listCourses(s, prospectus.id, filters);
      return { prospectus: prospectusOut(prospectus), courses: courses.map(courseSummaryOut) };
    },
  ),
  apiGet(
    '/api/v1/courses/:courseId',
    'public',
    { operationId: 'getCourse', tag: 'Prospectus', summary: 'A course with its sessions, workforce groups and competencies', params: z.object({ courseId: z.uuid() }), response: CourseDetail, notFound: 'No course with that id that you can see' },
    async (c, { courseId }) => courseDetailOut(await getCourse(scope(c), courseId)),
  ),
  apiGet(
    '/api/v1/sessions/:sessionId',
    'public',
    { operationId: 'getSession', tag: 'Prospectus', summary: 'A session of a course, with places left', params: z.object({ sessionId: z.uuid() }), response: SessionDetail, notFound: 'No session with that id that you can see' },
    async (c, { sessionId }) => {
      const { course, session } = await getSession(scope(c), sessionId);
      return { ...sessionOut(session), course: { id: course.id, title: course.title, deliveryMode: course.deliveryMode } };
    },
  ),
];
