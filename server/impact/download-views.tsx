// The impact dashboard's download links and its definitions: a CSV link under each table, one
// for the whole workbook, and how the figures are counted (the same words as the workbook's
// Definitions sheet, from ./definitions).
import { Table } from '../../web/components';
import { definitionOf, FIGURE_TABLES, IMPACT_RULES } from './definitions';
import { DOWNLOADS, type DownloadName } from './tables';

export const DOWNLOAD_PATH = '/impact/download';
export const WORKBOOK_PATH = `${DOWNLOAD_PATH}/impact.xlsx`;
export const csvPath = (name: DownloadName) => `${DOWNLOAD_PATH}/${name}.csv`;

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/** "Download “By month” as CSV", with the page's period and filters. */
export const DownloadLink = ({ name, query }: { name: DownloadName; query: string }) => (
  <p class="govuk-body app-no-print">
    <a class="govuk-link" href={withQuery(csvPath(name), query)}>
      Download “{DOWNLOADS[name]}” as CSV
    </a>
  </p>
);

export const WorkbookLink = ({ query }: { query: string }) => (
  <p class="govuk-body app-no-print">
    <a class="govuk-link" href={withQuery(WORKBOOK_PATH, query)}>
      Download every table as a spreadsheet (XLSX), with the definitions
    </a>
  </p>
);

/** How the figures are counted, and what each one counts. */
export function HowCounted() {
  return (
    <>
      <h2 class="govuk-heading-l">How the figures are counted</h2>
      <ul class="govuk-list govuk-list--bullet">
        {IMPACT_RULES.map((rule) => (
          <li>{rule}</li>
        ))}
      </ul>
      <Table
        caption="What each figure counts"
        head={['Table', 'Figure', 'What it counts']}
        rows={Object.values(FIGURE_TABLES).flatMap((table) => table.rows.map((row) => [table.caption, row.label, definitionOf(row)]))}
      />
    </>
  );
}
