// The PPL group's impact dashboard: the page a reviewer opens at every meeting. The figures and
// their rules are in ./service; this page reads the query, asks for them and lays them out.
import { ErrorSummary } from '../../web/components';
import { isDomainError, type FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { givenValues, parseQuery } from '../http/params';
import { attachment, render } from '../http/render';
import { get } from '../http/routes';
import { impactPageQuery } from './schemas';
import { codedThemeCounts, type CodedThemeRow } from './answers';
import { CodedThemes } from './answer-views';
import { byTheme, type ThemeRow } from './by-theme';
import { ByTheme, Confidence, MonthChart, tableId } from './chart-views';
import { csvPath, DownloadLink, HowCounted, WORKBOOK_PATH, WorkbookLink } from './download-views';
import { downloadFilename, impactWorkbook, tableCsv } from './downloads';
import { dayAfter, IMPACT_READERS, impactChoices, impactDashboard, impactRange, type ImpactDashboard, type ImpactFilters } from './service';
import { dashboardTables, DOWNLOAD_NAMES, type DownloadName } from './tables';
import { describePeriod } from './definitions';
import { YEARS_PATH } from './years-routes';
import { ByMonth, DayZero, Delivery, FilterForm, FollowUp, IMPACT_PATH, Managers, Reach, WhoAnswered, type PageValues } from './views';

const TITLE = 'Training impact';

interface Loaded {
  choices: Awaited<ReturnType<typeof impactChoices>>;
  values: PageValues;
  errors: FieldErrors;
  /** The page's period and filters, for the download links. */
  query: string;
  figures?: { dashboard: ImpactDashboard; themes: ThemeRow[]; codedThemes: CodedThemeRow[]; filters: ImpactFilters };
}

/** The query checked, and the figures it asks for; or what is wrong with it. Shared by the page and its downloads. */
async function loadDashboard(c: AppContext): Promise<Loaded> {
  const s = scope(c);
  const choices = await impactChoices(s);
  const values = c.req.query() as PageValues;
  const query = new URLSearchParams(givenValues(c.req.query())).toString();
  const parsed = parseQuery(c, impactPageQuery);
  if (!parsed.ok) return { choices, values, errors: parsed.errors, query };
  const { year, from, to, ...filters } = parsed.data;
  try {
    const range = await impactRange(s, { year, from, to: to && dayAfter(to) });
    const [dashboard, themes, codedThemes] = await Promise.all([impactDashboard(s, range, filters satisfies ImpactFilters), byTheme(s, range, filters), codedThemeCounts(s, range, filters)]);
    return { choices, values, errors: {}, query, figures: { dashboard, themes, codedThemes, filters } };
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'invalid') throw error;
    return { choices, values, errors: error.fields ?? {}, query };
  }
}

