// Every table of the impact dashboard as rows of cells, for the CSV files and the workbook: the same
// figures as the page, a rate split into its percentage, count, denominator and interval, a mean
// into its value, people and interval. A suppressed figure is a null cell ("fewer than 5").
import { isSuppressed, type Mean, type Rate } from '../shared/statistics';
import type { CodedThemeRow } from './answers';
import type { ThemeRow } from './by-theme';
import { definitionOf, describePeriod, FIGURE_TABLES, IMPACT_RULES, type Figure, type FiguresTableDefinition } from './definitions';
import type { ImpactDashboard, ImpactFigures, NonResponseRow } from './service';
import { monthName } from '../shared/dates';

/** The dashboard's tables by their name in download addresses, and their captions. */
export const DOWNLOADS = {
  delivery: FIGURE_TABLES.delivery.caption,
  'by-sector': 'By sector',
  'by-organisation': 'By organisation',
  'by-month': 'By month',
  'on-the-day': FIGURE_TABLES.dayZero.caption,
  confidence: 'Confidence before, after and three months on',
  'three-months-attendees': FIGURE_TABLES.followUp.caption,
  'by-theme': 'Three months on, by theme',
  'three-months-managers': FIGURE_TABLES.managers.caption,
  'who-answered-by-sector': 'Who answered, by sector',
  'who-answered-by-workforce-group': 'Who answered, by workforce group',
  'who-answered-confidence': 'Confidence after the course',
  'coded-themes': 'Answers coded with each theme',
} as const;
export type DownloadName = keyof typeof DOWNLOADS;
export const DOWNLOAD_NAMES = Object.keys(DOWNLOADS) as DownloadName[];

/** A cell: text, a whole number, a proportion (0..1) shown as a percentage, a one-decimal number, or null for "fewer than 5". */
export type TableCell = string | number | { percent: number } | { decimal: number } | null;

export interface DashboardTable {
  name: DownloadName;
  caption: string;
  head: string[];
  rows: TableCell[][];
}

const rateHead = (what: string) => [what, `${what}: count`, `${what}: out of`, `${what}: 95% interval from`, `${what}: 95% interval to`];
const hiddenCell = (figure: { notShown?: true }): TableCell => (figure.notShown ? 'not shown' : null);
const rateCells = (figure: Rate): TableCell[] => (isSuppressed(figure) ? [hiddenCell(figure), '', '', '', ''] : [{ percent: figure.value }, figure.count, figure.of, { percent: figure.low }, { percent: figure.high }]);
const meanHead = (what: string) => [what, `${what}: people`, `${what}: 95% interval from`, `${what}: 95% interval to`];
const meanCells = (figure: Mean): TableCell[] => (isSuppressed(figure) ? [hiddenCell(figure), '', '', ''] : [{ decimal: figure.mean }, figure.n, { decimal: figure.low }, { decimal: figure.high }]);
const countCell = (count: number | { suppressed: true } | null): TableCell => (typeof count === 'number' ? count : null);

/** A figure in the five columns a period has: value, count (people, for a mean), out of, interval from and to. */
function figureCells(figure: Figure): TableCell[] {
  if (figure.kind === 'count') return [countCell(figure.value), '', '', '', ''];
  if (figure.kind === 'rate') return rateCells(figure.value);
  const [value, n, low, high] = meanCells(figure.value);
  return [value, n, '', low, high];
}

const unitOf = (figure: Figure) => (figure.kind === 'rate' ? 'percentage' : figure.kind === 'mean' ? (figure.unit ?? '') : 'number');

function figuresTable(name: DownloadName, table: FiguresTableDefinition, current: ImpactFigures, previous: ImpactFigures): DashboardTable {
  const period = (figures: ImpactFigures, before: boolean) => {
    const label = `${before ? 'The period before' : 'This period'} (${describePeriod(figures.range)})`;
    return [label, `${label}: count (people, for an average)`, `${label}: out of`, `${label}: 95% interval from`, `${label}: 95% interval to`];
  };
  return {
    name,
    caption: table.caption,
    head: ['Figure', 'Unit', ...period(current, false), ...period(previous, true)],
    rows: table.rows.map((row) => [row.label, unitOf(row.pick(current)), ...figureCells(row.pick(current)), ...figureCells(row.pick(previous))]),
  };
}

const whoAnswered = (rows: NonResponseRow[], by: NonResponseRow['by']): TableCell[][] =>
  rows.filter((r) => r.by === by).map((r) => [r.group, countCell(r.sent), countCell(r.answered), ...rateCells(r.responseRate), r.warning ?? '']);

