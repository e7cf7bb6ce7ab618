// "What people said" in the service: the answers with words, anonymised (a sector only where 5 or
// more of it answered in the view; a view of one small sector withheld); the filters; coding with
// the partnership's themes (one transaction, audited; retired themes not offered); featuring only
// with consent, a flagged answer only once the reviewer confirms; the themes list; the dashboard's
// counts with small ones suppressed; and who may do what.
import { and, eq, sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { answerCodes, answerThemes, auditLog, impactResponses, type Role } from '../../db/schema';
import {
  addAnswerTheme,
  codeAnswer,
  codedThemeCounts,
  featureAnswer,
  getAnswer,
  listAnswers,
  listAnswerThemes,
  setAnswerThemeRetired,
  unfeatureAnswer,
} from '../../server/impact/answers';
import { fixedClock } from '../../server/shared/clock';
import type { ServiceContext } from '../../server/shared/context';
import { makePerson, seed, testConfig } from '../support/app';
import { createTestDatabase } from '../support/database';
import { writeAnswerWords } from './answers-fixture';
import { writeImpactYear } from './fixture';

let database: OpenDatabase;
let fixture: Awaited<ReturnType<typeof writeImpactYear>>;
let ids: Record<string, string>;
const YEAR = { from: '2025-04-01', to: '2026-04-01' };
const actors = new Map<string, string>();

const as = (roles: Role[]): ServiceContext => ({
  db: database.db,
  clock: fixedClock('2026-05-15T09:00:00Z'),
  config: testConfig(),
  partnership: fixture.partnership,
  actor: { id: actors.get(roles.join())!, roles },
});
const reviewer = () => as(['reviewer']);

/** A fresh database with the year's answers and a person of each role, made the file's current one. */
async function openWorld() {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  fixture = await writeImpactYear(database.db);
  ids = await writeAnswerWords(database.db);
  for (const roles of [['reviewer'], ['coordinator'], ['trainer'], []] as Role[][]) actors.set(roles.join(), (await makePerson(database.db, roles)).id);
}
beforeAll(openWorld);
afterAll(() => database.close());

/** For a describe block whose writes would change what other tests read: a database of its own while it runs. */
function ownWorld() {
  let outer: { database: OpenDatabase; fixture: typeof fixture; ids: typeof ids; actors: [string, string][] };
  beforeAll(async () => {
    outer = { database, fixture, ids, actors: [...actors] };
    await openWorld();
  });
  afterAll(async () => {
    await database.close();
    ({ database, fixture, ids } = outer);
    actors.clear();
    for (const [k, v] of outer.actors) actors.set(k, v);
  });
}
beforeEach(async () => {
  await database.db.delete(answerCodes);
  await database.db.update(impactResponses).set({ featuredAt: null, featuredBy: null });
  await database.db.update(answerThemes).set({ retired: false });
});

const themeId = async (name: string) => (await listAnswerThemes(reviewer())).find((t) => t.name === name)!.id;
const auditOf = (subjectId: string) => database.db.select().from(auditLog).where(eq(auditLog.subjectId, subjectId)).orderBy(auditLog.at, auditLog.seq);
const keyOf = (id: string) => Object.entries(ids).find(([, v]) => v === id)![0];

describe('the answers', () => {
  it('lists every answer with words, newest session first, with no person, email or organisation', async () => {
    const list = await listAnswers(reviewer(), YEAR, {}, {});
    expect(list).toMatchObject({ total: 9, page: 1, pages: 1, withheld: false });
    expect(list.answers.map((a) => keyOf(a.id)).slice(0, 2).sort()).toEqual(['S2:h1', 'S2:x1']);
    const p4 = list.answers.find((a) => a.id === ids['S1:p4'])!;
    expect(p4).toMatchObject({ month: '2025-05', course: 'Neglect', courseThemes: ['Neglect'], sector: 'Local authority', willDoDifferently: 'Ask the child directly (S1:p4 on the day).' });
    expect(list.answers.find((a) => a.id === ids['S1:p1'])!.managerExample).toBe('They now chair the core group well (manager of S1:p1).');
    expect(Object.keys(p4).sort()).toEqual(
      ['barriers', 'codes', 'course', 'courseThemes', 'featured', 'id', 'managerExample', 'month', 'outcomeExample', 'outcomeImproved', 'practiceChangeHow', 'practiceChanged', 'quotationConsent', 'sector', 'sharedHow', 'sharedLearning', 'willDoDifferently'].sort(),
    );
  });

  it('says a sector only where 5 or more people of it answered in the view', async () => {
    const all = await listAnswers(reviewer(), YEAR, {}, {});
    expect(all.answers.filter((a) => a.sector === 'Local authority')).toHaveLength(6);
    // Health (h1, twice) and the police (x1) are one person each.
    expect(all.answers.filter((a) => a.sector === null).map((a) => keyOf(a.id)).sort()).toEqual(['S1:h1', 'S2:h1', 'S2:x1']);
    // Narrowed to those who said yes, the local authority has 3: no sector is said.
    const yes = await listAnswers(reviewer(), YEAR, {}, { practiceChanged: 'yes' });
    expect(yes.answers.map((a) => keyOf(a.id)).sort()).toEqual(['S1:h1', 'S1:p1', 'S1:p2', 'S1:p3', 'S2:x1']);
    expect(yes.answers.every((a) => a.sector === null)).toBe(true);
  });

  it('shows nothing of a sector chosen that fewer than 5 answered for', async () => {
    expect(await listAnswers(reviewer(), YEAR, { sector: 'Health' }, {})).toEqual({ answers: [], total: 0, page: 1, pages: 1, withheld: true });
    const la = await listAnswers(reviewer(), YEAR, { sector: 'Local authority' }, {});
    expect(la.total).toBe(6);
    expect((await listAnswers(reviewer(), YEAR, { sector: 'Education' }, {})).withheld).toBe(false);
  });

  it('narrows to a course, a period, a coded theme, the uncoded and the featured', async () => {
    expect((await listAnswers(reviewer(), YEAR, { courseId: fixture.courses.c2.id }, {})).total).toBe(0);
    expect((await listAnswers(reviewer(), { from: '2025-09-01', to: '2025-10-01' }, {}, {})).total).toBe(2);
    const joint = await themeId('Joint working');
    await codeAnswer(reviewer(), ids['S1:p1'], [joint]);
    expect((await listAnswers(reviewer(), YEAR, {}, { code: joint })).answers.map((a) => a.id)).toEqual([ids['S1:p1']]);
    expect((await listAnswers(reviewer(), YEAR, {}, { code: 'none' })).total).toBe(8);
    await featureAnswer(reviewer(), ids['S1:p5'], { checked: false });
    expect((await listAnswers(reviewer(), YEAR, {}, { featured: true })).answers.map((a) => a.id)).toEqual([ids['S1:p5']]);
  });

  it('is for reviewers and coordinators only', async () => {
    await expect(listAnswers(as(['trainer']), YEAR, {}, {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getAnswer(as([]), ids['S1:p1'])).rejects.toMatchObject({ code: 'forbidden' });
    expect((await listAnswers(as(['coordinator']), YEAR, {}, {})).total).toBe(9);
  });
});

describe('coding an answer', () => {
  it('saves exactly the themes ticked, and audits what was added and removed', async () => {
    const [risk, voice, joint] = await Promise.all(['Recognising risk', 'Voice of the child', 'Joint working'].map(themeId));
    // Only this test's entries: others may have coded the answer before.
    const earlier = new Set((await auditOf(ids['S1:p3'])).map((e) => e.id));
    await codeAnswer(reviewer(), ids['S1:p3'], [risk, voice]);
    expect((await getAnswer(reviewer(), ids['S1:p3'])).codes.map((c) => c.name)).toEqual(['Recognising risk', 'Voice of the child']);
    await codeAnswer(reviewer(), ids['S1:p3'], [voice, joint]);
    expect((await getAnswer(reviewer(), ids['S1:p3'])).codes.map((c) => c.name)).toEqual(['Joint working', 'Voice of the child']);
    const entries = (await auditOf(ids['S1:p3'])).filter((e) => e.action === 'answer.coded' && !earlier.has(e.id));
    expect(entries.map((e) => e.detail)).toEqual([
      { added: ['Recognising risk', 'Voice of the child'], removed: [] },
      { added: ['Joint working'], removed: ['Recognising risk'] },
    ]);
    expect(entries[0]).toMatchObject({ subjectType: 'impact answer', actorId: actors.get('reviewer') });
  });

  it('offers no retired theme, but keeps one the answer already has', async () => {
    const curiosity = await themeId('Professional curiosity');
    await codeAnswer(reviewer(), ids['S1:p1'], [curiosity]);
    await setAnswerThemeRetired(as(['coordinator']), curiosity, true);
    await expect(codeAnswer(reviewer(), ids['S1:p2'], [curiosity])).rejects.toMatchObject({ code: 'invalid', fields: { themes: 'Choose themes from the list' } });
    await codeAnswer(reviewer(), ids['S1:p1'], [curiosity, await themeId('Joint working')]);
    expect((await getAnswer(reviewer(), ids['S1:p1'])).codes.map((c) => [c.name, c.retired])).toEqual([
      ['Joint working', false],
      ['Professional curiosity', true],
    ]);
  });

  it('is refused to coordinators, and for an answer that is not there', async () => {
    await expect(codeAnswer(as(['coordinator']), ids['S1:p1'], [])).rejects.toMatchObject({ code: 'forbidden' });
    await expect(codeAnswer(reviewer(), '00000000-0000-4000-8000-000000000000', [])).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('featuring a quotation', () => {
  it('is refused where the person did not agree to be quoted', async () => {
    await expect(featureAnswer(reviewer(), ids['S1:p3'], { checked: true })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('did not agree to be quoted') });
    expect((await getAnswer(reviewer(), ids['S1:p3'])).featured).toBe(false);
  });

  it('needs the reviewer’s confirmation where the check flags the words, and audits only what kind was found', async () => {
    await expect(featureAnswer(reviewer(), ids['S1:p2'], { checked: false })).rejects.toMatchObject({
      code: 'invalid',
      fields: { checked: expect.stringContaining('a name (Jayden)') },
    });
    expect((await getAnswer(reviewer(), ids['S1:p2'])).featured).toBe(false);
    await featureAnswer(reviewer(), ids['S1:p2'], { checked: true });
    expect((await getAnswer(reviewer(), ids['S1:p2'])).featured).toBe(true);
    const [entry] = (await auditOf(ids['S1:p2'])).filter((e) => e.action === 'answer.featured');
    expect(entry.detail).toEqual({ flagged: ['a name'], checkedByReviewer: true });
    expect(JSON.stringify(entry.detail)).not.toContain('Jayden');
  });

  it('features an unflagged answer at once, and unfeatures it, both audited', async () => {
    await featureAnswer(reviewer(), ids['S2:x1'], { checked: false });
    expect((await getAnswer(reviewer(), ids['S2:x1'])).featured).toBe(true);
    await unfeatureAnswer(reviewer(), ids['S2:x1']);
    expect((await getAnswer(reviewer(), ids['S2:x1'])).featured).toBe(false);
    expect((await auditOf(ids['S2:x1'])).map((e) => e.action).slice(-2)).toEqual(['answer.featured', 'answer.unfeatured']);
    await expect(featureAnswer(as(['coordinator']), ids['S2:x1'], { checked: true })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the themes', () => {
  it('starts with the defaults, and the migration gives them to a partnership made before it', async () => {
    expect((await listAnswerThemes(reviewer())).map((t) => t.name)).toEqual([
      'Direct work with children',
      'Early help and referral',
      'Information sharing',
      'Joint working',
      'Professional curiosity',
      'Recognising risk',
      'Voice of the child',
    ]);
    const migration = readFileSync(new URL('../../db/migrations/0008_answer_codes.sql', import.meta.url), 'utf8').split('--> statement-breakpoint').at(-1)!;
    const pid = fixture.partnership.id;
    await database.db.execute(sql.raw(migration));
    expect((await database.db.select().from(answerThemes).where(eq(answerThemes.partnershipId, pid))).length).toBe(7);
    const [added] = await database.db.insert(answerThemes).values({ partnershipId: pid, name: 'Temporary' }).returning();
    await database.db.delete(answerThemes).where(and(eq(answerThemes.partnershipId, pid), eq(answerThemes.name, 'Joint working')));
    await database.db.execute(sql.raw(migration));
    expect((await listAnswerThemes(reviewer())).some((t) => t.name === 'Joint working')).toBe(true);
    await database.db.delete(answerThemes).where(eq(answerThemes.id, added.id));
  });
});

describe('a new theme', () => {
  // A theme added stays in every list of themes, so this block has a database of its own.
  ownWorld();

  it('takes a new theme once (whatever its capitals), retires and brings one back, audited', async () => {
    const theme = await addAnswerTheme(as(['coordinator']), 'Neglect and the home');
    await expect(addAnswerTheme(reviewer(), 'NEGLECT AND THE HOME')).rejects.toMatchObject({ code: 'invalid', fields: { name: 'There is already a theme with that name' } });
    await setAnswerThemeRetired(reviewer(), theme.id, true);
    expect((await listAnswerThemes(reviewer())).at(-1)).toMatchObject({ name: 'Neglect and the home', retired: true });
    await setAnswerThemeRetired(reviewer(), theme.id, false);
    expect((await auditOf(theme.id)).map((e) => e.action)).toEqual(['answer-theme.added', 'answer-theme.retired', 'answer-theme.restored']);
    await expect(addAnswerTheme(as(['trainer']), 'Other')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the dashboard’s coded themes', () => {
  it('counts the answers coded with each theme, fewer than 5 suppressed, retired themes only when used', async () => {
    const [risk, voice, joint] = await Promise.all(['Recognising risk', 'Voice of the child', 'Joint working'].map(themeId));
    for (const key of ['S1:p1', 'S1:p2', 'S1:p3', 'S1:p4', 'S1:p5', 'S1:p6']) await codeAnswer(reviewer(), ids[key], key === 'S1:p6' ? [risk] : [risk, voice]);
    await codeAnswer(reviewer(), ids['S2:x1'], [voice]);
    await setAnswerThemeRetired(reviewer(), joint, true);
    const rows = await codedThemeCounts(reviewer(), YEAR, {});
    expect(rows.find((r) => r.theme === 'Recognising risk')!.answers).toBe(6);
    expect(rows.find((r) => r.theme === 'Voice of the child')!.answers).toBe(6);
    expect(rows.find((r) => r.theme === 'Information sharing')!.answers).toBe(0);
    expect(rows.some((r) => r.theme === 'Joint working')).toBe(false);
    const police = await codedThemeCounts(reviewer(), YEAR, { organisationId: fixture.police.id });
    expect(police.find((r) => r.theme === 'Voice of the child')!.answers).toEqual({ suppressed: true });
  });
});
