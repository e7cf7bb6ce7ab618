// A survey's life with an injected clock: scheduled when attendance is recorded, nothing before
// three months, sent when due, reminded on the policy's days, closed at the end; answering stops
// the reminders, and a used or closed link cannot be used again.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, followUpLinks, impactResponses, managerResponses, partnerships } from '../../db/schema';
import { addWalkIn, recordAttendance } from '../../server/attendance/service';
import { DomainError } from '../../server/shared/errors';
import {
  answerImpactSurvey,
  answerManagerSurvey,
  closeExpiredFollowUps,
  followUpDueAt,
  IdentifyingDetailsFound,
  sendDueFollowUps,
  sendFollowUpReminders,
  surveyByToken,
  type ImpactInput,
} from '../../server/follow-ups/service';
import { hashToken } from '../../server/shared/tokens';
import { makePerson, seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { TIMES } from '../attendance/helpers';
import { afterDue, at, attendedSession, countedFrom, DUE, surveyMailTo, surveysOf } from './helpers';

let database: OpenDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
});
afterAll(() => database.close());

/** Every follow-up job, in the order the cron table runs them, at one moment. */
async function runJobsAt(when: string) {
  const s = await at(database.db, when);
  return { ...(await closeExpiredFollowUps(s)), ...(await sendDueFollowUps(s)), ...(await sendFollowUpReminders(s)) };
}

/**
 * A delivered session of the test's own, on a day of December 2026 no other test uses, whose
 * surveys fall due 91 days on at 9am (GMT then): jobs run over the whole partnership, so each
 * test counts only its own surveys and mail, whatever ran before it.
 */
async function sessionOn(day: string, options: { managerEmail?: string } = {}) {
  const trained = await attendedSession(database.db, { ...options, startsAt: `${day}T10:00:00Z` });
  const due = new Date(Date.parse(`${day}T09:00:00Z`) + 91 * 86_400_000).toISOString();
  return { ...trained, due, after: countedFrom(due) };
}

/** Where each of the attendees' surveys stands, in their order: status and reminders sent. */
const standing = async (attendees: { booking: { id: string } }[]) => (await Promise.all(attendees.map((a) => surveysOf(database.db, a.booking.id)))).map(([x]) => `${x.status} ${x.remindersSent}`);

/** Sends the surveys that are due, then opens the first link emailed to `email` at `openedAt`. */
async function openedFromEmail(email: string, openedAt: string, due = afterDue(0)) {
  await runJobsAt(due);
  const [mail] = await surveyMailTo(database.db, email);
  const s = await at(database.db, openedAt);
  return { mail, s, found: (await surveyByToken(s, mail.token!))! };
}

const ANSWERS = (competencyIds: string[]): ImpactInput => ({
  practiceChanged: 'yes',
  practiceChangeHow: 'I now ask about the home environment at every visit.',
  outcomeImproved: 'yes',
  outcomeExample: 'A family now gets support from Early Help sooner.',
  sharedLearning: 'yes',
  sharedHow: 'Team meeting',
  barriers: '',
  confidenceNow: 8,
  competencies: Object.fromEntries(competencyIds.map((id) => [id, 'developing'])),
  quotationConsent: 'no',
});

describe('when a survey is due', () => {
  it('falls due at 9am London time three months after the session, in summer time too', () => {
    const policy = { followUpDelayDays: 91, followUpReminderDays: [14, 28], followUpCloseDays: 42 };
    expect(followUpDueAt(policy, new Date('2026-12-15T13:00:00Z'))).toEqual(new Date(DUE));
    // 91 days after 1 April is 1 July, when London is an hour ahead of UTC.
    expect(followUpDueAt(policy, new Date('2026-04-01T15:00:00Z')).toISOString()).toBe('2026-07-01T08:00:00.000Z');
  });
});

