// The annual report's training section: the drafted section (/review/:year/report) for reviewers
// and coordinators, its Word document, and the reviewers' form to change the wording or restore
// the default. The drafting rules are in ./report; these read the input and lay the section out.
import { Button, ButtonLink, Form, ImportedYearNote } from '../../web/components';
import { personalScope, type AppContext } from '../http/context';
import { Done, formPage, submitForm } from '../http/form-pages';
import type { FormValues } from '../http/forms';
import { attachment, render, seeOther } from '../http/render';
import { get, post } from '../http/routes';
import { formatDate } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import { getReport, REPORT_EDITORS, REPORT_READERS, reportFilename, restoreReportWording, saveReportWording } from './report';
import { PlaceholderTable, ReportSection, reportPath, WordingForm, wordingPath } from './report-views';
import { yearParam } from './routes';
import { reportWordingForm } from './schemas';
import { reviewPath } from './views';
import { csrfToken } from '../http/security';

const TITLE = 'Annual report: training section';

async function reportPage(c: AppContext) {
  const year = yearParam(c);
  const report = await getReport(personalScope(c), year);
  const editor = Boolean(c.get('viewer')?.roles.some((r) => REPORT_EDITORS.includes(r)));
  return render(
    c,
    { title: `${TITLE} ${year}`, backLink: reviewPath(year) },
    <>
      <Done c={c} messages={{ saved: 'The wording is saved', restored: 'The default wording is restored' }} />
      <span class="govuk-caption-l">{report.title}</span>
      <h1 class="govuk-heading-l">Training in {year}</h1>
      <ImportedYearNote importedAt={report.importedAt} />
      <div class="govuk-!-display-none-print">
        <p class="govuk-body">
          Drafted from the year’s figures, counted as the impact dashboard counts them: change the data and the text changes with it. A count of 1 to 4 people reads “fewer than 5”; a sentence about a figure that is not shown is left out.
          {report.editedAt ? ` The wording was last changed on ${formatDate(report.editedAt)}.` : ' The wording is the default.'}
        </p>
        <ButtonLink href={`${reportPath(year)}.docx`}>Download as Word (.docx)</ButtonLink>{' '}
        {editor ? (
          <ButtonLink href={wordingPath(year)} secondary>
            Change the wording
          </ButtonLink>
        ) : null}
      </div>
      <ReportSection report={report} />
    </>,
  );
}

async function wordingPage(c: AppContext, values: FormValues = {}, errors: FieldErrors = {}) {
  const year = yearParam(c);
  const report = await getReport(personalScope(c), year);
  return formPage(
    c,
    { title: 'Change the wording', caption: `${TITLE} ${year}`, backLink: reportPath(year), errors },
    <>
      <p class="govuk-body">
        Write each paragraph with the figures as placeholders in curly brackets, such as {'{sessionsDelivered}'}; they are filled from the year’s figures whenever the section is read. Under each paragraph are the figures it uses and how it reads now.
      </p>
      <WordingForm report={report} csrfToken={csrfToken(c)} values={values} errors={errors} />
      <PlaceholderTable values={report.values} />
      <h2 class="govuk-heading-m">Start again</h2>
      <Form action={`${reportPath(year)}/restore`} csrfToken={csrfToken(c)}>
        <p class="govuk-body">Regenerate the section in its default wording: every change to the wording is undone.</p>
        <Button secondary>Regenerate the default wording</Button>
      </Form>
    </>,
  );
}

const wordingPost = (c: AppContext) =>
  submitForm(
    c,
    reportWordingForm,
    (values, errors) => wordingPage(c, values, errors),
    (input) => saveReportWording(personalScope(c), yearParam(c), input),
    () => `${reportPath(yearParam(c))}?done=saved`,
  );

async function restorePost(c: AppContext) {
  const year = yearParam(c);
  await restoreReportWording(personalScope(c), year);
  return seeOther(c, `${reportPath(year)}?done=restored`);
}

async function download(c: AppContext) {
  const year = yearParam(c);
  const report = await getReport(personalScope(c), year);
  // Loaded when a document is asked for: docx is large, and no other request needs it.
  const { DOCX_TYPE, reportDocx } = await import('./report-docx');
  return attachment(c, await reportDocx(report), DOCX_TYPE, reportFilename(year));
}

export const reportRoutes = [
  get(`/review/:year/report`, REPORT_READERS, reportPage),
  get(`/review/:year/report.docx`, REPORT_READERS, download),
  get(`/review/:year/report/wording`, REPORT_EDITORS, (c) => wordingPage(c)),
  post(`/review/:year/report/wording`, REPORT_EDITORS, wordingPost),
  post(`/review/:year/report/restore`, REPORT_EDITORS, restorePost),
];
