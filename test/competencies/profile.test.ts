// A practitioner's competency profile read from the database: each kind of evidence made through
// the services that record it in the app, the group's required competencies, a person without a
// group, and managers' confirmations (who may make one, and that it is audited).
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, competencyConfirmations, people } from '../../db/schema';
import { confirmCompetency, myCompetencyProfile, type CompetencyProfile } from '../../server/competencies/service';
import { giveFeedback } from '../../server/feedback/service';
import { createTestDatabase } from '../support/database';
import { makePerson, seed, TEST_NOW } from '../support/app';
import { actingAs, bookingScope } from '../support/fixtures';
import {
  answeredSurvey,
  attend,
  competencyIds,
  completedELearning,
  confirmedBy,
  GROUP_3,
  learnedOn,
  makeCourse,
  makeProspectus,
  makeSessionOf,
  managerAnswered,
  practitioner,
  statusesTwoWays,
  type Practitioner,
} from './helpers';

let database: OpenDatabase;
let pastYear: string;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  pastYear = (await makeProspectus(database.db, '2025-26')).id;
});
afterAll(() => database.close());

const profileOf = async (person: { id: string }, now = TEST_NOW) => myCompetencyProfile(actingAs(await bookingScope(database.db, now), person.id));
const byCode = (profile: CompetencyProfile) => Object.fromEntries(profile.competencies.map((c) => [c.code, c]));
const statuses = (profile: CompetencyProfile) => Object.fromEntries(profile.competencies.map((c) => [c.code, c.status]));

describe('the competencies a person needs', () => {
  it('are those their workforce group requires in the current framework, in code order, all not started at first', async () => {
    const person = await practitioner(database.db, '3');
    const profile = await profileOf(person);
    expect(profile.workforceGroup).toMatchObject({ code: '3' });
    expect(profile.groupMissing).toBeNull();
    expect(profile.framework).toMatchObject({ version: 1, defaultRefreshMonths: 36 });
    expect(profile.competencies.map((c) => c.code)).toEqual(GROUP_3);
    expect(new Set(profile.competencies.map((c) => c.status))).toEqual(new Set(['not started']));
    expect(profile.competencies.every((c) => c.refreshMonths === 36 && c.since === null && c.refreshDue === null)).toBe(true);
  });

  it('leave out competencies the group does not require, and the evidence for them', async () => {
    const person = await practitioner(database.db, '1');
    await learnedOn(database.db, person, pastYear, ['A1', 'E1'], '2026-01-12T10:00:00Z');
    const profile = await profileOf(person);
    expect(profile.competencies.map((c) => c.code)).toEqual(['A1', 'B1']);
    expect(statuses(profile)).toEqual({ A1: 'learned', B1: 'not started' });
  });

  it('are none for a person with no workforce group, who is told so', async () => {
    const person = await practitioner(database.db, null);
    const profile = await profileOf(person);
    expect(profile).toMatchObject({ workforceGroup: null, groupMissing: 'not set', competencies: [] });
  });
});

