// The attendee's side of feedback and certificates: the day's feedback form, "Your learning",
// the certificate (a page to print and a PDF), and the public check of a certificate's code.
// The rules are in ./service; these pages only translate HTTP to its calls.
import { z } from 'zod';
import { Button, ErrorSummary, SummaryList, TextInput } from '../../web/components';
import { formatDate, duration } from '../shared/dates';
import { uuidParam } from '../http/params';
import { DomainError, isDomainError, type FieldErrors } from '../shared/errors';
import { personalScope, scope, type AppContext } from '../http/context';
import { one, parseForm, type FormValues } from '../http/forms';
import { render } from '../http/render';
import { get, post } from '../http/routes';
import { certificateContent, certificateFilename, certificatePdf, type CertificateContent } from './certificate-pdf';
import { openSurveysOf } from '../follow-ups/service';
import { findCertificate, learningRecord, normaliseCertificateCode } from './queries';
import { attendanceForFeedback, certificateFor, feedbackInput, giveFeedback } from './service';
import { AttendedTable, CertificateLinks, CertificateView, ELearningTable, FeedbackForm, OpenSurveys, outcomeError, outcomeField } from './views';
import { csrfToken } from '../http/security';

type Attendance = Awaited<ReturnType<typeof attendanceForFeedback>>;

const viewerId = (c: AppContext) => c.get('viewer')!.id;
const bookingIdOf = (c: AppContext) => uuidParam(c, 'bookingId', 'Booking');
/** "Neglect awareness on Tuesday 15 December 2026" */
const courseOn = (a: Attendance) => `${a.course.title} on ${formatDate(a.session.startsAt)}`;
const isConflict = (error: unknown): error is DomainError => isDomainError(error, 'conflict');

// ---- Feedback on the day ------------------------------------------------------------------

/** The posted form as the service takes it: one answer per learning outcome, in the course's order. */
function answersFrom(values: FormValues, outcomes: number) {
  const fields = Object.fromEntries(Object.keys(feedbackInput.shape).map((key) => [key, one(values, key)]));
  return { ...fields, outcomesMet: Array.from({ length: outcomes }, (_, i) => one(values, outcomeField(i))) };
}

/** The first message per field; each outcome's answer is its own field, so the summary links to its radios. */
function answerErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const { path, message } of error.issues) {
    const [field, index] = path;
    if (field === 'outcomesMet' && typeof index === 'number') errors[outcomeField(index)] ??= outcomeError(index);
    else errors[String(field)] ??= message;
  }
  return errors;
}

function feedbackPage(c: AppContext, a: Attendance, values: FormValues = {}, errors: FieldErrors = {}) {
  return render(
    c,
    { title: `Feedback on ${a.course.title}`, hasErrors: Object.keys(errors).length > 0, backLink: '/learning' },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <span class="govuk-caption-l">{a.course.title}</span>
        <h1 class="govuk-heading-l">Tell us what you thought of the course</h1>
        <p class="govuk-body">You came to {courseOn(a)}. Your answers help the partnership improve its training. It takes about 5 minutes.</p>
        <FeedbackForm action={`/feedback/${a.booking.id}`} csrfToken={csrfToken(c)} outcomes={a.course.learningOutcomes} values={values} errors={errors} />
      </div>
    </div>,
  );
}

/** The page for an attendance that takes no feedback now: not marked as attended yet, or already given. */
function noFormPage(c: AppContext, a: Attendance, status: 200 | 409) {
  if (!a.attended) {
    return render(
      c,
      { title: 'You cannot give feedback yet', status, backLink: '/learning' },
      <>
        <h1 class="govuk-heading-l">You cannot give feedback yet</h1>
        <p class="govuk-body">We have not recorded that you came to {courseOn(a)}.</p>
        <p class="govuk-body">You can give feedback once the trainer has marked the register. We will email you a link when they have. If you came and think the register is wrong, contact the partnership’s training team.</p>
      </>,
    );
  }
  return render(
    c,
    { title: 'Thank you for your feedback', status, backLink: '/learning' },
    <>
      <h1 class="govuk-heading-l">Thank you for your feedback</h1>
      <p class="govuk-body">You have already told us what you thought of {courseOn(a)}.</p>
      <CertificateLinks bookingId={a.booking.id} courseTitle={a.course.title} />
    </>,
  );
}

async function showFeedback(c: AppContext) {
  const a = await attendanceForFeedback(personalScope(c), bookingIdOf(c));
  return a.attended && !a.feedbackGiven ? feedbackPage(c, a) : noFormPage(c, a, 200);
}

async function sendFeedback(c: AppContext) {
  const a = await attendanceForFeedback(personalScope(c), bookingIdOf(c));
  if (!a.attended || a.feedbackGiven) return noFormPage(c, a, 409);
  // The form only gives the values here: they are checked as answers once each outcome's is in place.
  const { values } = await parseForm(c, z.unknown());
  const answers = feedbackInput.safeParse(answersFrom(values, a.course.learningOutcomes.length));
  if (!answers.success) return feedbackPage(c, a, values, answerErrors(answers.error));
  try {
    await giveFeedback(personalScope(c), a.booking.id, answers.data);
  } catch (error) {
    // Sent twice at once, or the register changed meanwhile: say where it stands now.
    if (isConflict(error)) return noFormPage(c, await attendanceForFeedback(personalScope(c), a.booking.id), 409);
    throw error;
  }
  return render(
    c,
    { title: 'Feedback sent' },
    <>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">Feedback sent</h1>
        <div class="govuk-panel__body">Thank you for telling us what you thought of {a.course.title}</div>
      </div>
      <h2 class="govuk-heading-m">Your certificate</h2>
      <CertificateLinks bookingId={a.booking.id} courseTitle={a.course.title} />
      <h2 class="govuk-heading-m">What happens next</h2>
      <p class="govuk-body">In three months we will ask you what difference the course has made to your practice.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/learning">Go to your learning</a>
      </p>
    </>,
  );
}

