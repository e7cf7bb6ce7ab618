// The data model. Every record carries its partnership so one deployment can serve
// a region of partnerships; queries always filter by it.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  type AnyPgColumn,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const id = () => uuid('id').primaryKey().defaultRandom();
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => at('created_at').notNull().defaultNow();
const partnershipRef = () =>
  uuid('partnership_id')
    .notNull()
    .references(() => partnerships.id);
/** Workforce groups and competencies belong to one version of the framework. */
const frameworkRef = () =>
  uuid('framework_id')
    .notNull()
    .references(() => competencyFrameworks.id);

export const partnerships = pgTable('partnerships', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  area: text('area').notNull(),
  timeZone: text('time_zone').notNull().default('Europe/London'),
  /** Month (1-12) the financial year starts in; the prospectus runs from it. */
  yearStartMonth: integer('year_start_month').notNull().default(4),
  freeTrainingFor: text('free_training_for').notNull().default(''),
  /** Follow-up survey policy: delay after the session, reminders and closing, in days. */
  followUpDelayDays: integer('follow_up_delay_days').notNull().default(91),
  followUpReminderDays: jsonb('follow_up_reminder_days').$type<number[]>().notNull().default([14, 28]),
  followUpCloseDays: integer('follow_up_close_days').notNull().default(42),
  lateCancellationWorkingDays: integer('late_cancellation_working_days').notNull().default(3),
  /** How long a booking waiting for line-manager approval holds its place. */
  approvalHoldWorkingDays: integer('approval_hold_working_days').notNull().default(5),
  /** Reminders before a session, in days before it starts. */
  sessionReminderDays: jsonb('session_reminder_days').$type<number[]>().notNull().default([7, 1]),
  /** Days after a session ends during which its trainers may still change the attendance. */
  attendanceLockDays: integer('attendance_lock_days').notNull().default(7),
  /** Whether an attendee must give feedback before downloading a certificate. */
  certificateNeedsFeedback: boolean('certificate_needs_feedback').notNull().default(true),
  /** Non-attendance charges in pence (0: no charge), and the sectors that never pay. */
  nonAttendanceChargeHalfDayPence: integer('non_attendance_charge_half_day_pence').notNull().default(0),
  nonAttendanceChargeFullDayPence: integer('non_attendance_charge_full_day_pence').notNull().default(0),
  chargeExemptSectors: jsonb('charge_exempt_sectors').$type<string[]>().notNull().default([]),
  /**
   * Whether a practitioner may ask their line manager, by an emailed link, to confirm a
   * competency. Off until a partnership chooses it: the manager's address is the one the person
   * gave at registration, so the partnership should trust those addresses before it lets them
   * create evidence.
   */
  managerConfirmations: boolean('manager_confirmations').notNull().default(false),
  /**
   * Retention policy (docs/decisions/0018-retention.md), applied by the daily retention job.
   * Free-text survey and feedback answers are cleared this many years after they were given
   * (the ratings stay); a person's training records are anonymised this many years after their
   * last activity; the text of sent email is blanked this many days after it was sent.
   */
  retentionFreeTextYears: integer('retention_free_text_years').notNull().default(3),
  retentionTrainingYears: integer('retention_training_years').notNull().default(6),
  retentionSentMailDays: integer('retention_sent_mail_days').notNull().default(0),
  createdAt: createdAt(),
}, (t) => [
  check('partnerships_retention_free_text_years', sql`${t.retentionFreeTextYears} between 1 and 10`),
  check('partnerships_retention_training_years', sql`${t.retentionTrainingYears} between 1 and 25`),
  check('partnerships_retention_sent_mail_days', sql`${t.retentionSentMailDays} between 0 and 90`),
]);

export const SECTORS = [
  'Local authority',
  'Police',
  'Health',
  'Education',
  'Early years',
  'Voluntary and community',
  'Fire and rescue',
  'Probation and justice',
  'Other',
] as const;
export type Sector = (typeof SECTORS)[number];

