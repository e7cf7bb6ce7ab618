// The three-month survey's pages: the emailed link (no sign-in) and "Your learning", one form
// for both; missing answers, the warning about identifying details and the box that confirms
// them; a link used or closed; someone else's survey; the line manager's form.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, competencies, courseCompetencies, followUpSurveys, impactResponses, managerResponses } from '../../db/schema';
import { sendDueFollowUps } from '../../server/follow-ups/service';
import { formatDate } from '../../server/shared/dates';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { expectAccessiblePage } from '../feedback/helpers';
import { errorSummary } from '../manage/helpers';
import { afterDue, at, attendedSession, surveyMailTo, surveysOf } from './helpers';

let database: OpenDatabase;
/** The app three months and a day after the session: the surveys are out and open. */
let built: ReturnType<typeof buildApp>;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db, { now: afterDue(1) });
});
afterAll(() => database.close());

/**
 * A session whose attendees came, its course developing two competencies, and the surveys sent
 * when due; the first attendee's survey, and the token read from the email queued for them.
 */
async function surveyed(options: { managerEmail?: string } = {}) {
  const trained = await attendedSession(database.db, options);
  const two = await database.db.select().from(competencies).orderBy(asc(competencies.code)).limit(2);
  await database.db
    .insert(courseCompetencies)
    .values(two.map((c) => ({ courseId: trained.course.id, competencyId: c.id })))
    .onConflictDoNothing();
  await sendDueFollowUps(await at(database.db, afterDue(0)));
  const attendee = trained.attendees[0];
  const [mail] = await surveyMailTo(database.db, attendee.person.email);
  const [survey] = (await surveysOf(database.db, attendee.booking.id)).filter((x) => x.respondent === 'attendee');
  const rated = await database.db
    .select({ id: competencies.id, code: competencies.code, statement: competencies.statement })
    .from(courseCompetencies)
    .innerJoin(competencies, eq(competencies.id, courseCompetencies.competencyId))
    .where(eq(courseCompetencies.courseId, trained.course.id))
    .orderBy(asc(competencies.code));
  return { ...trained, attendee, survey, token: mail.token!, link: `/follow-up/${mail.token}`, competencies: rated };
}

/** Every question answered, as the attendee's form posts it. */
const ANSWERS = (competencyCount: number, overrides: Record<string, string> = {}) => ({
  practiceChanged: 'yes',
  practiceChangeHow: 'I now ask about the home environment at every visit.',
  outcomeImproved: 'yes',
  outcomeExample: 'A family now gets support from Early Help sooner.',
  sharedLearning: 'yes',
  sharedHow: 'At a team meeting',
  barriers: '',
  confidenceNow: '8',
  quotationConsent: 'yes',
  ...Object.fromEntries(Array.from({ length: competencyCount }, (_, i) => [`competency-${i}`, i === 0 ? 'confident' : 'developing'])),
  ...overrides,
});

const responsesTo = (surveyId: string) => database.db.select().from(impactResponses).where(eq(impactResponses.surveyId, surveyId));
const statusOf = async (surveyId: string) => (await database.db.select().from(followUpSurveys).where(eq(followUpSurveys.id, surveyId)))[0].status;
const h1 = (html: string) => html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/)?.[1].trim();
const anonymous = () => new TestClient(built.app);

