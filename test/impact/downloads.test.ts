// The impact dashboard's charts and downloads, on the hand-counted year (test/impact/fixture.ts):
// each chart is an image with a name that points at the table holding its figures, and draws no
// bar for a suppressed value; every table comes as CSV with the page's figures ("fewer than 5"
// where the page says it); the workbook read back holds the service's figures, a sheet for each
// table and the definitions the page gives; a bad query gets the page's errors; only reviewers and
// coordinators get the files.
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { impactResponses, organisations } from '../../db/schema';
import { codeAnswer, listAnswerThemes } from '../../server/impact/answers';
import { byTheme } from '../../server/impact/by-theme';
import { definitionOf, FIGURE_TABLES, IMPACT_RULES } from '../../server/impact/definitions';
import { impactDashboard, type ImpactDashboard } from '../../server/impact/service';
import { DOWNLOAD_NAMES } from '../../server/impact/tables';
import { parseCsv } from '../../server/shared/csv';
import type { MeanFigure, Proportion } from '../../server/shared/statistics';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { impactScope, writeImpactYear } from './fixture';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let dashboard: ImpactDashboard;
let fixture: Awaited<ReturnType<typeof writeImpactYear>>;
const YEAR = { from: '2025-04-01', to: '2026-04-01' };

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  fixture = await writeImpactYear(database.db);
  built = buildApp(database.db);
  dashboard = await impactDashboard(impactScope(database.db, fixture.partnership, ['reviewer']), YEAR, {});
});
afterAll(() => database.close());

