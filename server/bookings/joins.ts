// The join from a booking to its session, that session's course and the person booked, which
// nearly every read of bookings needs, and the session columns those reads share: written once
// here rather than in each feature's query.
import { eq } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import { bookings, courses, people, sessions } from '../../db/schema';

/** Joins a booking's session and its course to a dynamic query that has `bookings` in it. */
export const withSessionAndCourse = <Q extends PgSelect>(query: Q) =>
  query.innerJoin(sessions, eq(sessions.id, bookings.sessionId)).innerJoin(courses, eq(courses.id, sessions.courseId));

/** The same, and the person booked. */
export const withSessionCourseAndPerson = <Q extends PgSelect>(query: Q) => withSessionAndCourse(query).innerJoin(people, eq(people.id, bookings.personId));

/** What every booking email says about its session (messages.ts SessionDetails). */
export const sessionDetailColumns = {
  sessionId: sessions.id,
  courseId: courses.id,
  courseTitle: courses.title,
  startsAt: sessions.startsAt,
  endsAt: sessions.endsAt,
  online: sessions.online,
  venue: sessions.venue,
  joiningLink: sessions.joiningLink,
};

/** A session as its register and its trainer's list show it: when, where, and how full. */
export const sessionRegisterColumns = {
  id: sessions.id,
  courseId: sessions.courseId,
  courseTitle: courses.title,
  startsAt: sessions.startsAt,
  endsAt: sessions.endsAt,
  status: sessions.status,
  online: sessions.online,
  venue: sessions.venue,
  capacity: sessions.capacity,
  placesTaken: sessions.placesTaken,
};
