// The coordinator's non-attendance pages: the report by organisation and by session, the
// list of charges to invoice (and as CSV), and the form that sets the charges. The rules
// and queries are in ./non-attendance; these pages only translate HTTP.
import { SECTORS, type Role } from '../../db/schema';
import { Button, Choices, ErrorSummary, SummaryList, Table, TextInput } from '../../web/components';
import { formatDate, formatShortDate, fromLondon, duration } from '../shared/dates';
import { Done, formPage, submitForm, TargetForm, type FormTarget } from '../http/form-pages';
import { isDomainError, type FieldErrors } from '../shared/errors';
import { parseQuery, readQuery } from '../http/params';
import { chargePolicyInput, rangeQuery } from './schemas';
import { formatPounds, poundsValue } from '../shared/money';
import { scope, type AppContext } from '../http/context';
import { fieldsOf, many, type FormValues } from '../http/forms';
import { render } from '../http/render';
import { get, post } from '../http/routes';
import {
  chargePolicy,
  chargesCsv,
  chargesFilename,
  HALF_DAY_MINUTES,
  nonAttendance,
  reportRange,
  updateChargePolicy,
  type ChargesList,
  type Counts,
  type NonAttendanceReport,
  type ReportRange,
} from './non-attendance';

const COORDINATOR: Role[] = ['coordinator'];
const PATH = '/manage/non-attendance';
const CSV_PATH = `${PATH}/charges.csv`;
const SETTINGS_PATH = '/manage/settings/charges';
const TITLE = 'Non-attendance';

/** "Wednesday 1 April 2026" for a stored "2026-04-01". */
const dayOf = (iso: string) => formatDate(fromLondon(iso, '12:00'));
const rangeQueryString = (range: ReportRange) => `?${new URLSearchParams({ from: range.from, to: range.to })}`;
const HOURS = HALF_DAY_MINUTES / 60;
/** "12%", or "No bookings" when there is nothing to divide by. */
const formatRate = (rate: number | null) => (rate === null ? 'No bookings' : `${Math.round(rate * 100)}%`);

function RangeForm({ values, errors }: { values: { from?: string; to?: string }; errors: FieldErrors }) {
  return (
    <form method="get" action={PATH} novalidate>
      <TextInput name="from" label="Sessions from" hint="For example, 2026-04-01" width="10" value={values.from ?? ''} error={errors.from} />
      <TextInput name="to" label="Sessions to" hint="For example, 2027-03-31" width="10" value={values.to ?? ''} error={errors.to} />
      <Button secondary>Show</Button>
    </form>
  );
}

const countCells = (x: Counts) => [x.places, x.attended, x.partlyAttended, x.didNotAttend, x.notMarked, x.lateCancellations].map(String);

function ReportTables({ report }: { report: NonAttendanceReport }) {
  const { totals } = report;
  return (
    <>
      <SummaryList
        rows={[
          { key: 'Bookings with a place', value: String(totals.places) },
          { key: 'Did not attend', value: String(totals.didNotAttend) },
          { key: 'Late cancellations', value: String(totals.lateCancellations) },
          { key: 'Rate of non-attendance', value: formatRate(totals.nonAttendanceRate) },
        ]}
      />
      <p class="govuk-body">
        Bookings with a place are those that held a place at the session, whether attendance has been marked or not. The rate of non-attendance is did not attend and late cancellations, out of bookings with a place and late cancellations.
      </p>
      <h2 class="govuk-heading-m">By organisation</h2>
      {report.organisations.length ? (
        <Table
          head={['Organisation', 'Bookings with a place', 'Attended', 'Partly attended', 'Did not attend', 'Not marked', 'Late cancellations', 'Rate of non-attendance']}
          rows={report.organisations.map((o) => [o.name, ...countCells(o), formatRate(o.nonAttendanceRate)])}
        />
      ) : (
        <p class="govuk-body">No bookings on sessions in these dates.</p>
      )}
      <h2 class="govuk-heading-m">By session</h2>
      {report.sessions.length ? (
        <>
          <p class="govuk-body">Sessions where everyone came, or cancelled in time, are left out.</p>
          <Table
            head={['Course', 'Date', 'Places', 'Did not attend', 'Late cancellations']}
            rows={report.sessions.map((x) => [
              <a class="govuk-link" href={`/manage/sessions/${x.id}/register`}>{x.courseTitle}</a>,
              formatShortDate(x.startsAt),
              String(x.capacity),
              String(x.didNotAttend),
              String(x.lateCancellations),
            ])}
          />
        </>
      ) : (
        <p class="govuk-body">No session in these dates had anyone who did not attend or cancelled late.</p>
      )}
    </>
  );
}

const amountText = (pence: number) => (pence ? formatPounds(pence) : 'nothing');

