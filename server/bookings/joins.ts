// The join from a booking to its session, that session's course and the person booked, which
// nearly every read of bookings needs: written once here rather than in each feature's query.
import { eq } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import { bookings, courses, people, sessions } from '../../db/schema';

/** Joins a booking's session, course and person to a dynamic query that has `bookings` in it. */
export const withSessionCourseAndPerson = <Q extends PgSelect>(query: Q) =>
  query
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .innerJoin(people, eq(people.id, bookings.personId));