/** Every table of the dashboard, in the order the page shows them. */
export function dashboardTables(dashboard: ImpactDashboard, themes: ThemeRow[], codedThemes: CodedThemeRow[]): DashboardTable[] {
  const { current, previous } = dashboard;
  const reach = (name: 'by-sector' | 'by-organisation', first: string, rows: ImpactDashboard['bySector']): DashboardTable => ({
    name,
    caption: DOWNLOADS[name],
    head: [first, 'Attendances', 'People trained'],
    rows: rows.map((r) => [r.label, r.attendances, r.people]),
  });
  const tables: Record<DownloadName, DashboardTable> = {
    delivery: figuresTable('delivery', FIGURE_TABLES.delivery, current, previous),
    'by-sector': reach('by-sector', 'Sector', dashboard.bySector),
    'by-organisation': reach('by-organisation', 'Organisation', dashboard.byOrganisation),
    'by-month': { name: 'by-month', caption: DOWNLOADS['by-month'], head: ['Month', 'Sessions delivered', 'Attendances'], rows: dashboard.byMonth.map((r) => [monthName(r.month), r.sessionsDelivered, r.attendances]) },
    'on-the-day': figuresTable('on-the-day', FIGURE_TABLES.dayZero, current, previous),
    confidence: {
      name: 'confidence',
      caption: DOWNLOADS.confidence,
      head: ['When', ...meanHead('Average confidence (out of 10)')],
      rows: confidenceFigures(dashboard).map(([label, figure]) => [label, ...meanCells(figure)]),
    },
    'three-months-attendees': figuresTable('three-months-attendees', FIGURE_TABLES.followUp, current, previous),
    'by-theme': {
      name: 'by-theme',
      caption: DOWNLOADS['by-theme'],
      head: ['Theme', 'Surveys sent', 'Answered', ...rateHead('Response rate'), ...rateHead('Practice changed')],
      rows: themes.map((r) => [r.theme, r.sent, r.answered, ...rateCells(r.responseRate), ...rateCells(r.practiceChanged)]),
    },
    'three-months-managers': figuresTable('three-months-managers', FIGURE_TABLES.managers, current, previous),
    'who-answered-by-sector': {
      name: 'who-answered-by-sector',
      caption: DOWNLOADS['who-answered-by-sector'],
      head: ['Sector', 'Surveys sent', 'Answered', ...rateHead('Response rate'), 'Warning'],
      rows: whoAnswered(dashboard.nonResponse.rows, 'sector'),
    },
    'who-answered-by-workforce-group': {
      name: 'who-answered-by-workforce-group',
      caption: DOWNLOADS['who-answered-by-workforce-group'],
      head: ['Workforce group', 'Surveys sent', 'Answered', ...rateHead('Response rate'), 'Warning'],
      rows: whoAnswered(dashboard.nonResponse.rows, 'workforce group'),
    },
    'who-answered-confidence': {
      name: 'who-answered-confidence',
      caption: DOWNLOADS['who-answered-confidence'],
      head: ['Who', ...meanHead('Confidence after the course (out of 10)')],
      rows: [
        ['Everyone sent a survey', ...meanCells(dashboard.nonResponse.confidenceAfter.everyone)],
        ['Those who answered', ...meanCells(dashboard.nonResponse.confidenceAfter.answered)],
      ],
    },
    'coded-themes': {
      name: 'coded-themes',
      caption: DOWNLOADS['coded-themes'],
      head: ['Theme', 'Answers'],
      rows: codedThemes.map((r) => [r.retired ? `${r.theme} (retired)` : r.theme, countCell(r.answers)]),
    },
  };
  return DOWNLOAD_NAMES.map((name) => tables[name]);
}

/** The three confidence averages the chart draws, in the order they were given. */
export const confidenceFigures = (dashboard: ImpactDashboard): [string, Mean][] => [
  ['Before the course', dashboard.current.dayZero.confidenceBefore],
  ['After the course', dashboard.current.dayZero.confidenceAfter],
  ['Three months on', dashboard.current.followUp.confidenceNow],
];

/** The Definitions sheet's table: how all the figures are counted, then what each figure of the figures tables counts. */
export function definitionRows(): string[][] {
  return [
    ['Table', 'Figure', 'What it counts'],
    ...IMPACT_RULES.map((rule) => ['All tables', '', rule]),
    ...Object.values(FIGURE_TABLES).flatMap((table) => table.rows.map((row) => [table.caption, row.label, definitionOf(row)])),
  ];
}
