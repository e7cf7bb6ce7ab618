// The demo's three-month surveys. The seed records attendance through the attendance service, which
// schedules each survey; the real jobs then send, remind and close them as the demo's clock passes
// the moments they are due, and about two in three attendees answer (the police seldom do), most
// within a fortnight of the email arriving, with a spread of answers. The demo practitioner answers
// one survey, on a course early in the year, and leaves their latest open, its email in the dev
// mailbox.
import { and, asc, eq, ne } from 'drizzle-orm';
import { bookings, COMPETENCY_SELF_ASSESSMENTS, courses, followUpSurveys, impactResponses, organisations, people, sessions, type Sector } from '../../db/schema';
import { codeAnswer, featureAnswer, flaggedDetails, getAnswer, listAnswerThemes } from '../impact/answers';
import { lapseApprovals } from '../bookings/service';
import { sendSessionReminders } from '../bookings/reminders';
import { answerImpactSurvey, closeExpiredFollowUps, followUpDueAt, reminderDays, sendDueFollowUps, sendFollowUpReminders, surveyForAttendee, type ImpactInput } from '../follow-ups/service';
import { DAY, HOUR } from '../shared/clock';
import type { Partnership, PersonalContext, ServiceContext } from '../shared/context';

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
/** The partnership's default themes each of CHANGES is about, as a reviewer would code it. */
const CHANGE_THEMES: string[][] = [
  ['Professional curiosity', 'Recognising risk'],
  ['Early help and referral', 'Recognising risk'],
  ['Information sharing', 'Joint working'],
  ['Voice of the child', 'Direct work with children'],
  ['Recognising risk', 'Joint working'],
];
const BARRIERS = ['', 'Caseloads make it hard to find time for multi-agency meetings.', '', 'Not every partner knows the new pathway yet.', ''];

/**
 * The cron table's quarter-hourly jobs (jobs/registry.ts), by the same names and in its order.
 * They are called here for the demo's partnership alone: the registry runs them for every
 * partnership in the database, and the demo's past belongs to its own partnership.
 */
const JOBS = {
  'lapse-approvals': lapseApprovals,
  'session-reminders': sendSessionReminders,
  'close-follow-ups': closeExpiredFollowUps,
  'send-follow-ups': sendDueFollowUps,
  'remind-follow-ups': sendFollowUpReminders,
} satisfies Record<string, (s: ServiceContext) => Promise<unknown>>;
export type JobName = keyof typeof JOBS;
export const ALL_JOBS = Object.keys(JOBS) as JobName[];

/** Runs these jobs (all of them unless told), in the cron table's order. */
export async function runJobs(s: ServiceContext, which: ReadonlySet<JobName> = new Set(ALL_JOBS)): Promise<void> {
  for (const job of ALL_JOBS) if (which.has(job)) await JOBS[job](s);
}

/**
 * The moments the jobs have work for a session, by the partnership's policy: each reminder before
 * it, and its surveys' due date, reminders and closing (a survey goes out when it falls due, so its
 * reminders and closing follow from that). Running each job at these moments, and every job once
 * more at the end, does what running them every quarter of an hour would. Reminders before a
 * session are run only for sessions still to come by `now`: for the others they would only make
 * mail that is not kept (server/demo/mail.ts), and what the job records gates nothing after the
 * session has started.
 */
export function jobMoments(policy: Partnership, session: { startsAt: Date; endsAt: Date }, now: Date): { at: Date; job: JobName }[] {
  const after = (from: Date, days: number) => new Date(from.getTime() + days * DAY);
  const due = followUpDueAt(policy, session.endsAt);
  return [
    ...(session.startsAt > now ? policy.sessionReminderDays.map((days) => ({ at: after(session.startsAt, -days), job: 'session-reminders' as const })) : []),
    { at: due, job: 'send-follow-ups' },
    ...reminderDays(policy).map((days) => ({ at: after(due, days), job: 'remind-follow-ups' as const })),
    { at: after(due, policy.followUpCloseDays), job: 'close-follow-ups' },
  ];
}

/** The prospectus's attendee surveys the jobs sent at this moment, in the order of their sessions and bookings. */
export async function surveysJustSent(s: ServiceContext, prospectusId: string) {
  return s.db
    .select({ surveyId: followUpSurveys.id, sessionId: sessions.id, personId: bookings.personId, sector: organisations.sector, sentAt: followUpSurveys.sentAt })
    .from(followUpSurveys)
    .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
    .innerJoin(people, eq(people.id, bookings.personId))
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(
      and(
        eq(followUpSurveys.partnershipId, s.partnership.id),
        eq(followUpSurveys.respondent, 'attendee'),
        eq(followUpSurveys.status, 'sent'),
        eq(followUpSurveys.sentAt, s.clock.now()),
        eq(courses.prospectusId, prospectusId),
      ),
    )
    .orderBy(asc(sessions.startsAt), asc(bookings.createdAt));
}

