// The retention policy's pages: a coordinator changes the policy (checked, audited, CSRF), and
// the public privacy notice says what the policy in force keeps and for how long.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { OpenDatabase } from '../../db/database';
import { auditLog, partnerships } from '../../db/schema';
import { createTestDatabase } from '../support/database';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { expectAccessiblePage } from '../feedback/helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
const PATH = '/manage/retention';

// Each test has a database of its own, with the default policy: one of them changes it.
beforeEach(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
});
afterEach(() => database.close());

const signedIn = async (roles: Parameters<typeof makePerson>[1]) => {
  const person = await makePerson(database.db, roles);
  return { person, client: await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config) };
};
const policy = async () => {
  const [row] = await database.db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));
  return { freeTextYears: row.retentionFreeTextYears, trainingYears: row.retentionTrainingYears, sentMailDays: row.retentionSentMailDays, id: row.id };
};
/** The page's text without its markup, one space between words. */
const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the privacy notice', () => {
  it('is linked from every page’s footer and says what the default policy keeps', async () => {
    const anonymous = new TestClient(built.app);
    expect(await (await anonymous.get('/')).text()).toContain('<a class="govuk-footer__link" href="/privacy">');
    const res = await anonymous.get('/privacy');
    expect(res.status).toBe(200);
    const page = await res.text();
    expectAccessiblePage(page);
    const text = words(page);
    expect(text).toContain('We keep these for 6 years after you last use the service');
    expect(text).toContain('and what your line manager writes, for 3 years. Then we delete the words.');
    expect(text).toContain('We remove the text of every other email the night after we send it.');
    expect(text).toContain('A sign-in link works for 15 minutes.');
  });
});

describe('the retention policy page', () => {
  it('is for coordinators only, and linked from Manage', async () => {
    const { client: practitioner } = await signedIn([]);
    expect((await practitioner.get(PATH)).status).toBe(403);
    expect((await practitioner.post(PATH, { freeTextYears: '1', trainingYears: '1', sentMailDays: '0' })).status).toBe(403);
    const { client: reviewer } = await signedIn(['reviewer']);
    expect((await reviewer.post(PATH, { freeTextYears: '1', trainingYears: '1', sentMailDays: '0' })).status).toBe(403);
    const { client } = await signedIn(['coordinator']);
    expect(await (await client.get('/manage')).text()).toContain(`href="${PATH}"`);
    const page = await (await client.get(PATH)).text();
    expectAccessiblePage(page);
    expect(page).toMatch(/name="freeTextYears"[^>]*value="3"/);
    expect(page).toMatch(/name="trainingYears"[^>]*value="6"/);
    expect(page).toMatch(/name="sentMailDays"[^>]*value="0"/);
    expect(await policy()).toMatchObject({ freeTextYears: 3, trainingYears: 6, sentMailDays: 0 });
  });

  it('refuses anything but whole numbers within the bounds, saying which and why, and changes nothing', async () => {
    const { client } = await signedIn(['coordinator']);
    const FIELDS = ['freeTextYears', 'trainingYears', 'sentMailDays'];
    const cases: [Record<string, string>, string[]][] = [
      [{}, ['Enter how many years to keep written answers', 'Enter how many years to keep training records', 'Enter how many days to keep the text of sent email']],
      [{ freeTextYears: '2.5', trainingYears: 'six', sentMailDays: '-1' }, ['Years to keep written answers must be a whole number, like 3', 'Years to keep training records must be a whole number, like 6', 'Days to keep the text of sent email must be a whole number, like 0']],
      [{ freeTextYears: '0', trainingYears: '26', sentMailDays: '91' }, ['Years to keep written answers must be between 1 and 10', 'Years to keep training records must be between 1 and 25', 'Days to keep the text of sent email must be between 0 and 90']],
    ];
    for (const [form, messages] of cases) {
      const res = await client.post(PATH, form);
      expect(res.status).toBe(422);
      const page = await res.text();
      expect(page).toContain('There is a problem');
      messages.forEach((message, i) => expect(page).toContain(`href="#${FIELDS[i]}">${message}</a>`));
      // What was typed stays in the fields.
      for (const field of FIELDS) expect(page).toMatch(new RegExp(`name="${field}"[^>]*value="${(form[field] ?? '').replace('.', '\\.')}"`));
    }
    expect(await policy()).toMatchObject({ freeTextYears: 3, trainingYears: 6, sentMailDays: 0 });
  });

  it('checks the form’s CSRF token', async () => {
    const { client } = await signedIn(['coordinator']);
    expect((await client.post(PATH, { freeTextYears: '5', trainingYears: '7', sentMailDays: '14' }, { csrf: false })).status).toBe(403);
    expect(await policy()).toMatchObject({ freeTextYears: 3, trainingYears: 6, sentMailDays: 0 });
  });

  it('saves the policy, audits what it was and became, and the privacy notice says the new values', async () => {
    const { client, person } = await signedIn(['coordinator']);
    const res = await client.post(PATH, { freeTextYears: ' 5 ', trainingYears: '7', sentMailDays: '14' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PATH}?done=saved`);
    expect(await (await client.get(`${PATH}?done=saved`)).text()).toContain('Retention policy saved');
    const saved = await policy();
    expect(saved).toMatchObject({ freeTextYears: 5, trainingYears: 7, sentMailDays: 14 });
    const entries = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'partnership.retention-policy.changed'), eq(auditLog.subjectId, saved.id)));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorId: person.id,
      subjectType: 'partnership',
      detail: { before: { freeTextYears: 3, trainingYears: 6, sentMailDays: 0 }, after: { freeTextYears: 5, trainingYears: 7, sentMailDays: 14 } },
    });
    // Saving the same values again changes nothing, so records nothing.
    expect((await client.post(PATH, { freeTextYears: '5', trainingYears: '7', sentMailDays: '14' })).status).toBe(303);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'partnership.retention-policy.changed'))).toHaveLength(1);

    const text = words(await (await new TestClient(built.app).get('/privacy')).text());
    expect(text).toContain('We keep these for 7 years after you last use the service');
    expect(text).toContain('and what your line manager writes, for 5 years.');
    expect(text).toContain('We remove the text of every other email 14 days after we send it.');
  });
});
