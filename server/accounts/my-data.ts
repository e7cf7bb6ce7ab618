// A person's own data (subject access): everything held about the signed-in person, and only
// theirs. Every query is keyed by the actor's id; nothing here takes a person id from outside.
import { withSessionAndCourse } from '../bookings/joins';
import { and, asc, eq, inArray, or, sql, type SQLWrapper } from 'drizzle-orm';
import {
  apiTokens,
  auditLog,
  bookings,
  competencies,
  competencyConfirmationRequests,
  competencyConfirmations,
  courses,
  eLearningCompletions,
  erasureRequests,
  feedback,
  followUpSurveys,
  impactResponses,
  managerResponses,
  organisations,
  people,
  personRoles,
  sessions,
  workforceGroupRequests,
  workforceGroups,
} from '../../db/schema';
import type { PersonalContext } from '../shared/context';
import { notFound } from '../shared/errors';

export async function myData(s: PersonalContext) {
  const me = s.actor.id;
  const db = s.db;
  const [account] = await db
    .select({
      name: people.name,
      email: people.email,
      jobTitle: people.jobTitle,
      organisation: organisations.name,
      workforceGroup: workforceGroups.name,
      lineManagerEmail: people.lineManagerEmail,
      lineManagerEmailWaitingForConfirmation: people.pendingLineManagerEmail,
      createdAt: people.createdAt,
      lastSignedInAt: people.lastSignedInAt,
    })
    .from(people)
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .leftJoin(workforceGroups, eq(workforceGroups.id, people.workforceGroupId))
    .where(and(eq(people.id, me), eq(people.partnershipId, s.partnership.id)));
  if (!account) throw notFound('Person');

  const myBookings = db.select({ id: bookings.id }).from(bookings).where(eq(bookings.personId, me));
  const idText = (column: SQLWrapper) => sql<string>`${column}::text`;

  const [roles, bookingRows, feedbackRows, surveyRows, eLearning, confirmations, confirmationRequests, groupRequests, tokens, erasure] = await Promise.all([
    db.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, me)),
    withSessionAndCourse(
      db
        .select({
          id: bookings.id,
          course: courses.title,
          startsAt: sessions.startsAt,
          endsAt: sessions.endsAt,
          venue: sessions.venue,
          online: sessions.online,
          sessionStatus: sessions.status,
          status: bookings.status,
          walkIn: bookings.walkIn,
          bookedAt: bookings.createdAt,
          cancelledAt: bookings.cancelledAt,
          cancelReason: bookings.cancelReason,
          lateCancellation: bookings.lateCancellation,
          attendanceRecordedAt: bookings.attendanceRecordedAt,
          certificateCode: bookings.certificateCode,
        })
        .from(bookings)
        .$dynamic(),
    )
      .where(eq(bookings.personId, me))
      .orderBy(asc(sessions.startsAt)),
    db
      .select({
        bookingId: feedback.bookingId,
        outcomesMet: feedback.outcomesMet,
        relevance: feedback.relevance,
        delivery: feedback.delivery,
        confidenceBefore: feedback.confidenceBefore,
        confidenceAfter: feedback.confidenceAfter,
        willDoDifferently: feedback.willDoDifferently,
        comments: feedback.comments,
        givenAt: feedback.createdAt,
      })
      .from(feedback)
      .where(inArray(feedback.bookingId, myBookings)),
    db
      .select({ survey: followUpSurveys, yours: impactResponses, manager: managerResponses })
      .from(followUpSurveys)
      .leftJoin(impactResponses, eq(impactResponses.surveyId, followUpSurveys.id))
      .leftJoin(managerResponses, eq(managerResponses.surveyId, followUpSurveys.id))
      .where(inArray(followUpSurveys.bookingId, myBookings)),
    db
      .select({ course: courses.title, completedOn: eLearningCompletions.completedOn, source: eLearningCompletions.source })
      .from(eLearningCompletions)
      .innerJoin(courses, eq(courses.id, eLearningCompletions.courseId))
      .where(eq(eLearningCompletions.personId, me)),
    db
      .select({ competency: competencies.code, statement: competencies.statement, confirmedByEmail: competencyConfirmations.confirmedByEmail, note: competencyConfirmations.note, confirmedAt: competencyConfirmations.confirmedAt })
      .from(competencyConfirmations)
      .innerJoin(competencies, eq(competencies.id, competencyConfirmations.competencyId))
      .where(eq(competencyConfirmations.personId, me)),
    db
      .select({
        competency: competencies.code,
        managerEmail: competencyConfirmationRequests.managerEmail,
        note: competencyConfirmationRequests.note,
        requestedAt: competencyConfirmationRequests.requestedAt,
        decision: competencyConfirmationRequests.decision,
        decidedAt: competencyConfirmationRequests.decidedAt,
        managerNote: competencyConfirmationRequests.managerNote,
      })
      .from(competencyConfirmationRequests)
      .innerJoin(competencies, eq(competencies.id, competencyConfirmationRequests.competencyId))
      .where(eq(competencyConfirmationRequests.personId, me)),
    db
      .select({ workforceGroup: workforceGroups.name, reason: workforceGroupRequests.reason, requestedAt: workforceGroupRequests.requestedAt, decision: workforceGroupRequests.decision, decidedAt: workforceGroupRequests.decidedAt, declineReason: workforceGroupRequests.declineReason })
      .from(workforceGroupRequests)
      .innerJoin(workforceGroups, eq(workforceGroups.id, workforceGroupRequests.workforceGroupId))
      .where(eq(workforceGroupRequests.personId, me)),
    db.select({ name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, expiresAt: apiTokens.expiresAt, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.personId, me)),
    db.select({ requestedAt: erasureRequests.requestedAt, closedAt: erasureRequests.closedAt }).from(erasureRequests).where(eq(erasureRequests.personId, me)),
  ]);

  // The audit entries about them: their account, bookings, surveys, evidence and requests.
  const about = (type: string, ids: SQLWrapper) => and(eq(auditLog.subjectType, type), inArray(auditLog.subjectId, ids));
  const audit = await db
    .select({ at: auditLog.at, action: auditLog.action, actorId: auditLog.actorId, detail: auditLog.detail })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.partnershipId, s.partnership.id),
        or(
          and(eq(auditLog.subjectType, 'person'), eq(auditLog.subjectId, me)),
          about('booking', db.select({ id: idText(bookings.id) }).from(bookings).where(eq(bookings.personId, me))),
          about('follow-up survey', db.select({ id: idText(followUpSurveys.id) }).from(followUpSurveys).where(inArray(followUpSurveys.bookingId, myBookings))),
          about('competency confirmation', db.select({ id: idText(competencyConfirmations.id) }).from(competencyConfirmations).where(eq(competencyConfirmations.personId, me))),
          about('competency confirmation request', db.select({ id: idText(competencyConfirmationRequests.id) }).from(competencyConfirmationRequests).where(eq(competencyConfirmationRequests.personId, me))),
          about('workforce group request', db.select({ id: idText(workforceGroupRequests.id) }).from(workforceGroupRequests).where(eq(workforceGroupRequests.personId, me))),
        ),
      ),
    )
    .orderBy(asc(auditLog.at), asc(auditLog.seq));

  return {
    partnership: s.partnership.name,
    account,
    roles: roles.map((r) => r.role).sort(),
    bookings: bookingRows.map((b) => ({ ...b, feedback: feedbackRows.find((f) => f.bookingId === b.id) ?? null })),
    surveys: surveyRows.map(({ survey, yours, manager }) => ({
      bookingId: survey.bookingId,
      askedOf: survey.respondent === 'attendee' ? 'you' : 'your line manager',
      managerEmail: survey.managerEmail,
      status: survey.status,
      sentAt: survey.sentAt,
      answeredAt: survey.answeredAt,
      answer: yours ? withoutIds(yours) : manager ? withoutIds(manager) : null,
    })),
    eLearning,
    competencyConfirmations: confirmations,
    competencyConfirmationRequests: confirmationRequests,
    workforceGroupRequests: groupRequests,
    apiTokens: tokens,
    erasureRequests: erasure,
    auditEntries: audit.map(({ actorId, ...entry }) => ({ ...entry, by: actorId === me ? 'you' : actorId ? 'partnership staff' : 'the system' })),
  };
}

export type MyData = Awaited<ReturnType<typeof myData>>;

/** An answer's fields without the row ids and who featured it. */
function withoutIds<T extends { id: string; partnershipId: string; surveyId: string }>(row: T) {
  const { id: _id, partnershipId: _p, surveyId: _s, ...rest } = row as T & { featuredBy?: unknown };
  delete (rest as { featuredBy?: unknown }).featuredBy;
  return rest;
}
