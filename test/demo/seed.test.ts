// The demo, seeded once as at a fixed moment, keeps every promise the app makes: read back with
// SQL, as a reviewer of the data would check it. Each check looks at rows that exist (the variety
// checks at the end make sure of that), so each can fail.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import * as ref from '../../db/reference-data';
import {
  auditLog,
  bookings,
  feedback,
  followUpLinks,
  followUpSurveys,
  impactResponses,
  outbox,
  partnerships,
  people,
  sessions,
} from '../../db/schema';
import { seedDemo } from '../../server/demo/seed';
import { followUpDueAt, nextReminder, reminderDays, remindersDueBy, surveyByToken } from '../../server/follow-ups/service';
import { liveBookingFor } from '../../server/bookings/service';
import { myCompetencyProfile } from '../../server/competencies/service';
import { byTheme, weakFollowUp } from '../../server/impact/by-theme';
import { impactDashboard, impactRange } from '../../server/impact/service';
import { fixedClock } from '../../server/shared/clock';
import { hashToken } from '../../server/shared/tokens';
import { createTestDatabase } from '../support/database';
import { testConfig } from '../support/app';

const NOW = new Date('2026-12-01T09:00:00Z');
const BASE_URL = 'http://localhost:8787';
const DAY = 86_400_000;

let database: OpenDatabase;
let partnership: typeof partnerships.$inferSelect;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
  expect(await seedDemo(db(), NOW, { baseUrl: BASE_URL })).toEqual({ created: true });
  [partnership] = await db().select().from(partnerships);
}, 180_000);
afterAll(() => database?.close());

/** Rows of a raw query, whichever engine answers (postgres.js gives an array, PGlite an object with rows). */
async function rows<T = Record<string, unknown>>(query: SQL): Promise<T[]> {
  const result = await db().execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}
const one = async (query: SQL) => Number(Object.values((await rows(query))[0])[0]);
/** Sessions of the year the demo played through the services; the imported past years were not booked here. */
const PLAYED = sql`s.course_id in (select c.id from courses c join prospectuses p on p.id = c.prospectus_id where p.imported_at is null)`;

