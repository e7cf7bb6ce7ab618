import { eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookings, eLearningCompletions, feedback, partnerships } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { makeSession } from '../support/fixtures';
import { attendance, expectAccessiblePage, FORM_ANSWERS, OUTCOMES, pdfText } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
});
afterAll(() => database.close());

const attended = (options: Parameters<typeof attendance>[2] = {}) => attendance(database.db, built, options);
const feedbackRows = (bookingId: string) => database.db.select().from(feedback).where(eq(feedback.bookingId, bookingId));
const codeOf = async (bookingId: string) => (await database.db.select().from(bookings).where(eq(bookings.id, bookingId)))[0].certificateCode!;

describe('the feedback form', () => {
  it('asks how well each learning outcome was met, then relevance, delivery and confidence, and warns against identifying children', async () => {
    const { client, booking, course } = await attended();
    const res = await client.get(`/feedback/${booking.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(html.match(/How well was this outcome met\?/g)).toHaveLength(OUTCOMES.length);
    OUTCOMES.forEach((outcome, i) => {
      expect(html).toContain(`Outcome ${i + 1}: ${outcome}`);
      expect(html.match(new RegExp(`name="outcomesMet-${i}"`, 'g'))).toHaveLength(4);
    });
    for (const words of ['Not met', 'Partly met', 'Mostly met', 'Fully met', 'How relevant was the course to your role?', 'How good was the delivery of the course?', 'What will you do differently?', 'Anything else?']) {
      expect(html).toContain(words);
    }
    expect(html.match(/name="relevance"/g)).toHaveLength(5);
    expect(html.match(/name="confidenceBefore"/g)).toHaveLength(10);
    expect(html.match(/name="confidenceAfter"/g)).toHaveLength(10);
    expect(html).toContain('govuk-warning-text');
    expect(html).toContain('Do not include children’s or families’ names or anything that could identify them');
    expect(html).toContain(course.title);
  });

  it('refuses missing answers with a message linked to the first radio of each question, and saves nothing', async () => {
    const { client, booking } = await attended();
    const res = await client.post(`/feedback/${booking.id}`, { 'outcomesMet-1': '3', willDoDifferently: 'Listen more' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(html).toContain('<title>Error: ');
    const links = [...html.matchAll(/<li><a href="#([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual([
      ['outcomesMet-0', 'Select how well outcome 1 was met'],
      ['outcomesMet-2', 'Select how well outcome 3 was met'],
      ['relevance', 'Select how relevant the course was to your role'],
      ['delivery', 'Select how good the delivery was'],
      ['confidenceBefore', 'Select your confidence before the course, from 1 to 10'],
      ['confidenceAfter', 'Select your confidence after the course, from 1 to 10'],
    ]);
    for (const [id] of links) expect(html).toContain(`id="${id}" name="${id}" type="radio"`);
    // What was given is kept.
    expect(html).toMatch(/id="outcomesMet-1-3" name="outcomesMet-1" type="radio" value="3" checked/);
    expect(html).toContain('Listen more</textarea>');
    expect(await feedbackRows(booking.id)).toHaveLength(0);
  });

  it('refuses answers out of range, and free text that is too long', async () => {
    const { client, booking } = await attended();
    const res = await client.post(`/feedback/${booking.id}`, { ...FORM_ANSWERS, 'outcomesMet-0': '5', relevance: '0', delivery: '2.5', confidenceAfter: '11', comments: 'x'.repeat(2001) });
    expect(res.status).toBe(422);
    const html = await res.text();
    for (const message of ['Select how well outcome 1 was met', 'Select how relevant the course was to your role', 'Select how good the delivery was', 'Select your confidence after the course, from 1 to 10', 'Must be 2000 characters or fewer']) {
      expect(html).toContain(message);
    }
    expect(await feedbackRows(booking.id)).toHaveLength(0);
  });

  it('takes feedback once, then thanks the attendee and offers the certificate', async () => {
    const { client, booking } = await attended();
    const res = await client.post(`/feedback/${booking.id}`, FORM_ANSWERS);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(html).toContain('govuk-panel--confirmation');
    expect(html).toContain('Feedback sent');
    expect(html).toContain(`href="/certificates/${booking.id}"`);
    expect(html).toContain(`href="/certificates/${booking.id}/pdf"`);
    const [row] = await feedbackRows(booking.id);
    expect(row).toMatchObject({ outcomesMet: [4, 3, 2], relevance: 5, delivery: 4, confidenceBefore: 3, confidenceAfter: 8, willDoDifferently: FORM_ANSWERS.willDoDifferently, comments: 'Very useful' });

    const again = await client.get(`/feedback/${booking.id}`);
    const thanks = await again.text();
    expect(again.status).toBe(200);
    expectAccessiblePage(thanks);
    expect(thanks).toContain('Thank you for your feedback');
    expect(thanks).toContain(`href="/certificates/${booking.id}"`);
    expect(thanks).not.toContain('name="relevance"');
    const resent = await client.post(`/feedback/${booking.id}`, FORM_ANSWERS);
    expect(resent.status).toBe(409);
    expect(await resent.text()).toContain('Thank you for your feedback');
    expect(await feedbackRows(booking.id)).toHaveLength(1);
  });

  it('explains that feedback waits for the register, before attendance is marked or when marked as not attending', async () => {
    for (const mark of [null, 'did not attend'] as const) {
      const { client, booking } = await attended({ mark });
      const res = await client.get(`/feedback/${booking.id}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expectAccessiblePage(html);
      expect(html).toContain('You cannot give feedback yet');
      expect(html).not.toContain('name="relevance"');
      expect((await client.post(`/feedback/${booking.id}`, FORM_ANSWERS)).status).toBe(409);
      expect(await feedbackRows(booking.id)).toHaveLength(0);
      const certificate = await client.get(`/certificates/${booking.id}`);
      expect(certificate.status).toBe(409);
      expect(await certificate.text()).toContain('once your attendance has been recorded');
    }
  });
});

