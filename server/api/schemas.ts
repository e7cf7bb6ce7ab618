// The API's response shapes, defined once: the handlers build values of these types, the
// tests validate responses against them, and the OpenAPI document is generated from them.
// Objects are strict so a stray internal column (partnershipId, placesTaken) fails a test.
import { z } from 'zod';
import { BOOKING_STATUSES, DELIVERY_MODES, PARTNER_STATUSES, ROLES, SECTORS, SESSION_STATUSES, type Role } from '../../db/schema';
import type { PersonBooking, RegisterEntry as RegisterRow, SessionRegister } from '../bookings/queries';
import type { Organisation } from '../organisations/service';
import { placesLeft, type Course, type CourseListing, type Prospectus, type SessionSummary as CatalogueSession } from '../catalogue/service';

/** Schemas with an id here become components/schemas in the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string }>();
export const named = <T extends z.ZodType>(id: string, schema: T): T => {
  apiSchemas.add(schema, { id });
  return schema;
};

export const instant = z.iso.datetime().describe('An instant, ISO 8601 in UTC');

/** When and where a session is, as every session in the API says it. */
const whenAndWhere = {
  startsAt: instant,
  endsAt: instant,
  status: z.enum(SESSION_STATUSES),
  online: z.boolean(),
  venue: z.string().nullable().describe('Null when online or not yet confirmed'),
};

/** A session as its register and its trainer's list show it. */
export const registerSessionFields = { id: z.uuid(), courseId: z.uuid(), courseTitle: z.string(), ...whenAndWhere };
export const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => d && iso(d);
/** The venue of a face-to-face session, if confirmed. */
export const venueOut = (s: { online: boolean; venue: string }) => (!s.online && s.venue) || null;

export const Problem = named(
  'Problem',
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.int(),
      detail: z.string().optional(),
      errors: z.record(z.string(), z.string()).optional().describe('For a bad query or body, or a rule the request breaks: a message per parameter or field'),
    })
    .describe('An error, as RFC 9457 problem details (application/problem+json)'),
);

export const ProspectusSchema = named(
  'Prospectus',
  z.strictObject({
    id: z.uuid(),
    year: z.string().describe('The financial year, e.g. 2026-27'),
    title: z.string(),
    introduction: z.string(),
    startsOn: z.iso.date(),
    endsOn: z.iso.date(),
    status: z.enum(['draft', 'published']).describe('Drafts are visible to coordinators only'),
    publishedAt: instant.nullable(),
  }),
);
export const prospectusOut = (p: Prospectus): z.output<typeof ProspectusSchema> => ({
  id: p.id,
  year: p.year,
  title: p.title,
  introduction: p.introduction,
  startsOn: p.startsOn,
  endsOn: p.endsOn,
  status: p.status,
  publishedAt: p.publishedAt && iso(p.publishedAt),
});

export const SessionSummary = named(
  'SessionSummary',
  z.strictObject({
    id: z.uuid(),
    courseId: z.uuid(),
    ...whenAndWhere,
    cancelledReason: z.string().nullable(),
    trainers: z.array(z.string()),
    capacity: z.int(),
    placesLeft: z.int(),
    bookable: z.boolean().describe('Scheduled and booking has not closed; a full session takes waiting-list bookings'),
    bookingClosesAt: instant,
  }),
);
// The joining link is left out: it goes to booked participants, never to the public.
export const sessionOut = (x: CatalogueSession): z.output<typeof SessionSummary> => ({
  id: x.id,
  courseId: x.courseId,
  startsAt: iso(x.startsAt),
  endsAt: iso(x.endsAt),
  status: x.status,
  cancelledReason: x.cancelledReason || null,
  online: x.online,
  venue: venueOut(x),
  trainers: x.trainers,
  capacity: x.capacity,
  placesLeft: x.placesLeft,
  bookable: x.bookable,
  bookingClosesAt: iso(x.bookingClosesAt),
});

const courseFields = {
  id: z.uuid(),
  prospectusId: z.uuid(),
  title: z.string(),
  summary: z.string(),
  learningOutcomes: z.array(z.string()),
  themes: z.array(z.string()).describe('Priority themes'),
  deliveryMode: z.enum(DELIVERY_MODES),
  durationMinutes: z.int(),
  provider: z.string(),
  prerequisites: z.string().nullable(),
  requiresManagerApproval: z.boolean(),
  asksManagerFollowUp: z.boolean().describe('Whether the attendee’s line manager is asked, three months on, what change they have seen'),
  updatedAt: instant,
  sessions: z.array(SessionSummary),
};
const courseFieldsOut = (c: Course, sessions: CatalogueSession[]) => ({
  id: c.id,
  prospectusId: c.prospectusId,
  title: c.title,
  summary: c.summary,
  learningOutcomes: c.learningOutcomes,
  themes: c.themes,
  deliveryMode: c.deliveryMode,
  durationMinutes: c.durationMinutes,
  provider: c.provider,
  prerequisites: c.prerequisites || null,
  requiresManagerApproval: c.requiresManagerApproval,
  asksManagerFollowUp: c.asksManagerFollowUp,
  updatedAt: iso(c.updatedAt),
  sessions: sessions.map(sessionOut),
});