/**
 * The sector that seldom answers its three-month surveys (one in five), so that the impact
 * dashboard's check on who answered has something to warn about.
 */
export const SELDOM_ANSWERS: Sector = 'Police';

/**
 * When the `n`th survey sent is answered, after its email arrived; undefined for the one in three
 * who never answer (four in five in SELDOM_ANSWERS).
 */
export function answerDelay(n: number, sector: Sector): number | undefined {
  if (sector === SELDOM_ANSWERS ? n % 5 !== 0 : n % 3 === 2) return undefined;
  return (1 + ((n * 7) % 20)) * DAY + (n % 8) * HOUR;
}

/**
 * The attendee, signed in, opens the survey from "Your learning" and answers it. A survey that is
 * no longer open (it closed first) is left alone: the services decide, not the seed.
 */
export async function answerSurvey(s: PersonalContext, surveyId: string, n: number): Promise<boolean> {
  const found = await surveyForAttendee(s, surveyId);
  if (found.state !== 'open') return false;
  const changed = (['yes', 'yes', 'not yet', 'yes', 'no'] as const)[n % 5];
  const answers: ImpactInput = {
    practiceChanged: changed,
    practiceChangeHow: changed === 'yes' ? CHANGES[n % CHANGES.length] : '',
    outcomeImproved: (['yes', 'not yet', 'yes', 'not applicable', 'no'] as const)[n % 5],
    outcomeExample: n % 5 === 4 ? '' : EXAMPLES[n % EXAMPLES.length],
    sharedLearning: n % 4 === 3 ? 'no' : 'yes',
    sharedHow: n % 4 === 3 ? '' : n % 2 ? 'Team meeting' : 'Supervision and a team briefing',
    barriers: BARRIERS[n % BARRIERS.length],
    confidenceNow: 6 + (n % 4),
    competencies: Object.fromEntries(found.competencies.map((c, k) => [c.id, COMPETENCY_SELF_ASSESSMENTS[Math.min(2, 1 + ((n + k) % 3))]])),
    quotationConsent: n % 3 === 0 ? 'yes' : 'no',
  };
  await answerImpactSurvey(s, found, answers);
  return true;
}

/**
 * The demo practitioner's answer: practice not changed yet, confident in the competency with this
 * code and still developing the others the course develops, so that their competency profile shows
 * that one applied and the others learned.
 */
export async function answerAsPractitioner(s: PersonalContext, surveyId: string, confidentIn: string): Promise<void> {
  const found = await surveyForAttendee(s, surveyId);
  if (found.state !== 'open') return;
  await answerImpactSurvey(s, found, {
    practiceChanged: 'not yet',
    practiceChangeHow: '',
    outcomeImproved: 'not yet',
    outcomeExample: '',
    sharedLearning: 'yes',
    sharedHow: 'Told my team at our weekly huddle',
    barriers: 'I have not yet had a family where it came up.',
    confidenceNow: 7,
    competencies: Object.fromEntries(found.competencies.map((c) => [c.id, c.code === confidentIn ? 'confident' : 'developing'])),
    quotationConsent: 'no',
  });
}

/**
 * The reviewer reads the year's answers: codes two in three of those that say how practice changed
 * with the themes they are about (the rest are left to code), and features the first few whose
 * authors agreed to be quoted and whose words the identifying-details check does not flag.
 */
export async function reviewAnswers(s: ServiceContext, prospectusId: string, featureHowMany = 4): Promise<void> {
  const answers = await s.db
    .select({ id: impactResponses.id, how: impactResponses.practiceChangeHow, consent: impactResponses.quotationConsent })
    .from(impactResponses)
    .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
    .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(eq(courses.prospectusId, prospectusId), ne(impactResponses.practiceChangeHow, '')))
    .orderBy(asc(impactResponses.createdAt), asc(impactResponses.id));
  const themes = await listAnswerThemes(s);
  const themeId = (name: string) => themes.find((t) => t.name === name)?.id;
  let featured = 0;
  for (const [n, answer] of answers.entries()) {
    if (n % 3 !== 2) {
      const ids = (CHANGE_THEMES[CHANGES.indexOf(answer.how)] ?? []).map(themeId).filter((id): id is string => Boolean(id));
      await codeAnswer(s, answer.id, ids);
    }
    if (featured < featureHowMany && answer.consent && !flaggedDetails(await getAnswer(s, answer.id))) {
      await featureAnswer(s, answer.id, { checked: false });
      featured++;
    }
  }
}