describe('the seeded demo keeps the booking promises', () => {
  it('never has more places held than the capacity, and places_taken counts them exactly', async () => {
    // Confirmed and pending bookings hold a place; once the register is marked, the bookings that
    // held one are attended, partly attended or did not attend, and the place stays counted (a
    // walk-in takes none).
    const held = await rows<{ id: string; capacity: number; places_taken: number; holding: number; held: number }>(sql`
      select s.id, s.capacity, s.places_taken,
             (select count(*)::int from bookings b where b.session_id = s.id and b.status in ('confirmed', 'pending approval')) as holding,
             (select count(*)::int from bookings b where b.session_id = s.id and not b.walk_in
                and b.status in ('confirmed', 'pending approval', 'attended', 'partly attended', 'did not attend')) as held
      from sessions s`);
    expect(held.length).toBeGreaterThan(40);
    for (const s of held) {
      expect(s.held, `session ${s.id}`).toBeLessThanOrEqual(s.capacity);
      expect(s.places_taken, `session ${s.id}`).toBe(s.held);
    }
    // Where the register is not marked yet, places_taken is exactly the confirmed and pending bookings.
    const unmarked = held.filter((s) => s.holding === s.held);
    expect(unmarked.length).toBeGreaterThan(5);
    for (const s of unmarked) expect(s.places_taken, `session ${s.id}`).toBe(s.holding);
  });

  it('gives a person at most one live booking per session', async () => {
    const twice = await rows(sql`
      select session_id, person_id, count(*)::int as n from bookings
      where status in ('confirmed', 'pending approval', 'waitlisted')
      group by session_id, person_id having count(*) > 1`);
    expect(twice).toEqual([]);
    expect(await one(sql`select count(*)::int from bookings where status in ('confirmed', 'waitlisted')`)).toBeGreaterThan(0);
  });

  it('keeps each waiting list first come, first served, with positions 1, 2, 3 ... and no free place left unfilled', async () => {
    const waiting = await db()
      .select({ id: bookings.id, sessionId: bookings.sessionId, personId: bookings.personId, queueNumber: bookings.queueNumber, waitlistedAt: bookings.waitlistedAt })
      .from(bookings)
      .where(eq(bookings.status, 'waitlisted'))
      .orderBy(bookings.sessionId, bookings.queueNumber);
    const bySession = new Map<string, typeof waiting>();
    for (const b of waiting) bySession.set(b.sessionId, [...(bySession.get(b.sessionId) ?? []), b]);
    expect(bySession.size).toBeGreaterThan(0);
    for (const [sessionId, list] of bySession) {
      const [session] = await db().select().from(sessions).where(eq(sessions.id, sessionId));
      // Someone waits only while the session is full.
      expect(session.placesTaken, `session ${sessionId}`).toBe(session.capacity);
      for (let i = 1; i < list.length; i++) {
        expect(list[i].queueNumber).toBeGreaterThan(list[i - 1].queueNumber);
        expect(list[i].waitlistedAt!.getTime()).toBeGreaterThan(list[i - 1].waitlistedAt!.getTime());
      }
      const positions = await Promise.all(list.map(async (b) => (await liveBookingFor(db(), sessionId, b.personId))!.position));
      expect(positions).toEqual(list.map((_, i) => i + 1));
    }
    // A freed place went to the first in the queue: everyone promoted joined before everyone still waiting.
    const promoted = await db()
      .select({ sessionId: bookings.sessionId, queueNumber: bookings.queueNumber })
      .from(auditLog)
      .innerJoin(bookings, sql`${bookings.id}::text = ${auditLog.subjectId}`)
      .where(eq(auditLog.action, 'booking.promoted'));
    expect(promoted.length).toBeGreaterThan(0);
    for (const p of promoted) {
      for (const w of bySession.get(p.sessionId) ?? []) expect(p.queueNumber).toBeLessThan(w.queueNumber);
    }
  });

  it('books before the session starts and before booking closes, and records the register after it starts', async () => {
    const early = await rows(sql`
      select b.id from bookings b join sessions s on s.id = b.session_id
      where ${PLAYED} and (b.created_at >= s.starts_at or (b.booked_by is null and b.created_at >= s.booking_closes_at)
         or (b.cancelled_at is not null and (b.cancelled_at < b.created_at or b.cancelled_at >= s.starts_at)))`);
    expect(early).toEqual([]);
    const marked = await rows(sql`
      select b.id from bookings b join sessions s on s.id = b.session_id
      where b.status in ('attended', 'partly attended', 'did not attend')
        and (b.attendance_recorded_at is null or b.attendance_recorded_at < s.starts_at - interval '15 minutes' or b.attendance_recorded_at > ${NOW.toISOString()}::timestamptz)`);
    expect(marked).toEqual([]);
    const lateFeedback = await rows(sql`
      select f.id from feedback f join bookings b on b.id = f.booking_id
      where b.status not in ('attended', 'partly attended') or f.created_at < b.attendance_recorded_at or f.created_at > ${NOW.toISOString()}::timestamptz`);
    expect(lateFeedback).toEqual([]);
    // Every change to bookings and attendance is in the audit log.
    const unaudited = await rows(sql`
      select b.id from bookings b join sessions s on s.id = b.session_id
      where ${PLAYED} and not exists (select 1 from audit_log a where a.subject_id = b.id::text and a.action = 'booking.created')
         or ${PLAYED} and (b.attendance_recorded_at is not null and not exists (select 1 from audit_log a where a.subject_id = b.id::text and a.action = 'attendance.recorded'))`);
    expect(unaudited).toEqual([]);
    expect(await one(sql`select count(*)::int from bookings where attendance_recorded_at is not null`)).toBeGreaterThan(0);
  });
});