export const PARTNER_STATUSES = ['statutory partner', 'relevant agency', 'neither'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export const organisations = pgTable(
  'organisations',
  {
    id: id(),
    partnershipId: partnershipRef(),
    name: text('name').notNull(),
    shortName: text('short_name').notNull(),
    sector: text('sector').$type<Sector>().notNull(),
    partnerStatus: text('partner_status').$type<PartnerStatus>().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('organisations_name_unique').on(t.partnershipId, sql`lower(${t.name})`)],
);

/**
 * A version of the partnership's safeguarding competency framework: a draft (never published,
 * the only kind that can be changed), the current version, or an earlier one it replaced.
 */
export const competencyFrameworks = pgTable(
  'competency_frameworks',
  {
    id: id(),
    partnershipId: partnershipRef(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    current: boolean('current').notNull().default(false),
    /** How long evidence of a competency lasts before it is due for refresh, unless the competency says otherwise. */
    defaultRefreshMonths: integer('default_refresh_months').notNull().default(36),
    /** Null while the version is a draft. */
    publishedAt: at('published_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('competency_frameworks_version_unique').on(t.partnershipId, t.version),
    uniqueIndex('competency_frameworks_one_current').on(t.partnershipId).where(sql`${t.current}`),
    // At most one draft at a time: two drafts would each claim to be what is published next.
    uniqueIndex('competency_frameworks_one_draft').on(t.partnershipId).where(sql`${t.publishedAt} is null`),
    check('competency_frameworks_refresh_positive', sql`${t.defaultRefreshMonths} > 0`),
    check('competency_frameworks_current_published', sql`not ${t.current} or ${t.publishedAt} is not null`),
  ],
);

export const workforceGroups = pgTable(
  'workforce_groups',
  {
    id: id(),
    partnershipId: partnershipRef(),
    frameworkId: frameworkRef(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    who: text('who').notNull(),
    sortOrder: integer('sort_order').notNull(),
    /** The group's level in a scheme outside the partnership, like "Intercollegiate level 3" (health); '' for none. */
    outsideScheme: text('outside_scheme').notNull().default(''),
  },
  (t) => [uniqueIndex('workforce_groups_code_unique').on(t.frameworkId, t.code)],
);

export const competencies = pgTable(
  'competencies',
  {
    id: id(),
    partnershipId: partnershipRef(),
    frameworkId: frameworkRef(),
    code: text('code').notNull(),
    domain: text('domain').notNull(),
    statement: text('statement').notNull(),
    /** Months before evidence of this competency is due for refresh; null: the framework's default. */
    refreshMonths: integer('refresh_months'),
    /**
     * The competency of an earlier framework version that this one continues: evidence earned
     * under that one (and whatever it continues, back through the versions) counts for this one.
     */
    continuesCompetencyId: uuid('continues_competency_id').references((): AnyPgColumn => competencies.id),
  },
  (t) => [
    uniqueIndex('competencies_code_unique').on(t.frameworkId, t.code),
    check('competencies_refresh_positive', sql`${t.refreshMonths} is null or ${t.refreshMonths} > 0`),
    check('competencies_continues_another', sql`${t.continuesCompetencyId} is null or ${t.continuesCompetencyId} <> ${t.id}`),
  ],
);

/** Which workforce groups each competency is required for. */
export const competencyRequirements = pgTable(
  'competency_requirements',
  {
    competencyId: uuid('competency_id')
      .notNull()
      .references(() => competencies.id, { onDelete: 'cascade' }),
    workforceGroupId: uuid('workforce_group_id')
      .notNull()
      .references(() => workforceGroups.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.competencyId, t.workforceGroupId] })],
);

export const ROLES = ['practitioner', 'trainer', 'coordinator', 'reviewer', 'organisation lead'] as const;
export type Role = (typeof ROLES)[number];

export const people = pgTable(
  'people',
  {
    id: id(),
    partnershipId: partnershipRef(),
    name: text('name').notNull(),
    /** Stored lower case; unique per partnership. */
    email: text('email').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobTitle: text('job_title').notNull(),
    workforceGroupId: uuid('workforce_group_id').references(() => workforceGroups.id),
    /** The line manager's address in use: confirmed by the manager from an emailed link, or set by a coordinator. */
    lineManagerEmail: text('line_manager_email'),
    /**
     * An address the person gave for their line manager, not used until the manager confirms it
     * through the emailed link whose token's SHA-256 is kept here, before it expires.
     */
    pendingLineManagerEmail: text('pending_line_manager_email'),
    pendingManagerTokenHash: text('pending_manager_token_hash').unique(),
    pendingManagerExpiresAt: at('pending_manager_expires_at'),
    /**
     * When a coordinator erased the person: their name, email and job title were replaced by a
     * placeholder and everything else identifying them cleared, while their bookings, attendance
     * and ratings stay as anonymous rows. An erased person cannot sign in.
     */
    erasedAt: at('erased_at'),
    /** When the person last signed in with an emailed link: one of the signs of activity retention reads. */
    lastSignedInAt: at('last_signed_in_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('people_email_unique').on(t.partnershipId, t.email)],
);

/** A person's own request to be erased, waiting for a coordinator; closed when they are erased. */
export const erasureRequests = pgTable(
  'erasure_requests',
  {
    id: id(),
    partnershipId: partnershipRef(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    requestedAt: at('requested_at').notNull(),
    closedAt: at('closed_at'),
  },
  (t) => [uniqueIndex('erasure_requests_one_open').on(t.personId).where(sql`${t.closedAt} is null`)],
);

export const personRoles = pgTable(
  'person_roles',
  {
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.role] })],
);

/** Signed-in sessions (the Lucia guide): the id is the SHA-256 of the cookie's token. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: text('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    idleExpiresAt: at('idle_expires_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('auth_sessions_person').on(t.personId)],
);

/** Emailed single-use sign-in links; only the SHA-256 of the token is kept. */
export const signInTokens = pgTable(
  'sign_in_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [index('sign_in_tokens_person').on(t.personId)],
);

/** Personal API tokens for scripts and integrations; shown once, stored hashed. */
export const apiTokens = pgTable('api_tokens', {
  id: id(),
  partnershipId: partnershipRef(),
  personId: uuid('person_id')
    .notNull()
    .references(() => people.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** The first characters, so a person can tell their tokens apart. */
  prefix: text('prefix').notNull(),
  createdAt: createdAt(),
  lastUsedAt: at('last_used_at'),
  /** When the token stops working, if its owner chose a limit. */
  expiresAt: at('expires_at'),
  revokedAt: at('revoked_at'),
});

/** Fixed-window counters shared by every app instance (sign-in rate limits). */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: at('window_start').notNull(),
  hits: integer('hits').notNull(),
});

export const prospectuses = pgTable(
  'prospectuses',
  {
    id: id(),
    partnershipId: partnershipRef(),
    /** e.g. "2026-27". */
    year: text('year').notNull(),
    title: text('title').notNull(),
    introduction: text('introduction').notNull().default(''),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    status: text('status').$type<'draft' | 'published'>().notNull().default('draft'),
    publishedAt: at('published_at'),
    /**
     * When the year was brought in from a past year's records (npm run admin -- import-history);
     * such a year is read-only except by another import. The SHA-256 of the file last imported
     * makes importing the same file again a change of nothing.
     */
    importedAt: at('imported_at'),
    importedSha256: text('imported_sha256'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('prospectuses_year_unique').on(t.partnershipId, t.year)],
);

export const THEMES = [
  'Child exploitation',
  'Neglect',
  'Domestic abuse',
  'Online safety',
  'Safeguarding in education',
  'Early help',
  'Core safeguarding',
  'Safer workforce',
  'Child death review',
  'Mental health and self-harm',
  'Radicalisation (Prevent)',
] as const;

export const DELIVERY_MODES = ['Face to face', 'Live online', 'E-learning', 'Conference', 'Briefing'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const courses = pgTable(
  'courses',
  {
    id: id(),
    partnershipId: partnershipRef(),
    prospectusId: uuid('prospectus_id')
      .notNull()
      .references(() => prospectuses.id),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    learningOutcomes: jsonb('learning_outcomes').$type<string[]>().notNull(),
    themes: jsonb('themes').$type<string[]>().notNull(),
    deliveryMode: text('delivery_mode').$type<DeliveryMode>().notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    provider: text('provider').notNull().default('Partnership trainer'),
    prerequisites: text('prerequisites').notNull().default(''),
    requiresManagerApproval: boolean('requires_manager_approval').notNull().default(false),
    /** Whether the attendee's line manager is asked, three months on, what change they have seen. */
    asksManagerFollowUp: boolean('asks_manager_follow_up').notNull().default(false),
    withdrawn: boolean('withdrawn').notNull().default(false),
    /** What the year-end review that carried the course into this prospectus asked of it (revise: what to change), for the coordinator. */
    reviewNote: text('review_note').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('courses_prospectus').on(t.prospectusId)],
);

export const courseWorkforceGroups = pgTable(
  'course_workforce_groups',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    workforceGroupId: uuid('workforce_group_id')
      .notNull()
      .references(() => workforceGroups.id),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.workforceGroupId] })],
);