export const CourseSummary = named(
  'CourseSummary',
  z.strictObject({ ...courseFields, workforceGroupIds: z.array(z.uuid()).describe('Workforce groups the course is for') }),
);
export const courseSummaryOut = (c: CourseListing): z.output<typeof CourseSummary> => ({
  ...courseFieldsOut(c, c.sessions),
  workforceGroupIds: c.workforceGroupIds,
});

export const CourseList = named('CourseList', z.strictObject({ prospectus: ProspectusSchema, courses: z.array(CourseSummary) }));

export const WorkforceGroupRef = named('WorkforceGroupRef', z.strictObject({ id: z.uuid(), code: z.string(), name: z.string() }));
export const Competency = named('Competency', z.strictObject({ id: z.uuid(), code: z.string(), domain: z.string(), statement: z.string() }));

export const CourseDetail = named(
  'CourseDetail',
  z.strictObject({
    ...courseFields,
    withdrawn: z.boolean(),
    prospectus: ProspectusSchema,
    workforceGroups: z.array(WorkforceGroupRef),
    competencies: z.array(Competency),
  }),
);
type CourseWithDetail = Course & {
  prospectus: Prospectus;
  sessions: CatalogueSession[];
  workforceGroups: z.output<typeof WorkforceGroupRef>[];
  competencies: z.output<typeof Competency>[];
};
export const courseDetailOut = (c: CourseWithDetail): z.output<typeof CourseDetail> => ({
  ...courseFieldsOut(c, c.sessions),
  withdrawn: c.withdrawn,
  prospectus: prospectusOut(c.prospectus),
  workforceGroups: c.workforceGroups,
  competencies: c.competencies,
});

export const SessionDetail = named(
  'SessionDetail',
  SessionSummary.extend({ course: z.strictObject({ id: z.uuid(), title: z.string(), deliveryMode: z.enum(DELIVERY_MODES) }) }),
);

export const OrganisationSchema = named(
  'Organisation',
  z.strictObject({
    id: z.uuid(),
    name: z.string(),
    shortName: z.string(),
    sector: z.enum(SECTORS),
    partnerStatus: z.enum(PARTNER_STATUSES),
    active: z.boolean().describe('Whether people can choose it when they register'),
  }),
);
export const organisationOut = (o: Organisation): z.output<typeof OrganisationSchema> => ({
  id: o.id,
  name: o.name,
  shortName: o.shortName,
  sector: o.sector,
  partnerStatus: o.partnerStatus,
  active: o.active,
});
export const OrganisationList = named('OrganisationList', z.strictObject({ organisations: z.array(OrganisationSchema) }));

export const WorkforceGroup = named(
  'WorkforceGroup',
  WorkforceGroupRef.extend({
    who: z.string().describe('Who belongs in the group'),
    outsideScheme: z.string().describe('The group’s level in a scheme outside the partnership, like "Intercollegiate level 3"; empty for none'),
  }).describe('A level of the current competency framework'),
);
export const WorkforceGroupList = named('WorkforceGroupList', z.strictObject({ workforceGroups: z.array(WorkforceGroup) }));

const roles = z.array(z.enum(ROLES)).describe('In the order practitioner, trainer, coordinator, reviewer, organisation lead');
export const rolesOut = (held: readonly Role[]) => ROLES.filter((role) => held.includes(role));
export const Me = named('Me', z.strictObject({ id: z.uuid(), name: z.string(), email: z.email(), organisationId: z.uuid(), roles }));

export const Person = named(
  'Person',
  z.strictObject({
    id: z.uuid(),
    name: z.string(),
    email: z.email(),
    jobTitle: z.string(),
    organisation: z.strictObject({ id: z.uuid(), name: z.string() }),
    workforceGroup: WorkforceGroupRef.nullable(),
    roles,
  }),
);
export const PeoplePage = named(
  'PeoplePage',
  z.strictObject({
    people: z.array(Person),
    page: z.int(),
    pageSize: z.int(),
    total: z.int().describe('People in the whole list, across pages'),
  }),
);

// ---- Bookings ---------------------------------------------------------------------------

