// "What people said" pages: the list with its filters and pages of answers, one answer's coding and
// featuring forms (CSRF, error summaries, the consent and confirmation rules, the banners), the
// themes page, the dashboard's coded-theme table and link, and who may use each.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { answerThemes, type Role } from '../../db/schema';
import { makePerson, TestClient } from '../support/app';
import { expectAccessiblePage } from '../feedback/helpers';
import { useAnswersYear } from './answers-fixture';

const t = useAnswersYear();

const signedIn = async (roles: Role[]) => {
  const person = await makePerson(t.database.db, roles);
  return new TestClient(t.built.app).signInAs(t.database.db, person.id, t.built.clock.now(), t.built.config);
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const themeId = async (name: string) => (await t.database.db.select().from(answerThemes).where(eq(answerThemes.name, name)))[0].id;

describe('the answers page', () => {
  it('shows a reviewer the answers with their words, course, month and sector where it may be said', async () => {
    const client = await signedIn(['reviewer']);
    const res = await client.get('/impact/answers?year=2025-26');
    expect(res.status).toBe(200);
    const html = await res.text();
    expectAccessiblePage(html);
    const words = text(html);
    expect(words).toContain('9 answers.');
    expect(words).toContain('Neglect, May 2025, Local authority');
    expect(words).toContain('Neglect, September 2025, another sector');
    expect(words).toContain('Answer S1:p4: I ask who else lives in the home.');
    expect(words).toContain('On the day, what they would do differently Ask the child directly (S1:p4 on the day).');
    expect(words).toContain('Their line manager’s example They now chair the core group well (manager of S1:p1).');
    expect(html).toContain(`href="/impact/answers/${t.ids['S1:p4']}"`);
    expect(words).toContain('Code or feature answer');
  });

  it('narrows to the filters, keeps them in the form, and withholds a small sector', async () => {
    const client = await signedIn(['coordinator']);
    const yes = await (await client.get('/impact/answers?year=2025-26&practiceChanged=yes&sector=')).text();
    expect(text(yes)).toContain('5 answers.');
    expect(yes).toMatch(/<option value="yes" selected/);
    expect(text(yes)).toContain('See answer 1');
    const health = text(await (await client.get('/impact/answers?year=2025-26&sector=Health')).text());
    expect(health).toContain('Fewer than 5 people of this sector answered');
    expect(health).not.toContain('Answer S');
  });

  it('says what is wrong with a query', async () => {
    const client = await signedIn(['reviewer']);
    const bad = await client.get('/impact/answers?practiceChanged=maybe&code=nonsense');
    expect(bad.status).toBe(400);
    const words = text(await bad.text());
    expect(words).toContain('Choose yes, not yet or no');
    expect(words).toContain('Choose a theme from the list');
    const half = await client.get('/impact/answers?from=2025-04-01');
    expect(half.status).toBe(400);
    expect(text(await half.text())).toContain('Enter both dates, or choose a year');
  });

  it('is not for practitioners, trainers or organisation leads', async () => {
    for (const roles of [[], ['trainer'], ['organisation lead']] as Role[][]) {
      const client = await signedIn(roles);
      expect((await client.get('/impact/answers')).status).toBe(403);
      expect((await client.get(`/impact/answers/${t.ids['S1:p1']}`)).status).toBe(403);
      expect((await client.get('/impact/answer-themes')).status).toBe(403);
      expect((await client.post(`/impact/answers/${t.ids['S1:p1']}/codes`, { themes: [] })).status).toBe(403);
      expect((await client.post('/impact/answer-themes', { name: 'Theirs' })).status).toBe(403);
    }
  });
});

describe('coding an answer', () => {
  it('saves the themes ticked and shows them ticked, with a banner', async () => {
    const client = await signedIn(['reviewer']);
    const page = await client.get(`/impact/answers/${t.ids['S1:p3']}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expectAccessiblePage(html);
    expect(html).toContain('name="_csrf"');
    expect(text(html)).toContain('Which themes is this answer about?');
    const [risk, voice] = [await themeId('Recognising risk'), await themeId('Voice of the child')];
    const saved = await client.post(`/impact/answers/${t.ids['S1:p3']}/codes`, { themes: [risk, voice, ''] });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/impact/answers/${t.ids['S1:p3']}?done=coded`);
    const after = await (await client.get(saved.headers.get('location')!)).text();
    expect(text(after)).toContain('The answer’s coding is saved');
    expect(text(after)).toContain('Coded: Recognising risk, Voice of the child');
    expect(after).toMatch(new RegExp(`value="${risk}" checked`));
    const cleared = await client.post(`/impact/answers/${t.ids['S1:p3']}/codes`, { themes: '' });
    expect(cleared.status).toBe(303);
    expect(text(await (await client.get(`/impact/answers/${t.ids['S1:p3']}`)).text())).toContain('Not coded yet');
  });

  it('shows an error for a theme not on the list, and refuses a post without the form’s token', async () => {
    const client = await signedIn(['reviewer']);
    const bad = await client.post(`/impact/answers/${t.ids['S1:p3']}/codes`, { themes: '00000000-0000-4000-8000-000000000000' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('govuk-error-summary');
    expect(text(html)).toContain('Choose themes from the list');
    const forged = await client.post(`/impact/answers/${t.ids['S1:p3']}/codes`, { themes: await themeId('Joint working') }, { csrf: false });
    expect(forged.status).toBe(403);
    expect(text(await (await client.get(`/impact/answers/${t.ids['S1:p3']}`)).text())).toContain('Not coded yet');
  });

  it('is for reviewers: a coordinator reads the answer without the forms, and is refused a post', async () => {
    const client = await signedIn(['coordinator']);
    const html = await (await client.get(`/impact/answers/${t.ids['S1:p3']}`)).text();
    expect(text(html)).toContain('Reviewers code answers and feature quotations.');
    expect(html).not.toContain('/codes"');
    expect((await client.post(`/impact/answers/${t.ids['S1:p3']}/codes`, { themes: '' })).status).toBe(403);
  });
});

describe('featuring a quotation', () => {
  it('says an answer without consent cannot be featured, and refuses the post', async () => {
    const client = await signedIn(['reviewer']);
    const html = await (await client.get(`/impact/answers/${t.ids['S1:p3']}`)).text();
    expect(text(html)).toContain('This answer cannot be featured: the person who gave it did not agree to be quoted.');
    const refused = await client.post(`/impact/answers/${t.ids['S1:p3']}/feature`, { checked: 'yes' });
    expect(refused.status).toBe(409);
    expect(text(await refused.text())).toContain('did not agree to be quoted');
  });

  it('asks for the confirmation where the check flags the words, then features it and can stop', async () => {
    const client = await signedIn(['reviewer']);
    const html = await (await client.get(`/impact/answers/${t.ids['S1:p2']}`)).text();
    expectAccessiblePage(html);
    expect(text(html)).toContain('The check for identifying details found what may be a name (Jayden).');
    const unconfirmed = await client.post(`/impact/answers/${t.ids['S1:p2']}/feature`, {});
    expect(unconfirmed.status).toBe(422);
    const error = text(await unconfirmed.text());
    expect(error).toContain('There is a problem');
    expect(error).toContain('Confirm you have checked this has no names or identifying details');
    const featured = await client.post(`/impact/answers/${t.ids['S1:p2']}/feature`, { checked: 'yes' });
    expect(featured.status).toBe(303);
    const after = text(await (await client.get(featured.headers.get('location')!)).text());
    expect(after).toContain('The answer is featured as a quotation');
    expect(after).toContain('Featured quotation');
    const list = text(await (await client.get('/impact/answers?year=2025-26&featured=yes')).text());
    expect(list).toContain('1 answer.');
    const stopped = await client.post(`/impact/answers/${t.ids['S1:p2']}/unfeature`, {});
    expect(stopped.headers.get('location')).toBe(`/impact/answers/${t.ids['S1:p2']}?done=unfeatured`);
    expect(text(await (await client.get('/impact/answers?year=2025-26&featured=yes')).text())).toContain('No answers match what you chose.');
  });
});

describe('the themes page', () => {
  it('lets a coordinator add a theme, shows a duplicate as an error, and retires and brings one back', async () => {
    const client = await signedIn(['coordinator']);
    const page = await (await client.get('/impact/answer-themes')).text();
    expectAccessiblePage(page);
    expect(text(page)).toContain('Professional curiosity In use');
    const added = await client.post('/impact/answer-themes', { name: 'Working with fathers' });
    expect(added.headers.get('location')).toBe('/impact/answer-themes?done=added');
    const twice = await client.post('/impact/answer-themes', { name: 'working with FATHERS' });
    expect(twice.status).toBe(422);
    expect(text(await twice.text())).toContain('There is already a theme with that name');
    const empty = await client.post('/impact/answer-themes', { name: ' ' });
    expect(text(await empty.text())).toContain('Enter the theme’s name');
    const id = await themeId('Working with fathers');
    expect((await client.post(`/impact/answer-themes/${id}`, { retired: 'yes' })).headers.get('location')).toBe('/impact/answer-themes?done=retired');
    expect(text(await (await client.get('/impact/answer-themes')).text())).toContain('Working with fathers Retired Bring back');
    await client.post(`/impact/answer-themes/${id}`, { retired: 'no' });
    expect(text(await (await client.get('/impact/answer-themes')).text())).toContain('Working with fathers In use');
  });
});

describe('the dashboard', () => {
  it('links to the answers and counts the coded themes, fewer than 5 as such', async () => {
    const reviewer = await signedIn(['reviewer']);
    const risk = await themeId('Recognising risk');
    for (const key of ['S1:p1', 'S1:p4', 'S1:p5', 'S1:p6', 'S2:h1']) await reviewer.post(`/impact/answers/${t.ids[key]}/codes`, { themes: key === 'S2:h1' ? [risk, await themeId('Joint working')] : risk });
    const html = await (await reviewer.get('/impact?year=2025-26')).text();
    expect(html).toContain('href="/impact/answers"');
    const words = text(html);
    expect(words).toContain('Answers coded with each theme');
    expect(words).toContain('Recognising risk 5');
    expect(words).toContain('Joint working fewer than 5');
    expect(words).toContain('Information sharing 0');
  });
});
