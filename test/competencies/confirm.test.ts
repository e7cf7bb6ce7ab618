// A line manager's confirmation by emailed link, through the pages and the real outbox on an
// injected clock: the person asks from their profile, the manager's link confirms (the profile
// then shows the competency applied, dated the London day) or declines (the person is told);
// a used or expired link changes nothing; the partnership's setting off means no request at all;
// no manager address, or the person's own, is refused; one open request per competency.
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { auditLog, competencyConfirmationRequests, competencyFrameworks, competencyConfirmations, outbox, partnerships, people } from '../../db/schema';
import { answerConfirmationRequest, CONFIRMATION_LINK_DAYS, requestConfirmation } from '../../server/competencies/confirmation-requests';
import { DAY } from '../../server/shared/clock';
import { hashToken } from '../../server/shared/tokens';
import { formatDate, formatDay } from '../../server/shared/dates';
import { createTestDatabase, racesRun } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { actingAs, bookingScope } from '../support/fixtures';
import { expectAccessiblePage } from '../feedback/helpers';
import { competencyIds, learnedOn, makeProspectus, practitioner, type Practitioner } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let prospectusId: string;
let ids: Record<string, string>;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  prospectusId = (await makeProspectus(database.db, '2025-26')).id;
  ids = await competencyIds(database.db);
});
afterAll(() => database.close());

const setting = (on: boolean) => database.db.update(partnerships).set({ managerConfirmations: on }).where(eq(partnerships.slug, 'rotherham'));
beforeEach(() => setting(true));

const ASK = '/learning/competencies/confirmations';
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const row = (html: string, code: string) => html.match(new RegExp(`<tr class="govuk-table__row" id="competency-${code}">([\\s\\S]*?)</tr>`))?.[1] ?? '';
const signedIn = (person: { id: string }) => new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);

/** Someone in group 3 who learned A1 at a workshop in January 2026. */
async function learner() {
  const person = await practitioner(database.db);
  await learnedOn(database.db, person, prospectusId, ['A1'], '2026-01-12T10:00:00Z', { title: 'Safeguarding core workshop' });
  return person;
}

async function mailTo(email: string) {
  const rows = await database.db.select().from(outbox).where(eq(outbox.to, email)).orderBy(asc(outbox.createdAt), asc(outbox.id));
  return rows.map((m) => ({ ...m, token: m.text.match(/\/competency-confirmations\/([a-z2-7]{32})/)?.[1] }));
}

async function audits(action: string, subjectId?: string) {
  return database.db.select().from(auditLog).where(and(eq(auditLog.action, action), subjectId ? eq(auditLog.subjectId, subjectId) : undefined));
}

const confirmationsOf = (person: { id: string }) => database.db.select().from(competencyConfirmations).where(eq(competencyConfirmations.personId, person.id));
const requestsOf = (person: { id: string }) => database.db.select().from(competencyConfirmationRequests).where(eq(competencyConfirmationRequests.personId, person.id)).orderBy(asc(competencyConfirmationRequests.requestedAt));

/** The person asks about A1 through the form; returns the manager's link token. */
async function ask(person: Practitioner, note = 'Discussed in supervision in March: I lead on spotting neglect in my team') {
  const client = await signedIn(person);
  const res = await client.post(ASK, { competencyId: ids.A1, note });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/learning/competencies?done=asked');
  const mail = await mailTo(person.managerEmail);
  return mail[mail.length - 1].token!;
}