describe('someone else’s booking', () => {
  it('is not found on every route, and nothing is saved', async () => {
    const { booking } = await attended();
    const other = await makePerson(database.db);
    const client = await new TestClient(built.app).signInAs(database.db, other.id, built.clock.now(), built.config);
    for (const path of [`/feedback/${booking.id}`, `/certificates/${booking.id}`, `/certificates/${booking.id}/pdf`]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
    }
    expect((await client.post(`/feedback/${booking.id}`, FORM_ANSWERS)).status).toBe(404);
    expect((await client.get('/feedback/not-a-booking')).status).toBe(404);
    expect(await feedbackRows(booking.id)).toHaveLength(0);
  });
});

describe('certificates', () => {
  it('are available only after feedback, as a page and as a PDF', async () => {
    const { client, booking, course, person } = await attended();
    for (const path of [`/certificates/${booking.id}`, `/certificates/${booking.id}/pdf`]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(409);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const html = await res.text();
      expectAccessiblePage(html);
      expect(html).toContain('Give feedback on the course to download your certificate');
      expect(html).toContain(`href="/feedback/${booking.id}"`);
    }
    await client.post(`/feedback/${booking.id}`, FORM_ANSWERS);
    const code = await codeOf(booking.id);

    const page = await client.get(`/certificates/${booking.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expectAccessiblePage(html);
    for (const text of ['Certificate of attendance', person.name, course.title, 'Friday 20 November 2026', '3 hours', 'Rotherham', code, `http://localhost:8787/verify/${code}`]) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('Partly attended');

    const pdf = await client.get(`/certificates/${booking.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="certificate-test-course-\d+\.pdf"$/);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const loaded = await PDFDocument.load(bytes);
    expect(loaded.getPageCount()).toBe(1);
    const { width, height } = loaded.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([842, 595]);
    expect(loaded.getTitle()).toBe(`Certificate of attendance: ${course.title}`);
    const text = pdfText(bytes);
    for (const line of ['Certificate of attendance', person.name, 'attended', course.title, 'on Friday 20 November 2026 (3 hours)', `Verification code: ${code}`]) {
      expect(text).toContain(line);
    }
    expect(text).toContain(`http://localhost:8787/verify/${code}`);
  });

  it('note a partial attendance, give the date in London time, and draw names the PDF font lacks', async () => {
    // 23:30 on 30 June in UTC is 00:30 on 1 July in London.
    const { client, booking } = await attended({ mark: 'partly attended', startsAt: '2026-06-30T23:30:00Z', name: 'Łucja Dąbrowska-Ōta' });
    await client.post(`/feedback/${booking.id}`, FORM_ANSWERS);
    const html = await (await client.get(`/certificates/${booking.id}`)).text();
    expect(html).toContain('Partly attended');
    expect(html).toContain('partly attended');
    expect(html).toContain('Wednesday 1 July 2026');
    expect(html).toContain('Łucja Dąbrowska-Ōta');
    const pdf = await client.get(`/certificates/${booking.id}/pdf`);
    expect(pdf.status).toBe(200);
    const text = pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('Lucja Dabrowska-Ota');
    expect(text).toContain('partly attended');
    expect(text).toContain('Wednesday 1 July 2026');
  });

  it('come without feedback when the partnership does not ask for it first', async () => {
    const [partnership] = await database.db.select().from(partnerships);
    await database.db.update(partnerships).set({ certificateNeedsFeedback: false }).where(eq(partnerships.id, partnership.id));
    try {
      const { client, booking } = await attended();
      expect((await client.get(`/certificates/${booking.id}`)).status).toBe(200);
      const learning = await (await client.get('/learning')).text();
      expect(learning).toContain(`href="/certificates/${booking.id}"`);
      expect(learning).toContain(`href="/feedback/${booking.id}"`);
    } finally {
      await database.db.update(partnerships).set({ certificateNeedsFeedback: true }).where(eq(partnerships.id, partnership.id));
    }
  });
});

describe('checking a certificate', () => {
  it('shows only the name, course, date and duration, to anyone, however the code is typed', async () => {
    const { client, booking, course, person, organisation } = await attended();
    await client.post(`/feedback/${booking.id}`, FORM_ANSWERS);
    const code = await codeOf(booking.id);
    const anyone = new TestClient(built.app);
    for (const typed of [code, code.toLowerCase(), code.replace(/-/g, ''), code.replace(/-/g, '').toLowerCase()]) {
      const res = await anyone.get(`/verify/${typed}`);
      expect(res.status, typed).toBe(200);
      const html = await res.text();
      expectAccessiblePage(html);
      for (const text of ['This certificate is genuine', person.name, course.title, 'Friday 20 November 2026', '3 hours']) expect(html).toContain(text);
      for (const secret of [person.email, organisation.name, booking.id, person.id, 'Social worker', 'Ask about home conditions']) expect(html).not.toContain(secret);
    }
  });

  it('says a code that matches nothing is not found', async () => {
    const anyone = new TestClient(built.app);
    for (const typed of ['AAAA-AAAA-AA', 'not-a-code', 'ABCD']) {
      const res = await anyone.get(`/verify/${typed}`);
      expect(res.status, typed).toBe(404);
      const html = await res.text();
      expectAccessiblePage(html);
      expect(html).toContain('Certificate not found');
    }
  });

  it('has a form to type a code, which goes to the code’s page', async () => {
    const anyone = new TestClient(built.app);
    const form = await anyone.get('/verify');
    expect(form.status).toBe(200);
    const html = await form.text();
    expectAccessiblePage(html);
    expect(html).toContain('<form method="get" action="/verify"');
    expect(html).toContain('name="code"');
    const sent = await anyone.get('/verify?code=abcd efgh jk');
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/verify/ABCD-EFGH-JK');
    for (const [typed, message] of [['', 'Enter the verification code'], ['12', 'Enter the verification code as it is printed on the certificate']]) {
      const res = await anyone.get(`/verify?code=${encodeURIComponent(typed)}`);
      expect(res.status).toBe(422);
      const page = await res.text();
      expectAccessiblePage(page);
      expect(page).toContain('<a href="#code">');
      expect(page).toContain(message);
    }
  });
});

describe('your learning', () => {
  it('lists the courses you attended, with feedback and certificate, and your e-learning', async () => {
    const answered = await attended();
    const { client, booking, person, course } = await attended({ mark: 'partly attended', startsAt: '2026-11-18T10:00:00Z', person: answered.person });
    await client.post(`/feedback/${answered.booking.id}`, FORM_ANSWERS);
    const upcoming = await makeSession(database.db, { startsAt: '2026-12-15T10:00:00Z' });
    await client.post(`/sessions/${upcoming.session.id}/book`);
    const eLearning = await makeSession(database.db);
    await database.db.insert(eLearningCompletions).values({ partnershipId: upcoming.course.partnershipId, personId: person.id, courseId: eLearning.course.id, completedOn: '2026-10-05' });
    const someoneElse = await attended();

    const res = await client.get('/learning');
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    expect(html).toContain('href="/learning" aria-current="page"');
    expect(html).toContain('Your learning');
    for (const text of [answered.course.title, 'Friday 20 November 2026', 'Attended', 'Feedback given', `href="/certificates/${answered.booking.id}"`, `href="/certificates/${answered.booking.id}/pdf"`]) expect(html).toContain(text);
    for (const text of [course.title, 'Wednesday 18 November 2026', 'Partly attended', `href="/feedback/${booking.id}"`]) expect(html).toContain(text);
    expect(html).not.toContain(`href="/certificates/${booking.id}"`);
    expect(html).not.toContain(upcoming.course.title);
    expect(html).not.toContain(someoneElse.course.title);
    expect(html).toContain(eLearning.course.title);
    expect(html).toContain('Monday 5 October 2026');
    // Most recent first.
    expect(html.indexOf('Friday 20 November 2026')).toBeLessThan(html.indexOf('Wednesday 18 November 2026'));
  });

  it('says when there is nothing yet, and needs signing in', async () => {
    const person = await makePerson(database.db);
    const client = await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
    const html = await (await client.get('/learning')).text();
    expect(html).toContain('You have not attended any courses yet');
    expect(html).toContain('You have no e-learning completions recorded');
    const anonymous = await new TestClient(built.app).get('/learning');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/sign-in?next=%2Flearning');
  });
});