describe('the seeded demo keeps the follow-up promises', () => {
  it('gives every attended booking exactly one attendee survey, and no other booking any', async () => {
    const wrong = await rows(sql`
      select b.id, b.status, count(f.id)::int as surveys from bookings b
      left join follow_up_surveys f on f.booking_id = b.id and f.respondent = 'attendee'
      group by b.id, b.status
      having count(f.id) <> case when b.status in ('attended', 'partly attended') then 1 else 0 end`);
    expect(wrong).toEqual([]);
    expect(await one(sql`select count(*)::int from follow_up_surveys`)).toBeGreaterThan(0);
  });

  it('has each survey where its dates and the policy put it: none sent before due, reminded at most as the policy says, closed when the window ends', async () => {
    const surveys = await db()
      .select({ survey: followUpSurveys, endsAt: sessions.endsAt, answered: impactResponses.id })
      .from(followUpSurveys)
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
      .leftJoin(impactResponses, eq(impactResponses.surveyId, followUpSurveys.id))
      .where(sql`${sessions.courseId} in (select c.id from courses c join prospectuses p on p.id = c.prospectus_id where p.imported_at is null)`);
    const links = new Map((await rows<{ survey_id: string; n: number }>(sql`select survey_id, count(*)::int as n from follow_up_links group by survey_id`)).map((l) => [l.survey_id, l.n]));
    const reminders = reminderDays(partnership).length;
    expect(surveys.length).toBeGreaterThan(100);
    for (const { survey: s, endsAt, answered } of surveys) {
      const label = `survey ${s.id} (${s.status})`;
      expect(s.dueAt, label).toEqual(followUpDueAt(partnership, endsAt));
      expect(Boolean(answered), label).toBe(s.status === 'answered');
      if (s.status === 'scheduled') {
        // The jobs ran at NOW: nothing due is still waiting to go.
        expect(s.dueAt.getTime(), label).toBeGreaterThan(NOW.getTime());
        expect([s.sentAt, s.closesAt, links.get(s.id)], label).toEqual([null, null, undefined]);
        continue;
      }
      const sentAt = s.sentAt!;
      expect(sentAt.getTime(), label).toBeGreaterThanOrEqual(s.dueAt.getTime());
      expect(sentAt.getTime(), label).toBeLessThanOrEqual(NOW.getTime());
      expect(s.closesAt!.getTime(), label).toBe(sentAt.getTime() + partnership.followUpCloseDays * DAY);
      expect(s.remindersSent, label).toBeLessThanOrEqual(reminders);
      // Each email (the first and each reminder) carried a new link of its own.
      expect(links.get(s.id), label).toBe(1 + s.remindersSent);
      if (s.status === 'sent' || s.status === 'reminded') {
        expect(s.closesAt!.getTime(), label).toBeGreaterThan(NOW.getTime());
        expect(s.remindersSent, label).toBe(remindersDueBy(partnership, sentAt, NOW));
        expect(s.status, label).toBe(s.remindersSent ? 'reminded' : 'sent');
        expect(s.nextReminderAt, label).toEqual(nextReminder(partnership, sentAt, s.remindersSent));
      } else if (s.status === 'answered') {
        expect(s.answeredAt!.getTime(), label).toBeGreaterThan(sentAt.getTime());
        expect(s.answeredAt!.getTime(), label).toBeLessThan(s.closesAt!.getTime());
        expect(s.answeredAt!.getTime(), label).toBeLessThanOrEqual(NOW.getTime());
        expect(s.remindersSent, label).toBe(remindersDueBy(partnership, sentAt, s.answeredAt!));
      } else {
        expect(s.status, label).toBe('closed');
        expect(s.closedAt!.getTime(), label).toBeGreaterThanOrEqual(s.closesAt!.getTime());
        expect(s.closedAt!.getTime(), label).toBeLessThanOrEqual(NOW.getTime());
        expect(s.remindersSent, label).toBe(reminders);
      }
    }
  });
});

