import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { courses, outbox, prospectuses, sessions, workforceGroups } from '../../db/schema';
import { bookPlace } from '../../server/bookings/service';
import { bookingScope } from '../support/fixtures';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, TestClient } from '../support/app';
import { auditFor, courseForm, idIn, prospectusForm, sessionForm, signedIn, type Built } from './helpers';

let database: OpenDatabase;
let built: Built;
let coordinator: TestClient;
let coordinatorId: string;
let anonymous: TestClient;

// Each test has a demo database of its own, so none leans on another's writes.
beforeEach(async () => {
  database = await createTestDatabase({ demo: true });
  built = buildApp(database.db);
  const signed = await signedIn(database.db, built, ['coordinator']);
  coordinator = signed.client;
  coordinatorId = signed.person.id;
  anonymous = new TestClient(built.app);
});
afterEach(() => database.close());

/** A draft prospectus for 2027-28, made through the Manage pages. */
const draftProspectus = async () => idIn(await coordinator.post('/manage/prospectuses', prospectusForm('2027-28')), '/manage/prospectuses');

/** A course added to a prospectus through the Manage pages. */
const addCourse = async (prospectusId: string, overrides: Record<string, string | string[]> = {}) =>
  idIn(await coordinator.post(`/manage/prospectuses/${prospectusId}/courses`, courseForm(overrides)), '/manage/courses');

const publish = async (prospectusId: string) => expect((await coordinator.post(`/manage/prospectuses/${prospectusId}/publish`)).status).toBe(303);

/** The 2027-28 prospectus, published, with the Contextual Safeguarding course in it. */
const publishedCourse = async () => {
  const prospectusId = await draftProspectus();
  const courseId = await addCourse(prospectusId);
  await publish(prospectusId);
  return { prospectusId, courseId };
};

