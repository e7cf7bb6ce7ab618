import { z } from 'zod';
import type { Role } from '../../db/schema';
import { sessionRegister, type RegisterEntry, type SessionRegister } from '../bookings/queries';
import { attendanceSheet, REGISTER_STATES, trainerSessions, type TrainerSession } from '../attendance/queries';
import { addWalkIn, ATTENDANCE_MARKS, recordAttendance } from '../attendance/service';
import { sessionFeedbackSummary, SUMMARY_THRESHOLD } from '../feedback/service';
import { personalScope, scope } from '../http/context';
import { apiGet, apiPost } from './operation';
import { instant, iso, named, registerSessionFields, venueOut } from './schemas';

// The trainer's side of attendance: the sessions they train, marking a register, adding
// someone who came without booking, and the session's feedback in aggregate. The services
// hold every rule (the marking window, who may mark, the three-response threshold) and
// audit each change.

const TRAINER: Role[] = ['trainer', 'coordinator'];
const sessionParams = z.object({ sessionId: z.uuid() });
/** Another trainer's session reads as no session at all. */
const NO_SESSION = 'No session with that id that the token holder trains (or, for a coordinator, no session with that id)';

const sessionFieldsOut = (x: TrainerSession | SessionRegister['session']) => ({
  id: x.id,
  courseId: x.courseId,
  courseTitle: x.courseTitle,
  startsAt: iso(x.startsAt),
  endsAt: iso(x.endsAt),
  status: x.status,
  online: x.online,
  venue: venueOut(x),
});

export const TrainerSessionSchema = named(
  'TrainerSession',
  z.strictObject({
    ...registerSessionFields,
    capacity: z.int(),
    placesTaken: z.int(),
    register: z.enum(REGISTER_STATES).describe('Whether the token holder can mark the register now: it opens 15 minutes before the start and locks for trainers after the partnership’s lock period'),
  }),
);
const trainerSessionOut = (x: TrainerSession): z.output<typeof TrainerSessionSchema> => ({ ...sessionFieldsOut(x), capacity: x.capacity, placesTaken: x.placesTaken, register: x.register });

export const TrainerSessionList = named(
  'TrainerSessionList',
  z.strictObject({
    upcoming: z.array(TrainerSessionSchema).describe('Sessions that have not ended, soonest first'),
    past: z.array(TrainerSessionSchema).describe('Sessions that ended in the last 60 days, most recent first'),
  }),
);

const attendanceStatus = z.enum(['confirmed', ...ATTENDANCE_MARKS]).describe('confirmed until attendance is recorded');
export const Attendee = named(
  'Attendee',
  z.strictObject({
    bookingId: z.uuid(),
    status: attendanceStatus,
    person: z.strictObject({ id: z.uuid(), name: z.string(), organisation: z.strictObject({ id: z.uuid(), name: z.string() }) }),
  }),
);
const attendeeOut = (e: RegisterEntry): z.output<typeof Attendee> => ({
  bookingId: e.id,
  status: attendanceStatus.parse(e.status),
  person: { id: e.person.id, name: e.person.name, organisation: e.person.organisation },
});

export const AttendanceSchema = named(
  'Attendance',
  z.strictObject({
    session: z.strictObject(registerSessionFields),
    marking: z.strictObject({
      allowed: z.boolean().describe('Whether the token holder may mark the register now'),
      reason: z.string().nullable().describe('Why not, when not allowed'),
      opensAt: instant,
      locksAt: instant.describe('After this only a coordinator may change it'),
    }),
    attendees: z.array(Attendee).describe('Everyone with a place, by name'),
  }),
);

export const AttendanceRecorded = named(
  'AttendanceRecorded',
  z.strictObject({
    changed: z.int().describe('Bookings whose status changed; a mark that repeats the status changes nothing'),
    invited: z.int().describe('People marked as having come for the first time, emailed an invitation to give feedback'),
  }),
);

const average = z.number().nullable();
export const SessionFeedbackSummary = named(
  'SessionFeedbackSummary',
  z.strictObject({
    sessionId: z.uuid(),
    courseTitle: z.string(),
    responses: z.int(),
    threshold: z.int().describe('The summary is given from this many responses, so no answer can be traced to one person'),
    summary: z
      .strictObject({
        relevance: average.describe('Average, 1 to 5'),
        delivery: average.describe('Average, 1 to 5'),
        confidenceBefore: average.describe('Average, 1 to 10'),
        confidenceAfter: average.describe('Average, 1 to 10'),
        outcomesMet: z.array(z.strictObject({ outcome: z.string(), average: average.describe('Average, 1 to 4') })),
        willDoDifferently: z.array(z.string()).describe('Without names, in no particular order'),
        comments: z.array(z.string()).describe('Without names, in no particular order'),
      })
      .nullable()
      .describe('Null below the threshold'),
  }),
);

