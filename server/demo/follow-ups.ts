// The demo's three-month surveys: every attendance seeded by ./seed gets its survey, in the state
// it would be in by now had the jobs been running all year, with a spread of answers. The demo
// practitioner has one open, and its email waits in the dev mailbox so a newcomer can follow the
// link. Nothing here is queued for sending: the jobs find nothing overdue on the first start.
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/database';
import { bookings, courseCompetencies, courses, followUpLinks, followUpSurveys, impactResponses, partnerships, people, sessions, COMPETENCY_SELF_ASSESSMENTS, type FollowUpStatus } from '../../db/schema';
import { followUpDueAt, nextReminder, reminderDays, remindersDueBy } from '../follow-ups/service';
import { followUpMail } from '../follow-ups/messages';
import { DAY } from '../shared/clock';
import { queueMail } from '../mail/outbox';
import { generateToken, hashToken } from '../shared/tokens';

const CHANGES = [
  'I ask about who else lives in the home at every visit, and record it.',
  'I now use the Graded Care Profile before a referral, so my referrals say what the child’s day is like.',
  'I check in with the school nurse and early help worker before closing a case.',
  'I talk to the child on their own and write down what they say in their words.',
  'I am quicker to ask for a strategy discussion when I see signs of exploitation.',
];
const EXAMPLES = [
  'A family I was worried about now has an early help plan, and the child’s attendance at nursery has gone up.',
  'A young person at risk of exploitation was referred sooner and now has a trusted worker.',
  'A baby’s weight gain is being monitored jointly, and the parents are engaging with the health visitor.',
  '',
  'A teenager disclosed to me because I asked directly; they are now safe and supported.',
];
const BARRIERS = ['', 'Caseloads make it hard to find time for multi-agency meetings.', '', 'Not every partner knows the new pathway yet.', ''];

type Partnership = typeof partnerships.$inferSelect;

/** Where a survey would stand by `now`: scheduled, out (sent or reminded), answered or closed. */
function stateBy(policy: Partnership, dueAt: Date, now: Date, i: number) {
  if (dueAt > now) return { status: 'scheduled' as FollowUpStatus };
  const sentAt = dueAt;
  const closesAt = new Date(sentAt.getTime() + policy.followUpCloseDays * DAY);
  // About two in three answer, most in the first fortnight.
  const answeredAt = new Date(sentAt.getTime() + (1 + ((i * 7) % 20)) * DAY);
  if (i % 3 !== 2 && answeredAt <= now && answeredAt < closesAt) return { status: 'answered' as FollowUpStatus, sentAt, closesAt, answeredAt, remindersSent: remindersDueBy(policy, sentAt, answeredAt) };
  if (closesAt <= now) return { status: 'closed' as FollowUpStatus, sentAt, closesAt, closedAt: closesAt, remindersSent: reminderDays(policy).length };
  const passed = remindersDueBy(policy, sentAt, now);
  return { status: (passed ? 'reminded' : 'sent') as FollowUpStatus, sentAt, closesAt, remindersSent: passed, nextReminderAt: nextReminder(policy, sentAt, passed) };
}

export async function seedFollowUps(tx: Executor, partnership: Partnership, now: Date, practitionerEmail: string, baseUrl = 'http://localhost:8787') {
  const attended = await tx
    .select({ bookingId: bookings.id, endsAt: sessions.endsAt, courseId: sessions.courseId })
    .from(bookings)
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .where(and(eq(bookings.partnershipId, partnership.id), inArray(bookings.status, ['attended', 'partly attended'])))
    .orderBy(sessions.startsAt, bookings.id);
  if (!attended.length) return;
  const surveys = await tx
    .insert(followUpSurveys)
    .values(attended.map((a, i) => ({ partnershipId: partnership.id, bookingId: a.bookingId, respondent: 'attendee' as const, dueAt: followUpDueAt(partnership, a.endsAt), ...stateBy(partnership, followUpDueAt(partnership, a.endsAt), now, i) })))
    .returning();

  const developed = await tx.select().from(courseCompetencies);
  const byBooking = new Map(attended.map((a) => [a.bookingId, a.courseId]));
  const answered = surveys.filter((s) => s.status === 'answered');
  if (answered.length) {
    await tx.insert(impactResponses).values(
      answered.map((s, i) => ({
        partnershipId: partnership.id,
        surveyId: s.id,
        practiceChanged: (['yes', 'yes', 'not yet', 'yes', 'no'] as const)[i % 5],
        practiceChangeHow: i % 5 === 2 || i % 5 === 4 ? '' : CHANGES[i % CHANGES.length],
        outcomeExample: i % 5 === 4 ? '' : EXAMPLES[i % EXAMPLES.length],
        sharedLearning: i % 4 !== 3,
        sharedHow: i % 4 === 3 ? '' : i % 2 ? 'Team meeting' : 'Supervision and a team briefing',
        barriers: BARRIERS[i % BARRIERS.length],
        confidenceNow: 6 + (i % 4),
        competencies: Object.fromEntries(
          developed.filter((d) => d.courseId === byBooking.get(s.bookingId)).map((d, k) => [d.competencyId, COMPETENCY_SELF_ASSESSMENTS[Math.min(2, 1 + ((i + k) % 3))]]),
        ),
        quotationConsent: i % 3 === 0,
        createdAt: s.answeredAt!,
      })),
    );
  }

  await openSurveyForPractitioner(tx, partnership, now, practitionerEmail, baseUrl);
}

/**
 * The demo practitioner came to a session three to four months ago; its survey is out, and the
 * email with its link is in the dev mailbox.
 */
async function openSurveyForPractitioner(tx: Executor, partnership: Partnership, now: Date, email: string, baseUrl: string) {
  const [person] = await tx.select().from(people).where(and(eq(people.partnershipId, partnership.id), eq(people.email, email)));
  const recent = await tx
    .select({ id: sessions.id, startsAt: sessions.startsAt, endsAt: sessions.endsAt, courseTitle: courses.title })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(eq(sessions.partnershipId, partnership.id), eq(sessions.status, 'delivered')))
    .orderBy(sessions.startsAt);
  const session = recent.filter((s) => followUpDueAt(partnership, s.endsAt) <= now).at(-1);
  if (!person || !session) return;
  const [booking] = await tx
    .insert(bookings)
    .values({ partnershipId: partnership.id, sessionId: session.id, personId: person.id, status: 'attended', createdAt: new Date(session.startsAt.getTime() - 20 * DAY), attendanceRecordedAt: session.endsAt })
    .returning();
  const sentAt = followUpDueAt(partnership, session.endsAt);
  const closesAt = new Date(Math.max(sentAt.getTime(), now.getTime() - 7 * DAY) + partnership.followUpCloseDays * DAY);
  const [survey] = await tx
    .insert(followUpSurveys)
    .values({ partnershipId: partnership.id, bookingId: booking.id, respondent: 'attendee', dueAt: sentAt, status: 'sent', sentAt, closesAt })
    .returning();
  const token = generateToken();
  await tx.insert(followUpLinks).values({ tokenHash: hashToken(token), surveyId: survey.id, createdAt: now });
  const context = { config: { baseUrl }, partnership };
  const details = { survey, personName: person.name, personEmail: person.email, courseTitle: session.courseTitle, startsAt: session.startsAt };
  await queueMail(tx, { partnershipId: partnership.id, now }, followUpMail.invitation(context, details, token, closesAt));
}