export const courseCompetencies = pgTable(
  'course_competencies',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    competencyId: uuid('competency_id')
      .notNull()
      .references(() => competencies.id),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.competencyId] })],
);

/**
 * The competencies of a draft framework version a course is to develop once the draft is
 * published, as an imported framework file lists them. Kept apart from course_competencies so a
 * draft changes nothing anyone sees until it is published; publishing replaces the course's
 * competencies with these (and deletes them).
 */
export const plannedCourseCompetencies = pgTable(
  'planned_course_competencies',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    competencyId: uuid('competency_id')
      .notNull()
      .references(() => competencies.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.competencyId] })],
);

export const SESSION_STATUSES = ['scheduled', 'cancelled', 'delivered'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    partnershipId: partnershipRef(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    /** Venue for a face-to-face session; empty when online. */
    venue: text('venue').notNull().default(''),
    online: boolean('online').notNull().default(false),
    joiningLink: text('joining_link').notNull().default(''),
    capacity: integer('capacity').notNull(),
    /**
     * Places held by confirmed and pending bookings. Kept by the booking service in
     * the same statement that takes a place; the check is the backstop for promise 1.
     */
    placesTaken: integer('places_taken').notNull().default(0),
    bookingClosesAt: at('booking_closes_at').notNull(),
    /** Shown when the trainer is not a person with an account (a commissioned provider). */
    trainerName: text('trainer_name').notNull().default(''),
    status: text('status').$type<SessionStatus>().notNull().default('scheduled'),
    cancelledReason: text('cancelled_reason').notNull().default(''),
    /**
     * Proposed by a year-end review in the same month as last year's date, for the coordinator to
     * confirm (or change, which confirms it); a prospectus is not published while any is proposed.
     */
    proposed: boolean('proposed').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('sessions_course').on(t.courseId),
    index('sessions_starts').on(t.partnershipId, t.startsAt),
    check('sessions_places_within_capacity', sql`${t.placesTaken} >= 0 AND ${t.placesTaken} <= ${t.capacity}`),
    check('sessions_ends_after_start', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

export const sessionTrainers = pgTable(
  'session_trainers',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.personId] })],
);

