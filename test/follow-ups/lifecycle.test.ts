// A survey's life with an injected clock: scheduled when attendance is recorded, nothing before
// three months, sent when due, reminded on the policy's days, closed at the end; answering stops
// the reminders, and a used or closed link cannot be used again.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, followUpLinks, impactResponses, managerResponses } from '../../db/schema';
import { recordAttendance } from '../../server/attendance/service';
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
import { seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { TIMES } from '../attendance/helpers';
import { afterDue, at, attendedSession, DUE, surveyMailTo, surveysOf } from './helpers';

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

/** Sends the surveys that are due, then opens the first link emailed to `email` at `openedAt`. */
async function openedFromEmail(email: string, openedAt: string) {
  await runJobsAt(afterDue(0));
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

    expect(await runJobsAt('2027-03-14T09:00:00Z')).toMatchObject({ sent: 0 }); // 89 days after the session
    expect(await runJobsAt(afterDue(0, -1))).toMatchObject({ sent: 0 });
    expect(await surveyMailTo(database.db, first.person.email)).toHaveLength(0);

    expect((await runJobsAt(afterDue(0))).sent).toBeGreaterThanOrEqual(3);
    const [sent] = await surveysOf(database.db, first.booking.id);
    expect(sent).toMatchObject({ status: 'sent', sentAt: new Date(DUE), closesAt: new Date(afterDue(42)), remindersSent: 0 });
    const mails = await surveyMailTo(database.db, first.person.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toContain('Three months on');
    expect(mails[0].text).toContain('you do not need to sign in');
    expect(mails[0].clearAfterSending).toBe(true);

    // Running again, or again at the same moment, sends nothing more.
    expect((await runJobsAt(afterDue(0))).sent).toBe(0);
    expect((await runJobsAt(afterDue(13))).reminded).toBe(0);
    expect((await runJobsAt(afterDue(14))).reminded).toBe(3);
    expect((await runJobsAt(afterDue(20))).reminded).toBe(0);
    expect((await runJobsAt(afterDue(28))).reminded).toBe(3);
    expect((await runJobsAt(afterDue(35))).reminded).toBe(0);
    const reminders = await surveyMailTo(database.db, first.person.email);
    expect(reminders.map((m) => m.subject.startsWith('Reminder'))).toEqual([false, true, true]);
    // Each email carries its own link, and every one of them leads to the survey while it is open.
    expect(new Set(reminders.map((m) => m.token)).size).toBe(3);
    for (const m of reminders) expect((await surveyByToken(await at(database.db, afterDue(41)), m.token!))?.state).toBe('open');

    expect(await runJobsAt(afterDue(41, 23))).toMatchObject({ closed: 0, reminded: 0 });
    expect((await runJobsAt(afterDue(42))).closed).toBe(3);
    const [closed] = await surveysOf(database.db, first.booking.id);
    expect(closed).toMatchObject({ status: 'closed', closedAt: new Date(afterDue(42)), nextReminderAt: null });
    expect(await runJobsAt(afterDue(60))).toEqual({ closed: 0, sent: 0, reminded: 0 });
    expect(await surveyMailTo(database.db, first.person.email)).toHaveLength(3);
  });

  it('stops reminding once answered, and the used link cannot be used again', async () => {
    const { attendees } = await attendedSession(database.db);
    const { mail, s, found } = await openedFromEmail(attendees[0].person.email, afterDue(3));
    expect(found).toMatchObject({ state: 'open', personName: attendees[0].name });
    await answerImpactSurvey(s, found, ANSWERS(found.competencies.map((c) => c.id)));

    const [answered] = await surveysOf(database.db, attendees[0].booking.id);
    expect(answered).toMatchObject({ status: 'answered', answeredAt: new Date(afterDue(3)), nextReminderAt: null });
    const [response] = await database.db.select().from(impactResponses).where(eq(impactResponses.surveyId, answered.id));
    expect(response).toMatchObject({ practiceChanged: 'yes', sharedLearning: true, confidenceNow: 8, quotationConsent: false });
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, answered.id));
    expect(entry).toMatchObject({ action: 'follow-up.answered', actorId: attendees[0].person.id });

    // The link now says it has been used; answering again is refused and saves nothing.
    const again = (await surveyByToken(s, mail.token!))!;
    expect(again.state).toBe('answered');
    await expect(answerImpactSurvey(s, found, ANSWERS(found.competencies.map((c) => c.id)))).rejects.toMatchObject({ code: 'conflict' });
    expect(await database.db.select().from(impactResponses).where(eq(impactResponses.surveyId, answered.id))).toHaveLength(1);

    expect((await runJobsAt(afterDue(14))).reminded).toBe(2); // the other two attendees only
    expect(await surveyMailTo(database.db, attendees[0].person.email)).toHaveLength(1);
    expect((await runJobsAt(afterDue(42))).closed).toBe(2);
    expect((await surveysOf(database.db, attendees[0].booking.id))[0].status).toBe('answered');
  });

  it('says a link has closed once the survey closes, even before the closing job runs, and refuses answers', async () => {
    const { attendees } = await attendedSession(database.db);
    const { s: late, found } = await openedFromEmail(attendees[1].person.email, afterDue(42, 1));
    expect(found.state).toBe('closed');
    await expect(answerImpactSurvey(late, found, ANSWERS(found.competencies.map((c) => c.id)))).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('survey links', () => {
  it('carry 160 random bits, stored only as a SHA-256 hash', async () => {
    const { attendees } = await attendedSession(database.db);
    await runJobsAt(afterDue(0));
    const tokens = (await Promise.all(attendees.map((a) => surveyMailTo(database.db, a.person.email)))).map(([m]) => m.token!);
    for (const token of tokens) {
      expect(token).toMatch(/^[a-z2-7]{32}$/); // 32 base32 characters = 160 bits
      const [link] = await database.db.select().from(followUpLinks).where(eq(followUpLinks.tokenHash, hashToken(token)));
      expect(link).toBeDefined();
      expect(await database.db.select().from(followUpLinks).where(eq(followUpLinks.tokenHash, token))).toHaveLength(0);
    }
    expect(new Set(tokens).size).toBe(3);
    const s = await at(database.db, afterDue(1));
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
    const { attendees } = await attendedSession(database.db);
    const { s, found } = await openedFromEmail(attendees[0].person.email, afterDue(2));
    const answers = { ...ANSWERS(found.competencies.map((c) => c.id)), outcomeExample: 'Jayden, born 03/04/2015, now goes to school every day.' };
    const error = await answerImpactSurvey(s, found, answers).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentifyingDetailsFound);
    expect((error as IdentifyingDetailsFound).findings.outcomeExample.map((f) => f.kind)).toEqual(['a name', 'a date of birth']);
    expect((await surveysOf(database.db, attendees[0].booking.id))[0].status).toBe('sent');

    await answerImpactSurvey(s, found, { ...answers, confirmedNoIdentifyingDetails: true });
    expect((await surveysOf(database.db, attendees[0].booking.id))[0].status).toBe('answered');
  });

  it('refuses missing answers, naming each, and saves nothing', async () => {
    const { attendees } = await attendedSession(database.db);
    const { s, found } = await openedFromEmail(attendees[0].person.email, afterDue(2));
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
    const { attendees } = await attendedSession(database.db, { managerEmail: 'manager.lee@partner.example' });
    const [attendee, manager] = await surveysOf(database.db, attendees[0].booking.id);
    expect(attendee.respondent).toBe('attendee');
    expect(manager).toMatchObject({ respondent: 'manager', managerEmail: 'manager.lee@partner.example', status: 'scheduled', dueAt: new Date(DUE) });

    await runJobsAt(afterDue(0));
    const mails = await surveyMailTo(database.db, 'manager.lee@partner.example');
    expect(mails).toHaveLength(3); // one per attendee who named this manager
    expect(mails[0].subject).toMatch(/^How has .+’s practice changed since /);
    const s = await at(database.db, afterDue(5));
    const found = (await surveyByToken(s, mails.find((m) => m.text.includes(attendees[0].name))!.token!))!;
    expect(found.survey.respondent).toBe('manager');
    await expect(answerImpactSurvey(s, found, ANSWERS([]))).rejects.toMatchObject({ code: 'not_found' });
    await answerManagerSurvey(s, found, { seenChange: 'yes', example: 'Referrals are clearer and sooner.' });
    const [response] = await database.db.select().from(managerResponses).where(eq(managerResponses.surveyId, found.survey.id));
    expect(response).toMatchObject({ seenChange: 'yes', example: 'Referrals are clearer and sooner.' });
    await expect(answerManagerSurvey(s, found, { seenChange: 'no' })).rejects.toMatchObject({ code: 'conflict' });
  });
});