describe('the emailed link', () => {
  it('opens the attendee’s form without signing in, one question per answer the survey needs', async () => {
    const { link, course, competencies: rated } = await surveyed();
    const res = await anonymous().get(link);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(h1(html)).toBe('What difference has the course made?');
    expect(html).toContain(course.title);
    expect(html).toContain(`The survey closes on ${formatDate(new Date(afterDue(42)))}`);
    expect(html).toMatch(/<form method="post" action="\/follow-up\/[a-z2-7]{32}" novalidate=""><input type="hidden" name="_csrf" value="[0-9a-f]+"/);
    for (const words of [
      'Has your practice changed since the course?',
      'How has your practice changed?',
      'Give an example of how outcomes for a child or family have improved',
      'What, if anything, has got in the way?',
      'How confident are you now in this area of safeguarding?',
      '1 means not at all confident, 10 means completely confident',
      'May we quote your answers, without your name, in the partnership’s annual report?',
      'Do not include names, dates of birth, addresses or anything else that could identify a child or family',
    ]) {
      expect(html).toContain(words);
    }
    expect(html).toContain('govuk-warning-text');
    expect(html.match(/name="practiceChanged"/g)).toHaveLength(3);
    expect(html).toMatch(/value="not yet"[^>]*>\s*<label[^>]*>Not yet</);
    expect(html.match(/name="sharedLearning"/g)).toHaveLength(2);
    expect(html.match(/name="confidenceNow"/g)).toHaveLength(10);
    expect(html.match(/name="quotationConsent"/g)).toHaveLength(2);
    expect(rated).toHaveLength(2);
    rated.forEach((competency, i) => {
      expect(html).toContain(`<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${competency.statement}</legend>`);
      expect(html.match(new RegExp(`name="competency-${i}"`, 'g'))).toHaveLength(3);
    });
    for (const rating of ['Not yet', 'Developing', 'Confident']) expect(html).toContain(`>${rating}</label>`);
    // The box to confirm appears only after a warning.
    expect(html).not.toContain('confirmedNoIdentifyingDetails');
  });

  it('refuses missing answers with a summary linking to each question, keeps what was given, and saves nothing', async () => {
    const { link, survey } = await surveyed();
    const client = anonymous();
    const res = await client.post(link, { practiceChanged: 'yes', barriers: 'Time, mostly' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(html).toContain('<title>Error: ');
    const summary = errorSummary(html);
    expect(summary.map((e) => [e.field, e.message])).toEqual([
      ['practiceChangeHow', 'Tell us how your practice has changed'],
      ['outcomeImproved', 'Select whether an outcome for a child or family has improved'],
      ['sharedLearning', 'Select whether you have shared the learning with colleagues'],
      ['confidenceNow', 'Select how confident you are now, from 1 to 10'],
      ['competency-0', 'Select how you rate yourself against competency 1'],
      ['competency-1', 'Select how you rate yourself against competency 2'],
      ['quotationConsent', 'Select whether we may quote your answers in the annual report'],
    ]);
    for (const entry of summary) expect(entry.hasTarget, `#${entry.field}`).toBe(true);
    expect(html).toContain('<span class="govuk-visually-hidden">Error:</span> Select how you rate yourself against competency 2');
    expect(html).toMatch(/id="practiceChanged" name="practiceChanged" type="radio" value="yes" checked/);
    expect(html).toContain('Time, mostly</textarea>');
    expect(await responsesTo(survey.id)).toHaveLength(0);
    expect(await statusOf(survey.id)).toBe('sent');

    // Sent empty: every question is named, in the form's order.
    const empty = errorSummary(await (await client.post(link, {})).text()).map((e) => e.field);
    expect(empty).toEqual(['practiceChanged', 'outcomeImproved', 'sharedLearning', 'confidenceNow', 'competency-0', 'competency-1', 'quotationConsent']);
    // A rating that is not one of the choices is treated as no answer.
    const odd = errorSummary(await (await client.post(link, ANSWERS(2, { 'competency-1': 'expert' }))).text());
    expect(odd.map((e) => e.field)).toEqual(['competency-1']);
    expect(await responsesTo(survey.id)).toHaveLength(0);
  });

  it('warns when an answer may identify a child, saves nothing, and saves once the box is ticked', async () => {
    const { link, survey, attendee, competencies: rated } = await surveyed();
    const client = anonymous();
    const answers = ANSWERS(2, { outcomeExample: 'Jayden now goes to school every day.' });
    const res = await client.post(link, answers);
    expect(res.status).toBe(422);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(html).toContain('<title>Error: ');
    expect(html).toContain('<h2 class="govuk-error-summary__title">Check your answers do not identify anyone</h2>');
    const message = 'This answer may contain a name (Jayden). Remove anything that could identify a child or family';
    expect(errorSummary(html)).toEqual([{ field: 'outcomeExample', message, hasTarget: true }]);
    expect(html).toContain(`<p id="outcomeExample-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${message}</p>`);
    expect(html).toContain('Jayden now goes to school every day.</textarea>');
    expect(html).toMatch(/id="confirmedNoIdentifyingDetails" name="confirmedNoIdentifyingDetails" type="checkbox" value="yes"/);
    expect(html).toContain('I have checked: my answers do not identify a child or family');
    expect(html).toContain('href="#confirmedNoIdentifyingDetails"');
    expect(await responsesTo(survey.id)).toHaveLength(0);
    expect(await statusOf(survey.id)).toBe('sent');

    // Sent again unchanged and unticked: the same warning, still nothing saved.
    expect((await client.post(link, answers)).status).toBe(422);
    expect(await responsesTo(survey.id)).toHaveLength(0);

    const sent = await client.post(link, { ...answers, confirmedNoIdentifyingDetails: 'yes' });
    expect(sent.status).toBe(200);
    const thanks = await sent.text();
    expectAccessiblePage(thanks);
    expect(thanks).toContain('govuk-panel--confirmation');
    expect(h1(thanks)).toBe('Thank you for your answers');
    expect(thanks).toContain('What happens with your answers');
    expect(thanks).toContain('You said we may quote your answers in the annual report. We will not use your name.');
    const [row] = await responsesTo(survey.id);
    expect(row).toMatchObject({
      practiceChanged: 'yes',
      practiceChangeHow: 'I now ask about the home environment at every visit.',
      outcomeImproved: 'yes',
      outcomeExample: 'Jayden now goes to school every day.',
      sharedLearning: true,
      sharedHow: 'At a team meeting',
      barriers: '',
      confidenceNow: 8,
      quotationConsent: true,
      competencies: { [rated[0].id]: 'confident', [rated[1].id]: 'developing' },
    });
    const [entry] = await database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, survey.id), eq(auditLog.action, 'follow-up.answered')));
    expect(entry).toMatchObject({ actorId: attendee.person.id, detail: { confirmedNoIdentifyingDetails: true } });
  });

  it('saves without the box when the flagged words are taken out', async () => {
    const { link, survey } = await surveyed();
    const client = anonymous();
    expect((await client.post(link, ANSWERS(2, { outcomeExample: 'Jayden now goes to school every day.', quotationConsent: 'no' }))).status).toBe(422);
    const res = await client.post(link, ANSWERS(2, { outcomeExample: 'A child now goes to school every day.', quotationConsent: 'no' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('We will not quote your answers in the annual report.');
    expect((await responsesTo(survey.id))[0]).toMatchObject({ outcomeExample: 'A child now goes to school every day.', quotationConsent: false });
  });

  it('says politely that a used link has been answered, and a second answer changes nothing', async () => {
    const { link, survey } = await surveyed();
    const client = anonymous();
    expect((await client.post(link, ANSWERS(2))).status).toBe(200);
    const [saved] = await responsesTo(survey.id);

    const again = await client.get(link);
    expect(again.status).toBe(200);
    const html = await again.text();
    expectAccessiblePage(html);
    expect(h1(html)).toBe('You have already answered this survey');
    expect(html).toContain(`was answered on ${formatDate(new Date(afterDue(1)))}`);
    expect(html).toContain('Thank you for your answers. You do not need to do anything else.');
    expect(html).not.toContain('name="practiceChanged"');

    const resent = await client.post(link, ANSWERS(2, { practiceChanged: 'no', confidenceNow: '2' }));
    expect(resent.status).toBe(409);
    expect(h1(await resent.text())).toBe('You have already answered this survey');
    expect(await responsesTo(survey.id)).toEqual([saved]);
  });

  it('says politely that the survey has closed once it has, and takes no answers', async () => {
    const { link, survey } = await surveyed();
    const late = buildApp(database.db, { now: afterDue(43) });
    const client = new TestClient(late.app);
    const res = await client.get(link);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(h1(html)).toBe('This survey has closed');
    expect(html).toContain(`closed on ${formatDate(new Date(afterDue(42)))}`);
    expect(html).toContain('Thank you for your time. You do not need to do anything else.');
    expect(html).not.toContain('name="practiceChanged"');
    const sent = await client.post(link, ANSWERS(2));
    expect(sent.status).toBe(409);
    expect(h1(await sent.text())).toBe('This survey has closed');
    expect(await responsesTo(survey.id)).toHaveLength(0);
    expect(await statusOf(survey.id)).toBe('sent');
  });

  it('is not found when the link is unknown, mistyped or cut short', async () => {
    const { token, survey } = await surveyed();
    const client = anonymous();
    const altered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    for (const path of [`/follow-up/${'a'.repeat(32)}`, `/follow-up/${altered}`, `/follow-up/${token.slice(0, 20)}`, `/follow-up/${token.toUpperCase()}`]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expectAccessiblePage(html);
      expect(h1(html)).toBe('Survey not found');
      expect(html).toContain('Check you used the whole link from the email');
      expect((await client.post(path, ANSWERS(2))).status, path).toBe(404);
    }
    expect(await responsesTo(survey.id)).toHaveLength(0);
  });

  it('refuses a form sent without its CSRF token, saving nothing', async () => {
    const { link, survey } = await surveyed();
    const client = anonymous();
    await client.get(link);
    const res = await client.post(link, ANSWERS(2), { csrf: false });
    expect(res.status).toBe(403);
    expect(await responsesTo(survey.id)).toHaveLength(0);
    expect((await client.post(link, ANSWERS(2), { csrf: 'f'.repeat(64) })).status).toBe(403);
    expect(await statusOf(survey.id)).toBe('sent');
  });
});

describe('Your learning', () => {
  it('lists the open survey with a link to the same form, which takes the answers once', async () => {
    const { attendee, survey, course } = await surveyed();
    const client = await new TestClient(built.app).signInAs(database.db, attendee.person.id, built.clock.now(), built.config);
    const learning = await (await client.get('/learning')).text();
    expectAccessiblePage(learning);
    expect(learning).toContain('Three months on: what difference has the course made?');
    const row = learning.match(new RegExp(`<tr class="govuk-table__row"><td class="govuk-table__cell">${course.title}</td>[\\s\\S]*?</tr>`))?.[0] ?? '';
    expect(row).toContain(formatDate(new Date('2026-12-15T10:00:00Z')));
    expect(row).toContain(formatDate(new Date(afterDue(42))));
    expect(row).toContain(`<a class="govuk-link" href="/learning/follow-ups/${survey.id}">Answer the three-month survey<span class="govuk-visually-hidden"> about ${course.title}</span></a>`);

    const path = `/learning/follow-ups/${survey.id}`;
    const form = await client.get(path);
    expect(form.status).toBe(200);
    const html = await form.text();
    expectAccessiblePage(html);
    expect(h1(html)).toBe('What difference has the course made?');
    expect(html).toContain(`action="${path}"`);
    expect(html).toContain('href="/learning"'); // back to Your learning

    expect((await client.post(path, { practiceChanged: 'no' })).status).toBe(422);
    const sent = await client.post(path, ANSWERS(2, { practiceChanged: 'not yet', practiceChangeHow: '' }));
    expect(sent.status).toBe(200);
    expect(h1(await sent.text())).toBe('Thank you for your answers');
    expect((await responsesTo(survey.id))[0]).toMatchObject({ practiceChanged: 'not yet', practiceChangeHow: '' });

    expect(await (await client.get('/learning')).text()).not.toContain(`/learning/follow-ups/${survey.id}`);
    const again = await client.get(path);
    expect(h1(await again.text())).toBe('You have already answered this survey');
    expect((await client.post(path, ANSWERS(2))).status).toBe(409);
    expect(await responsesTo(survey.id)).toHaveLength(1);
  });

  it('shows nothing about surveys to someone with none to answer', async () => {
    const person = await makePerson(database.db);
    const client = await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
    const html = await (await client.get('/learning')).text();
    expect(html).toContain('Your learning');
    expect(html).not.toContain('three-month survey');
  });

  it('does not show anyone else’s survey, or a line manager’s, and saves nothing', async () => {
    const { survey, attendees } = await surveyed({ managerEmail: `manager.${Date.now()}@partner.example` });
    const other = await makePerson(database.db);
    const stranger = await new TestClient(built.app).signInAs(database.db, other.id, built.clock.now(), built.config);
    const colleague = await new TestClient(built.app).signInAs(database.db, attendees[1].person.id, built.clock.now(), built.config);
    const [managerSurvey] = (await surveysOf(database.db, attendees[0].booking.id)).filter((x) => x.respondent === 'manager');
    expect(managerSurvey).toBeDefined();
    for (const client of [stranger, colleague]) {
      for (const path of [`/learning/follow-ups/${survey.id}`, `/learning/follow-ups/${managerSurvey.id}`, '/learning/follow-ups/not-a-survey']) {
        expect((await client.get(path)).status, path).toBe(404);
        expect((await client.post(path, ANSWERS(2))).status, path).toBe(404);
      }
    }
    const owner = await new TestClient(built.app).signInAs(database.db, attendees[0].person.id, built.clock.now(), built.config);
    expect((await owner.get(`/learning/follow-ups/${managerSurvey.id}`)).status).toBe(404);
    expect(await responsesTo(survey.id)).toHaveLength(0);
    expect(await database.db.select().from(managerResponses).where(eq(managerResponses.surveyId, managerSurvey.id))).toHaveLength(0);
  });

  it('needs signing in', async () => {
    const { survey } = await surveyed();
    const res = await anonymous().get(`/learning/follow-ups/${survey.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(`/learning/follow-ups/${survey.id}`)}`);
  });
});

describe('the line manager’s survey', () => {
  it('asks whether they have seen a change, warns about identifying details, and takes the answer once', async () => {
    const managerEmail = `lee.manager.${Date.now()}@partner.example`;
    const { attendee } = await surveyed({ managerEmail });
    const mail = (await surveyMailTo(database.db, managerEmail)).find((m) => m.text.includes(attendee.name))!;
    const link = `/follow-up/${mail.token}`;
    const [survey] = (await surveysOf(database.db, attendee.booking.id)).filter((x) => x.respondent === 'manager');
    const client = anonymous();

    const form = await client.get(link);
    expect(form.status).toBe(200);
    const html = await form.text();
    expectAccessiblePage(html);
    expect(html).toContain(`Have you seen a change in ${attendee.name}’s practice since the course?`);
    expect(html.match(/name="seenChange"/g)).toHaveLength(3);
    expect(html).toContain('>Too early to say</label>');
    expect(html).toContain('Give an example of the change you have seen');
    expect(html).toContain('govuk-warning-text');
    expect(html).not.toContain('name="practiceChanged"');
    expect(html).not.toContain('name="competency-0"');

    const empty = await client.post(link, {});
    expect(empty.status).toBe(422);
    expect(errorSummary(await empty.text()).map((e) => [e.field, e.message])).toEqual([['seenChange', 'Select whether you have seen a change in their practice']]);

    const named = await client.post(link, { seenChange: 'yes', example: 'She helped Jayden’s mum, at 12 Main Street, get support.' });
    expect(named.status).toBe(422);
    const warned = await named.text();
    expect(warned).toContain('Check your answers do not identify anyone');
    expect(errorSummary(warned).map((e) => e.field)).toEqual(['example']);
    expect(warned).toContain('This answer may contain a name (Jayden) and an address (12 Main Street). Remove anything that could identify a child or family');
    expect(await database.db.select().from(managerResponses).where(eq(managerResponses.surveyId, survey.id))).toHaveLength(0);

    const sent = await client.post(link, { seenChange: 'yes', example: 'Her referrals are clearer and come sooner.' });
    expect(sent.status).toBe(200);
    const thanks = await sent.text();
    expect(h1(thanks)).toBe('Thank you for your answers');
    expect(thanks).not.toContain('annual report');
    const [row] = await database.db.select().from(managerResponses).where(eq(managerResponses.surveyId, survey.id));
    expect(row).toMatchObject({ seenChange: 'yes', example: 'Her referrals are clearer and come sooner.' });
    expect(h1(await (await client.get(link)).text())).toBe('You have already answered this survey');
    expect((await client.post(link, { seenChange: 'no' })).status).toBe(409);
    // The attendee's own survey is separate, and still open.
    expect(await statusOf((await surveysOf(database.db, attendee.booking.id)).find((x) => x.respondent === 'attendee')!.id)).toBe('sent');
  });
});