export const BOOKING_STATUSES = [
  'confirmed',
  'pending approval',
  'waitlisted',
  'cancelled',
  'attended',
  'partly attended',
  'did not attend',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
/** A live booking holds or waits for a place; a person has at most one per session. */
export const LIVE_BOOKING_STATUSES: BookingStatus[] = ['confirmed', 'pending approval', 'waitlisted'];

export const bookingQueue = pgSequence('booking_queue');

export const bookings = pgTable(
  'bookings',
  {
    id: id(),
    partnershipId: partnershipRef(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    status: text('status').$type<BookingStatus>().notNull(),
    /**
     * Orders the waiting list, first come first served: taken from a sequence while the
     * session row is locked, so it is the order in which requests reached the database.
     */
    queueNumber: bigint('queue_number', { mode: 'number' }).notNull().default(sql`nextval('booking_queue')`),
    waitlistedAt: at('waitlisted_at'),
    /** A booking pending approval holds its place until then, and lapses after. */
    approvalExpiresAt: at('approval_expires_at'),
    /** Who made the booking, when a coordinator booked on someone's behalf. */
    bookedBy: uuid('booked_by').references(() => people.id),
    createdAt: createdAt(),
    cancelledAt: at('cancelled_at'),
    cancelledBy: uuid('cancelled_by').references(() => people.id),
    /** Why it ended: cancelled by the person, declined, lapsed, session cancelled, moved. */
    cancelReason: text('cancel_reason'),
    lateCancellation: boolean('late_cancellation').notNull().default(false),
    /** Someone who came without a booking, added to the register on the day. */
    walkIn: boolean('walk_in').notNull().default(false),
    attendanceRecordedAt: at('attendance_recorded_at'),
    attendanceRecordedBy: uuid('attendance_recorded_by').references(() => people.id),
    /** Printed on the certificate; /verify/CODE confirms it. */
    certificateCode: text('certificate_code').unique(),
  },
  (t) => [
    uniqueIndex('bookings_one_live_per_person')
      .on(t.sessionId, t.personId)
      .where(sql`${t.status} in ('confirmed', 'pending approval', 'waitlisted')`),
    index('bookings_person').on(t.personId),
    index('bookings_waiting_list').on(t.sessionId, t.queueNumber).where(sql`${t.status} = 'waitlisted'`),
    index('bookings_session_status').on(t.sessionId, t.status),
  ],
);

/**
 * Mail waiting to go, written in the same transaction as the change that causes it.
 * The sender claims rows, sends them and marks each sent once.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    partnershipId: partnershipRef(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    attachments: jsonb('attachments')
      .$type<{ filename: string; contentType: string; content: string }[]>()
      .notNull()
      .default([]),
    status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull().defaultNow(),
    /** A claim: another sender leaves the row alone until this passes. */
    claimedUntil: at('claimed_until'),
    lastError: text('last_error'),
    sentAt: at('sent_at'),
    /** The text holds a personal link: it is blanked once the mail server has the message. */
    clearAfterSending: boolean('clear_after_sending').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    partnershipId: partnershipRef(),
    /** Null when the change came from the command line or a job. */
    actorId: uuid('actor_id').references(() => people.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** When, by the service's clock: entries of one moment (a test's fixed clock, one request's changes) share it. */
    at: createdAt(),
    /** The order entries were written in, which `at` alone cannot give for entries of one moment. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [index('audit_log_subject').on(t.subjectType, t.subjectId)],
);

/** Approve and decline links emailed to a line manager; only the token's hash is kept. */
export const bookingApprovals = pgTable('booking_approvals', {
  tokenHash: text('token_hash').primaryKey(),
  bookingId: uuid('booking_id')
    .notNull()
    .references(() => bookings.id, { onDelete: 'cascade' }),
  managerEmail: text('manager_email').notNull(),
  expiresAt: at('expires_at').notNull(),
  decision: text('decision').$type<'approved' | 'declined'>(),
  decidedAt: at('decided_at'),
});

/** Reminders already sent, so each goes once: one row per booking and reminder. */
export const sentReminders = pgTable(
  'sent_reminders',
  {
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    sentAt: at('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bookingId, t.kind] })],
);

/** The day-0 evaluation: one per attendance, given by the attendee. */
export const feedback = pgTable('feedback', {
  id: id(),
  partnershipId: partnershipRef(),
  bookingId: uuid('booking_id')
    .notNull()
    .unique()
    .references(() => bookings.id, { onDelete: 'cascade' }),
  /** For each learning outcome (in the course's order): 1 not met to 4 fully met. */
  outcomesMet: jsonb('outcomes_met').$type<number[]>().notNull(),
  /** 1 (poor) to 5 (excellent). */
  relevance: integer('relevance').notNull(),
  delivery: integer('delivery').notNull(),
  /** 1 to 10, the same scale the three-month survey asks again. */
  confidenceBefore: integer('confidence_before').notNull(),
  confidenceAfter: integer('confidence_after').notNull(),
  willDoDifferently: text('will_do_differently').notNull().default(''),
  comments: text('comments').notNull().default(''),
  createdAt: createdAt(),
});

/** E-learning finished elsewhere, imported from the provider's CSV or recorded by hand. */
export const eLearningCompletions = pgTable(
  'e_learning_completions',
  {
    id: id(),
    partnershipId: partnershipRef(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    completedOn: text('completed_on').notNull(),
    source: text('source').notNull().default('import'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('e_learning_completions_once').on(t.personId, t.courseId, t.completedOn)],
);

export const FOLLOW_UP_STATUSES = ['scheduled', 'sent', 'reminded', 'answered', 'closed'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
/** Who a follow-up survey asks: the attendee, or their line manager about the attendee. */
export type FollowUpRespondent = 'attendee' | 'manager';

/**
 * The three-month impact survey: one per attended booking (and one for the line manager where
 * the course asks). Created when attendance is recorded; the follow-up jobs send, remind and
 * close it as its dates pass.
 */
export const followUpSurveys = pgTable(
  'follow_up_surveys',
  {
    id: id(),
    partnershipId: partnershipRef(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    respondent: text('respondent').$type<FollowUpRespondent>().notNull(),
    /** The manager's address as given when attendance was recorded; the attendee's is read from people. */
    managerEmail: text('manager_email'),
    status: text('status').$type<FollowUpStatus>().notNull().default('scheduled'),
    dueAt: at('due_at').notNull(),
    sentAt: at('sent_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    nextReminderAt: at('next_reminder_at'),
    closesAt: at('closes_at'),
    answeredAt: at('answered_at'),
    closedAt: at('closed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('follow_up_surveys_once').on(t.bookingId, t.respondent),
    index('follow_up_surveys_due').on(t.status, t.dueAt),
    index('follow_up_surveys_reminders').on(t.status, t.nextReminderAt),
    check('follow_up_surveys_manager_email', sql`(${t.respondent} = 'manager') = (${t.managerEmail} is not null)`),
  ],
);

/**
 * The links emailed for a survey: the first email and each reminder carry a new token, and
 * every one of them works until the survey is answered or closes. Only the SHA-256 is kept.
 */
export const followUpLinks = pgTable(
  'follow_up_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => followUpSurveys.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [index('follow_up_links_survey').on(t.surveyId)],
);

export const COMPETENCY_SELF_ASSESSMENTS = ['not yet', 'developing', 'confident'] as const;
export type CompetencySelfAssessment = (typeof COMPETENCY_SELF_ASSESSMENTS)[number];

/** The attendee's answers, three months on. */
export const OUTCOME_IMPROVED = ['yes', 'not yet', 'no', 'not applicable'] as const;
export type OutcomeImproved = (typeof OUTCOME_IMPROVED)[number];

export const impactResponses = pgTable('impact_responses', {
  id: id(),
  partnershipId: partnershipRef(),
  surveyId: uuid('survey_id')
    .notNull()
    .unique()
    .references(() => followUpSurveys.id, { onDelete: 'cascade' }),
  practiceChanged: text('practice_changed').$type<'yes' | 'not yet' | 'no'>().notNull(),
  practiceChangeHow: text('practice_change_how').notNull().default(''),
  /** Whether an outcome for a child or family is better for it; null for answers given before the question was asked. */
  outcomeImproved: text('outcome_improved').$type<OutcomeImproved>(),
  outcomeExample: text('outcome_example').notNull().default(''),
  sharedLearning: boolean('shared_learning').notNull(),
  sharedHow: text('shared_how').notNull().default(''),
  barriers: text('barriers').notNull().default(''),
  /** 1 to 10, the scale of the day's feedback. */
  confidenceNow: integer('confidence_now').notNull(),
  /** Competency id to the attendee's own assessment, for each competency the course develops. */
  competencies: jsonb('competencies').$type<Record<string, CompetencySelfAssessment>>().notNull(),
  quotationConsent: boolean('quotation_consent').notNull(),
  /** Set when a reviewer features the answer as a quotation (only with the attendee's consent). */
  featuredAt: at('featured_at'),
  featuredBy: uuid('featured_by').references(() => people.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

/**
 * The themes the PPL group codes the three-month answers with: each partnership's own list,
 * seeded with the defaults. A retired theme stays on the answers coded with it but is offered no more.
 */
export const answerThemes = pgTable(
  'answer_themes',
  {
    id: id(),
    partnershipId: partnershipRef(),
    name: text('name').notNull(),
    retired: boolean('retired').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('answer_themes_name_unique').on(t.partnershipId, sql`lower(${t.name})`)],
);

/** A reviewer's coding of an answer: one row per theme it is about. */
export const answerCodes = pgTable(
  'answer_codes',
  {
    responseId: uuid('response_id')
      .notNull()
      .references(() => impactResponses.id, { onDelete: 'cascade' }),
    themeId: uuid('theme_id')
      .notNull()
      .references(() => answerThemes.id),
    codedBy: uuid('coded_by').references(() => people.id, { onDelete: 'set null' }),
    codedAt: at('coded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.themeId] }), index('answer_codes_theme').on(t.themeId)],
);

/** The line manager's answers about the attendee's practice. */
export const managerResponses = pgTable('manager_responses', {
  id: id(),
  partnershipId: partnershipRef(),
  surveyId: uuid('survey_id')
    .notNull()
    .unique()
    .references(() => followUpSurveys.id, { onDelete: 'cascade' }),
  seenChange: text('seen_change').$type<'yes' | 'no' | 'too early to say'>().notNull(),
  example: text('example').notNull().default(''),
  createdAt: createdAt(),
});

/**
 * A line manager's confirmation (or a coordinator's, acting instead) that a person applies a
 * competency in practice: evidence of application. The manager need not have an account, so
 * the address is always kept and the person id only when they have one. Nobody confirms their
 * own competency (promise 9): the service refuses it and the check below is the backstop.
 */
export const competencyConfirmations = pgTable(
  'competency_confirmations',
  {
    id: id(),
    partnershipId: partnershipRef(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    competencyId: uuid('competency_id')
      .notNull()
      .references(() => competencies.id),
    /** Stored lower case. */
    confirmedByEmail: text('confirmed_by_email').notNull(),
    confirmedBy: uuid('confirmed_by').references(() => people.id, { onDelete: 'set null' }),
    note: text('note').notNull().default(''),
    confirmedAt: at('confirmed_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('competency_confirmations_person').on(t.personId, t.competencyId),
    check('competency_confirmations_not_self', sql`${t.confirmedBy} is null or ${t.confirmedBy} <> ${t.personId}`),
  ],
);

/**
 * A person's request that their line manager confirm a competency, sent to the manager's
 * recorded address as a single-use link (only its hash kept) that expires. One open request per
 * person and competency: the partial unique index is what holds it when two are sent at once.
 */
export const competencyConfirmationRequests = pgTable(
  'competency_confirmation_requests',
  {
    id: id(),
    partnershipId: partnershipRef(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    competencyId: uuid('competency_id')
      .notNull()
      .references(() => competencies.id),
    /** The person's line manager address when they asked, lower case: where the link went. */
    managerEmail: text('manager_email').notNull(),
    /** The person's note of the evidence: supervision, experience, training elsewhere. */
    note: text('note').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    requestedAt: at('requested_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    /** Null while open; 'lapsed' when it expired unanswered and the person asked again. */
    decision: text('decision').$type<'confirmed' | 'declined' | 'lapsed'>(),
    decidedAt: at('decided_at'),
    managerNote: text('manager_note').notNull().default(''),
    confirmationId: uuid('confirmation_id').references(() => competencyConfirmations.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('competency_confirmation_requests_one_open').on(t.personId, t.competencyId).where(sql`${t.decision} is null`)],
);

/** A person's request to change their workforce group, decided by a coordinator or their organisation's lead. */
export const workforceGroupRequests = pgTable(
  'workforce_group_requests',
  {
    id: id(),
    partnershipId: partnershipRef(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** The group they had when they asked (null: none). */
    fromGroupId: uuid('from_group_id').references(() => workforceGroups.id),
    workforceGroupId: uuid('workforce_group_id')
      .notNull()
      .references(() => workforceGroups.id),
    reason: text('reason').notNull(),
    requestedAt: at('requested_at').notNull(),
    decision: text('decision').$type<'approved' | 'declined'>(),
    decidedAt: at('decided_at'),
    decidedBy: uuid('decided_by').references(() => people.id, { onDelete: 'set null' }),
    /** Why it was declined, as the person is told. */
    declineReason: text('decline_reason').notNull().default(''),
  },
  (t) => [
    uniqueIndex('workforce_group_requests_one_open').on(t.personId).where(sql`${t.decision} is null`),
    check('workforce_group_requests_not_self', sql`${t.decidedBy} is null or ${t.decidedBy} <> ${t.personId}`),
  ],
);

/**
 * The PPL group's year-end review of a prospectus year's training offer: a draft until the
 * reviewers agree it, read-only while agreed, and reopened (audited) to change it again. Created
 * with its first decision. `nextProspectusId` is the draft prospectus started from it.
 */
export const yearReviews = pgTable(
  'year_reviews',
  {
    id: id(),
    partnershipId: partnershipRef(),
    prospectusId: uuid('prospectus_id')
      .notNull()
      .references(() => prospectuses.id),
    status: text('status').$type<'draft' | 'agreed'>().notNull().default('draft'),
    agreedAt: at('agreed_at'),
    agreedBy: uuid('agreed_by').references(() => people.id, { onDelete: 'set null' }),
    nextProspectusId: uuid('next_prospectus_id').references(() => prospectuses.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('year_reviews_prospectus_unique').on(t.partnershipId, t.prospectusId),
    check('year_reviews_agreed_when', sql`(${t.status} = 'agreed') = (${t.agreedAt} is not null)`),
  ],
);

export const COURSE_DECISIONS = ['keep', 'revise', 'retire', 'merge'] as const;
export type CourseDecision = (typeof COURSE_DECISIONS)[number];

/** A review's decision on one course of its prospectus: the latest one stands (each is audited). */
export const yearReviewDecisions = pgTable(
  'year_review_decisions',
  {
    reviewId: uuid('review_id')
      .notNull()
      .references(() => yearReviews.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    decision: text('decision').$type<CourseDecision>().notNull(),
    /** What to change, for a course to revise. */
    changes: text('changes').notNull().default(''),
    /** The course of the same prospectus it merges into. */
    mergeIntoCourseId: uuid('merge_into_course_id').references(() => courses.id),
    note: text('note').notNull().default(''),
    decidedBy: uuid('decided_by').references(() => people.id, { onDelete: 'set null' }),
    decidedAt: at('decided_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.reviewId, t.courseId] }),
    check('year_review_decisions_revise_says_what', sql`${t.decision} <> 'revise' or ${t.changes} <> ''`),
    check('year_review_decisions_merge_target', sql`(${t.decision} = 'merge') = (${t.mergeIntoCourseId} is not null)`),
    check('year_review_decisions_not_into_itself', sql`${t.mergeIntoCourseId} is null or ${t.mergeIntoCourseId} <> ${t.courseId}`),
  ],
);

/**
 * The wording of a review's annual report section as reviewers edited it: each paragraph's
 * template with its named placeholders ({sessionsDelivered}), filled from the year's figures
 * whenever it is read. A paragraph not here reads in the default wording.
 */
export const yearReviewReports = pgTable('year_review_reports', {
  reviewId: uuid('review_id')
    .primaryKey()
    .references(() => yearReviews.id, { onDelete: 'cascade' }),
  paragraphs: jsonb('paragraphs').$type<Record<string, string>>().notNull(),
  editedBy: uuid('edited_by').references(() => people.id, { onDelete: 'set null' }),
  editedAt: at('edited_at').notNull(),
});

/**
 * A gap a review considered for commissioning: a required competency no course develops
 * (`key` is its id) or a theme with no or weakly evaluated training (`key` is the theme), accepted
 * or dismissed with a note. Candidates are worked out on every read; only the decisions are kept.
 */
export const yearReviewGaps = pgTable(
  'year_review_gaps',
  {
    id: id(),
    reviewId: uuid('review_id')
      .notNull()
      .references(() => yearReviews.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'competency' | 'theme'>().notNull(),
    key: text('key').notNull(),
    /** What the gap was called when decided: the competency's code and statement, or the theme. */
    label: text('label').notNull(),
    decision: text('decision').$type<'accepted' | 'dismissed'>().notNull(),
    note: text('note').notNull().default(''),
    decidedBy: uuid('decided_by').references(() => people.id, { onDelete: 'set null' }),
    decidedAt: at('decided_at').notNull(),
  },
  (t) => [uniqueIndex('year_review_gaps_once').on(t.reviewId, t.kind, t.key)],
);