describe('a survey from attendance to closing', () => {
  it('is scheduled at attendance, not sent at 89 days, sent at three months, reminded on days 14 and 28, closed on day 42', async () => {
    const { attendees } = await attendedSession(database.db);
    const [first] = attendees;
    const [survey] = await surveysOf(database.db, first.booking.id);
    expect(survey).toMatchObject({ respondent: 'attendee', status: 'scheduled', dueAt: new Date(DUE) });

    await runJobsAt('2027-03-14T09:00:00Z'); // 89 days after the session
    await runJobsAt(afterDue(0, -1));
    expect(await standing(attendees)).toEqual(['scheduled 0', 'scheduled 0', 'scheduled 0']);
    expect(await surveyMailTo(database.db, first.person.email)).toHaveLength(0);

    await runJobsAt(afterDue(0));
    expect(await standing(attendees)).toEqual(['sent 0', 'sent 0', 'sent 0']);
    const [sent] = await surveysOf(database.db, first.booking.id);
    expect(sent).toMatchObject({ status: 'sent', sentAt: new Date(DUE), closesAt: new Date(afterDue(42)), remindersSent: 0 });
    const mails = await surveyMailTo(database.db, first.person.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toContain('Three months on');
    expect(mails[0].text).toContain('you do not need to sign in');
    expect(mails[0].clearAfterSending).toBe(true);

    // Running again, or again at the same moment, sends nothing more.
    const remindersAfter = async (when: string) => {
      await runJobsAt(when);
      return (await standing(attendees)).map((x) => Number(x.split(' ')[1]));
    };
    expect(await remindersAfter(afterDue(0))).toEqual([0, 0, 0]);
    expect(await remindersAfter(afterDue(13))).toEqual([0, 0, 0]);
    expect(await remindersAfter(afterDue(14))).toEqual([1, 1, 1]);
    expect(await remindersAfter(afterDue(20))).toEqual([1, 1, 1]);
    expect(await remindersAfter(afterDue(28))).toEqual([2, 2, 2]);
    expect(await remindersAfter(afterDue(35))).toEqual([2, 2, 2]);
    expect(await surveyMailTo(database.db, first.person.email)).toHaveLength(3);
    const reminders = await surveyMailTo(database.db, first.person.email);
    expect(reminders.map((m) => m.subject.startsWith('Reminder'))).toEqual([false, true, true]);
    // Each email carries its own link, and every one of them leads to the survey while it is open.
    expect(new Set(reminders.map((m) => m.token)).size).toBe(3);
    for (const m of reminders) expect((await surveyByToken(await at(database.db, afterDue(41)), m.token!))?.state).toBe('open');

    await runJobsAt(afterDue(41, 23));
    expect(await standing(attendees)).toEqual(['reminded 2', 'reminded 2', 'reminded 2']);
    await runJobsAt(afterDue(42));
    expect(await standing(attendees)).toEqual(['closed 2', 'closed 2', 'closed 2']);
    const [closed] = await surveysOf(database.db, first.booking.id);
    expect(closed).toMatchObject({ status: 'closed', closedAt: new Date(afterDue(42)), nextReminderAt: null });
    await runJobsAt(afterDue(60));
    expect((await surveysOf(database.db, first.booking.id))[0]).toEqual(closed);
    expect(await surveyMailTo(database.db, first.person.email)).toHaveLength(3);
  });

  it('stops reminding once answered, and the used link cannot be used again', async () => {
    const { attendees, after } = await sessionOn('2026-12-01');
    const { mail, s, found } = await openedFromEmail(attendees[0].person.email, after(3), after(0));
    expect(found).toMatchObject({ state: 'open', personName: attendees[0].name });
    await answerImpactSurvey(s, found, ANSWERS(found.competencies.map((c) => c.id)));

    const [answered] = await surveysOf(database.db, attendees[0].booking.id);
    expect(answered).toMatchObject({ status: 'answered', answeredAt: new Date(after(3)), nextReminderAt: null });
    const [response] = await database.db.select().from(impactResponses).where(eq(impactResponses.surveyId, answered.id));
    expect(response).toMatchObject({ practiceChanged: 'yes', sharedLearning: true, confidenceNow: 8, quotationConsent: false });
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, answered.id));
    expect(entry).toMatchObject({ action: 'follow-up.answered', actorId: attendees[0].person.id });

    // The link now says it has been used; answering again is refused and saves nothing.
    const again = (await surveyByToken(s, mail.token!))!;
    expect(again.state).toBe('answered');
    await expect(answerImpactSurvey(s, found, ANSWERS(found.competencies.map((c) => c.id)))).rejects.toMatchObject({ code: 'conflict' });
    expect(await database.db.select().from(impactResponses).where(eq(impactResponses.surveyId, answered.id))).toHaveLength(1);

    await runJobsAt(after(14));
    expect(await standing(attendees)).toEqual(['answered 0', 'reminded 1', 'reminded 1']); // the other two attendees only
    expect(await surveyMailTo(database.db, attendees[0].person.email)).toHaveLength(1);
    await runJobsAt(after(42));
    expect(await standing(attendees)).toEqual(['answered 0', 'closed 1', 'closed 1']);
  });

  it('says a link has closed once the survey closes, even before the closing job runs, and refuses answers', async () => {
    const { attendees, after } = await sessionOn('2026-12-02');
    const { s: late, found } = await openedFromEmail(attendees[1].person.email, after(42, 1), after(0));
    expect(found.survey.status).toBe('sent'); // the closing job has not run
    expect(found.state).toBe('closed');
    await expect(answerImpactSurvey(late, found, ANSWERS(found.competencies.map((c) => c.id)))).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('who gets a survey, and when', () => {
  it('sends a walk-in their survey like anyone booked', async () => {
    const { session, trainer, after } = await sessionOn('2026-12-09');
    const walkIn = await makePerson(database.db);
    const during = { ...(await at(database.db, '2026-12-09T10:30:00Z')), actor: { id: trainer.id, roles: ['trainer' as const] } };
    const booking = await addWalkIn(during, session.id, walkIn.id);
    expect((await surveysOf(database.db, booking.id)).map((x) => [x.respondent, x.status, x.dueAt.toISOString()])).toEqual([['attendee', 'scheduled', after(0)]]);
    await runJobsAt(after(0));
    const [mail] = await surveyMailTo(database.db, walkIn.email);
    expect(mail.subject).toContain('Three months on');
    expect((await surveyByToken(await at(database.db, after(1)), mail.token!))).toMatchObject({ state: 'open', personId: walkIn.id });
  });

  it('follows the partnership’s own policy: asked after 30 days, reminded on day 5, closed on day 10', async () => {
    const [before] = await database.db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));
    await database.db.update(partnerships).set({ followUpDelayDays: 30, followUpReminderDays: [5], followUpCloseDays: 10 }).where(eq(partnerships.id, before.id));
    try {
      const { attendees } = await sessionOn('2026-12-10');
      // The session ends on 10 December 2026; 30 days on is 9 January 2027, at 9am.
      const due = '2027-01-09T09:00:00.000Z';
      const after = countedFrom(due);
      const [first] = await surveysOf(database.db, attendees[0].booking.id);
      expect(first.dueAt.toISOString()).toBe(due);
      await runJobsAt(after(0, -1));
      expect(await standing(attendees)).toEqual(['scheduled 0', 'scheduled 0', 'scheduled 0']);
      await runJobsAt(after(0));
      expect(await standing(attendees)).toEqual(['sent 0', 'sent 0', 'sent 0']);
      expect((await surveysOf(database.db, attendees[0].booking.id))[0].closesAt?.toISOString()).toBe(after(10));
      await runJobsAt(after(4, 23));
      expect(await standing(attendees)).toEqual(['sent 0', 'sent 0', 'sent 0']);
      await runJobsAt(after(5));
      expect(await standing(attendees)).toEqual(['reminded 1', 'reminded 1', 'reminded 1']);
      await runJobsAt(after(9, 23));
      expect(await standing(attendees)).toEqual(['reminded 1', 'reminded 1', 'reminded 1']);
      await runJobsAt(after(10));
      expect(await standing(attendees)).toEqual(['closed 1', 'closed 1', 'closed 1']);
      expect((await surveyMailTo(database.db, attendees[0].person.email)).map((m) => m.subject.startsWith('Reminder'))).toEqual([false, true]);
    } finally {
      await database.db.update(partnerships).set({ followUpDelayDays: before.followUpDelayDays, followUpReminderDays: before.followUpReminderDays, followUpCloseDays: before.followUpCloseDays }).where(eq(partnerships.id, before.id));
    }
  });
});

describe('survey links', () => {
  it('carry 160 random bits, stored only as a SHA-256 hash', async () => {
    const { attendees, after } = await sessionOn('2026-12-03');
    await runJobsAt(after(0));
    const tokens = (await Promise.all(attendees.map((a) => surveyMailTo(database.db, a.person.email)))).map(([m]) => m.token!);
    for (const token of tokens) {
      expect(token).toMatch(/^[a-z2-7]{32}$/); // 32 base32 characters = 160 bits
      const [link] = await database.db.select().from(followUpLinks).where(eq(followUpLinks.tokenHash, hashToken(token)));
      expect(link).toBeDefined();
      expect(await database.db.select().from(followUpLinks).where(eq(followUpLinks.tokenHash, token))).toHaveLength(0);
    }
    expect(new Set(tokens).size).toBe(3);
    const s = await at(database.db, after(1));
    expect(await surveyByToken(s, 'a'.repeat(32))).toBeUndefined();
    // One character out and the link leads nowhere.
    const altered = tokens[0].slice(0, -1) + (tokens[0].endsWith('a') ? 'b' : 'a');
    expect(await surveyByToken(s, altered)).toBeUndefined();
  });
});

describe('attendance corrections', () => {
  it('withdraws a scheduled survey when the register is corrected to "did not attend", and schedules one when corrected back', async () => {
    const { attendees, session, trainer } = await attendedSession(database.db);
    const target = attendees[2].booking.id;
    const actor = { id: trainer.id, roles: ['trainer' as const] };
    await recordAttendance({ ...await at(database.db, TIMES.during), actor: actor }, session.id, { [target]: 'did not attend' });
    expect(await surveysOf(database.db, target)).toHaveLength(0);
    await recordAttendance({ ...await at(database.db, TIMES.during), actor: actor }, session.id, { [target]: 'partly attended' });
    expect((await surveysOf(database.db, target)).map((x) => x.status)).toEqual(['scheduled']);
  });
});

describe('checking free text for identifying details', () => {
  it('saves nothing while an answer looks like it names a child, and saves once the person confirms', async () => {
    const { attendees, after } = await sessionOn('2026-12-04');
    const { s, found } = await openedFromEmail(attendees[0].person.email, after(2), after(0));
    const answers = { ...ANSWERS(found.competencies.map((c) => c.id)), outcomeExample: 'Jayden, born 03/04/2015, now goes to school every day.' };
    const error = await answerImpactSurvey(s, found, answers).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentifyingDetailsFound);
    expect((error as IdentifyingDetailsFound).findings.outcomeExample.map((f) => f.kind)).toEqual(['a name', 'a date of birth']);
    expect((await surveysOf(database.db, attendees[0].booking.id))[0].status).toBe('sent');

    await answerImpactSurvey(s, found, { ...answers, confirmedNoIdentifyingDetails: true });
    expect((await surveysOf(database.db, attendees[0].booking.id))[0].status).toBe('answered');
  });

  it('refuses missing answers, naming each, and saves nothing', async () => {
    const { attendees, after } = await sessionOn('2026-12-07');
    const { s, found } = await openedFromEmail(attendees[0].person.email, after(2), after(0));
    expect(found.competencies.length).toBeGreaterThan(0);
    const error = (await answerImpactSurvey(s, found, { practiceChanged: 'yes' } as ImpactInput).catch((e: unknown) => e)) as DomainError;
    expect(error.code).toBe('invalid');
    expect(Object.keys(error.fields)).toEqual(expect.arrayContaining(['practiceChangeHow', 'sharedLearning', 'confidenceNow', 'quotationConsent']));
    const partial = (await answerImpactSurvey(s, found, { ...ANSWERS([]) }).catch((e: unknown) => e)) as DomainError;
    expect(partial.fields).toHaveProperty('competency-0');
    expect((await surveysOf(database.db, attendees[0].booking.id))[0].status).toBe('sent');
  });
});

