// The coordinator's page for importing the e-learning provider's CSV of completions. The
// rules are in ./service; this page only reads the upload (or pasted text) and shows the
// result. The result is shown in answer to the POST rather than after a redirect: posting
// the same file again is harmless, because a completion already recorded is not added twice.
import type { Role } from '../../db/schema';
import { NotificationBanner, SummaryList, Table } from '../../web/components';
import { CsvUploadForm, formPage, readCsvUpload } from '../http/form-pages';
import { DomainError, type FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { render } from '../http/render';
import { get, post, withBodyLimit } from '../http/routes';
import { eLearningCourseTitles, importCompletions, MAX_UPLOAD_BYTES, type CompletionImport } from './service';

const COORDINATOR: Role[] = ['coordinator'];
const PATH = '/manage/e-learning';
const TITLE = 'Import e-learning completions';

async function importForm(c: AppContext, pasted = '', errors: FieldErrors = {}) {
  const titles = await eLearningCourseTitles(scope(c));
  return formPage(
    c,
    { title: TITLE, backLink: '/manage', errors },
    <>
      <p class="govuk-body">Upload the CSV file of completions from the e-learning provider. It needs a header row naming these columns, in any order:</p>
      <ul class="govuk-list govuk-list--bullet">
        <li>
          <strong>email</strong>: the person’s work email, as they registered it
        </li>
        <li>
          <strong>course</strong>: the title of an e-learning course in the prospectus
        </li>
        <li>
          <strong>completed</strong>: the date they finished it, like 2026-05-04 or 04/05/2026
        </li>
      </ul>
      <p class="govuk-body">Other columns, such as name, are ignored. Rows that can be read are imported even when other rows cannot; every skipped row is listed with its line number. Importing the same file again adds nothing twice.</p>
      {titles.length ? (
        <details class="govuk-details">
          <summary class="govuk-details__summary">
            <span class="govuk-details__summary-text">The e-learning course titles</span>
          </summary>
          <div class="govuk-details__text">
            <ul class="govuk-list">{titles.map((t) => <li>{t}</li>)}</ul>
          </div>
        </details>
      ) : null}
      <CsvUploadForm c={c} action={PATH} fileHint="A .csv file, saved as UTF-8, up to 5 MB" pasteHint="Copy everything from the file, including the header row" submit="Import completions" pasted={pasted} errors={errors} />
    </>,
  );
}

const lines = (n: number) => `${n} ${n === 1 ? 'line' : 'lines'}`;

function resultPage(c: AppContext, result: CompletionImport) {
  const skippedLines = new Set(result.skipped.map((x) => x.line)).size;
  return render(
    c,
    { title: 'E-learning completions imported', backLink: PATH },
    <>
      <NotificationBanner>
        <p class="govuk-notification-banner__heading">
          {result.imported} {result.imported === 1 ? 'completion' : 'completions'} imported
        </p>
      </NotificationBanner>
      <h1 class="govuk-heading-l">E-learning completions imported</h1>
      <SummaryList
        rows={[
          { key: 'Rows in the file', value: String(result.rows) },
          { key: 'Imported', value: String(result.imported) },
          { key: 'Already recorded', value: String(result.alreadyRecorded) },
          { key: 'Emails with no account', value: String(result.unmatched.length) },
          { key: 'Lines skipped', value: lines(skippedLines) },
        ]}
      />
      {result.unmatched.length ? (
        <>
          <Table caption="Emails with no account" head={['Line', 'Email']} rows={result.unmatched.map((u) => [String(u.line), u.email])} />
          <p class="govuk-body">Nobody in the partnership has these emails. Check them with the provider, or ask the people to register, then import the file again.</p>
        </>
      ) : null}
      {result.skipped.length ? (
        <>
          <Table caption="Lines skipped" head={['Line', 'Problem']} rows={result.skipped.map((x) => [String(x.line), x.message])} />
          <p class="govuk-body">Correct these lines and import the file again: the completions already recorded will not be added twice.</p>
        </>
      ) : null}
      <p class="govuk-body">
        <a class="govuk-link" href={PATH}>Import another file</a>
      </p>
    </>,
  );
}

async function importPost(c: AppContext) {
  const upload = await readCsvUpload(c, 'Choose the CSV file from the e-learning provider, or paste its contents');
  if ('errors' in upload) return importForm(c, upload.pasted, upload.errors);
  try {
    return resultPage(c, await importCompletions(scope(c), upload.text));
  } catch (error) {
    if (error instanceof DomainError && error.fields.csv) return importForm(c, upload.pasted, { [upload.field]: error.fields.csv });
    throw error;
  }
}

export const eLearningRoutes = [get(PATH, COORDINATOR, (c) => importForm(c)), withBodyLimit(post(PATH, COORDINATOR, importPost), MAX_UPLOAD_BYTES)];