describe('the seeded demo has its variety', () => {
  const count = (query: SQL) => one(query);

  it('has upcoming sessions that are full with a waiting list, and past ones with people who did not come or left early', async () => {
    expect(
      await count(sql`
        select count(*)::int from sessions s where s.status = 'scheduled' and s.starts_at > ${NOW.toISOString()}::timestamptz
        and s.places_taken = s.capacity and exists (select 1 from bookings b where b.session_id = s.id and b.status = 'waitlisted')`),
    ).toBeGreaterThanOrEqual(2);
    expect(await count(sql`select count(distinct session_id)::int from bookings where status = 'did not attend'`)).toBeGreaterThan(5);
    expect(await count(sql`select count(*)::int from bookings where status = 'partly attended'`)).toBeGreaterThan(0);
    expect(await count(sql`select count(*)::int from bookings where status = 'cancelled' and late_cancellation`)).toBeGreaterThan(0);
    expect(await count(sql`select count(*)::int from bookings where status = 'cancelled' and not late_cancellation`)).toBeGreaterThan(0);
    expect(await count(sql`select count(*)::int from bookings where booked_by is not null`)).toBeGreaterThan(0);
    expect(await count(sql`select count(*)::int from sessions where status = 'delivered'`)).toBeGreaterThan(20);
  });

  it('has the day’s feedback with a spread of answers and quotes from the reference data', async () => {
    const given = await db().select().from(feedback);
    expect(given.length).toBeGreaterThan(100);
    expect(new Set(given.map((f) => f.relevance)).size).toBeGreaterThan(2);
    expect(new Set(given.map((f) => f.confidenceAfter - f.confidenceBefore)).size).toBeGreaterThan(2);
    const quotes = new Set(given.map((f) => f.willDoDifferently).filter(Boolean));
    expect([...quotes].every((q) => ref.feedbackQuotes.some((r) => r.text === q))).toBe(true);
    expect(quotes.size).toBeGreaterThan(2);
  });

  it('has surveys in every state, for a share of the attendances', async () => {
    const byStatus = Object.fromEntries(
      (
        await rows<{ status: string; n: number }>(
          sql`select f.status, count(*)::int as n from follow_up_surveys f join bookings b on b.id = f.booking_id join sessions s on s.id = b.session_id where ${PLAYED} group by f.status`,
        )
      ).map((r) => [r.status, r.n]),
    );
    for (const status of ['scheduled', 'sent', 'reminded', 'answered', 'closed']) expect(byStatus[status] ?? 0, status).toBeGreaterThan(0);
    // About two in three of those who were asked have answered.
    const asked = byStatus.answered + byStatus.closed;
    expect(byStatus.answered / asked).toBeGreaterThan(0.5);
    expect(byStatus.answered / asked).toBeLessThan(0.9);
  });

  it('has the demo accounts, each with its role, and a pool of practitioners across organisations and workforce groups', async () => {
    const roles = await rows<{ email: string; roles: string }>(sql`
      select p.email, string_agg(r.role, ',' order by r.role) as roles from people p join person_roles r on r.person_id = p.id
      where p.email like '%@rscp.example' group by p.email order by p.email`);
    expect(roles).toEqual([
      { email: 'coordinator@rscp.example', roles: 'coordinator,practitioner' },
      { email: 'lead@rscp.example', roles: 'organisation lead,practitioner' },
      { email: 'practitioner@rscp.example', roles: 'practitioner' },
      { email: 'reviewer@rscp.example', roles: 'practitioner,reviewer' },
      { email: 'trainer@rscp.example', roles: 'practitioner,trainer' },
    ]);
    expect(await count(sql`select count(*)::int from people where email like '%@partner.example'`)).toBe(60);
    expect(await count(sql`select count(distinct organisation_id)::int from people`)).toBe(ref.organisations.length);
    expect(await count(sql`select count(distinct workforce_group_id)::int from people`)).toBeGreaterThanOrEqual(4);
    expect(await count(sql`select count(distinct person_id)::int from bookings`)).toBeGreaterThan(55);
  });
});

describe('the seeded demo’s mail', () => {
  it('gives the demo practitioner an open survey whose link is in the dev mailbox, and keeps nothing else', async () => {
    const [practitioner] = await db().select().from(people).where(eq(people.email, 'practitioner@rscp.example'));
    const open = await db()
      .select({ survey: followUpSurveys })
      .from(followUpSurveys)
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .where(and(eq(bookings.personId, practitioner.id), inArray(followUpSurveys.status, ['sent', 'reminded'])));
    expect(open).toHaveLength(1);
    const [{ survey }] = open;
    expect(survey.closesAt!.getTime()).toBeGreaterThan(NOW.getTime());

    const mail = await db().select().from(outbox);
    // Only the emails with its links, delivered to the dev mailbox when they were sent: nothing the
    // seed queued is waiting to go to a mail server.
    expect(mail).toHaveLength(1 + survey.remindersSent);
    expect(mail.every((m) => m.to === 'practitioner@rscp.example' && m.status === 'sent' && m.sentAt!.getTime() === m.createdAt.getTime())).toBe(true);
    const scope = { db: db(), clock: fixedClock(NOW), config: testConfig({ baseUrl: BASE_URL }), partnership, actor: null };
    for (const m of mail) {
      const token = m.text.match(new RegExp(`${BASE_URL}/follow-up/([a-z2-7]{32})`))?.[1];
      expect(token, m.subject).toBeTruthy();
      const [link] = await db().select().from(followUpLinks).where(eq(followUpLinks.tokenHash, hashToken(token!)));
      expect(link.surveyId).toBe(survey.id);
      expect((await surveyByToken(scope, token!))?.state).toBe('open');
    }
  });
});