function ChargesSection({ list }: { list: ChargesList }) {
  const { policy } = list;
  const change = (
    <p class="govuk-body">
      <a class="govuk-link" href={SETTINGS_PATH}>Change the charges</a>
    </p>
  );
  if (!list.charging) {
    return (
      <>
        <p class="govuk-body">The partnership does not charge for non-attendance.</p>
        {change}
      </>
    );
  }
  return (
    <>
      <p class="govuk-body">
        Each booking marked did not attend is charged {amountText(policy.halfDayPence)} for a course of up to {HOURS} hours and {amountText(policy.fullDayPence)} for a longer one. Late cancellations are not charged.
        {policy.exemptSectors.length ? ` Organisations in these sectors are not charged: ${policy.exemptSectors.join(', ')}.` : ''}
      </p>
      {change}
      {list.organisations.length ? (
        <>
          <p class="govuk-body">
            <a class="govuk-link" href={`${CSV_PATH}${rangeQueryString(list.range)}`}>Download the list to invoice (CSV)</a>
          </p>
          {list.organisations.map((o) => (
            <Table
              caption={`${o.name}: ${formatPounds(o.totalPence)}`}
              head={['Person', 'Email', 'Course', 'Date', 'Length', 'Amount']}
              rows={o.charges.map((x) => [x.personName, x.email, x.courseTitle, formatShortDate(x.startsAt), duration(x.durationMinutes), formatPounds(x.amountPence)])}
            />
          ))}
          <p class="govuk-body govuk-!-font-weight-bold">Total to invoice: {formatPounds(list.totalPence)}</p>
        </>
      ) : (
        <p class="govuk-body">There is nothing to invoice for sessions in these dates.</p>
      )}
    </>
  );
}

/** The report's form again with what is wrong with its dates, and no report. */
const badRange = (c: AppContext, errors: FieldErrors) =>
  render(
    c,
    { title: TITLE, hasErrors: true, status: 400, backLink: '/manage' },
    <>
      <ErrorSummary errors={errors} />
      <h1 class="govuk-heading-l">{TITLE}</h1>
      <RangeForm values={c.req.query()} errors={errors} />
    </>,
  );

async function reportPage(c: AppContext) {
  const s = scope(c);
  const given = parseQuery(c, rangeQuery);
  if (!given.ok) return badRange(c, given.errors);
  let range: ReportRange;
  try {
    range = await reportRange(s, given.data);
  } catch (error) {
    if (isDomainError(error, 'invalid')) return badRange(c, error.fields);
    throw error;
  }
  const { report, charges } = await nonAttendance(s, range);
  return render(
    c,
    { title: TITLE, backLink: '/manage' },
    <>
      <Done c={c} messages={{ charges: 'Charges saved' }} />
      <h1 class="govuk-heading-l">{TITLE}</h1>
      <p class="govuk-body">
        Sessions from {dayOf(range.from)} to {dayOf(range.to)} that have started. Cancelled sessions are left out.
      </p>
      <RangeForm values={range} errors={{}} />
      <ReportTables report={report} />
      <h2 class="govuk-heading-m">Charges</h2>
      <ChargesSection list={charges} />
    </>,
  );
}

async function chargesCsvFile(c: AppContext) {
  const s = scope(c);
  const range = await reportRange(s, readQuery(c, rangeQuery));
  const { charges } = await nonAttendance(s, range);
  return c.body(chargesCsv(charges), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${chargesFilename(range)}"`,
    // Personal details: not kept in shared caches or the browser's.
    'cache-control': 'no-store',
  });
}

const settingsTarget: FormTarget = { action: SETTINGS_PATH, backLink: PATH, title: 'Charges for non-attendance', caption: 'Settings', submit: 'Save charges' };

function settingsPage(c: AppContext, values: FormValues, errors: FieldErrors = {}) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...settingsTarget, errors },
    <TargetForm c={c} target={settingsTarget}>
      <p class="govuk-body">Only bookings marked did not attend are charged; late cancellations are not. Enter 0 in both amounts to charge nothing.</p>
      <TextInput {...field.one('halfDay')} label={`Charge for a course of up to ${HOURS} hours, in pounds`} hint="For example, 25.00. Enter 0 for no charge." width="5" inputmode="decimal" />
      <TextInput {...field.one('fullDay')} label={`Charge for a course longer than ${HOURS} hours, in pounds`} hint="For example, 50.00. Enter 0 for no charge." width="5" inputmode="decimal" />
      <Choices
        type="checkbox"
        name="exemptSectors"
        label="Sectors that are never charged (optional)"
        small
        options={SECTORS.map((sector) => ({ value: sector, text: sector }))}
        values={many(values, 'exemptSectors')}
        error={errors.exemptSectors}
      />
    </TargetForm>,
  );
}

function currentSettings(c: AppContext): FormValues {
  const policy = chargePolicy(c.get('partnership'));
  return { halfDay: poundsValue(policy.halfDayPence), fullDay: poundsValue(policy.fullDayPence), exemptSectors: policy.exemptSectors };
}

export const nonAttendanceRoutes = [
  get(PATH, COORDINATOR, reportPage),
  get(CSV_PATH, COORDINATOR, chargesCsvFile),
  get(SETTINGS_PATH, COORDINATOR, (c) => settingsPage(c, currentSettings(c))),
  post(SETTINGS_PATH, COORDINATOR, (c) =>
    submitForm(c, chargePolicyInput, (values, errors) => settingsPage(c, values, errors), (input) => updateChargePolicy(scope(c), input), () => `${PATH}?done=charges`),
  ),
];