const signedIn = async (roles: Parameters<typeof makePerson>[1]) => {
  const person = await makePerson(database.db, roles);
  return new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const csvOf = async (res: Response) => parseCsv(await res.text()).map((r) => r.fields);
const rowOf = (rows: string[][], first: string) => rows.find((r) => r[0] === first)!;
/** The SVG with this id, whole. */
const svg = (html: string, id: string) => html.match(new RegExp(`<svg[^>]* id="${id}"[\\s\\S]*?</svg>`))?.[0] ?? '';

describe('the charts', () => {
  it('are images named by their title and described by the table that holds their figures', async () => {
    const html = await (await (await signedIn(['reviewer'])).get('/impact?year=2025-26')).text();
    for (const [chart, table, caption] of [
      ['chart-by-month', 'table-by-month', 'By month'],
      ['chart-by-theme', 'table-by-theme', 'Three months on, by theme'],
      ['chart-confidence', 'table-confidence', 'Confidence before, after and three months on'],
    ]) {
      const drawn = svg(html, chart);
      // Named by its <title>, the first thing in it.
      expect(drawn, chart).toMatch(new RegExp(`^<svg[^>]*role="img"[^>]*><title id="${chart}-title">Chart: [^<]+</title>`));
      expect(drawn).toContain(`aria-describedby="${chart}-desc"`);
      expect(text(drawn.match(/<desc[\s\S]*?<\/desc>/)![0])).toContain(`The figures are in the table “${caption}”`);
      expect(drawn).toContain(`data-table="${table}"`);
      expect(html).toMatch(new RegExp(`<table class="govuk-table" id="${table}"><caption[^>]*>${caption}</caption>`));
    }
    // Three confidence bars with whiskers: before 4.0, after 7.3, three months on 7.2.
    const confidence = svg(html, 'chart-confidence');
    expect(confidence.match(/<rect /g)).toHaveLength(3);
    expect(confidence.match(/class="app-chart__interval"/g)).toHaveLength(3);
    expect(text(confidence)).toMatch(/4\.0 .*7\.3 .*7\.2/);
    // A bar for each month with attendances: May, September and November.
    expect(svg(html, 'chart-by-month').match(/<rect /g)).toHaveLength(6);
  });

  it('draw no bar for a value about fewer than 5 people, only the words', async () => {
    // Health: 6 surveys sent for Neglect, 2 answered: no rate can be shown.
    const html = await (await (await signedIn(['coordinator'])).get('/impact?year=2025-26&sector=Health')).text();
    const theme = svg(html, 'chart-by-theme');
    expect(theme).not.toContain('<rect');
    expect(theme.match(/>fewer than 5</g)).toHaveLength(2);
    expect(text(theme)).toContain('values about fewer than 5 people are not drawn');
    expect(text(html)).toContain('Neglect 6 fewer than 5 fewer than 5 fewer than 5');
  });
});

describe('the CSV files', () => {
  it('give every table with the page’s figures, named for the period', async () => {
    const client = await signedIn(['reviewer']);
    const page = await (await client.get('/impact?year=2025-26')).text();
    for (const name of DOWNLOAD_NAMES) expect(page).toContain(`href="/impact/download/${name}.csv?year=2025-26"`);
    expect(page).toContain('href="/impact/download/impact.xlsx?year=2025-26"');

    const res = await client.get('/impact/download/delivery.csv?year=2025-26');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="training-impact-1-april-2025-to-31-march-2026-delivery.csv"');
    const delivery = await csvOf(res);
    expect(delivery[0].slice(0, 7)).toEqual([
      'Figure',
      'Unit',
      'This period (1 April 2025 to 31 March 2026)',
      'This period (1 April 2025 to 31 March 2026): count (people, for an average)',
      'This period (1 April 2025 to 31 March 2026): out of',
      'This period (1 April 2025 to 31 March 2026): 95% interval from',
      'This period (1 April 2025 to 31 March 2026): 95% interval to',
    ]);
    // The page: "not shown" (19 of the 20 attendances held a place, which would tell that 1 walked in); the year before 5 of 10.
    expect(rowOf(delivery, 'Take-up')).toEqual(['Take-up', 'percentage', 'not shown', '', '', '', '', '50%', '5', '10', '24%', '76%']);
    expect(rowOf(delivery, 'Walk-ins').slice(0, 3)).toEqual(['Walk-ins', 'number', 'fewer than 5']);
    expect(text(page)).toContain('Take-up Attendances of people who had a place, out of the places offered not shown');

    const followUp = await csvOf(await client.get('/impact/download/three-months-attendees.csv?year=2025-26'));
    // +0.4 points (8 people), 95% interval: -0.6 to +1.4; a negative number stays a number.
    expect(rowOf(followUp, 'Did the confidence hold?').slice(0, 7)).toEqual(['Did the confidence hold?', 'points', '0.4', '8', '', '-0.6', '1.4']);

    const sectors = await csvOf(await client.get('/impact/download/by-sector.csv?year=2025-26'));
    expect(sectors).toEqual([
      ['Sector', 'Attendances', 'People trained'],
      ['Health', 'fewer than 5', 'fewer than 5'],
      ['Local authority', '11', '7'],
      ['Police', 'fewer than 5', 'fewer than 5'],
    ]);
    const themes = await csvOf(await client.get('/impact/download/by-theme.csv?year=2025-26'));
    expect(themes[1]).toEqual(['Neglect', '15', '9', '60%', '9', '15', '36%', '80%', '56%', '5', '9', '27%', '81%']);
    const months = await csvOf(await client.get('/impact/download/by-month.csv?year=2025-26'));
    expect(months).toHaveLength(13);
    expect(rowOf(months, 'May 2025')).toEqual(['May 2025', '1', '8']);
  });

  it('keep to the filters, and answer a bad query as the page does', async () => {
    const client = await signedIn(['coordinator']);
    const online = await csvOf(await client.get('/impact/download/delivery.csv?year=2025-26&theme=Online+safety&sector='));
    expect(rowOf(online, 'Sessions delivered').slice(0, 3)).toEqual(['Sessions delivered', 'number', '1']);
    const filtered = new ExcelJS.Workbook();
    await filtered.xlsx.load(await (await client.get(`/impact/download/impact.xlsx?year=2025-26&theme=Neglect&organisationId=${fixture.health.id}`)).arrayBuffer());
    expect(filtered.getWorksheet('Definitions')!.getRow(3).values).toEqual([undefined, 'Chosen', `Theme: Neglect; Organisation: ${fixture.health.name}`]);
    const bad = await client.get('/impact/download/by-sector.csv?year=2025-26&sector=Nowhere');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('text/html');
    const html = await bad.text();
    expect(html).toContain('govuk-error-summary');
    expect(text(html)).toContain('Choose a sector from the list');
    const backwards = await client.get('/impact/download/impact.xlsx?from=2025-04-01&to=2025-03-01');
    expect(backwards.status).toBe(400);
    expect(text(await backwards.text())).toContain('The end must be after the start');
  });
});

describe('a name a spreadsheet would run as a formula', () => {
  it('is written as text in the CSV file, and as a string in the workbook', async () => {
    const formula = '=HYPERLINK("https://evil.example","Police")';
    await database.db.update(organisations).set({ name: formula }).where(eq(organisations.id, fixture.police.id));
    try {
      const client = await signedIn(['reviewer']);
      const rows = await csvOf(await client.get('/impact/download/by-organisation.csv?year=2025-26'));
      expect(rows.map((r) => r[0])).toContain(`'${formula}`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await (await client.get('/impact/download/impact.xlsx?year=2025-26')).arrayBuffer());
      const cells: ExcelJS.Cell[] = [];
      workbook.getWorksheet('By organisation')!.eachRow((row) => cells.push(row.getCell(1)));
      const cell = cells.find((c) => c.value === formula)!;
      expect(cell.type).toBe(ExcelJS.ValueType.String);
    } finally {
      await database.db.update(organisations).set({ name: fixture.police.name }).where(eq(organisations.id, fixture.police.id));
    }
  });
});

describe('the workbook', () => {
  let workbook: ExcelJS.Workbook;
  let codedWith: string;
  beforeAll(async () => {
    // The reviewer has coded two answers with one theme: a count the sheet must not show.
    const reviewer = { ...impactScope(database.db, fixture.partnership, ['reviewer']), actor: { id: (await makePerson(database.db, ['reviewer'])).id, roles: ['reviewer' as const] } };
    const [theme] = await listAnswerThemes(reviewer);
    codedWith = theme.name;
    const answers = await database.db.select({ id: impactResponses.id }).from(impactResponses).limit(2);
    expect(answers).toHaveLength(2);
    for (const answer of answers) await codeAnswer(reviewer, answer.id, [theme.id]);
    const res = await (await signedIn(['reviewer'])).get('/impact/download/impact.xlsx?year=2025-26');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="training-impact-1-april-2025-to-31-march-2026.xlsx"');
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
  });
  /** A sheet's rows as arrays of cell values, the first column first. */
  const rows = (sheet: string) => {
    const found = workbook.getWorksheet(sheet)!;
    const out: { values: unknown[]; formats: string[] }[] = [];
    found.eachRow((row) => out.push({ values: (row.values as unknown[]).slice(1), formats: Array.from({ length: row.cellCount }, (_, i) => row.getCell(i + 1).numFmt) }));
    return out;
  };
  const row = (sheet: string, first: string) => rows(sheet).find((r) => r.values[0] === first)!;

  it('has a sheet for each table and one of definitions', () => {
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Delivery',
      'By sector',
      'By organisation',
      'By month',
      'On the day',
      'Confidence',
      'Three months - attendees',
      'Three months - by theme',
      'Three months - line managers',
      'Who answered - by sector',
      'Who answered - by group',
      'Who answered - confidence',
      'Coded themes',
      'Definitions',
    ]);
  });

  it('holds the service’s figures, as the page rounds them, and “fewer than 5” where the page says it', async () => {
    expect(row('Delivery', 'Take-up').values.slice(0, 7)).toEqual(['Take-up', 'percentage', 'not shown', '', '', '', '']);
    const takeUp = dashboard.previous.delivery.takeUp as Proportion;
    const cells = row('Delivery', 'Take-up');
    expect(cells.values.slice(7, 12)).toEqual([takeUp.value, 5, 10, takeUp.low, takeUp.high]);
    expect(cells.formats[7]).toBe('0%');
    expect(row('Delivery', 'Sessions delivered').values.slice(0, 3)).toEqual(['Sessions delivered', 'number', 3]);
    expect(row('Delivery', 'Late cancellations').values[2]).toBe('fewer than 5');
    const change = dashboard.current.dayZero.confidenceChange as MeanFigure;
    const changeCells = row('On the day', 'Change in confidence');
    expect(changeCells.values.slice(2, 7)).toEqual([change.mean, 12, '', change.low, change.high]);
    expect(changeCells.formats[2]).toBe('0.0');
    expect(row('By sector', 'Health').values).toEqual(['Health', 'fewer than 5', 'fewer than 5']);
    expect(row('By sector', 'Local authority').values).toEqual(['Local authority', 11, 7]);
    const [neglect] = await byTheme(impactScope(database.db, fixture.partnership, ['reviewer']), YEAR, {});
    const practice = neglect.practiceChanged as Proportion;
    expect(row('Three months - by theme', 'Neglect').values.slice(0, 3)).toEqual(['Neglect', 15, 9]);
    expect(row('Three months - by theme', 'Neglect').values.slice(8)).toEqual([practice.value, 5, 9, practice.low, practice.high]);
    const now = dashboard.current.followUp.confidenceNow as MeanFigure;
    expect(row('Confidence', 'Three months on').values).toEqual(['Three months on', now.mean, 9, now.low, now.high]);
    expect(row('Who answered - by sector', 'Police').values.slice(0, 4)).toEqual(['Police', 'fewer than 5', 'fewer than 5', 'fewer than 5']);
    const coded = rows('Coded themes').map((r) => r.values);
    expect(coded[0]).toEqual(['Theme', 'Answers']);
    expect(coded).toContainEqual([codedWith, 'fewer than 5']);
    expect(coded.filter((r) => r[1] === 0)).toHaveLength(coded.length - 2);
  });

  it('defines every figure in the words the page uses', async () => {
    const definitions = rows('Definitions').map((r) => r.values);
    expect(definitions[0]).toEqual(['Training impact']);
    expect(definitions[1]).toEqual(['Period', '1 April 2025 to 31 March 2026']);
    expect(definitions[2]).toEqual(['Chosen', 'All courses and people']);
    for (const rule of IMPACT_RULES) expect(definitions).toContainEqual(['All tables', '', rule]);
    for (const table of Object.values(FIGURE_TABLES)) {
      for (const figure of table.rows) {
        expect(definitionOf(figure), figure.label).not.toBe('');
        expect(definitions).toContainEqual([table.caption, figure.label, definitionOf(figure)]);
      }
    }
    const page = text(await (await (await signedIn(['coordinator'])).get('/impact?year=2025-26')).text());
    expect(page).toContain(`How the figures are counted ${IMPACT_RULES[0]}`);
    expect(page).toContain('On the day Relevance to their role Each person’s rating of the course’s relevance to their role, from 1 to 5');
  });
});

describe('who may download', () => {
  it('is reviewers and coordinators only; anyone else signed in is refused, and anonymous people sent to sign in', async () => {
    for (const path of ['/impact/download/by-theme.csv', '/impact/download/impact.xlsx']) {
      for (const roles of [[], ['trainer'], ['organisation lead']] as const) {
        expect((await (await signedIn([...roles])).get(path)).status, `${path} as ${roles.join() || 'practitioner'}`).toBe(403);
      }
      const anonymous = await new TestClient(built.app).get(path);
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toMatch(/^\/sign-in/);
    }
  });
});