describe('the seeded demo’s competency evidence', () => {
  const profileOf = async (email: string) => {
    const [person] = await db().select().from(people).where(eq(people.email, email));
    return myCompetencyProfile({ db: db(), clock: fixedClock(NOW), config: testConfig({ baseUrl: BASE_URL }), partnership, actor: { id: person.id, roles: ['practitioner'] } });
  };

  it('gives the demo practitioner a profile with every status, from a course, a survey and old e-learning', async () => {
    const profile = await profileOf('practitioner@rscp.example');
    const status = Object.fromEntries(profile.competencies.map((c) => [c.code, c.status]));
    // A3 and B1 from the digital safeguarding course (confident in A3 three months on); A1 from
    // e-learning 40 months ago; the core workshop's feedback is still to give.
    expect(status).toMatchObject({ A1: 'due for refresh', A3: 'applied', B1: 'learned', A2: 'not started', D1: 'not started' });
    expect(profile.awaitingFeedback.map((a) => a.course.title)).toEqual(['Group 3 Safeguarding Core Workshop']);
  });

  it('leaves the lead’s organisation with gaps: staff with only e-learning, some of it due for refresh, and a group 5 competency no course develops', async () => {
    const staff = await rows<{ group: string; n: number }>(sql`
      select g.code as group, count(*)::int as n from people p join organisations o on o.id = p.organisation_id
      join workforce_groups g on g.id = p.workforce_group_id where o.short_name = 'TRFT' group by g.code order by g.code`);
    expect(staff.map((r) => r.group)).toEqual(expect.arrayContaining(['2', '3', '4', '5']));
    expect(staff.find((r) => r.group === '3')!.n).toBeGreaterThanOrEqual(5);
    const due = await Promise.all(
      (await rows<{ email: string }>(sql`select email from people where email like '%@trft.example' order by email`)).map(async ({ email }) => (await profileOf(email)).competencies.find((c) => c.code === 'A1')?.status),
    );
    expect(new Set(due)).toEqual(new Set(['learned', 'due for refresh', 'not started']));
    const uncovered = await rows<{ code: string }>(sql`
      select distinct c.code from competencies c join competency_requirements r on r.competency_id = c.id
      where not exists (select 1 from course_competencies cc where cc.competency_id = c.id) order by c.code`);
    expect(uncovered.map((r) => r.code)).toEqual(['E3']);
  });
});

describe('the seeded demo’s impact figures', () => {
  it('tell a story: the police seldom answer, and the dashboard warns about it', async () => {
    const s = { db: db(), clock: fixedClock(NOW), config: testConfig({ baseUrl: BASE_URL }), partnership, actor: null };
    const dashboard = await impactDashboard(s, await impactRange(s, {}), {});
    expect(dashboard.current.delivery.sessionsDelivered).toBeGreaterThan(20);
    expect(dashboard.current.followUp.answered).toBeGreaterThan(50);
    expect(dashboard.nonResponse.warnings.some((w) => w.startsWith('Police answered less often than everyone'))).toBe(true);
  });

  it('have themes whose follow-up is too weak to judge, beside others that answered well', async () => {
    const s = { db: db(), clock: fixedClock(NOW), config: testConfig({ baseUrl: BASE_URL }), partnership, actor: null };
    const range = await impactRange(s, {});
    const [dashboard, themes] = await Promise.all([impactDashboard(s, range, {}), byTheme(s, range, {})]);
    const weak = weakFollowUp(themes, dashboard.current.followUp.responseRate);
    expect(weak.length).toBeGreaterThan(0);
    expect(themes.filter((t) => !weak.includes(t.theme) && t.sent).length).toBeGreaterThan(2);
  });
});