const marksRequest = z.strictObject({
  marks: z
    .record(z.uuid(), z.enum(ATTENDANCE_MARKS, 'Give each booking attended, partly attended or did not attend'), 'Give the marks as an object from booking id to attendance')
    .describe('Attendance by booking id; bookings left out keep their status'),
});
const walkInRequest = z.strictObject({ personId: z.uuid('Give the person as their id').describe('Someone with an account who came without booking') });

export const attendanceOperations = [
  apiGet(
    '/api/v1/trainer/sessions',
    TRAINER,
    {
      operationId: 'listTrainerSessions',
      tag: 'Bookings',
      summary: 'The sessions the token holder trains, upcoming and from the last 60 days',
      response: TrainerSessionList,
    },
    async (c) => {
      const { upcoming, past } = await trainerSessions(personalScope(c));
      return { upcoming: upcoming.map(trainerSessionOut), past: past.map(trainerSessionOut) };
    },
  ),
  apiGet(
    '/api/v1/sessions/:sessionId/attendance',
    TRAINER,
    {
      operationId: 'getAttendance',
      tag: 'Bookings',
      summary: 'A session’s register with each person’s attendance, and whether the token holder may mark it now',
      description: 'For coordinators, and for the trainers of the session.',
      params: sessionParams,
      response: AttendanceSchema,
      notFound: NO_SESSION,
    },
    async (c, { sessionId }) => {
      const { register, permission } = await attendanceSheet(personalScope(c), sessionId);
      return {
        session: sessionFieldsOut(register.session),
        marking: { allowed: permission.allowed, reason: permission.allowed ? null : permission.reason, opensAt: iso(permission.window.opensAt), locksAt: iso(permission.window.locksAt) },
        attendees: register.confirmed.map(attendeeOut),
      };
    },
  ),
  apiPost(
    '/api/v1/sessions/:sessionId/attendance',
    TRAINER,
    {
      operationId: 'recordAttendance',
      tag: 'Bookings',
      summary: 'Record attendance on a session’s register',
      description:
        'A trainer of the session may mark it from 15 minutes before the start until the partnership’s lock period after the end; a coordinator at any time after it opens. People marked as having come for the first time are emailed an invitation to give feedback. Every change is audited.',
      params: sessionParams,
      body: marksRequest,
      response: AttendanceRecorded,
      forbidden: 'The register is not open yet, or has locked for trainers, or the session was cancelled',
      notFound: NO_SESSION,
      unprocessable: 'A booking is not on this session’s register (named as mark-{bookingId})',
    },
    async (c, { sessionId }, { marks }) => recordAttendance(scope(c), sessionId, marks),
  ),
  apiPost(
    '/api/v1/sessions/:sessionId/walk-ins',
    TRAINER,
    {
      operationId: 'addWalkIn',
      tag: 'Bookings',
      summary: 'Add someone who came without booking, as attended',
      description: 'They take no place, and are emailed an invitation to give feedback. The marking window applies as for recording attendance.',
      params: sessionParams,
      body: walkInRequest,
      status: 201,
      response: Attendee,
      forbidden: 'The register is not open yet, or has locked for trainers, or the session was cancelled',
      notFound: NO_SESSION,
      conflict: 'The person is already on the register, on the waiting list or waiting for approval',
      unprocessable: 'No person with that personId',
    },
    async (c, { sessionId }, { personId }) => {
      const s = scope(c);
      const booking = await addWalkIn(s, sessionId, personId);
      const register = await sessionRegister(s, sessionId);
      return attendeeOut(register.confirmed.find((e) => e.id === booking.id)!);
    },
  ),
  apiGet(
    '/api/v1/sessions/:sessionId/feedback-summary',
    TRAINER,
    {
      operationId: 'getSessionFeedbackSummary',
      tag: 'Bookings',
      summary: 'A session’s feedback in aggregate',
      description: `Averages and the written answers without names, from ${SUMMARY_THRESHOLD} responses; below that, only how many there are.`,
      params: sessionParams,
      response: SessionFeedbackSummary,
      notFound: NO_SESSION,
    },
    async (c, { sessionId }) => {
      const { session, course, responses, summary } = await sessionFeedbackSummary(personalScope(c), sessionId);
      return { sessionId: session.id, courseTitle: course.title, responses, threshold: SUMMARY_THRESHOLD, summary };
    },
  ),
];
