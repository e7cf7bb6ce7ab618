// The years side by side page: the headline figures of the chosen prospectus years (by default the
// latest four), oldest first, imported past years marked. A GET form of checkboxes chooses them.
import { Choices, ErrorSummary } from '../../web/components';
import { YearsSideBySideTable } from '../../web/years-table';
import { scope, type AppContext } from '../http/context';
import { render } from '../http/render';
import { get } from '../http/routes';
import { isDomainError } from '../shared/errors';
import { IMPACT_READERS } from './service';
import { IMPACT_PATH } from './views';
import { MOST_YEARS, yearsSideBySide } from './years';

export const YEARS_PATH = `${IMPACT_PATH}/years`;
const TITLE = 'Years side by side';

async function yearsPage(c: AppContext) {
  const asked = c.req.queries('years') ?? [];
  try {
    const table = await yearsSideBySide(scope(c), { years: asked });
    return render(
      c,
      { title: TITLE, backLink: IMPACT_PATH },
      <>
        <h1 class="govuk-heading-l">{TITLE}</h1>
        <p class="govuk-body">The impact dashboard’s headline figures for each prospectus year, counted the same way in every year. Years imported from the partnership’s past records are marked; they hold what those records held.</p>
        {table.columns.length ? (
          <YearsSideBySideTable caption={`${table.columns[0].year} to ${table.columns[table.columns.length - 1].year}`} columns={table.columns} rows={table.rows} />
        ) : (
          <p class="govuk-body">No prospectus year has started yet.</p>
        )}
        <YearsForm choices={table.choices} chosen={table.columns.map((c) => c.year)} />
      </>,
    );
  } catch (error) {
    if (!isDomainError(error, 'invalid')) throw error;
    return render(
      c,
      { title: TITLE, hasErrors: true, status: 400, backLink: IMPACT_PATH },
      <>
        <ErrorSummary errors={error.fields} />
        <h1 class="govuk-heading-l">{TITLE}</h1>
        <YearsForm choices={(await yearsSideBySide(scope(c))).choices} chosen={asked} error={error.fields.years} />
      </>,
    );
  }
}

function YearsForm({ choices, chosen, error }: { choices: { year: string; imported: boolean }[]; chosen: string[]; error?: string }) {
  return (
    <form method="get" action={YEARS_PATH} novalidate class="app-no-print">
      <Choices
        type="checkbox"
        name="years"
        label="Years to show"
        hint={`Choose up to ${MOST_YEARS}`}
        small
        options={choices.map((y) => ({ value: y.year, text: y.imported ? `${y.year} (imported)` : y.year }))}
        values={chosen}
        error={error}
        legendSize="m"
      />
      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
        Show these years
      </button>
    </form>
  );
}

export const yearsRoutes = [get(YEARS_PATH, IMPACT_READERS, yearsPage)];
