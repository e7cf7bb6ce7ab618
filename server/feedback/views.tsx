// The attendee's feedback form, their learning record and the certificate, as page parts.
import { Button, Choices, Form, SummaryList, Table, Textarea, WarningText, type Option } from '../../web/components';
import { formatDate, fromLondon } from '../shared/dates';
import { BookingTag, CONFIDENCE, CONFIDENCE_HINT } from '../../web/domain';
import type { FieldErrors } from '../shared/errors';
import { fieldsOf, type FormValues, one } from '../http/forms';
import type { CertificateContent } from './certificate-pdf';
import type { AttendedCourse, eLearningCompletionsOf } from './queries';
import type { openSurveysOf } from '../follow-ups/service';

/** A rating scale: the words for 1, 2, 3 and so on. */
const scale = (...words: string[]): Option[] => words.map((text, i) => ({ value: String(i + 1), text }));
const OUTCOME_MET = scale('Not met', 'Partly met', 'Mostly met', 'Fully met');
const RELEVANCE = scale('Not relevant', 'Slightly relevant', 'Fairly relevant', 'Very relevant', 'Highly relevant');
const DELIVERY = scale('Poor', 'Fair', 'Good', 'Very good', 'Excellent');

/** The form names each outcome's answer outcomesMet-0, outcomesMet-1 and so on, in the course's order. */
export const outcomeField = (index: number) => `outcomesMet-${index}`;
export const outcomeError = (index: number) => `Select how well outcome ${index + 1} was met`;

export function FeedbackForm(props: { action: string; csrfToken: string; outcomes: string[]; values: FormValues; errors: FieldErrors }) {
  const { values, errors } = props;
  const field = fieldsOf(values, errors);
  const radios = (name: string, label: string, options: Option[], extra: { hint?: string; inline?: boolean } = {}) => (
    <Choices type="radio" name={name} label={label} legendSize="m" options={options} values={[one(values, name)]} error={errors[name]} {...extra} />
  );
  return (
    <Form action={props.action} csrfToken={props.csrfToken}>
      <h2 class="govuk-heading-m">The learning outcomes</h2>
      {props.outcomes.map((outcome, i) => radios(outcomeField(i), `Outcome ${i + 1}: ${outcome}`, OUTCOME_MET, { hint: 'How well was this outcome met?' }))}
      <h2 class="govuk-heading-m">The course</h2>
      {radios('relevance', 'How relevant was the course to your role?', RELEVANCE)}
      {radios('delivery', 'How good was the delivery of the course?', DELIVERY, { hint: 'The trainer, the materials and how the session was run' })}
      {radios('confidenceBefore', 'Before the course, how confident were you in this area of safeguarding?', CONFIDENCE, { hint: CONFIDENCE_HINT, inline: true })}
      {radios('confidenceAfter', 'After the course, how confident are you in this area of safeguarding?', CONFIDENCE, { hint: CONFIDENCE_HINT, inline: true })}
      <h2 class="govuk-heading-m">In your own words</h2>
      <WarningText>Do not include children’s or families’ names or anything that could identify them</WarningText>
      <Textarea {...field.one('willDoDifferently')} label="What will you do differently?" hint="Optional" />
      <Textarea {...field.one('comments')} label="Anything else?" hint="Optional" />
      <Button>Send feedback</Button>
    </Form>
  );
}

/** Links to a certificate: the printable page and the PDF. */
export function CertificateLinks({ bookingId, courseTitle }: { bookingId: string; courseTitle: string }) {
  const about = <span class="govuk-visually-hidden"> for {courseTitle}</span>;
  return (
    <ul class="govuk-list">
      <li>
        <a class="govuk-link" href={`/certificates/${bookingId}`}>View and print your certificate{about}</a>
      </li>
      <li>
        <a class="govuk-link" href={`/certificates/${bookingId}/pdf`} download>Download your certificate (PDF){about}</a>
      </li>
    </ul>
  );
}

export function AttendedTable({ rows }: { rows: AttendedCourse[] }) {
  if (!rows.length) return <p class="govuk-body">You have not attended any courses yet. <a class="govuk-link" href="/courses">Browse the prospectus</a> to find one.</p>;
  return (
    <Table
      head={['Course', 'Date', 'Attendance', 'Feedback', 'Certificate']}
      rows={rows.map((r) => {
        const about = <span class="govuk-visually-hidden"> for {r.course.title}</span>;
        return [
          r.course.title,
          formatDate(r.session.startsAt),
          <BookingTag status={r.status} />,
          r.feedbackGiven ? 'Feedback given' : <a class="govuk-link" href={`/feedback/${r.bookingId}`}>Give feedback<span class="govuk-visually-hidden"> on {r.course.title}</span></a>,
          r.certificateAvailable ? (
            <>
              <a class="govuk-link" href={`/certificates/${r.bookingId}`}>Download certificate{about}</a>
              <br />
              <a class="govuk-link" href={`/certificates/${r.bookingId}/pdf`} download>PDF{about}</a>
            </>
          ) : (
            'After you give feedback'
          ),
        ];
      })}
    />
  );
}

type Completion = Awaited<ReturnType<typeof eLearningCompletionsOf>>[number];

export function ELearningTable({ rows }: { rows: Completion[] }) {
  if (!rows.length) return <p class="govuk-body">You have no e-learning completions recorded.</p>;
  return <Table head={['Course', 'Completed on']} rows={rows.map((r) => [r.courseTitle, formatDate(fromLondon(r.completedOn))])} />;
}

/** The certificate as a page, to read or print. */
export function CertificateView({ content }: { content: CertificateContent }) {
  return (
    <>
      <span class="govuk-caption-l">{content.partnershipName}</span>
      <h1 class="govuk-heading-xl">Certificate of attendance</h1>
      <p class="govuk-body-l">This is to certify that</p>
      <p class="govuk-heading-l">{content.name}</p>
      <p class="govuk-body-l">{content.partial ? 'partly attended' : 'attended'}</p>
      <p class="govuk-heading-m">{content.courseTitle}</p>
      <SummaryList rows={[
        { key: 'Date', value: content.date },
        { key: 'Duration', value: content.duration },
        { key: 'Attendance', value: content.partial ? 'Partly attended' : 'Attended' },
        { key: 'Verification code', value: content.code },
      ]} />
      <p class="govuk-body">
        Anyone can check this certificate is genuine at <a class="govuk-link" href={content.verifyUrl}>{content.verifyUrl}</a>
      </p>
    </>
  );
}

type OpenSurvey = Awaited<ReturnType<typeof openSurveysOf>>[number];

/** "Your learning": the three-month surveys the viewer can answer now, soonest closing first. */
export function OpenSurveys({ rows }: { rows: OpenSurvey[] }) {
  if (!rows.length) return null;
  return (
    <>
      <h2 class="govuk-heading-m">Three months on: what difference has the course made?</h2>
      <p class="govuk-body">Tell us whether these courses have changed your practice. Each survey takes about 5 minutes.</p>
      <Table
        head={['Course', 'Date attended', 'Closes on', 'Survey']}
        rows={rows.map((r) => [
          r.courseTitle,
          formatDate(r.startsAt),
          formatDate(r.closesAt!),
          <a class="govuk-link" href={`/learning/follow-ups/${r.surveyId}`}>
            Answer the three-month survey<span class="govuk-visually-hidden"> about {r.courseTitle}</span>
          </a>,
        ])}
      />
    </>
  );
}
