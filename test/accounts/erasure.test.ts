// Erasing a person: the year's figures do not move, their name and email are nowhere in the
// database afterwards, they cannot sign in, and only a coordinator can do it, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type OpenDatabase } from '../../db/database';
import { auditLog, authSessions, bookings, feedback, followUpSurveys, impactResponses, outbox, people, rateLimits } from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { ERASED_NAME, erasePerson, erasedEmail } from '../../server/accounts/erasure';
import { register, requestSignIn } from '../../server/accounts/service';
import { loadSignedInPerson } from '../../server/accounts/sessions';
import { impactDashboard } from '../../server/impact/service';
import { isDomainError } from '../../server/shared/errors';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { impactScope, writeImpactYear } from '../impact/fixture';

let database: OpenDatabase;
let fixture: Awaited<ReturnType<typeof writeImpactYear>>;
let built: ReturnType<typeof buildApp>;
let coordinatorId: string;
const YEAR = { from: '2025-04-01', to: '2026-04-01' };
const ERASED = ['p2', 'p3', 'h1', 'x1'];

const personKey = async (key: string) => (await database.db.select().from(people).where(eq(people.email, `${key}@impact.example`)))[0];
const asCoordinator = () => ({ ...impactScope(database.db, fixture.partnership, ['coordinator']), actor: { id: coordinatorId, roles: ['coordinator' as const] } });

