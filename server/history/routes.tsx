// The coordinator's page for bringing in past years' records (docs/history-import.md): upload or
// paste the file, check it (nothing is written) or import it. The rules are in ./service; a check
// that finds nothing wrong offers to import the same text at once.
import type { Role } from '../../db/schema';
import { Choices, NotificationBanner, SummaryList, Table, Tag } from '../../web/components';
import { CsvUploadForm, formPage, readCsvUpload } from '../http/form-pages';
import { postedForm } from '../http/readable';
import { scope, type AppContext } from '../http/context';
import { render } from '../http/render';
import { get, post, withBodyLimit } from '../http/routes';
import { formatShortDate } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import { HISTORY_COLUMNS } from './rows';
import { importedYears, importHistory, MAX_HISTORY_UPLOAD_BYTES, type HistoryImport } from './service';
import { formatCount } from '../shared/words';
import { csrfToken } from '../http/security';

const COORDINATOR: Role[] = ['coordinator'];
const PATH = '/manage/history';
const TITLE = 'Import past years’ records';

const MODES = [
  { value: 'check', text: 'Check the file only', hint: 'Nothing is imported: you see what would be, or what to correct' },
  { value: 'import', text: 'Import it', hint: 'Importing a year again replaces what its last import brought in' },
];

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

async function importForm(c: AppContext, pasted = '', errors: FieldErrors = {}, mode = 'check') {
  const years = await importedYears(scope(c));
  const columns = [...HISTORY_COLUMNS.required, ...HISTORY_COLUMNS.optional].map((name) => name.replace(/_/g, ' '));
  return formPage(
    c,
    { title: TITLE, backLink: '/manage', errors },
    <>
      <p class="govuk-body">Bring in the training records of years before this system, so the impact dashboard, the year-end review and the years side by side reach back to them.</p>
      <p class="govuk-body">
        The file is a CSV with a header row, one row for each person booked on a session. It needs the columns <strong>course</strong>, <strong>session start</strong>, <strong>organisation</strong> and <strong>status</strong>; the others
        are optional, and a blank means not recorded. Every row is checked before anything is imported: if any row has a problem, nothing is imported and each problem is listed by line and column.
      </p>
      <details class="govuk-details">
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">The columns the file may have</span>
        </summary>
        <div class="govuk-details__text">
          <p class="govuk-body">{columns.join(', ')}.</p>
          <p class="govuk-body">The import guide (docs/history-import.md) says what each holds. Years this system ran cannot be imported, and an imported year changes only by importing it again.</p>
        </div>
      </details>
      {years.length ? (
        <Table
          caption="Years imported so far"
          head={['Year', 'Imported', 'Courses', 'Sessions']}
          rows={years.map((y) => [<a class="govuk-link" href={`/review/${y.year}`}>{y.year}</a>, formatShortDate(y.importedAt), String(y.courses), String(y.sessions)])}
        />
      ) : (
        <p class="govuk-body">No past years have been imported yet.</p>
      )}
      <CsvUploadForm c={c} action={PATH} fileHint="A .csv file, saved as UTF-8, up to 20 MB" pasteHint="Copy everything from the file, including the header row" submit="Continue" pasted={pasted} errors={errors}>
        <Choices type="radio" name="mode" label="What to do with the file" options={MODES} values={[mode]} error={errors.mode} />
      </CsvUploadForm>
    </>,
  );
}

function problemsPage(c: AppContext, result: HistoryImport) {
  return render(
    c,
    { title: 'Nothing was imported', hasErrors: true, backLink: PATH },
    <>
      <div class="govuk-error-summary" data-module="govuk-error-summary">
        <div role="alert">
          <h2 class="govuk-error-summary__title">Nothing was imported</h2>
          <div class="govuk-error-summary__body">
            <p class="govuk-body">
              The file has {plural(result.problems.length, 'problem')}. Correct {result.problems.length === 1 ? 'it' : 'them'} in the spreadsheet and import the file again.
            </p>
          </div>
        </div>
      </div>
      <h1 class="govuk-heading-l">Nothing was imported</h1>
      <Table caption="The problems, by line of the file" head={['Line', 'Column', 'Problem']} rows={result.problems.map((p) => [p.line ? String(p.line) : '', p.column ?? '', p.message])} />
      {result.hints.map((hint) => (
        <p class="govuk-body">{hint}</p>
      ))}
      <p class="govuk-body">
        <a class="govuk-link" href={PATH}>Import a corrected file</a>
      </p>
    </>,
  );
}

