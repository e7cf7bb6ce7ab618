// The impact dashboard as page parts: the filter form, each section's figures beside the period
// before, the breakdowns and the check on who answered. The figures and their rules are in
// ./service; web/figures.tsx shows a rate or a mean honestly.
import type { Child } from 'hono/jsx';
import { DELIVERY_MODES, SECTORS, THEMES } from '../../db/schema';
import { Button, Select, Table, WarningText, type Option } from '../../web/components';
import { CountFigure, MeanFigure, RateFigure } from '../../web/figures';
import { formatDay, monthName } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import { PeriodFields } from './period-fields';
import type { Mean, Rate } from '../shared/statistics';
import type { BreakdownRow, Count, ImpactDashboard, ImpactFigures, impactChoices, MonthRow, NonResponseCheck } from './service';

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

/** "1 April 2026 to 31 March 2027" for a range whose `to` is the day after. */
export function describePeriod(range: ImpactFigures['range']): string {
  const [y, m, d] = range.to.split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
  const short = (day: string) => formatDay(day).replace(/^\w+ /, '');
  return `${short(range.from)} to ${short(last)}`;
}

type Figure = { kind: 'count'; value: Count } | { kind: 'rate'; value: Rate } | { kind: 'mean'; value: Mean; unit?: string; signed?: boolean };

function FigureCell({ figure }: { figure: Figure }) {
  if (figure.kind === 'count') return <CountFigure count={typeof figure.value === 'number' ? figure.value : null} />;
  if (figure.kind === 'rate') return <RateFigure figure={figure.value} />;
  return <MeanFigure figure={figure.value} unit={figure.unit} signed={figure.signed} />;
}

interface FigureRow {
  label: string;
  /** What the figure counts, said under its name. */
  means?: string;
  pick: (f: ImpactFigures) => Figure;
}

const count = (value: Count): Figure => ({ kind: 'count', value });
const rateFigure = (value: Rate): Figure => ({ kind: 'rate', value });
const mean = (value: Mean, unit?: string, signed?: boolean): Figure => ({ kind: 'mean', value, unit, signed });

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

const DELIVERY: FigureRow[] = [
  { label: 'Courses run', means: 'Courses with at least one session delivered', pick: (f) => count(f.delivery.courses) },
  { label: 'Sessions delivered', pick: (f) => count(f.delivery.sessionsDelivered) },
  { label: 'Sessions cancelled', pick: (f) => count(f.delivery.sessionsCancelled) },
  { label: 'Training hours', means: 'The length of every session delivered, added up', pick: (f) => count(f.delivery.trainingHours) },
  { label: 'Places offered', means: 'The places at the sessions delivered', pick: (f) => count(f.delivery.placesOffered) },
  { label: 'Bookings', means: 'Every request for a place, including the waiting list and those cancelled later; not walk-ins', pick: (f) => count(f.delivery.bookings) },
  { label: 'Attendances', means: 'Attended or partly attended, walk-ins included', pick: (f) => count(f.delivery.attendances) },
  { label: 'Did not attend', pick: (f) => count(f.delivery.didNotAttend) },
  { label: 'Late cancellations', pick: (f) => count(f.delivery.lateCancellations) },
  { label: 'Walk-ins', means: 'Came without a booking', pick: (f) => count(f.delivery.walkIns) },
  { label: 'E-learning completions', means: 'Completed in the period', pick: (f) => count(f.delivery.eLearningCompletions) },
  { label: 'People trained', means: 'Different people who came to a session or completed e-learning', pick: (f) => count(f.delivery.peopleTrained) },
  { label: 'Organisations reached', pick: (f) => count(f.delivery.organisationsReached) },
  { label: 'Sectors reached', pick: (f) => count(f.delivery.sectorsReached) },
  { label: 'Take-up', means: 'Attendances of people who had a place, out of the places offered', pick: (f) => rateFigure(f.delivery.takeUp) },
  { label: 'Attendance rate', means: 'Attendances of people who had a place, out of the places confirmed when the session started', pick: (f) => rateFigure(f.delivery.attendanceRate) },
];