describe('the line manager’s survey', () => {
  it('goes to the manager given, when the course asks, on the same schedule, and is answered once', async () => {
    const managerEmail = `manager.lee.${Math.random().toString(36).slice(2, 8)}@partner.example`;
    const { attendees, due, after } = await sessionOn('2026-12-08', { managerEmail });
    const [attendee, manager] = await surveysOf(database.db, attendees[0].booking.id);
    expect(attendee.respondent).toBe('attendee');
    expect(manager).toMatchObject({ respondent: 'manager', managerEmail, status: 'scheduled', dueAt: new Date(due) });

    await runJobsAt(after(0));
    const mails = await surveyMailTo(database.db, managerEmail);
    expect(mails).toHaveLength(3); // one per attendee who named this manager
    expect(mails[0].subject).toMatch(/^How has .+’s practice changed since /);
    const s = await at(database.db, after(5));
    const found = (await surveyByToken(s, mails.find((m) => m.text.includes(attendees[0].name))!.token!))!;
    expect(found.survey.respondent).toBe('manager');
    await expect(answerImpactSurvey(s, found, ANSWERS([]))).rejects.toMatchObject({ code: 'not_found' });
    await answerManagerSurvey(s, found, { seenChange: 'yes', example: 'Referrals are clearer and sooner.' });
    const [response] = await database.db.select().from(managerResponses).where(eq(managerResponses.surveyId, found.survey.id));
    expect(response).toMatchObject({ seenChange: 'yes', example: 'Referrals are clearer and sooner.' });
    await expect(answerManagerSurvey(s, found, { seenChange: 'no' })).rejects.toMatchObject({ code: 'conflict' });
  });
});
