// The impact dashboard's charts, each drawn beside the table of its figures (../../web/charts):
// delivery by month, the three-month figures by theme, and confidence before, after and three
// months on. The table is what a screen reader reads; the chart's description points to it.
import { BarChart, type ChartBar } from '../../web/charts';
import { Table, WarningText } from '../../web/components';
import { MeanFigure, RateFigure, CountFigure } from '../../web/figures';
import { monthName } from '../shared/dates';
import { listInWords } from '../shared/words';
import { isSuppressed, percent, type Mean, type Rate } from '../shared/statistics';
import { weakFollowUp, type ThemeRow } from './by-theme';
import { NON_RESPONSE_GAP, type ImpactDashboard, type MonthRow } from './service';
import { confidenceFigures, DOWNLOADS, type DownloadName } from './tables';
import { formatCount } from '../shared/words';

export const tableId = (name: DownloadName) => `table-${name}`;

const rateBar = (figure: Rate): ChartBar => (isSuppressed(figure) ? { value: null, text: '' } : { value: figure.value, low: figure.low, high: figure.high, text: percent(figure.value) });
const meanBar = (figure: Mean): ChartBar => (isSuppressed(figure) ? { value: null, text: '' } : { value: figure.mean, low: figure.low, high: figure.high, text: figure.mean.toFixed(1) });
const countBar = (count: number | null): ChartBar => ({ value: count, text: count === null ? '' : formatCount(count) });

/** Sessions delivered and attendances in each month, as a chart. Its table is ByMonth (./views). */
export function MonthChart({ rows }: { rows: MonthRow[] }) {
  return (
    <BarChart
      id="chart-by-month"
      title="Chart: sessions delivered and attendances by month"
      labels={rows.map((r) => monthName(r.month))}
      panels={[
        { heading: 'Sessions delivered', bars: rows.map((r) => countBar(r.sessionsDelivered)), whole: true },
        { heading: 'Attendances', bars: rows.map((r) => countBar(r.attendances)), whole: true },
      ]}
      tableId={tableId('by-month')}
      tableCaption={DOWNLOADS['by-month']}
    />
  );
}

/** The three-month response rate and practice changed for each theme: a chart, then the table. */
export function ByTheme({ rows, overall }: { rows: ThemeRow[]; overall: Rate }) {
  const caption = DOWNLOADS['by-theme'];
  const weak = weakFollowUp(rows, overall);
  return (
    <>
      <h2 class="govuk-heading-l">Three months on, by theme</h2>
      <p class="govuk-body">
        For each theme of the courses: how many of those who came answered the three-month survey, and how many of them said their practice had changed. A course may have several themes, so the themes need not add up to the
        totals. The lines across the bars are the 95% intervals.
      </p>
      {weak.length ? (
        <WarningText>
          Weak follow-up: {listInWords(weak)}. Too few of their attendees answered to show, or their response rate is more than {Math.round(NON_RESPONSE_GAP * 100)} percentage points below everyone’s, so what those courses changed cannot be judged
          yet.
        </WarningText>
      ) : null}
      {rows.length ? (
        <div class="app-chart-block">
          <BarChart
            id="chart-by-theme"
            title="Chart: three-month response rate and practice changed, by theme"
            labels={rows.map((r) => r.theme)}
            panels={[
              { heading: 'Response rate', bars: rows.map((r) => rateBar(r.responseRate)), max: 1, tick: percent },
              { heading: 'Practice changed', bars: rows.map((r) => rateBar(r.practiceChanged)), max: 1, tick: percent },
            ]}
            tableId={tableId('by-theme')}
            tableCaption={caption}
          />
          <Table
            id={tableId('by-theme')}
            caption={caption}
            head={['Theme', 'Surveys sent', 'Answered', 'Response rate', 'Practice changed']}
            rows={rows.map((r) => [r.theme, <CountFigure count={r.sent} />, <CountFigure count={r.answered} />, <RateFigure figure={r.responseRate} />, <RateFigure figure={r.practiceChanged} />])}
          />
        </div>
      ) : (
        <p class="govuk-body">No three-month surveys were sent for this period.</p>
      )}
    </>
  );
}

/** Confidence before, after and three months on, out of 10: a chart, then the table. */
export function Confidence({ dashboard }: { dashboard: ImpactDashboard }) {
  const rows = confidenceFigures(dashboard);
  const caption = DOWNLOADS.confidence;
  return (
    <div class="app-chart-block">
      <h2 class="govuk-heading-l">Confidence before, after and three months on</h2>
      <p class="govuk-body">Average confidence out of 10. Before and after come from the feedback on the day, three months on from those who answered the survey, so they are not all the same people.</p>
      <BarChart
        id="chart-confidence"
        title="Chart: average confidence before the course, after it and three months on"
        labels={rows.map(([label]) => label)}
        panels={[{ heading: 'Average confidence (out of 10)', bars: rows.map(([, figure]) => meanBar(figure)), max: 10, tick: (v) => String(v) }]}
        tableId={tableId('confidence')}
        tableCaption={caption}
      />
      <Table id={tableId('confidence')} caption={caption} head={['When', 'Average confidence']} rows={rows.map(([label, figure]) => [label, <MeanFigure figure={figure} unit="out of 10" />])} />
    </div>
  );
}
