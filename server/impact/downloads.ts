// The impact dashboard's tables as files: each table as CSV (the app's CSV writer, with its
// formula guard) and the whole dashboard as one workbook, a sheet for each table and a sheet of
// definitions (exceljs). The figures are the page's: percentages and averages rounded as the page
// rounds them in the CSV, and kept whole in the workbook with a number format that shows them so.
import { writeCsv } from '../shared/csv';
import { fileNamePart } from '../shared/file-names';
import { FEWER_THAN_SMALL_GROUP, percent } from '../shared/statistics';
import { definitionRows, type DashboardTable, type DownloadName, type TableCell } from './tables';


/** A cell as the CSV writes it: "60%", 7.2, "fewer than 5". */
function csvCell(cell: TableCell): string | number {
  if (cell === null) return FEWER_THAN_SMALL_GROUP;
  if (typeof cell === 'string' || typeof cell === 'number') return cell;
  if ('percent' in cell) return percent(cell.percent);
  return Number(cell.decimal.toFixed(1));
}

export const tableCsv = (table: DashboardTable) => writeCsv([table.head, ...table.rows.map((row) => row.map(csvCell))]);

/** "training-impact-1-april-2025-to-31-march-2026-by-theme.csv" */
export const downloadFilename = (period: string, what: string, extension: 'csv' | 'xlsx') => `training-impact-${fileNamePart(period, 'period')}${what ? `-${what}` : ''}.${extension}`;

/** Each table's sheet: a name Excel allows (31 characters, no colons). */
export const SHEET_NAMES: Record<DownloadName, string> = {
  delivery: 'Delivery',
  'by-sector': 'By sector',
  'by-organisation': 'By organisation',
  'by-month': 'By month',
  'on-the-day': 'On the day',
  confidence: 'Confidence',
  'three-months-attendees': 'Three months - attendees',
  'by-theme': 'Three months - by theme',
  'three-months-managers': 'Three months - line managers',
  'who-answered-by-sector': 'Who answered - by sector',
  'who-answered-by-workforce-group': 'Who answered - by group',
  'who-answered-confidence': 'Who answered - confidence',
  'coded-themes': 'Coded themes',
};
export const DEFINITIONS_SHEET = 'Definitions';

const PERCENT_FORMAT = '0%';
const DECIMAL_FORMAT = '0.0';

/**
 * The workbook: a sheet for each table, its header in bold and frozen, then the Definitions sheet
 * (what was asked for, how the figures are counted and what each one counts).
 */
export async function impactWorkbook(tables: DashboardTable[], about: { title: string; period: string; filters: string; now: Date }): Promise<Uint8Array<ArrayBuffer>> {
  // Loaded when a workbook is asked for: it is most of the Worker's bundle, and nothing else needs it.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = about.title;
  workbook.created = about.now;
  workbook.modified = about.now;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(SHEET_NAMES[table.name], { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(table.head).font = { bold: true };
    for (const row of table.rows) {
      const added = sheet.addRow(row.map((cell) => (cell === null ? FEWER_THAN_SMALL_GROUP : typeof cell === 'object' ? ('percent' in cell ? cell.percent : cell.decimal) : cell)));
      row.forEach((cell, i) => {
        if (cell !== null && typeof cell === 'object') added.getCell(i + 1).numFmt = 'percent' in cell ? PERCENT_FORMAT : DECIMAL_FORMAT;
      });
    }
    sheet.columns.forEach((column, i) => {
      column.width = i === 0 ? 36 : 16;
    });
  }
  const definitions = workbook.addWorksheet(DEFINITIONS_SHEET);
  definitions.addRow([about.title]).font = { bold: true, size: 14 };
  definitions.addRow(['Period', about.period]);
  definitions.addRow(['Chosen', about.filters]);
  definitions.addRow([]);
  for (const row of definitionRows()) {
    const added = definitions.addRow(row);
    if (row[0] === 'Table') added.font = { bold: true };
  }
  definitions.columns.forEach((column, i) => {
    column.width = [36, 36, 110][i] ?? 20;
    column.alignment = { wrapText: true, vertical: 'top' };
  });
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