// ---- Your learning ------------------------------------------------------------------------

async function learningPage(c: AppContext) {
  const s = scope(c);
  const [{ attended, eLearning }, surveys] = await Promise.all([learningRecord(s, viewerId(c)), openSurveysOf(s, viewerId(c))]);
  return render(
    c,
    { title: 'Your learning' },
    <>
      <h1 class="govuk-heading-l">Your learning</h1>
      <OpenSurveys rows={surveys} />
      <h2 class="govuk-heading-m">Your competencies</h2>
      <p class="govuk-body">
        See how your learning counts against the competencies your workforce group needs, which are due for refresh and which sessions would help, in{' '}
        <a class="govuk-link" href="/learning/competencies">your competency profile</a>.
      </p>
      <h2 class="govuk-heading-m">Courses you attended</h2>
      <AttendedTable rows={attended} />
      <h2 class="govuk-heading-m">E-learning you completed</h2>
      <ELearningTable rows={eLearning} />
    </>,
  );
}

// ---- Certificates -------------------------------------------------------------------------

/** The viewer's certificate for a booking, or a page saying why it is not available yet. */
async function withCertificate(c: AppContext, show: (content: CertificateContent, bookingId: string) => Response | Promise<Response>) {
  const s = scope(c);
  const bookingId = bookingIdOf(c);
  const certificate = await certificateFor(personalScope(c), bookingId).catch((error: unknown) => {
    if (isConflict(error)) return error;
    throw error;
  });
  if (certificate instanceof DomainError) {
    return render(
      c,
      { title: 'Your certificate is not available yet', status: 409, backLink: '/learning' },
      <>
        <h1 class="govuk-heading-l">Your certificate is not available yet</h1>
        <p class="govuk-body">{certificate.message}.</p>
        <p class="govuk-body">
          <a class="govuk-link" href={`/feedback/${bookingId}`}>Give feedback on the course</a>
        </p>
      </>,
    );
  }
  return show(certificateContent(certificate, s.partnership.name, s.config.baseUrl), bookingId);
}

const certificatePage = (c: AppContext) =>
  withCertificate(c, (content, bookingId) =>
    render(
      c,
      { title: 'Certificate of attendance', backLink: '/learning' },
      <>
        <CertificateView content={content} />
        <a class="govuk-button govuk-button--secondary" data-module="govuk-button" role="button" draggable="false" href={`/certificates/${bookingId}/pdf`} download>
          Download as PDF
        </a>
      </>,
    ),
  );

const certificateDownload = (c: AppContext) =>
  withCertificate(c, async (content) =>
    c.body(await certificatePdf(content, c.get('deps').clock.now()), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${certificateFilename(content.courseTitle)}"`,
    }),
  );

// ---- Checking a certificate ---------------------------------------------------------------

function verifyForm(c: AppContext, typed = '', error?: string) {
  return render(
    c,
    { title: 'Check a certificate', hasErrors: Boolean(error) },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={{ code: error }} />
        <h1 class="govuk-heading-l">Check a certificate</h1>
        <p class="govuk-body">Enter the verification code printed on a certificate of attendance to check it is genuine.</p>
        <form method="get" action="/verify" novalidate>
          <TextInput name="code" label="Verification code" hint="For example, ABCD-EFGH-JK" width="10" spellcheck={false} autocomplete="off" value={typed} error={error} />
          <Button>Check certificate</Button>
        </form>
      </div>
    </div>,
  );
}

/** The form to type a code in; it sends the code here, and a well-formed one goes to /verify/CODE. */
function startVerify(c: AppContext) {
  const typed = c.req.query('code');
  if (typed === undefined) return verifyForm(c);
  if (!typed.trim()) return verifyForm(c, typed, 'Enter the verification code');
  const code = normaliseCertificateCode(typed);
  if (!code) return verifyForm(c, typed, 'Enter the verification code as it is printed on the certificate, like ABCD-EFGH-JK');
  return c.redirect(`/verify/${code}`, 303);
}

/** Shows the name, course, date and duration on a genuine certificate, and nothing else about the person. */
async function verify(c: AppContext) {
  const found = await findCertificate(scope(c), c.req.param('code') ?? '');
  if (!found) {
    return render(
      c,
      { title: 'Certificate not found', status: 404 },
      <>
        <h1 class="govuk-heading-l">Certificate not found</h1>
        <p class="govuk-body">No certificate has this verification code.</p>
        <p class="govuk-body">
          Check the code on the certificate and <a class="govuk-link" href="/verify">try again</a>.
        </p>
      </>,
    );
  }
  return render(
    c,
    { title: 'This certificate is genuine' },
    <>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">This certificate is genuine</h1>
      </div>
      <SummaryList rows={[
        { key: 'Name', value: found.name },
        { key: 'Course', value: found.courseTitle },
        { key: 'Date', value: formatDate(found.startsAt) },
        { key: 'Duration', value: duration(found.durationMinutes) },
      ]} />
    </>,
  );
}

export const feedbackRoutes = [
  get('/feedback/:bookingId', 'signed-in', showFeedback),
  post('/feedback/:bookingId', 'signed-in', sendFeedback),
  get('/learning', 'signed-in', learningPage),
  get('/certificates/:bookingId', 'signed-in', certificatePage),
  get('/certificates/:bookingId/pdf', 'signed-in', certificateDownload),
  get('/verify', 'public', startVerify),
  get('/verify/:code', 'public', verify),
];
