// The impact dashboard as page parts: the filter form, each section's figures beside the period
// before, the breakdowns and the check on who answered. The figures and their rules are in
// ./service; web/figures.tsx shows a rate or a mean honestly.
import type { Child } from 'hono/jsx';
import { DELIVERY_MODES, SECTORS, THEMES } from '../../db/schema';
import { Button, Select, Table, WarningText, type Option } from '../../web/components';
import { CountFigure, MeanFigure, RateFigure } from '../../web/figures';
import { monthName } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import { PeriodFields } from './period-fields';
import { describePeriod, FIGURE_TABLES, type Figure, type FigureRow, type FiguresTableDefinition } from './definitions';
import type { BreakdownRow, ImpactDashboard, impactChoices, MonthRow, NonResponseCheck } from './service';

export const IMPACT_PATH = '/impact';

type Choices = Awaited<ReturnType<typeof impactChoices>>;
export type PageValues = Partial<Record<'year' | 'from' | 'to' | 'theme' | 'courseId' | 'mode' | 'sector' | 'organisationId' | 'workforceGroup', string>>;

const options = (list: readonly string[]): Option[] => list.map((value) => ({ value, text: value }));

/** The period and the filters, as a GET form: it works without JavaScript and gives a link to share. */
export function FilterForm({ choices, values, errors }: { choices: Choices; values: PageValues; errors: FieldErrors }) {
  return (
    <form method="get" action={IMPACT_PATH} novalidate class="app-filter-panel app-no-print">
      <h2 class="govuk-heading-m">Choose what to show</h2>
      <PeriodFields years={choices.years} values={values} errors={errors} />
      <Select name="theme" label="Theme" options={options(THEMES)} value={values.theme} placeholder="All themes" error={errors.theme} />
      <Select name="courseId" label="Course" options={choices.courses.map((c) => ({ value: c.id, text: `${c.title} (${c.year})` }))} value={values.courseId} placeholder="All courses" error={errors.courseId} />
      <Select name="mode" label="Delivery" options={options(DELIVERY_MODES)} value={values.mode} placeholder="All ways of delivery" error={errors.mode} />
      <Select name="sector" label="Sector" options={options(SECTORS)} value={values.sector} placeholder="All sectors" error={errors.sector} />
      <Select name="organisationId" label="Organisation" options={choices.organisations.map((o) => ({ value: o.id, text: o.name }))} value={values.organisationId} placeholder="All organisations" error={errors.organisationId} />
      <Select
        name="workforceGroup"
        label="Workforce group"
        options={choices.workforceGroups.map((g) => ({ value: g.code, text: g.name }))}
        value={values.workforceGroup}
        placeholder="All workforce groups"
        error={errors.workforceGroup}
      />
      <Button secondary>Show the figures</Button>
    </form>
  );
}

function FigureCell({ figure }: { figure: Figure }) {
  if (figure.kind === 'count') return <CountFigure count={typeof figure.value === 'number' ? figure.value : null} />;
  if (figure.kind === 'rate') return <RateFigure figure={figure.value} />;
  return <MeanFigure figure={figure.value} unit={figure.unit} signed={figure.signed} />;
}

function FiguresTable({ caption, rows, dashboard }: { caption: string; rows: FigureRow[]; dashboard: ImpactDashboard }) {
  return (
    <table class="govuk-table app-figures">
      <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">
            Figure
          </th>
          <th scope="col" class="govuk-table__header">
            {describePeriod(dashboard.current.range)}
          </th>
          <th scope="col" class="govuk-table__header">
            The period before ({describePeriod(dashboard.previous.range)})
          </th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map((row) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header">
              {row.label}
              {row.means ? <span class="govuk-body-s app-interval">{row.means}</span> : null}
            </th>
            <td class="govuk-table__cell">
              <FigureCell figure={row.pick(dashboard.current)} />
            </td>
            <td class="govuk-table__cell">
              <FigureCell figure={row.pick(dashboard.previous)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}


const figuresTable = ({ caption, rows }: FiguresTableDefinition) => ({ dashboard }: { dashboard: ImpactDashboard }) => <FiguresTable caption={caption} rows={rows} dashboard={dashboard} />;
export const Delivery = figuresTable(FIGURE_TABLES.delivery);
export const DayZero = figuresTable(FIGURE_TABLES.dayZero);
export const FollowUp = figuresTable(FIGURE_TABLES.followUp);
export const Managers = figuresTable(FIGURE_TABLES.managers);

export function Reach({ caption, first, rows }: { caption: string; first: string; rows: BreakdownRow[] }) {
  if (!rows.length) return <p class="govuk-body">Nobody came to a session in this period.</p>;
  return <Table caption={caption} head={[first, 'Attendances', 'People trained']} rows={rows.map((r) => [r.label, <CountFigure count={r.attendances} />, <CountFigure count={r.people} />])} />;
}

export const ByMonth = ({ rows, id }: { rows: MonthRow[]; id?: string }) => (
  <Table id={id} caption="By month" head={['Month', 'Sessions delivered', 'Attendances']} rows={rows.map((r) => [monthName(r.month), String(r.sessionsDelivered), <CountFigure count={r.attendances} />])} />
);

export function WhoAnswered({ check }: { check: NonResponseCheck }) {
  const rows = (by: 'sector' | 'workforce group') => check.rows.filter((r) => r.by === by);
  const table = (by: 'sector' | 'workforce group', first: string): Child =>
    rows(by).length ? (
      <Table caption={`By ${by}`} head={[first, 'Surveys sent', 'Answered', 'Response rate']} rows={rows(by).map((r) => [r.group, <CountFigure count={r.sent} />, <CountFigure count={r.answered} />, <RateFigure figure={r.responseRate} />])} />
    ) : null;
  return (
    <>
      <h2 class="govuk-heading-l">Do the answers speak for everyone?</h2>
      <p class="govuk-body">
        The three-month answers come from those who chose to answer. Here they are compared with everyone the survey was sent to. Overall response rate: <RateFigure figure={check.overall} />
      </p>
      {check.warnings.length ? (
        check.warnings.map((w) => <WarningText>{w}</WarningText>)
      ) : (
        <p class="govuk-body">No sector or workforce group answered more than 15 points more or less often than everyone, and those who answered left the course about as confident as everyone else.</p>
      )}
      {table('sector', 'Sector')}
      {table('workforce group', 'Workforce group')}
      <Table
        caption="Confidence after the course"
        head={['Who', 'Confidence after the course']}
        rows={[
          ['Everyone sent a survey', <MeanFigure figure={check.confidenceAfter.everyone} unit="out of 10" />],
          ['Those who answered', <MeanFigure figure={check.confidenceAfter.answered} unit="out of 10" />],
        ]}
      />
    </>
  );
}
