import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { authSessions, outbox, people, signInTokens } from '../../db/schema';
import { MINUTE } from '../../server/shared/clock';
import { smtpMailer } from '../../server/mail/mailer';
import { CLEARED_TEXT, sendDueMail } from '../../server/mail/outbox';
import { hashToken } from '../../server/shared/tokens';
import { startSmtpPeer } from '../support/smtp';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
});
afterAll(() => database.close());

async function latestMailTo(email: string) {
  const rows = await database.db.select().from(outbox).where(eq(outbox.to, email));
  return rows.sort((a, b) => +b.createdAt - +a.createdAt)[0];
}
const linkIn = (text: string) => text.match(/http:\/\/localhost:8787(\/sign-in\/link\?token=([a-z2-7]+))/)!;

async function registrationForm(client: TestClient, email: string) {
  const html = await (await client.get('/register')).text();
  const organisationId = html.match(/<select[^>]*name="organisationId"[\s\S]*?<option value="([0-9a-f-]{36})"/)![1];
  const workforceGroupId = html.match(/<select[^>]*name="workforceGroupId"[\s\S]*?<option value="([0-9a-f-]{36})"/)![1];
  return { name: 'Nadia Newcomer', email, organisationId, jobTitle: 'School nurse', workforceGroupId, lineManagerEmail: '' };
}