describe('evidence of learning', () => {
  it('comes from a course come to with the day’s feedback, dated the session, due for refresh 36 months on', async () => {
    const person = await practitioner(database.db);
    const { course } = await learnedOn(database.db, person, pastYear, ['A1', 'B1'], '2026-01-12T10:00:00Z', { title: 'Safeguarding core workshop' });
    const { A1, B1, A2 } = byCode(await profileOf(person));
    for (const c of [A1, B1]) expect(c).toMatchObject({ status: 'learned', since: '2026-01-12', refreshDue: '2029-01-12' });
    expect(A1.evidence).toEqual([
      expect.objectContaining({ kind: 'course', shows: 'learning', on: '2026-01-12', course: { id: course.id, title: 'Safeguarding core workshop' }, detail: 'Attended and gave feedback' }),
    ]);
    expect(A2.status).toBe('not started');
  });

  it('comes from e-learning mapped to the competency, dated the completion', async () => {
    const person = await practitioner(database.db);
    const course = await makeCourse(database.db, pastYear, ['A2'], { mode: 'E-learning', title: 'Domestic abuse e-learning' });
    await completedELearning(database.db, person, course.id, '2026-02-01');
    const { A2 } = byCode(await profileOf(person));
    expect(A2).toMatchObject({ status: 'learned', since: '2026-02-01', refreshDue: '2029-02-01' });
    expect(A2.evidence).toEqual([expect.objectContaining({ kind: 'e-learning', on: '2026-02-01', course: { id: course.id, title: 'Domestic abuse e-learning' }, detail: 'Completed the e-learning' })]);
  });

  it('waits for the day’s feedback: until then the course is listed as awaiting it, and then it counts', async () => {
    const person = await practitioner(database.db);
    const { course, booking } = await learnedOn(database.db, person, pastYear, ['C1', 'C2', 'E1'], '2026-03-02T10:00:00Z', { feedback: false });
    let profile = await profileOf(person);
    expect(statuses(profile)).toMatchObject({ C1: 'not started', C2: 'not started' });
    expect(profile.awaitingFeedback).toEqual([{ bookingId: booking.id, course: { id: course.id, title: course.title }, on: '2026-03-02', competencyCodes: ['C1', 'C2'] }]);
    await giveFeedback(actingAs(await bookingScope(database.db), person.id), booking.id, { outcomesMet: [3], relevance: 4, delivery: 4, confidenceBefore: 5, confidenceAfter: 7, willDoDifferently: '', comments: '' });
    profile = await profileOf(person);
    expect(statuses(profile)).toMatchObject({ C1: 'learned', C2: 'learned' });
    expect(byCode(profile).C1.since).toBe('2026-03-02');
    expect(profile.awaitingFeedback).toEqual([]);
  });

  it('counts partly attending, but not a booking marked did not attend', async () => {
    const person = await practitioner(database.db);
    await learnedOn(database.db, person, pastYear, ['A3'], '2026-01-19T10:00:00Z', { mark: 'partly attended' });
    await learnedOn(database.db, person, pastYear, ['D1'], '2026-01-20T10:00:00Z', { mark: 'did not attend', feedback: false });
    const { A3, D1 } = byCode(await profileOf(person));
    expect(A3).toMatchObject({ status: 'learned', evidence: [expect.objectContaining({ detail: 'Partly attended and gave feedback' })] });
    expect(D1).toMatchObject({ status: 'not started', evidence: [] });
  });

  it('is due for refresh once it is older than the period, from the day it fell due', async () => {
    const person = await practitioner(database.db);
    await learnedOn(database.db, person, pastYear, ['B2'], '2023-01-10T10:00:00Z');
    const { B2 } = byCode(await profileOf(person));
    expect(B2).toMatchObject({ status: 'due for refresh', since: '2026-01-10', refreshDue: '2026-01-10' });
  });

  it('never comes from another person’s attendance', async () => {
    const [me, other] = [await practitioner(database.db), await practitioner(database.db)];
    const course = await makeCourse(database.db, pastYear, ['A1']);
    const session = await makeSessionOf(database.db, course.id, '2026-02-09T10:00:00Z');
    await attend(database.db, other, session);
    expect(byCode(await profileOf(me)).A1).toMatchObject({ status: 'not started', evidence: [] });
    expect(byCode(await profileOf(other)).A1.status).toBe('learned');
  });
});