const bookingStatus = z.enum(BOOKING_STATUSES).describe('After the session, confirmed becomes the attendance recorded');
const bookingFields = {
  id: z.uuid(),
  status: bookingStatus,
  position: z.int().nullable().describe('Place on the waiting list, 1 being next; null unless waitlisted'),
  bookedAt: instant,
  approvalExpiresAt: instant.nullable().describe('While pending approval: when the held place lapses if the line manager has not decided'),
  cancelledAt: instant.nullable(),
  cancelReason: z.string().nullable().describe('Why it ended: cancelled, declined, lapsed or moved'),
  late: z.boolean().describe('A place cancelled inside the partnership’s late-cancellation window'),
};
const bookingFieldsOut = (b: PersonBooking | RegisterRow) => ({
  id: b.id,
  status: b.status,
  position: b.position,
  bookedAt: iso(b.bookedAt),
  approvalExpiresAt: isoOrNull(b.approvalExpiresAt),
  cancelledAt: isoOrNull(b.cancelledAt),
  cancelReason: b.cancelReason,
  late: b.late,
});

export const BookingSchema = named(
  'Booking',
  z.strictObject({
    ...bookingFields,
    personId: z.uuid(),
    canCancel: z.boolean().describe('Whether the booking can still be cancelled: it is live and the session has not started'),
    session: z.strictObject({
      id: z.uuid(),
      ...whenAndWhere,
      cancelledReason: z.string().nullable(),
      joiningLink: z.string().nullable().describe('For a confirmed place on an online session, once known'),
    }),
    course: z.strictObject({ id: z.uuid(), title: z.string(), deliveryMode: z.enum(DELIVERY_MODES) }),
  }),
);
export const bookingOut = (b: PersonBooking): z.output<typeof BookingSchema> => ({
  ...bookingFieldsOut(b),
  personId: b.personId,
  canCancel: b.canCancel,
  session: {
    id: b.session.id,
    startsAt: iso(b.session.startsAt),
    endsAt: iso(b.session.endsAt),
    status: b.session.status,
    cancelledReason: b.session.cancelledReason || null,
    online: b.session.online,
    venue: venueOut(b.session),
    joiningLink: b.session.joiningLink || null,
  },
  course: b.course,
});

export const BookingList = named(
  'BookingList',
  z.strictObject({
    upcoming: z.array(BookingSchema).describe('Sessions that have not ended, soonest first'),
    past: z.array(BookingSchema).describe('Sessions that have ended, most recent first'),
  }),
);

export const RegisterEntry = named(
  'RegisterEntry',
  z.strictObject({
    ...bookingFields,
    person: z.strictObject({ id: z.uuid(), name: z.string(), email: z.email(), jobTitle: z.string(), organisation: z.strictObject({ id: z.uuid(), name: z.string() }) }),
  }),
);
const registerEntryOut = (e: RegisterRow): z.output<typeof RegisterEntry> => ({ ...bookingFieldsOut(e), person: e.person });

export const Register = named(
  'Register',
  z.strictObject({
    session: z.strictObject({
      ...registerSessionFields,
      capacity: z.int(),
      placesLeft: z.int(),
    }),
    confirmed: z.array(RegisterEntry).describe('People with a place, by name: confirmed, or after the session their attendance'),
    pendingApproval: z.array(RegisterEntry).describe('Places held while a line manager decides, by name'),
    waitingList: z.array(RegisterEntry).describe('In order, first to be offered a place first'),
    cancelled: z.array(RegisterEntry).describe('Bookings that ended before the session, by name'),
  }),
);
export const registerOut = ({ session, confirmed, pendingApproval, waitingList, cancelled }: SessionRegister): z.output<typeof Register> => ({
  session: {
    id: session.id,
    courseId: session.courseId,
    courseTitle: session.courseTitle,
    startsAt: iso(session.startsAt),
    endsAt: iso(session.endsAt),
    status: session.status,
    online: session.online,
    venue: venueOut(session),
    capacity: session.capacity,
    placesLeft: placesLeft(session),
  },
  confirmed: confirmed.map(registerEntryOut),
  pendingApproval: pendingApproval.map(registerEntryOut),
  waitingList: waitingList.map(registerEntryOut),
  cancelled: cancelled.map(registerEntryOut),
});

const promoted = z.int().describe('How many people on the waiting list were given a place');
export const CancelledBooking = named('CancelledBooking', z.strictObject({ late: z.boolean().describe('Cancelled inside the late-cancellation window'), promoted }));
export const CapacityChanged = named('CapacityChanged', z.strictObject({ promoted }));
export const MovedBooking = named('MovedBooking', z.strictObject({ booking: BookingSchema, promoted }));
export const CancelledSession = named(
  'CancelledSession',
  z.strictObject({
    bookingsEnded: z.int().describe('Live bookings ended; everyone booked or waiting is emailed'),
    alreadyCancelled: z.boolean().describe('The session was cancelled before: nothing changed and nobody was emailed again'),
  }),
);

export const OpenApiDocument = named(
  'OpenApiDocument',
  z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).describe('This document'),
);