describe('registering and signing in by emailed link', () => {
  it('registers a practitioner and signs them in through the emailed link, once', async () => {
    const client = new TestClient(built.app, '10.0.0.1');
    const form = await registrationForm(client, 'Nadia.Newcomer@School.example');
    const res = await client.post('/register', form);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your email');

    const [person] = await database.db.select().from(people).where(eq(people.email, 'nadia.newcomer@school.example'));
    expect(person.name).toBe('Nadia Newcomer');
    const mail = await latestMailTo('nadia.newcomer@school.example');
    const [, path, token] = linkIn(mail.text);
    // Only the hash of the link's token is stored.
    const [stored] = await database.db.select().from(signInTokens).where(eq(signInTokens.personId, person.id));
    expect(stored.tokenHash).toBe(hashToken(token));
    expect(stored.tokenHash).not.toContain(token);
    expect(token).toMatch(/^[a-z2-7]{32}$/); // 160 bits

    // Following the link asks for a press of a button, so mail scanners don't use it up.
    const confirm = await (await client.get(path)).text();
    expect(confirm).toContain('Continue to sign in');
    const signedIn = await client.post('/sign-in/link', { token });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account');
    expect(await (await client.get('/account')).text()).toContain('nadia.newcomer@school.example');

    const again = new TestClient(built.app, '10.0.0.2');
    const reuse = await again.post('/sign-in/link', { token });
    expect(reuse.status).toBe(400);
    expect(await reuse.text()).toContain('This sign-in link has expired');
    expect(again.cookies.has('session')).toBe(false);
  });

  it('keeps the link in the outbox only until the mail server has it', async () => {
    const person = await makePerson(database.db, [], { email: 'olu.outbox@partner.example' });
    await new TestClient(built.app, '10.0.0.3').post('/sign-in', { email: person.email });
    const queued = await latestMailTo(person.email);
    const [, , token] = linkIn(queued.text);
    const smtp = await startSmtpPeer();
    const mailer = smtpMailer(smtp.url, 'RSCP training <training@rscp.example>');
    try {
      const { sent: count } = await sendDueMail({ db: database.db, mailer }, built.clock.now());
      const [received] = (await smtp.waitFor(count)).filter((m) => m.text?.includes(token));
      expect(received.text).toContain(token);
      const sent = await latestMailTo(person.email);
      expect(sent).toMatchObject({ status: 'sent', text: CLEARED_TEXT });
      const anywhere = await database.db.select().from(outbox).where(like(outbox.text, `%${token}%`));
      expect(anywhere).toHaveLength(0);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('refuses a link after 15 minutes', async () => {
    const person = await makePerson(database.db);
    const client = new TestClient(built.app, '10.0.0.3');
    await client.post('/sign-in', { email: person.email });
    const [, , token] = linkIn((await latestMailTo(person.email)).text);
    built.clock.advance(15 * MINUTE + 1000);
    try {
      const res = await client.post('/sign-in/link', { token });
      expect(res.status).toBe(400);
      expect(client.cookies.has('session')).toBe(false);
    } finally {
      built.clock.advance(-(15 * MINUTE + 1000));
    }
  });

  it('says the same thing whether or not an email has an account, and emails only real accounts', async () => {
    const person = await makePerson(database.db);
    const client = new TestClient(built.app, '10.0.0.4');
    const before = (await database.db.select().from(outbox)).length;
    const known = await client.post('/sign-in', { email: person.email });
    const unknown = await client.post('/sign-in', { email: 'nobody-here@partner.example' });
    const strip = (html: string, email: string) => html.replace(email, 'EMAIL').replace(/value="[^"]+"/g, '');
    expect(known.status).toBe(unknown.status);
    expect(strip(await known.text(), person.email)).toBe(strip(await unknown.text(), 'nobody-here@partner.example'));
    expect((await database.db.select().from(outbox)).length).toBe(before + 1);

    // Registering with an email that has an account looks the same too; the owner is told by email.
    const form = await registrationForm(client, person.email);
    const dup = await client.post('/register', form);
    expect(await dup.text()).toContain('Check your email');
    const toOwner = await database.db.select().from(outbox).where(eq(outbox.to, person.email));
    expect(toOwner.filter((m) => m.text.includes('you already have an account'))).toHaveLength(1);
    expect((await database.db.select().from(people).where(eq(people.email, person.email))).length).toBe(1);
  });

  it('rate-limits sign-in requests per email and per address', async () => {
    const person = await makePerson(database.db);
    const client = new TestClient(built.app, '10.0.1.1');
    for (let i = 0; i < 5; i++) expect((await client.post('/sign-in', { email: person.email })).status).toBe(200);
    const limited = await client.post('/sign-in', { email: person.email });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many sign-in requests');
    // The limit is the same for an unknown email, so it reveals nothing.
    const other = new TestClient(built.app, '10.0.1.2');
    for (let i = 0; i < 5; i++) await other.post('/sign-in', { email: 'ghost@partner.example' });
    expect((await other.post('/sign-in', { email: 'ghost@partner.example' })).status).toBe(429);

    // Per address: 30 requests for different emails from one address, then refused.
    const busy = new TestClient(built.app, '10.0.1.3');
    for (let i = 0; i < 30; i++) expect((await busy.post('/sign-in', { email: `someone${i}@partner.example` })).status).toBe(200);
    expect((await busy.post('/sign-in', { email: 'one-more@partner.example' })).status).toBe(429);

    // After the window the email may ask again.
    built.clock.advance(16 * MINUTE);
    try {
      expect((await client.post('/sign-in', { email: person.email })).status).toBe(200);
    } finally {
      built.clock.advance(-16 * MINUTE);
    }
  });

  it('rejects bad sign-in and registration input with messages and changes nothing', async () => {
    const client = new TestClient(built.app, '10.0.2.1');
    const countPeople = async () => (await database.db.select().from(people)).length;
    const countMail = async () => (await database.db.select().from(outbox)).length;
    const [peopleBefore, mailBefore] = [await countPeople(), await countMail()];

    const noEmail = await client.post('/sign-in', { email: '' });
    expect(noEmail.status).toBe(422);
    expect(await noEmail.text()).toContain('Enter an email address');
    const badEmail = await (await client.post('/sign-in', { email: 'not an email' })).text();
    expect(badEmail).toContain('Enter an email address in the correct format');

    const empty = await client.post('/register', {});
    expect(empty.status).toBe(422);
    const html = await empty.text();
    expect(html).toContain('<title>Error: Register');
    for (const message of ['Enter your full name', 'Enter an email address', 'Select your organisation', 'Enter your job title', 'Select your workforce group']) {
      expect(html).toContain(message);
    }
    const form = await registrationForm(client, 'valid@partner.example');
    const wrongOrg = await client.post('/register', { ...form, organisationId: '00000000-0000-4000-8000-000000000000' });
    expect(wrongOrg.status).toBe(422);
    expect(await wrongOrg.text()).toContain('Select your organisation');
    const badManager = await client.post('/register', { ...form, lineManagerEmail: 'boss at work' });
    expect(await badManager.text()).toContain('line manager’s email address in the correct format');
    const tooLong = await client.post('/register', { ...form, name: 'x'.repeat(201) });
    expect(await tooLong.text()).toContain('Your name must be 200 characters or fewer');
    const controlled = await client.post('/register', { ...form, name: 'Jo\u001b[31m Bloggs', jobTitle: 'Nurse\u0007 lead' });
    expect(controlled.status).toBe(422);
    expect((await controlled.text()).match(/Remove the special characters/g)).toHaveLength(4); // summary and field, for each

    expect(await countPeople()).toBe(peopleBefore);
    expect(await countMail()).toBe(mailBefore);
  });
});

describe('sessions', () => {
  it('sets an HttpOnly, Secure, SameSite=Lax cookie and stores only the token’s hash', async () => {
    const person = await makePerson(database.db);
    const client = new TestClient(built.app, '10.0.3.1');
    await client.post('/sign-in', { email: person.email });
    const [, , token] = linkIn((await latestMailTo(person.email)).text);
    const res = await client.request('/sign-in/link', {
      method: 'POST',
      body: new URLSearchParams({ token, _csrf: await client.csrfToken() }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    const value = cookie.split(';')[0].slice('session='.length);
    expect(value).toMatch(/^[a-z2-7]{32}$/);
    const rows = await database.db.select().from(authSessions).where(eq(authSessions.personId, person.id));
    expect(rows.map((r) => r.id)).toEqual([hashToken(value)]);
  });

  it('ends after the idle timeout, renews with use, and ends at the absolute lifetime', async () => {
    const person = await makePerson(database.db);
    const { app, clock, config } = buildApp(database.db, { config: { sessionIdleMinutes: 60, sessionAbsoluteDays: 1 } });
    const client = await new TestClient(app).signInAs(database.db, person.id, clock.now(), config);
    const signedIn = async () => (await client.get('/account')).status === 200;

    clock.advance(50 * MINUTE);
    expect(await signedIn()).toBe(true); // renewed: more than half the idle time had gone
    clock.advance(50 * MINUTE);
    expect(await signedIn()).toBe(true);
    clock.advance(61 * MINUTE);
    expect(await signedIn()).toBe(false);

    const second = await new TestClient(app).signInAs(database.db, person.id, clock.now(), config);
    for (let i = 0; i < 30; i++) {
      clock.advance(50 * MINUTE); // in use all day long
      if (i < 28) expect((await second.get('/account')).status).toBe(200);
    }
    expect((await second.get('/account')).status).toBe(303); // past 24 hours: the absolute lifetime
  });

  it('signs out here, and everywhere', async () => {
    const person = await makePerson(database.db);
    const { app, clock, config } = built;
    const laptop = await new TestClient(app).signInAs(database.db, person.id, clock.now(), config);
    const phone = await new TestClient(app).signInAs(database.db, person.id, clock.now(), config);
    const tablet = await new TestClient(app).signInAs(database.db, person.id, clock.now(), config);

    expect((await laptop.post('/sign-out')).status).toBe(303);
    expect((await laptop.get('/account')).status).toBe(303);
    expect((await phone.get('/account')).status).toBe(200);

    expect((await phone.post('/account/sign-out-everywhere')).status).toBe(303);
    expect((await phone.get('/account')).status).toBe(303);
    expect((await tablet.get('/account')).status).toBe(303);
    expect(await database.db.select().from(authSessions).where(eq(authSessions.personId, person.id))).toEqual([]);
  });
});

describe('CSRF protection', () => {
  it('refuses a form without the token, or with another session’s token, and changes nothing', async () => {
    const person = await makePerson(database.db);
    const { app, clock, config } = built;
    const victim = await new TestClient(app).signInAs(database.db, person.id, clock.now(), config);
    const attacker = await new TestClient(app).signInAs(database.db, (await makePerson(database.db)).id, clock.now(), config);

    const none = await victim.post('/account/sign-out-everywhere', {}, { csrf: false });
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('This form has expired');
    const foreign = await victim.post('/account/sign-out-everywhere', {}, { csrf: await attacker.csrfToken() });
    expect(foreign.status).toBe(403);
    expect((await victim.get('/account')).status).toBe(200);
  });
});