const publicTitles = async (client: TestClient, query: string) => {
  const html = await (await client.get(`/courses?${query}`)).text();
  return [...html.matchAll(/<a class="govuk-link" href="\/courses\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
};

describe('a coordinator builds next year’s prospectus', () => {
  it('creates a draft prospectus for a year', async () => {
    const res = await coordinator.post('/manage/prospectuses', prospectusForm('2027-28'));
    expect(res.status).toBe(303);
    const prospectusId = idIn(res, '/manage/prospectuses');
    const page = await (await coordinator.get(res.headers.get('location')!)).text();
    expect(page).toContain('Draft prospectus created');
    expect(page).toContain('Learning and development prospectus 2027-28');
    expect(page).toMatch(/govuk-tag--yellow">Draft</);
    const [row] = await database.db.select().from(prospectuses).where(eq(prospectuses.id, prospectusId));
    expect(row).toMatchObject({ year: '2027-28', status: 'draft', startsOn: '2027-04-01', endsOn: '2028-03-31' });
    expect((await auditFor(database.db, prospectusId)).map((a) => [a.action, a.actorId])).toEqual([['prospectus.created', coordinatorId]]);
  });

  it('suggests the year after the latest prospectus on the new prospectus form', async () => {
    await draftProspectus();
    const html = await (await coordinator.get('/manage/prospectuses/new')).text();
    expect(html).toContain('value="2028-29"');
  });

  it('adds a course to the draft, which nobody else can see until it is published', async () => {
    const prospectusId = await draftProspectus();
    const [group] = await database.db.select().from(workforceGroups).where(eq(workforceGroups.code, '3'));
    const res = await coordinator.post(`/manage/prospectuses/${prospectusId}/courses`, courseForm({ workforceGroupIds: group.id }));
    expect(res.status).toBe(303);
    const courseId = idIn(res, '/manage/courses');
    const [row] = await database.db.select().from(courses).where(eq(courses.id, courseId));
    expect(row).toMatchObject({ prospectusId, learningOutcomes: ['Explain contextual safeguarding', 'Map the places where a young person is at risk'], themes: ['Child exploitation', 'Online safety'], durationMinutes: 180, requiresManagerApproval: false });

    expect(await publicTitles(anonymous, 'year=2027-28')).not.toContain('Contextual Safeguarding in Practice');
    expect((await anonymous.get(`/courses/${courseId}`)).status).toBe(404);
    const practitioner = (await signedIn(database.db, built, [])).client;
    expect((await practitioner.get(`/courses/${courseId}`)).status).toBe(404);
    // The coordinator previews the draft on the public pages.
    expect(await publicTitles(coordinator, 'year=2027-28')).toContain('Contextual Safeguarding in Practice');
  });

  it('publishes the prospectus, and then everyone sees the course', async () => {
    const prospectusId = await draftProspectus();
    const courseId = await addCourse(prospectusId);
    const res = await coordinator.post(`/manage/prospectuses/${prospectusId}/publish`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/manage/prospectuses/${prospectusId}?done=published`);
    const page = await (await coordinator.get(res.headers.get('location')!)).text();
    expect(page).toContain('Prospectus published: everyone can now see it');
    expect(page).toMatch(/govuk-tag--green">Published</);

    expect(await publicTitles(anonymous, 'year=2027-28')).toEqual(['Contextual Safeguarding in Practice']);
    const course = await anonymous.get(`/courses/${courseId}`);
    expect(course.status).toBe(200);
    expect(await course.text()).toContain('Map the places where a young person is at risk');
    const [row] = await database.db.select().from(prospectuses).where(eq(prospectuses.id, prospectusId));
    expect(row.publishedAt).toEqual(built.clock.now());
    expect((await auditFor(database.db, prospectusId)).map((a) => a.action)).toEqual(['prospectus.created', 'prospectus.published']);
  });

  it('shows a course added after publication to everyone at once', async () => {
    const { prospectusId } = await publishedCourse();
    const res = await coordinator.post(`/manage/prospectuses/${prospectusId}/courses`, courseForm({ title: 'Emerging Issue: Vaping and Exploitation', themes: 'Child exploitation', deliveryMode: 'Briefing', durationMinutes: '90' }));
    expect(res.status).toBe(303);
    const lateId = idIn(res, '/manage/courses');
    expect(await publicTitles(anonymous, 'year=2027-28')).toContain('Emerging Issue: Vaping and Exploitation');
    expect((await anonymous.get(`/courses/${lateId}`)).status).toBe(200);
  });

  it('changes a course when it is edited, on the manage page and the public one', async () => {
    const { courseId } = await publishedCourse();
    const form = await (await coordinator.get(`/manage/courses/${courseId}/edit`)).text();
    expect(form).toContain('Explain contextual safeguarding\nMap the places where a young person is at risk');
    expect(form).toMatch(/value="Online safety" checked/);

    expect(form).toMatch(/id="asksManagerFollowUp-2" name="asksManagerFollowUp" type="radio" value="no" checked/);

    const res = await coordinator.post(`/manage/courses/${courseId}`, courseForm({ title: 'Contextual Safeguarding', themes: 'Neglect', requiresManagerApproval: 'yes', asksManagerFollowUp: 'yes', durationMinutes: '240' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/manage/courses/${courseId}?done=changed`);
    const [row] = await database.db.select().from(courses).where(eq(courses.id, courseId));
    expect(row).toMatchObject({ title: 'Contextual Safeguarding', themes: ['Neglect'], requiresManagerApproval: true, asksManagerFollowUp: true, durationMinutes: 240 });
    const managed = await (await coordinator.get(`/manage/courses/${courseId}`)).text();
    expect(managed).toMatch(/Line manager follow-up<\/dt>\s*<dd class="govuk-summary-list__value">Asked three months on/);
    const page = await (await anonymous.get(`/courses/${courseId}`)).text();
    expect(page).toContain('<h1 class="govuk-heading-l">Contextual Safeguarding</h1>');
    expect(page).toContain('Your line manager must approve your place');
    expect(page).toContain('4 hours');
    // No workforce group was sent this time, so the course is now for everyone.
    expect(page).toContain('Everyone');
    expect((await auditFor(database.db, courseId)).map((a) => a.action)).toEqual(['course.created', 'course.updated']);
  });
});

describe('sessions', () => {
  const sessionIdOf = async (courseId: string, startsAt: string) => {
    const [row] = await database.db.select().from(sessions).where(and(eq(sessions.courseId, courseId), eq(sessions.startsAt, new Date(startsAt))));
    return row?.id;
  };

  /** A date of the course (9:30am to 12:30pm London, 20 places at Riverside House) added through the Manage pages. */
  const addSession = async (courseId: string, date: string) => {
    const ids = async () => (await database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.courseId, courseId))).map((r) => r.id);
    const before = await ids();
    expect((await coordinator.post(`/manage/courses/${courseId}/sessions`, sessionForm(date))).status).toBe(303);
    const [id] = (await ids()).filter((x) => !before.includes(x));
    return id;
  };

  it('takes London wall-clock times either side of the clocks going back', async () => {
    const { courseId } = await publishedCourse();
    // British Summer Time ends at 2am on Sunday 31 October 2027.
    for (const date of ['2027-10-29', '2027-11-01']) {
      const res = await coordinator.post(`/manage/courses/${courseId}/sessions`, sessionForm(date));
      expect(res.status, date).toBe(303);
      expect(res.headers.get('location')).toBe(`/manage/courses/${courseId}?done=session-added`);
    }
    const bstSession = (await sessionIdOf(courseId, '2027-10-29T08:30:00Z'))!;
    const gmtSession = (await sessionIdOf(courseId, '2027-11-01T09:30:00Z'))!;
    expect(bstSession).toBeDefined();
    expect(gmtSession).toBeDefined();

    const [bst] = await database.db.select().from(sessions).where(eq(sessions.id, bstSession));
    const [gmt] = await database.db.select().from(sessions).where(eq(sessions.id, gmtSession));
    expect(bst.endsAt.toISOString()).toBe('2027-10-29T11:30:00.000Z');
    expect(gmt.endsAt.toISOString()).toBe('2027-11-01T12:30:00.000Z');
    // Booking closes at 5pm London on the working day before: Thursday for the Friday, Friday (still BST) for the Monday.
    expect(bst.bookingClosesAt.toISOString()).toBe('2027-10-28T16:00:00.000Z');
    expect(gmt.bookingClosesAt.toISOString()).toBe('2027-10-29T16:00:00.000Z');

    expect(await (await anonymous.get(`/sessions/${bstSession}`)).text()).toContain('Friday 29 October 2027, 9:30am to 12:30pm');
    expect(await (await anonymous.get(`/sessions/${gmtSession}`)).text()).toContain('Monday 1 November 2027, 9:30am to 12:30pm');
    const form = await (await coordinator.get(`/manage/sessions/${gmtSession}/edit`)).text();
    expect(form).toContain('name="startTime" type="text" value="09:30"');
    expect(form).toContain('name="date-day" type="text" inputmode="numeric" value="1"');
  });

  it('keeps an online session’s joining link and chosen trainers', async () => {
    const { courseId } = await publishedCourse();
    const trainer = await makePerson(database.db, ['trainer'], { name: 'Tamsin Trainer' });
    const res = await coordinator.post(
      `/manage/courses/${courseId}/sessions`,
      sessionForm('2028-01-12', { where: 'online', venue: '', joiningLink: 'https://meet.example/abc', trainerIds: trainer.id, trainerName: 'Kidscape', ...{ 'bookingClosesDate-day': '5', 'bookingClosesDate-month': '1', 'bookingClosesDate-year': '2028' } }),
    );
    expect(res.status).toBe(303);
    const id = (await sessionIdOf(courseId, '2028-01-12T09:30:00Z'))!;
    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, id));
    expect(row).toMatchObject({ online: true, venue: '', joiningLink: 'https://meet.example/abc', trainerName: 'Kidscape' });
    expect(row.bookingClosesAt.toISOString()).toBe('2028-01-05T17:00:00.000Z');
    const page = await (await anonymous.get(`/sessions/${id}`)).text();
    expect(page).toContain('Tamsin Trainer, Kidscape');
  });

  it('refuses a capacity below the places already taken, with a message, and changes nothing', async () => {
    const { courseId } = await publishedCourse();
    const gmtSession = await addSession(courseId, '2027-11-01');
    await database.db.update(sessions).set({ placesTaken: 5 }).where(eq(sessions.id, gmtSession));
    const res = await coordinator.post(`/manage/sessions/${gmtSession}`, sessionForm('2027-11-01', { capacity: '3', venue: 'Somewhere else' }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('The number of places must be at least 5, the places already taken');
    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, gmtSession));
    expect(row).toMatchObject({ capacity: 20, placesTaken: 5, venue: 'Riverside House, Main Street, Rotherham S60 1AE' });

    const ok = await coordinator.post(`/manage/sessions/${gmtSession}`, sessionForm('2027-11-01', { capacity: '5', endTime: '13:00' }));
    expect(ok.status).toBe(303);
    const [changed] = await database.db.select().from(sessions).where(eq(sessions.id, gmtSession));
    expect(changed.capacity).toBe(5);
    expect(changed.endsAt.toISOString()).toBe('2027-11-01T13:00:00.000Z');
  });

  it('cancels a session with a reason: it stays visible marked Cancelled, bookers are emailed, and it is audited', async () => {
    const { courseId } = await publishedCourse();
    const bstSession = await addSession(courseId, '2027-10-29');
    const booker = await makePerson(database.db, [], { email: 'booker@partner.example' });
    await bookPlace(await bookingScope(database.db), { sessionId: bstSession, personId: booker.id });

    const form = await coordinator.get(`/manage/sessions/${bstSession}/cancel`);
    expect(form.status).toBe(200);
    const res = await coordinator.post(`/manage/sessions/${bstSession}/cancel`, { reason: 'The trainer is unwell' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/manage/courses/${courseId}?done=session-cancelled`);

    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, bstSession));
    expect(row).toMatchObject({ status: 'cancelled', cancelledReason: 'The trainer is unwell' });
    const entries = await auditFor(database.db, bstSession);
    expect(entries.at(-1)).toMatchObject({ action: 'session.cancelled', actorId: coordinatorId, detail: { reason: 'The trainer is unwell', bookingsEnded: 1 } });
    const mail = (await database.db.select().from(outbox).where(eq(outbox.to, 'booker@partner.example'))).find((m) => m.subject.startsWith('Session cancelled'))!;
    expect(mail.subject).toContain('Session cancelled: Contextual Safeguarding');
    expect(mail.attachments[0].content).toContain('METHOD:CANCEL');
    expect(mail.text).toContain('Reason: The trainer is unwell');

    const course = await (await anonymous.get(`/courses/${courseId}`)).text();
    expect(course).toContain('Friday 29 October 2027, 9:30am to 12:30pm');
    expect(course).toMatch(/govuk-tag--red">Cancelled</);
    const session = await (await anonymous.get(`/sessions/${bstSession}`)).text();
    expect(session).toContain('The trainer is unwell');
    const manage = await (await coordinator.get(`/manage/courses/${courseId}?done=session-cancelled`)).text();
    expect(manage).toContain('Date cancelled');
    expect(manage).toMatch(/govuk-tag--red">Cancelled</);

    // A cancelled date cannot be changed.
    const again = await coordinator.post(`/manage/sessions/${bstSession}`, sessionForm('2027-10-29'));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This session has been cancelled');
  });

  it('withdraws a course only once its upcoming dates are cancelled', async () => {
    const { courseId } = await publishedCourse();
    await addSession(courseId, '2027-11-01');
    await addSession(courseId, '2028-01-12');
    expect(await publicTitles(anonymous, 'year=2027-28')).toContain('Contextual Safeguarding in Practice');
    const refused = await coordinator.post(`/manage/courses/${courseId}/withdraw`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Cancel the 2 upcoming dates of this course before withdrawing it');
    expect((await database.db.select().from(courses).where(eq(courses.id, courseId)))[0].withdrawn).toBe(false);

    const upcoming = await database.db.select().from(sessions).where(and(eq(sessions.courseId, courseId), eq(sessions.status, 'scheduled')));
    for (const x of upcoming) expect((await coordinator.post(`/manage/sessions/${x.id}/cancel`, { reason: 'Course withdrawn' })).status).toBe(303);
    const res = await coordinator.post(`/manage/courses/${courseId}/withdraw`);
    expect(res.status).toBe(303);
    expect((await database.db.select().from(courses).where(eq(courses.id, courseId)))[0].withdrawn).toBe(true);
    expect(await publicTitles(anonymous, 'year=2027-28')).not.toContain('Contextual Safeguarding in Practice');
    expect((await auditFor(database.db, courseId)).at(-1)?.action).toBe('course.withdrawn');
  });
});