describe('asking a line manager to confirm a competency', () => {
  it('emails a single-use link to the recorded manager; confirming makes the competency applied, dated the London day, and audited', async () => {
    // 23:30 on 31 May in UTC is 00:30 on 1 June in London.
    built.clock.set('2027-05-31T23:30:00Z');
    const person = await learner();
    const client = await signedIn(person);

    const profile = await (await client.get('/learning/competencies')).text();
    expect(profile).toContain(`href="${ASK}/new"`);
    const form = await client.get(`${ASK}/new`);
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expectAccessiblePage(formHtml);
    expect(formHtml).toContain(person.managerEmail);
    expect(formHtml).toContain('Do not include the names of children or families');

    // A missing note is a clear message and nothing is sent.
    const empty = await client.post(ASK, { competencyId: ids.A1, note: '  ' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Say briefly what shows you apply it');
    expect(await mailTo(person.managerEmail)).toHaveLength(0);

    // An address posted with the form is ignored: the link only ever goes to the recorded manager.
    const res = await client.post(ASK, { competencyId: ids.A1, note: 'Discussed in supervision in May', managerEmail: 'someone@elsewhere.example' });
    expect(res.status).toBe(303);
    expect(await database.db.select().from(outbox).where(eq(outbox.to, 'someone@elsewhere.example'))).toHaveLength(0);
    const [mail] = await mailTo(person.managerEmail);
    expect(mail.subject).toMatch(/^Please confirm a competency: Test Person \d+$/);
    expect(mail.text).toContain('Discussed in supervision in May');
    expect(mail.clearAfterSending).toBe(true);
    const [request] = await requestsOf(person);
    expect(request.tokenHash).toBe(hashToken(mail.token!));
    expect(request.expiresAt.toISOString()).toBe(new Date(Date.parse('2027-05-31T23:30:00Z') + CONFIRMATION_LINK_DAYS * DAY).toISOString());
    expect(await audits('competency.confirmation-requested', request.id)).toHaveLength(1);
    expect(text(await (await client.get('/learning/competencies')).text())).toContain(`A1: asked on ${formatDate(request.requestedAt)}`);

    // The manager, with no account, sees who, which competency and the note.
    const manager = new TestClient(built.app);
    const link = `/competency-confirmations/${mail.token}`;
    const page = await (await manager.get(link)).text();
    expectAccessiblePage(page);
    expect(page).toContain('Discussed in supervision in May');
    expect(page).toContain('A1: ');
    // Confirming needs their own note.
    const noNote = await manager.post(link, { decision: 'confirmed' });
    expect(noNote.status).toBe(422);
    expect(await noNote.text()).toContain('Say briefly what you have seen that shows it');
    expect(await confirmationsOf(person)).toHaveLength(0);

    const done = await manager.post(link, { decision: 'confirmed', managerNote: 'Seen in her case work and supervision' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Competency confirmed');

    const [confirmation] = await confirmationsOf(person);
    expect(confirmation).toMatchObject({ competencyId: ids.A1, confirmedByEmail: person.managerEmail, confirmedBy: null, note: 'Seen in her case work and supervision' });
    expect(confirmation.confirmedAt.toISOString()).toBe('2027-05-31T23:30:00.000Z');
    const [audit] = await audits('competency.confirmed', confirmation.id);
    expect(audit.actorId).toBeNull();
    expect((await requestsOf(person))[0]).toMatchObject({ decision: 'confirmed', confirmationId: confirmation.id });

    const a1 = text(row(await (await client.get('/learning/competencies')).text(), 'A1'));
    expect(a1).toContain(`Applied since ${formatDay('2027-06-01')}`);
    expect(a1).toContain(`Line manager’s confirmation, ${formatDay('2027-06-01')} Confirmed by ${person.managerEmail}: Seen in her case work and supervision`);
    const told = (await mailTo(person.email)).find((m) => m.subject === 'Competency confirmed: A1');
    expect(told?.text).toContain('Seen in her case work and supervision');

    // The link is used up: it says so, and a second answer changes nothing.
    expect(await (await manager.get(link)).text()).toContain('This competency has been confirmed');
    const again = await manager.post(link, { decision: 'declined' });
    expect(again.status).toBe(409);
    expect(await confirmationsOf(person)).toHaveLength(1);
    expect((await requestsOf(person))[0].decision).toBe('confirmed');
  });

  it('refuses a link at the exact moment it expires, changing nothing, and then lets the person ask again', async () => {
    built.clock.set('2027-02-01T09:00:00Z');
    const person = await learner();
    const token = await ask(person);
    const link = `/competency-confirmations/${token}`;
    const manager = new TestClient(built.app);

    built.clock.set(new Date(Date.parse('2027-02-01T09:00:00Z') + CONFIRMATION_LINK_DAYS * DAY - 1));
    expect(await (await manager.get(link)).text()).toContain('Do you confirm they apply it in practice?');
    built.clock.set(new Date(Date.parse('2027-02-01T09:00:00Z') + CONFIRMATION_LINK_DAYS * DAY));
    expect(await (await manager.get(link)).text()).toContain('This link has expired');
    const late = await manager.post(link, { decision: 'confirmed', managerNote: 'Seen in supervision' });
    expect(late.status).toBe(409);
    expect(await confirmationsOf(person)).toHaveLength(0);
    expect((await requestsOf(person))[0].decision).toBeNull();

    // The expired request no longer counts as open.
    await ask(person, 'Asking again after the first link expired');
    expect((await requestsOf(person)).map((r) => r.decision)).toEqual(['lapsed', null]);
    expect(await (await manager.get(link)).text()).toContain('This link has expired');
  });

  it('records a decline and tells the person by email', async () => {
    built.clock.set('2027-02-01T09:00:00Z');
    const person = await learner();
    const token = await ask(person);
    const res = await new TestClient(built.app).post(`/competency-confirmations/${token}`, { decision: 'declined', managerNote: 'We have not discussed this yet' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Request declined');
    const [request] = await requestsOf(person);
    expect(request).toMatchObject({ decision: 'declined', managerNote: 'We have not discussed this yet', confirmationId: null });
    expect(request.decidedAt?.toISOString()).toBe('2027-02-01T09:00:00.000Z');
    expect(await confirmationsOf(person)).toHaveLength(0);
    expect(await audits('competency.confirmation-declined', request.id)).toHaveLength(1);
    const told = (await mailTo(person.email)).find((m) => m.subject === 'Competency not confirmed: A1');
    expect(told?.text).toContain('We have not discussed this yet');
    expect(await (await new TestClient(built.app).get(`/competency-confirmations/${token}`)).text()).toContain('This request has been declined');
  });

  it('stops a link whose competency a new framework version has replaced, changing nothing', async () => {
    built.clock.set('2027-02-01T09:00:00Z');
    const person = await learner();
    const token = await ask(person);
    const [old] = await database.db.select().from(competencyFrameworks).where(eq(competencyFrameworks.current, true));
    await database.db.update(competencyFrameworks).set({ current: false }).where(eq(competencyFrameworks.id, old.id));
    const [next] = await database.db.insert(competencyFrameworks).values({ partnershipId: old.partnershipId, version: old.version + 1, title: 'Next version', current: true, publishedAt: new Date() }).returning();
    try {
      const manager = new TestClient(built.app);
      expect(await (await manager.get(`/competency-confirmations/${token}`)).text()).toContain('This competency has been replaced');
      expect((await manager.post(`/competency-confirmations/${token}`, { decision: 'confirmed', managerNote: 'Seen it' })).status).toBe(409);
      expect(await confirmationsOf(person)).toHaveLength(0);
      expect((await requestsOf(person))[0].decision).toBeNull();
    } finally {
      await database.db.delete(competencyFrameworks).where(eq(competencyFrameworks.id, next.id));
      await database.db.update(competencyFrameworks).set({ current: true }).where(eq(competencyFrameworks.id, old.id));
    }
  });

  it('does not let the person answer their own request, signed in on the manager’s link', async () => {
    built.clock.set('2027-02-01T09:00:00Z');
    const person = await learner();
    const token = await ask(person);
    const res = await (await signedIn(person)).post(`/competency-confirmations/${token}`, { decision: 'confirmed', managerNote: 'I confirm myself' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Nobody can confirm their own competency');
    expect(await confirmationsOf(person)).toHaveLength(0);
    expect((await requestsOf(person))[0].decision).toBeNull();
  });

  describe.skipIf(!racesRun)('two at once (races need separate connections: PostgreSQL only)', () => {
    it('lets one of two answers sent at once count', async () => {
      built.clock.set('2027-02-01T09:00:00Z');
      const person = await learner();
      const token = await ask(person);
      const s = await bookingScope(database.db, '2027-02-02T09:00:00Z');
      const results = await Promise.allSettled([
        answerConfirmationRequest(s, token, { decision: 'confirmed', managerNote: 'Seen in supervision' }),
        answerConfirmationRequest(s, token, { decision: 'confirmed', managerNote: 'Seen in supervision' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await confirmationsOf(person)).toHaveLength(1);
    });

    it('lets one of two requests sent at once through, the other refused as already asked', async () => {
      built.clock.set('2027-02-01T09:00:00Z');
      const person = await learner();
      const s = actingAs(await bookingScope(database.db, '2027-02-01T09:00:00Z'), person.id);
      const results = await Promise.allSettled([0, 1].map(() => requestConfirmation(s, { competencyId: ids.A1, note: 'Discussed in supervision' })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason.message)] : []))).toEqual(['You have already asked your line manager to confirm A1. Wait for their answer, or until the link expires.']);
      expect(await requestsOf(person)).toHaveLength(1);
      expect(await mailTo(person.managerEmail)).toHaveLength(1);
    });
  });

  it('holds one open request per competency', async () => {
    built.clock.set('2027-02-01T09:00:00Z');
    const person = await learner();
    await ask(person);
    const client = await signedIn(person);
    // The form no longer offers A1 ...
    expect(await (await client.get(`${ASK}/new`)).text()).not.toContain(`value="${ids.A1}"`);
    // ... and a second request for it is refused with a clear message.
    const res = await client.post(ASK, { competencyId: ids.A1, note: 'Again' });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('You have already asked your line manager to confirm A1');
    expect(await mailTo(person.managerEmail)).toHaveLength(1);
    // A competency the person's group does not need is refused too.
    const other = await client.post(ASK, { competencyId: ids.E1, note: 'Not mine' });
    expect(other.status).toBe(422);
    expect(await other.text()).toContain('Choose a competency your workforce group needs');
  });

  it('offers nothing when the partnership does not take confirmations: no link, no page, no request, and open links stop', async () => {
    built.clock.set('2027-02-01T09:00:00Z');
    const person = await learner();
    const token = await ask(person);
    await setting(false);
    const client = await signedIn(person);
    const profile = await (await client.get('/learning/competencies')).text();
    expect(profile).not.toContain(`${ASK}/new`);
    expect(profile).not.toContain('Your line manager’s confirmation');
    expect((await client.get(`${ASK}/new`)).status).toBe(404);
    const res = await client.post(ASK, { competencyId: ids.A2, note: 'Discussed in supervision' });
    expect(res.status).toBe(404);
    expect(await mailTo(person.managerEmail)).toHaveLength(1);
    const manager = new TestClient(built.app);
    expect(await (await manager.get(`/competency-confirmations/${token}`)).text()).toContain('Confirmations by email have stopped');
    expect((await manager.post(`/competency-confirmations/${token}`, { decision: 'confirmed', managerNote: 'Seen it' })).status).toBe(409);
    expect(await confirmationsOf(person)).toHaveLength(0);
  });

  it.each([
    ['no line manager address', () => null, 'does not have your line manager’s email address'],
    ['their own address as the manager’s', (p: Practitioner) => p.email.toUpperCase(), 'is your own, and nobody can confirm their own competency'],
  ])('refuses a person with %s, with a clear message and nothing sent', async (_, address, message) => {
    built.clock.set('2027-02-01T09:00:00Z');
    const person = await learner();
    await database.db.update(people).set({ lineManagerEmail: address(person) }).where(eq(people.id, person.id));
    const client = await signedIn(person);
    const form = await (await client.get(`${ASK}/new`)).text();
    expect(text(form)).toContain(message);
    expect(form).not.toContain('name="note"');
    const res = await client.post(ASK, { competencyId: ids.A1, note: 'Discussed in supervision' });
    expect(res.status).toBe(409);
    expect(text(await res.text())).toContain(message);
    expect(await requestsOf(person)).toHaveLength(0);
    expect(await database.db.select().from(outbox).where(like(outbox.text, `%${person.email}%`))).toHaveLength(0);
    expect((await mailTo(person.email)).filter((m) => m.token)).toHaveLength(0);
  });

  it('needs the form’s CSRF token', async () => {
    const person = await learner();
    const res = await (await signedIn(person)).post(ASK, { competencyId: ids.A1, note: 'Discussed in supervision' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(await requestsOf(person)).toHaveLength(0);
  });
});

describe('the partnership’s setting', () => {
  it('is a coordinator’s to turn on and off, audited, and linked from Manage', async () => {
    await setting(false);
    const coordinator = await makePerson(database.db, ['coordinator']);
    const client = await signedIn(coordinator);
    expect(await (await client.get('/manage')).text()).toContain('href="/manage/competency-confirmations"');
    const page = await (await client.get('/manage/competency-confirmations')).text();
    expectAccessiblePage(page);
    expect(page).toMatch(/value="no"[^>]*checked/);
    const empty = await client.post('/manage/competency-confirmations', {});
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Select yes if people may ask their line managers');
    const res = await client.post('/manage/competency-confirmations', { on: 'yes' });
    expect(res.status).toBe(303);
    const [partnership] = await database.db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));
    expect(partnership.managerConfirmations).toBe(true);
    const [audit] = await audits('partnership.manager-confirmations.changed', partnership.id);
    expect(audit).toMatchObject({ actorId: coordinator.id, detail: { before: false, after: true } });
    // A practitioner cannot change it.
    const practitionerClient = await signedIn(await learner());
    expect((await practitionerClient.post('/manage/competency-confirmations', { on: 'no' })).status).toBe(403);
  });
});

describe('a coordinator recording a confirmation for a line manager', () => {
  it('records it with the coordinator as the actor, dated today, from the person’s page; nobody else can', async () => {
    built.clock.set('2027-03-10T12:00:00Z');
    const coordinator = await makePerson(database.db, ['coordinator']);
    const person = await learner();
    const client = await signedIn(coordinator);
    expect(await (await client.get(`/manage/people/${person.id}`)).text()).toContain(`href="/manage/people/${person.id}/competency-confirmations"`);
    const page = await (await client.get(`/manage/people/${person.id}/competency-confirmations`)).text();
    expectAccessiblePage(page);
    expect(page).toContain(`value="${person.managerEmail}"`);
    const noNote = await client.post(`/manage/people/${person.id}/competency-confirmations`, { competencyId: ids.A1, confirmedByEmail: person.managerEmail, note: '' });
    expect(noNote.status).toBe(422);
    expect(await noNote.text()).toContain('Say what the line manager has seen that shows it');
    const own = await client.post(`/manage/people/${person.id}/competency-confirmations`, { competencyId: ids.A1, confirmedByEmail: person.email, note: 'Told me in a meeting' });
    expect(own.status).toBe(403);
    expect(await confirmationsOf(person)).toHaveLength(0);

    const res = await client.post(`/manage/people/${person.id}/competency-confirmations`, { competencyId: ids.A1, confirmedByEmail: person.managerEmail, note: 'Confirmed by letter after supervision' });
    expect(res.status).toBe(303);
    const [confirmation] = await confirmationsOf(person);
    expect(confirmation).toMatchObject({ competencyId: ids.A1, confirmedByEmail: person.managerEmail, note: 'Confirmed by letter after supervision' });
    expect(confirmation.confirmedAt.toISOString()).toBe('2027-03-10T12:00:00.000Z');
    expect((await audits('competency.confirmed', confirmation.id))[0].actorId).toBe(coordinator.id);

    const practitionerClient = await signedIn(await learner());
    expect((await practitionerClient.post(`/manage/people/${person.id}/competency-confirmations`, { competencyId: ids.A1, confirmedByEmail: 'x@partner.example', note: 'Me' })).status).toBe(403);
    expect(await confirmationsOf(person)).toHaveLength(1);
  });
});