describe('evidence of application', () => {
  /** Came to a course developing D1 and C3 on 12 January 2026, with feedback; the survey is due in April. */
  const trained = async () => {
    const person = await practitioner(database.db);
    const { booking, course } = await learnedOn(database.db, person, pastYear, ['D1', 'C3'], '2026-01-12T10:00:00Z', { asksManagerFollowUp: true });
    return { person, booking, course };
  };

  it('comes from the three-month survey: practice changed, for every competency the course develops', async () => {
    const { person, booking } = await trained();
    await answeredSurvey(database.db, person, booking.id, '2026-04-14', { practiceChanged: 'yes' });
    const { D1, C3 } = byCode(await profileOf(person));
    for (const c of [D1, C3]) expect(c).toMatchObject({ status: 'applied', since: '2026-04-14', refreshDue: '2029-01-12' });
    expect(D1.evidence[0]).toMatchObject({ kind: 'three-month survey', shows: 'application', on: '2026-04-14', detail: 'Said practice had changed' });
  });

  it('comes from the three-month survey’s self-assessment of confident, for that competency only', async () => {
    const { person, booking } = await trained();
    await answeredSurvey(database.db, person, booking.id, '2026-04-14', { practiceChanged: 'not yet', confident: ['D1'] });
    const { D1, C3 } = byCode(await profileOf(person));
    expect(D1).toMatchObject({ status: 'applied', evidence: [expect.objectContaining({ detail: 'Rated confident in this competency' }), expect.objectContaining({ kind: 'course' })] });
    expect(C3).toMatchObject({ status: 'learned', evidence: [expect.objectContaining({ kind: 'course' })] });
  });

  it('comes from the line manager’s survey when they have seen the change, and not otherwise', async () => {
    const seen = await trained();
    await managerAnswered(database.db, seen.person.managerEmail, '2026-04-15', 'yes');
    expect(byCode(await profileOf(seen.person)).D1).toMatchObject({
      status: 'applied',
      since: '2026-04-15',
      evidence: [expect.objectContaining({ kind: 'manager survey', detail: 'Line manager has seen the change in practice' }), expect.objectContaining({ kind: 'course' })],
    });
    const tooEarly = await trained();
    await managerAnswered(database.db, tooEarly.person.managerEmail, '2026-04-15', 'too early to say');
    expect(statuses(await profileOf(tooEarly.person))).toMatchObject({ D1: 'learned', C3: 'learned' });
  });

  it('comes from a manager’s confirmation, which alone is listed but leaves the competency not started', async () => {
    const person = await practitioner(database.db);
    await confirmedBy(database.db, person, 'A1', person.managerEmail, '2026-05-01', 'Uses the neglect toolkit in supervision');
    let { A1 } = byCode(await profileOf(person));
    expect(A1).toMatchObject({
      status: 'not started',
      since: null,
      evidence: [expect.objectContaining({ kind: 'manager confirmation', shows: 'application', on: '2026-05-01', course: null, detail: `Confirmed by ${person.managerEmail}: Uses the neglect toolkit in supervision` })],
    });
    await learnedOn(database.db, person, pastYear, ['A1'], '2026-06-08T10:00:00Z');
    ({ A1 } = byCode(await profileOf(person)));
    expect(A1).toMatchObject({ status: 'applied', since: '2026-06-08', refreshDue: '2029-06-08' });
  });
});

describe('a manager’s confirmation', () => {
  const input = async (person: Practitioner, by = person.managerEmail) => ({ personId: person.id, competencyId: (await competencyIds(database.db)).B1, confirmedByEmail: by, note: '' });

  it('is audited, and linked to the manager’s account when they have one', async () => {
    const person = await practitioner(database.db);
    const manager = await makePerson(database.db, [], { email: `boss.${person.id.slice(0, 6)}@partner.example` });
    const row = await confirmCompetency(await bookingScope(database.db), await input(person, manager.email));
    expect(row).toMatchObject({ personId: person.id, confirmedBy: manager.id, confirmedByEmail: manager.email });
    const [entry] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'competency.confirmed'), eq(auditLog.subjectId, row.id)));
    expect(entry).toMatchObject({ subjectType: 'competency confirmation', actorId: null, detail: { personId: person.id, confirmedByEmail: manager.email } });
  });

  it('is refused for one’s own competency, from a practitioner, and for a competency outside the current framework', async () => {
    const person = await practitioner(database.db);
    const [{ email }] = await database.db.select({ email: people.email }).from(people).where(eq(people.id, person.id));
    const s = await bookingScope(database.db);
    await expect(confirmCompetency(s, await input(person, email))).rejects.toMatchObject({ code: 'forbidden' });
    const coordinator = await makePerson(database.db, ['coordinator']);
    await expect(confirmCompetency(actingAs(s, { id: coordinator.id, roles: ['practitioner', 'coordinator'] }), { ...(await input(person)), personId: coordinator.id })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(confirmCompetency(actingAs(s, person.id), await input(await practitioner(database.db)))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(confirmCompetency(s, { ...(await input(person)), competencyId: person.id })).rejects.toMatchObject({ code: 'invalid' });
    expect(await database.db.select().from(competencyConfirmations).where(eq(competencyConfirmations.personId, person.id))).toEqual([]);
    // A coordinator may confirm for someone else, acting for the manager.
    await expect(confirmCompetency(actingAs(s, { id: coordinator.id, roles: ['practitioner', 'coordinator'] }), await input(person))).resolves.toMatchObject({ personId: person.id });
  });
});

describe('everyone’s statuses read at once, as the learning-needs figures read them', () => {
  it('are each person’s profile statuses, on every day, with every kind of evidence made above', async () => {
    const { read, profiles } = await statusesTwoWays(database.db, ['2025-11-23', '2026-03-01', '2026-11-23', '2028-06-30', '2029-12-31']);
    expect(read).toEqual(profiles);
    expect(new Set(profiles.map((line) => line.split(' ').slice(3).join(' ')))).toEqual(new Set(['not started', 'learned', 'applied', 'due for refresh']));
  });
});