describe('the seeded demo’s answers', () => {
  it('has answers coded by the reviewer, some left to code, and a few featured quotations, each consented and audited', async () => {
    const coded = await one(sql`select count(distinct response_id) from answer_codes`);
    const toCode = await one(sql`select count(*) from impact_responses r where r.practice_change_how <> '' and not exists (select 1 from answer_codes c where c.response_id = r.id)`);
    expect(coded).toBeGreaterThan(5);
    expect(toCode).toBeGreaterThan(0);
    const featured = await rows<{ consent: boolean; by: string }>(sql`select r.quotation_consent as consent, p.email as by from impact_responses r join people p on p.id = r.featured_by where r.featured_at is not null`);
    expect(featured.length).toBeGreaterThan(0);
    expect(featured.every((f) => f.consent && f.by === 'reviewer@rscp.example')).toBe(true);
    expect(await one(sql`select count(*) from audit_log where action = 'answer.featured'`)).toBe(featured.length);
  });
});

describe('the seeded demo’s year-end review', () => {
  it('has this year’s review in progress, with the reviewer’s decisions on three courses, each audited', async () => {
    const [review] = await rows<{ id: string; status: string; year: string }>(sql`select r.id, r.status, p.year from year_reviews r join prospectuses p on p.id = r.prospectus_id where p.imported_at is null`);
    expect(review).toMatchObject({ status: 'draft', year: '2026-27' });
    const decisions = await rows<{ decision: string; changes: string; merge_into_course_id: string | null; by: string }>(
      sql`select d.decision, d.changes, d.merge_into_course_id, p.email as by from year_review_decisions d join people p on p.id = d.decided_by where d.review_id = ${review.id} order by d.decision`,
    );
    expect(decisions.map((d) => d.decision)).toEqual(['keep', 'merge', 'revise']);
    expect(decisions.every((d) => d.by === 'reviewer@rscp.example')).toBe(true);
    expect(decisions.find((d) => d.decision === 'revise')!.changes).not.toBe('');
    expect(decisions.find((d) => d.decision === 'merge')!.merge_into_course_id).not.toBeNull();
    expect(await one(sql`select count(*) from audit_log where action = 'review.course-decided' and subject_id = ${review.id}`)).toBe(3);
  });
});

describe('the seeded demo’s past years', () => {
  it('has the two years before this one imported from records, and last year’s review decided on every course and agreed', async () => {
    const years = await rows<{ year: string; imported: boolean; sessions: number; bookings: number }>(
      sql`select p.year, p.imported_at is not null as imported, count(distinct s.id)::int as sessions, count(b.id)::int as bookings
        from prospectuses p join courses c on c.prospectus_id = p.id join sessions s on s.course_id = c.id left join bookings b on b.session_id = s.id group by p.id order by p.year`,
    );
    expect(years.map((y) => [y.year, y.imported])).toEqual([
      ['2024-25', true],
      ['2025-26', true],
      ['2026-27', false],
    ]);
    for (const y of years.slice(0, 2)) expect(y.bookings, y.year).toBeGreaterThan(300);
    const [review] = await rows<{ id: string; status: string; undecided: number; gaps: number }>(
      sql`select r.id, r.status,
        (select count(*)::int from courses c where c.prospectus_id = p.id and not exists (select 1 from year_review_decisions d where d.review_id = r.id and d.course_id = c.id)) as undecided,
        (select count(*)::int from year_review_gaps g where g.review_id = r.id and g.decision = 'accepted') as gaps
        from year_reviews r join prospectuses p on p.id = r.prospectus_id where p.year = '2025-26'`,
    );
    expect(review).toMatchObject({ status: 'agreed', undecided: 0, gaps: 1 });
    const decisions = await rows<{ decision: string }>(sql`select distinct decision from year_review_decisions where review_id = ${review.id} order by decision`);
    expect(decisions.map((d) => d.decision)).toEqual(['keep', 'retire', 'revise']);
    expect(await one(sql`select count(*)::int from audit_log where action = 'prospectus.history-imported'`)).toBe(2);
  });
});

describe('seeding again', () => {
  it('does nothing the second time', async () => {
    const tables = [bookings, sessions, people, followUpSurveys, followUpLinks, feedback, impactResponses, outbox, auditLog];
    const counts = () => Promise.all(tables.map(async (t) => (await db().select({ n: sql<number>`count(*)::int` }).from(t))[0].n));
    const before = await counts();
    expect(await seedDemo(db(), NOW, { baseUrl: BASE_URL })).toEqual({ created: false });
    expect(await seedDemo(db(), new Date(NOW.getTime() + 30 * DAY), { baseUrl: BASE_URL })).toEqual({ created: false });
    expect(await counts()).toEqual(before);
  });
});