function dashboardPage(c: AppContext, { choices, values, errors, query, figures }: Loaded) {
  const dashboard = figures?.dashboard;
  const failed = !dashboard;
  return render(
    c,
    { title: TITLE, hasErrors: failed, status: failed ? 400 : 200 },
    <div class="app-impact">
      <h1 class="govuk-heading-l">{TITLE}</h1>
      {failed ? <ErrorSummary errors={errors} /> : null}
      <p class="govuk-body-l">What the partnership’s training delivered and what it changed{dashboard ? `, ${describePeriod(dashboard.current.range)}` : ''}.</p>
      <p class="govuk-body">
        Every percentage shows how many people it counts, out of how many, and a 95% interval: the range the true figure most likely lies in, given how many answered. Any figure about fewer than 5 people says “fewer than 5”, and
        another is hidden with it where one alone could be worked out from the total. A session counts in the period it starts in.
      </p>
      <p class="govuk-body app-no-print">
        <a class="govuk-link" href={YEARS_PATH}>
          See the years side by side
        </a>
      </p>
      <FilterForm choices={choices} values={values} errors={errors} />
      {figures && dashboard ? (
        <>
          <WorkbookLink query={query} />
          <Delivery dashboard={dashboard} />
          <DownloadLink name="delivery" query={query} />
          <p class="govuk-body">The sector, organisation and workforce group choices narrow the people counted; the sessions, hours and places stay those of the whole partnership.</p>
          <h2 class="govuk-heading-l">Who was reached</h2>
          <Reach caption="By sector" first="Sector" rows={dashboard.bySector} />
          <DownloadLink name="by-sector" query={query} />
          <Reach caption="By organisation" first="Organisation" rows={dashboard.byOrganisation} />
          <DownloadLink name="by-organisation" query={query} />
          <div class="app-chart-block">
            <MonthChart rows={dashboard.byMonth} />
            <ByMonth rows={dashboard.byMonth} id={tableId('by-month')} />
          </div>
          <DownloadLink name="by-month" query={query} />
          <DayZero dashboard={dashboard} />
          <DownloadLink name="on-the-day" query={query} />
          <Confidence dashboard={dashboard} />
          <DownloadLink name="confidence" query={query} />
          <FollowUp dashboard={dashboard} />
          <DownloadLink name="three-months-attendees" query={query} />
          <ByTheme rows={figures.themes} overall={dashboard.current.followUp.responseRate} />
          {figures.themes.length ? <DownloadLink name="by-theme" query={query} /> : null}
          <Managers dashboard={dashboard} />
          <DownloadLink name="three-months-managers" query={query} />
          <WhoAnswered check={dashboard.nonResponse} />
          <DownloadLink name="who-answered-by-sector" query={query} />
          <DownloadLink name="who-answered-by-workforce-group" query={query} />
          <DownloadLink name="who-answered-confidence" query={query} />
          <CodedThemes rows={figures.codedThemes} />
          <DownloadLink name="coded-themes" query={query} />
          <HowCounted />
        </>
      ) : null}
    </div>,
  );
}

/** The chosen filters in words, for the workbook: "Theme: Neglect; Sector: Health", or "Everything". */
function describeFilters(filters: ImpactFilters, choices: Loaded['choices']): string {
  const named = [
    ['Theme', filters.theme],
    ['Course', filters.courseId && choices.courses.find((c) => c.id === filters.courseId)?.title],
    ['Delivery', filters.mode],
    ['Sector', filters.sector],
    ['Organisation', filters.organisationId && choices.organisations.find((o) => o.id === filters.organisationId)?.name],
    ['Workforce group', filters.workforceGroup && (choices.workforceGroups.find((g) => g.code === filters.workforceGroup)?.name ?? filters.workforceGroup)],
  ].filter(([, value]) => value);
  return named.length ? named.map(([what, value]) => `${what}: ${value}`).join('; ') : 'All courses and people';
}

/** One table as CSV, for the page's query; a bad query gets the page with its errors. */
const tableCsvDownload = (name: DownloadName) => async (c: AppContext) => {
  const loaded = await loadDashboard(c);
  if (!loaded.figures) return dashboardPage(c, loaded);
  const table = dashboardTables(loaded.figures.dashboard, loaded.figures.themes, loaded.figures.codedThemes).find((t) => t.name === name)!;
  return attachment(c, tableCsv(table), 'text/csv; charset=utf-8', downloadFilename(describePeriod(loaded.figures.dashboard.current.range), name, 'csv'));
};

/** Every table and the definitions as one workbook. */
async function workbookDownload(c: AppContext) {
  const loaded = await loadDashboard(c);
  if (!loaded.figures) return dashboardPage(c, loaded);
  const { dashboard, themes, codedThemes, filters } = loaded.figures;
  const period = describePeriod(dashboard.current.range);
  const workbook = await impactWorkbook(dashboardTables(dashboard, themes, codedThemes), { title: TITLE, period, filters: describeFilters(filters, loaded.choices), now: scope(c).clock.now() });
  return attachment(c, workbook, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', downloadFilename(period, '', 'xlsx'));
}

export const impactRoutes = [
  get(IMPACT_PATH, IMPACT_READERS, async (c) => dashboardPage(c, await loadDashboard(c))),
  ...DOWNLOAD_NAMES.map((name) => get(csvPath(name), IMPACT_READERS, tableCsvDownload(name))),
  get(WORKBOOK_PATH, IMPACT_READERS, workbookDownload),
];
