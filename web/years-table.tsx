// Years side by side as a table: a row for each figure, a column for each year (oldest first),
// imported years marked. The figures keep their honest form: a rate with its count and
// denominator, a mean with its n, "fewer than 5" where suppressed.
import type { FigureCell } from '../server/shared/statistics';
import { ImportedTag } from './components';
import { CountFigure, MeanFigure, RateFigure } from './figures';

const Cell = ({ cell }: { cell: FigureCell }) =>
  'rate' in cell ? <RateFigure figure={cell.rate} /> : 'mean' in cell ? <MeanFigure figure={cell.mean} signed /> : <CountFigure count={typeof cell.count === 'number' ? cell.count : null} />;

export function YearsSideBySideTable({ caption, columns, rows }: { caption: string; columns: { year: string; imported: boolean }[]; rows: { label: string; cells: FigureCell[] }[] }) {
  return (
    <div class="app-table-scroll" role="region" aria-label={caption} tabindex={0}>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">
              Figure
            </th>
            {columns.map((c) => (
              <th scope="col" class="govuk-table__header">
                {c.year}
                {c.imported ? (
                  <>
                    {' '}
                    <ImportedTag />
                  </>
                ) : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {rows.map((row) => (
            <tr class="govuk-table__row">
              <th scope="row" class="govuk-table__header">
                {row.label}
              </th>
              {row.cells.map((cell) => (
                <td class="govuk-table__cell">
                  <Cell cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