const DAY_ZERO: FigureRow[] = [
  { label: 'Feedback given', pick: (f) => count(f.dayZero.responses) },
  { label: 'Feedback response rate', means: 'Feedback given, out of attendances', pick: (f) => rateFigure(f.dayZero.responseRate) },
  { label: 'Learning outcomes met', means: 'Each person’s average over the course’s outcomes, from 1 (not met) to 4 (fully met)', pick: (f) => mean(f.dayZero.outcomesMet, 'out of 4') },
  { label: 'Relevance to their role', pick: (f) => mean(f.dayZero.relevance, 'out of 5') },
  { label: 'Delivery', pick: (f) => mean(f.dayZero.delivery, 'out of 5') },
  { label: 'Confidence before the course', pick: (f) => mean(f.dayZero.confidenceBefore, 'out of 10') },
  { label: 'Confidence after the course', pick: (f) => mean(f.dayZero.confidenceAfter, 'out of 10') },
  { label: 'Change in confidence', means: 'After minus before, for each person', pick: (f) => mean(f.dayZero.confidenceChange, 'points', true) },
];

const FOLLOW_UP: FigureRow[] = [
  { label: 'Surveys sent', pick: (f) => count(f.followUp.sent) },
  { label: 'Surveys answered', pick: (f) => count(f.followUp.answered) },
  { label: 'Response rate', means: 'Answered, out of sent (surveys still open included)', pick: (f) => rateFigure(f.followUp.responseRate) },
  { label: 'Practice changed', means: 'Said yes, out of those who answered', pick: (f) => rateFigure(f.followUp.practiceChanged) },
  {
    label: 'A better outcome for a child or family',
    means: 'Said yes, out of those who answered the question, leaving out “not applicable”',
    pick: (f) => rateFigure(f.followUp.outcomeImproved),
  },
  { label: 'Shared the learning', means: 'Said yes, out of those who answered', pick: (f) => rateFigure(f.followUp.sharedLearning) },
  { label: 'Confidence three months on', pick: (f) => mean(f.followUp.confidenceNow, 'out of 10') },
  { label: 'Did the confidence hold?', means: 'Confidence now minus confidence after the course, for each person who gave both', pick: (f) => mean(f.followUp.confidenceHeld, 'points', true) },
  { label: 'Competencies rated confident', means: 'Out of every competency rated in the answers', pick: (f) => rateFigure(f.followUp.selfAssessments.confident) },
  { label: 'Competencies rated developing', pick: (f) => rateFigure(f.followUp.selfAssessments.developing) },
  { label: 'Competencies rated not yet', pick: (f) => rateFigure(f.followUp.selfAssessments.notYet) },
];

const MANAGERS: FigureRow[] = [
  { label: 'Surveys sent to line managers', pick: (f) => count(f.managers.sent) },
  { label: 'Surveys answered', pick: (f) => count(f.managers.answered) },
  { label: 'Response rate', pick: (f) => rateFigure(f.managers.responseRate) },
  { label: 'Have seen the change in practice', means: 'Said yes, out of those who answered', pick: (f) => rateFigure(f.managers.seenChange) },
];

export const Delivery = ({ dashboard }: { dashboard: ImpactDashboard }) => <FiguresTable caption="What the training delivered" rows={DELIVERY} dashboard={dashboard} />;
export const DayZero = ({ dashboard }: { dashboard: ImpactDashboard }) => <FiguresTable caption="On the day" rows={DAY_ZERO} dashboard={dashboard} />;
export const FollowUp = ({ dashboard }: { dashboard: ImpactDashboard }) => <FiguresTable caption="Three months on: what attendees said" rows={FOLLOW_UP} dashboard={dashboard} />;
export const Managers = ({ dashboard }: { dashboard: ImpactDashboard }) => <FiguresTable caption="Three months on: what line managers said" rows={MANAGERS} dashboard={dashboard} />;

export function Reach({ caption, first, rows }: { caption: string; first: string; rows: BreakdownRow[] }) {
  if (!rows.length) return <p class="govuk-body">Nobody came to a session in this period.</p>;
  return <Table caption={caption} head={[first, 'Attendances', 'People trained']} rows={rows.map((r) => [r.label, <CountFigure count={r.attendances} />, <CountFigure count={r.people} />])} />;
}

export const ByMonth = ({ rows }: { rows: MonthRow[] }) => (
  <Table caption="By month" head={['Month', 'Sessions delivered', 'Attendances']} rows={rows.map((r) => [monthName(r.month), String(r.sessionsDelivered), <CountFigure count={r.attendances} />])} />
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