/** Every row of every table in the database, as text. */
async function everything() {
  const tables = rowsOf<{ table_name: string }>(await database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`));
  const out: string[] = [];
  for (const { table_name } of tables) {
    for (const r of rowsOf<{ row: string }>(await database.db.execute(sql`select t::text as row from ${sql.identifier(table_name)} t`))) out.push(`${table_name}: ${r.row}`);
  }
  return out;
}

/** A fresh database with the impact year and a coordinator, made the file's current one, for one describe block. */
function useWorld() {
  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database.db, 'partnership');
    fixture = await writeImpactYear(database.db);
    built = buildApp(database.db);
    coordinatorId = (await makePerson(database.db, ['coordinator'])).id;
  });
  afterAll(() => database.close());
}

/** A world of its own in which four people, having left traces of every kind, are erased. */
function useErasedWorld() {
  const w = { before: undefined as unknown as Awaited<ReturnType<typeof impactDashboard>>, identities: [] as { id: string; name: string; email: string }[] };
  useWorld();
  beforeAll(async () => {
    const { identities } = w;
    w.before = await impactDashboard(impactScope(database.db, fixture.partnership, ['reviewer']), YEAR, {});
    const db = database.db;
    for (const key of ERASED) {
      const p = await personKey(key);
      identities.push({ id: p.id, name: p.name, email: p.email });
    }
    const [p2, , h1, x1] = identities;
    // What a person leaves behind: a manager's address, free text, mail, a session, a token, a rate-limit row.
    await db.update(people).set({ lineManagerEmail: 'their.manager@impact.example', jobTitle: 'Senior practitioner p2' }).where(eq(people.id, p2.id));
    const [p2Booking] = await db.select().from(bookings).where(eq(bookings.personId, p2.id));
    await db.update(feedback).set({ comments: `I am ${p2.name} and this was useful`, willDoDifferently: 'Ask sooner' }).where(eq(feedback.bookingId, p2Booking.id));
    const [x1Survey] = await db
      .select({ id: followUpSurveys.id })
      .from(followUpSurveys)
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .where(and(eq(bookings.personId, x1.id), eq(followUpSurveys.respondent, 'attendee')));
    await db.update(impactResponses).set({ practiceChangeHow: `${x1.name} now checks the chronology`, barriers: 'Time' }).where(eq(impactResponses.surveyId, x1Survey.id));
    await requestSignIn(impactScope(db, fixture.partnership, []), h1.email, '192.0.2.1');
    await db.insert(outbox).values({ partnershipId: fixture.partnership.id, to: 'their.manager@impact.example', subject: `Approve a place for ${p2.name}`, text: `${p2.name} asked for a place`, status: 'sent' });
    await db.insert(outbox).values({ partnershipId: fixture.partnership.id, to: 'someone@impact.example', subject: 'About Person p20', text: 'Person p20 (not p2) booked', status: 'sent' });
    await new TestClient(built.app).signInAs(db, h1.id, built.clock.now(), built.config);
    const h1Viewer = (await loadSignedInPerson(db, h1.id, fixture.partnership.id))!;
    await createApiToken({ ...impactScope(db, fixture.partnership, []), actor: h1Viewer }, 'Script');
    expect(await db.select().from(authSessions).where(eq(authSessions.personId, h1.id))).toHaveLength(1);

    for (const p of identities) await erasePerson(asCoordinator(), p.id);
  });
  return w;
}

describe('erasing people', () => {
  const w = useErasedWorld();
  const { identities } = w;

  it('leaves every figure of the year as it was', async () => {
    const after = await impactDashboard(impactScope(database.db, fixture.partnership, ['reviewer']), YEAR, {});
    expect(after).toEqual(w.before);
  });

  it('keeps their bookings, attendance and ratings as rows under a placeholder', async () => {
    const [p2] = identities;
    const [row] = await database.db.select().from(people).where(eq(people.id, p2.id));
    expect(row).toMatchObject({ name: ERASED_NAME, email: erasedEmail(p2.id), jobTitle: '', lineManagerEmail: null });
    expect(row.erasedAt).toBeInstanceOf(Date);
    const theirBookings = await database.db.select().from(bookings).where(eq(bookings.personId, p2.id));
    expect(theirBookings.map((b) => b.status).sort()).toEqual(['attended', 'attended', 'attended']);
    const ratings = await database.db.select().from(feedback).where(inArray(feedback.bookingId, theirBookings.map((b) => b.id)));
    expect(ratings).toHaveLength(1);
    expect(ratings[0]).toMatchObject({ comments: '', willDoDifferently: '', relevance: 5, confidenceAfter: 7 });
  });

  it('leaves their names and email addresses nowhere in the database', async () => {
    const text = await everything();
    expect(text.length).toBeGreaterThan(100);
    for (const p of identities) {
      expect(text.filter((row) => row.includes(p.email)), p.email).toEqual([]);
      const named = new RegExp(`(^|[^A-Za-z0-9])${p.name}($|[^A-Za-z0-9])`);
      expect(text.filter((row) => named.test(row)), p.name).toEqual([]);
    }
    expect(text.filter((row) => row.includes('their.manager@impact.example'))).toEqual([]);
    expect(text.filter((row) => row.includes('now checks the chronology'))).toEqual([]);
    // Someone not erased is still there, and mail about a name that only starts like theirs.
    expect(text.some((row) => row.includes('Person p20 (not p2) booked'))).toBe(true);
    expect(text.some((row) => row.includes('p4@impact.example'))).toBe(true);
  });

  it('audits each erasure by who did it, with nothing personal in the entry', async () => {
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.action, 'person.erased'));
    expect(entries.map((e) => e.subjectId).sort()).toEqual(identities.map((p) => p.id).sort());
    for (const e of entries) expect(e).toMatchObject({ actorId: coordinatorId, subjectType: 'person', detail: {} });
  });

  it('cannot erase anyone twice', async () => {
    const error = await erasePerson(asCoordinator(), identities[0].id).catch((e: unknown) => e);
    expect(isDomainError(error, 'conflict')).toBe(true);
  });
});

describe('erased people signing in', () => {
  // Asking for a sign-in link leaves a rate-limit row for the address asked with, so this has a world of its own.
  const { identities } = useErasedWorld();

  it('ends their sessions and tokens, and sends no sign-in link to either address', async () => {
    const h1 = identities[2];
    expect(await database.db.select().from(authSessions).where(eq(authSessions.personId, h1.id))).toEqual([]);
    expect(await loadSignedInPerson(database.db, h1.id, fixture.partnership.id)).toBeUndefined();
    expect(await database.db.select().from(rateLimits).where(eq(rateLimits.key, `sign-in:email:${h1.email}`))).toEqual([]);
    const queued = (await database.db.select().from(outbox)).length;
    for (const email of [h1.email, erasedEmail(h1.id)]) await requestSignIn(impactScope(database.db, fixture.partnership, []), email, '192.0.2.2');
    // Registering with the placeholder address makes no account and sends nothing either.
    const [row] = await database.db.select().from(people).where(eq(people.id, h1.id));
    await register(impactScope(database.db, fixture.partnership, []), { name: 'Someone', email: erasedEmail(h1.id), organisationId: row.organisationId, jobTitle: 'Nurse', workforceGroupId: row.workforceGroupId! }, '192.0.2.3');
    expect(await database.db.select().from(outbox)).toHaveLength(queued);
    expect(await database.db.select().from(people).where(eq(people.name, 'Someone'))).toEqual([]);
  });
});

describe('the erase page', () => {
  useWorld();

  it('is for coordinators only, asks for confirmation, checks CSRF, and erases once', async () => {
    const target = await makePerson(database.db, [], { name: 'Robin Erasable' });
    const path = `/manage/people/${target.id}/erase`;
    const practitioner = await new TestClient(built.app).signInAs(database.db, (await makePerson(database.db)).id, built.clock.now(), built.config);
    expect((await practitioner.get(path)).status).toBe(403);
    expect((await practitioner.post(path, { confirm: 'yes' })).status).toBe(403);

    const coordinator = await new TestClient(built.app).signInAs(database.db, coordinatorId, built.clock.now(), built.config);
    const page = await coordinator.get(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Erase Robin Erasable');
    expect((await coordinator.post(path, { confirm: 'yes' }, { csrf: false })).status).toBe(403);
    const unconfirmed = await coordinator.post(path, {});
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain('Confirm that you want to erase this person');
    expect((await personByIdName(target.id)).name).toBe('Robin Erasable');

    const done = await coordinator.post(path, { confirm: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/manage/people?done=erased');
    expect((await personByIdName(target.id)).name).toBe(ERASED_NAME);
    expect((await coordinator.post(path, { confirm: 'yes' })).status).toBe(409);
    const list = await (await coordinator.get('/manage/people?q=erase')).text();
    expect(list).not.toContain('Robin Erasable');
    expect(list).not.toContain(ERASED_NAME);
  });

  it('refuses a coordinator erasing themselves', async () => {
    const coordinator = await new TestClient(built.app).signInAs(database.db, coordinatorId, built.clock.now(), built.config);
    const res = await coordinator.post(`/manage/people/${coordinatorId}/erase`, { confirm: 'yes' });
    expect(res.status).toBe(422);
    expect((await personByIdName(coordinatorId)).erasedAt).toBeNull();
  });
});

async function personByIdName(id: string) {
  return (await database.db.select().from(people).where(eq(people.id, id)))[0];
}
