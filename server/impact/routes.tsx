// The PPL group's impact dashboard: the page a reviewer opens at every meeting. The figures and
// their rules are in ./service; this page reads the query, asks for them and lays them out.
import { ErrorSummary } from '../../web/components';
import { isDomainError, type FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { parseQuery } from '../http/params';
import { render } from '../http/render';
import { get } from '../http/routes';
import { impactPageQuery } from './schemas';
import { codedThemeCounts, type CodedThemeRow } from './answers';
import { CodedThemes } from './answer-views';
import { dayAfter, IMPACT_READERS, impactChoices, impactDashboard, impactRange, type ImpactFilters } from './service';
import { ByMonth, DayZero, Delivery, describePeriod, FilterForm, FollowUp, IMPACT_PATH, Managers, Reach, WhoAnswered, type PageValues } from './views';

const TITLE = 'Training impact';

async function dashboardPage(c: AppContext) {
  const s = scope(c);
  const choices = await impactChoices(s);
  const values = c.req.query() as PageValues;
  const parsed = parseQuery(c, impactPageQuery);
  let errors: FieldErrors = parsed.ok ? {} : parsed.errors;
  let dashboard;
  let codedThemes: CodedThemeRow[] = [];
  if (parsed.ok) {
    const { year, from, to, ...filters } = parsed.data;
    try {
      const range = await impactRange(s, { year, from, to: to && dayAfter(to) });
      [dashboard, codedThemes] = await Promise.all([impactDashboard(s, range, filters satisfies ImpactFilters), codedThemeCounts(s, range, filters)]);
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'invalid') throw error;
      errors = error.fields ?? {};
    }
  }
  const failed = !dashboard;
  return render(
    c,
    { title: TITLE, hasErrors: failed, status: failed ? 400 : 200 },
    <>
      <h1 class="govuk-heading-l">{TITLE}</h1>
      {failed ? <ErrorSummary errors={errors} /> : null}
      <p class="govuk-body-l">What the partnership’s training delivered and what it changed{dashboard ? `, ${describePeriod(dashboard.current.range)}` : ''}.</p>
      <p class="govuk-body">
        Every percentage shows how many people it counts, out of how many, and a 95% interval: the range the true figure most likely lies in, given how many answered. Any figure about fewer than 5 people says “fewer than 5”, and
        another is hidden with it where one alone could be worked out from the total. A session counts in the period it starts in.
      </p>
      <FilterForm choices={choices} values={values} errors={errors} />
      {dashboard ? (
        <>
          <Delivery dashboard={dashboard} />
          <p class="govuk-body">The sector, organisation and workforce group choices narrow the people counted; the sessions, hours and places stay those of the whole partnership.</p>
          <h2 class="govuk-heading-l">Who was reached</h2>
          <Reach caption="By sector" first="Sector" rows={dashboard.bySector} />
          <Reach caption="By organisation" first="Organisation" rows={dashboard.byOrganisation} />
          <ByMonth rows={dashboard.byMonth} />
          <DayZero dashboard={dashboard} />
          <FollowUp dashboard={dashboard} />
          <Managers dashboard={dashboard} />
          <WhoAnswered check={dashboard.nonResponse} />
          <CodedThemes rows={codedThemes} />
        </>
      ) : null}
    </>,
  );
}

export const impactRoutes = [get(IMPACT_PATH, IMPACT_READERS, dashboardPage)];