function resultPage(c: AppContext, result: HistoryImport, text: string) {
  const title = result.unchanged ? 'This file was imported already' : result.dryRun ? 'The file can be imported' : 'Past records imported';
  return render(
    c,
    { title, backLink: PATH },
    <>
      {result.dryRun || result.unchanged ? null : (
        <NotificationBanner>
          <p class="govuk-notification-banner__heading">{plural(result.rows, 'row')} imported</p>
        </NotificationBanner>
      )}
      <h1 class="govuk-heading-l">{title}</h1>
      {result.unchanged ? <p class="govuk-body">The same file was imported before, so nothing changed.</p> : null}
      {result.dryRun && !result.unchanged ? <p class="govuk-body">Nothing has been imported yet. This is what importing the file would bring in.</p> : null}
      <Table
        caption={result.dryRun ? 'What the file holds' : 'What was imported'}
        head={['Year', 'Courses', 'Sessions delivered', 'Sessions cancelled', 'Records', 'Attended', 'Feedback on the day', 'Surveys sent', 'Surveys answered']}
        rows={result.years.map((y) => [
          <span>
            {y.year} <Tag colour="grey">Imported</Tag>
          </span>,
          String(y.courses),
          String(y.sessionsDelivered),
          String(y.sessionsCancelled),
          String(y.records),
          String(y.attended),
          String(y.feedback),
          String(y.surveysSent),
          String(y.surveysAnswered),
        ])}
      />
      {result.unchanged ? null : (
        <SummaryList
          rows={[
            { key: 'New organisations', value: result.newOrganisations.length ? result.newOrganisations.join('; ') : 'None' },
            { key: 'New people', value: String(result.newPeople) },
            { key: 'Attendees not named in the records', value: String(result.anonymousAttendees) },
          ]}
        />
      )}
      {result.dryRun && !result.unchanged ? (
        <form method="post" action={PATH} enctype="multipart/form-data" novalidate>
          <input type="hidden" name="_csrf" value={csrfToken(c)} />
          <input type="hidden" name="csv" value={text} />
          <input type="hidden" name="mode" value="import" />
          <button type="submit" class="govuk-button" data-module="govuk-button">
            Import the file
          </button>
        </form>
      ) : (
        <p class="govuk-body">
          {result.years.map((y) => (
            <>
              <a class="govuk-link" href={`/review/${y.year}`}>
                Open the review of {y.year}
              </a>{' '}
            </>
          ))}
        </p>
      )}
      <p class="govuk-body">
        <a class="govuk-link" href={PATH}>Import another file</a>
      </p>
    </>,
  );
}

async function importPost(c: AppContext) {
  const upload = await readCsvUpload(c, 'Choose the CSV file of past records, or paste its contents');
  const mode = postedForm(c).mode;
  if (mode !== 'check' && mode !== 'import') return importForm(c, upload.pasted, { mode: 'Select whether to check the file or import it' });
  if ('errors' in upload) return importForm(c, upload.pasted, upload.errors, mode);
  const result = await importHistory(scope(c), upload.text, { dryRun: mode === 'check' });
  if (result.problems.length) return problemsPage(c, result);
  return resultPage(c, result, upload.text);
}

export const historyRoutes = [get(PATH, COORDINATOR, (c) => importForm(c)), withBodyLimit(post(PATH, COORDINATOR, importPost), MAX_HISTORY_UPLOAD_BYTES)];
