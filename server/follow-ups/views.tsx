// The three-month impact survey as page parts: one form for both ways in (the emailed link and
// "Your learning"), shaped by who is asked (the attendee, or their line manager), the pages for a
// link that cannot be used, the thank-you page, and the list on "Your learning".
import type { Child } from 'hono/jsx';
import { COMPETENCY_SELF_ASSESSMENTS } from '../../db/schema';
import { Button, Choices, ErrorSummary, Form, Textarea, WarningText, type Option } from '../../web/components';
import { formatDate } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import { many, one, type FormValues } from '../http/forms';
import { describeFindings, type Finding } from './identifying-details';
import type { FoundSurvey } from './service';
import { CONFIDENCE, CONFIDENCE_HINT } from '../../web/domain';

/** The form names each competency's answer competency-0, competency-1 and so on, in the course's order. */
export const competencyField = (index: number) => `competency-${index}`;
/** The box ticked after a warning, and the value it posts. */
export const CONFIRM_FIELD = 'confirmedNoIdentifyingDetails';

const YES_NO: Option[] = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
];
const CHANGED: Option[] = [{ value: 'yes', text: 'Yes' }, { value: 'not yet', text: 'Not yet' }, { value: 'no', text: 'No' }];
const IMPROVED: Option[] = [...CHANGED, { value: 'not applicable', text: 'Not applicable: I have not worked with a child or family it applies to' }];
const SEEN: Option[] = [...YES_NO, { value: 'too early to say', text: 'Too early to say' }];
const RATINGS: Option[] = COMPETENCY_SELF_ASSESSMENTS.map((value) => ({ value, text: value[0].toUpperCase() + value.slice(1) }));

const IDENTIFYING_WARNING = 'Do not include names, dates of birth, addresses or anything else that could identify a child or family, here or in any other answer';

/** One part of the survey: a question with radios, a free-text question, or a heading between them. */
type Part =
  | { kind: 'radios'; name: string; label: string; options: Option[]; hint?: string; inline?: boolean; small?: boolean }
  | { kind: 'text'; name: string; label: string; hint: string; warn?: boolean }
  | { kind: 'heading'; text: string };

const optional = (example?: string) => (example ? `Optional. ${example}` : 'Optional');

function attendeeParts(found: FoundSurvey): Part[] {
  return [
    { kind: 'heading', text: 'Your practice' },
    { kind: 'radios', name: 'practiceChanged', label: 'Has your practice changed since the course?', options: CHANGED },
    { kind: 'text', name: 'practiceChangeHow', label: 'How has your practice changed?', hint: 'Tell us if you answered yes: what do you now do differently?' },
    { kind: 'radios', name: 'outcomeImproved', label: 'Has an outcome for a child or family you work with improved because of what you learned?', options: IMPROVED },
    { kind: 'text', name: 'outcomeExample', label: 'Give an example of how outcomes for a child or family have improved', hint: optional(), warn: true },
    { kind: 'radios', name: 'sharedLearning', label: 'Have you shared what you learned with colleagues?', options: YES_NO, inline: true },
    { kind: 'text', name: 'sharedHow', label: 'How did you share it?', hint: optional('For example, at a team meeting or in supervision') },
    { kind: 'text', name: 'barriers', label: 'What, if anything, has got in the way?', hint: optional('For example, time, workload or the systems you use') },
    { kind: 'radios', name: 'confidenceNow', label: 'How confident are you now in this area of safeguarding?', options: CONFIDENCE, hint: CONFIDENCE_HINT, inline: true },
    ...(found.competencies.length
      ? [
          { kind: 'heading', text: 'The competencies the course develops' } as const,
          ...found.competencies.map((competency, i): Part => ({
            kind: 'radios',
            name: competencyField(i),
            label: competency.statement,
            options: RATINGS,
            hint: `Competency ${competency.code}: how would you rate yourself now?`,
            inline: true,
            small: true,
          })),
        ]
      : []),
    { kind: 'heading', text: 'Your answers in the annual report' },
    { kind: 'radios', name: 'quotationConsent', label: 'May we quote your answers, without your name, in the partnership’s annual report?', options: YES_NO, inline: true },
  ];
}

function managerParts(found: FoundSurvey): Part[] {
  return [
    { kind: 'radios', name: 'seenChange', label: `Have you seen a change in ${found.personName}’s practice since the course?`, options: SEEN },
    { kind: 'text', name: 'example', label: 'Give an example of the change you have seen', hint: optional(), warn: true },
  ];
}

const partsOf = (found: FoundSurvey) => (found.survey.respondent === 'manager' ? managerParts(found) : attendeeParts(found));

/** "Neglect awareness on Tuesday 15 December 2026" */
const courseOn = (found: Pick<FoundSurvey, 'courseTitle' | 'startsAt'>) => `${found.courseTitle} on ${formatDate(found.startsAt)}`;

/** The page's title (and heading) for the survey's form. */
export const surveyTitle = (found: FoundSurvey) =>
  found.survey.respondent === 'manager' ? `Has ${found.personName}’s practice changed since the course?` : 'What difference has the course made?';

/** What each flagged answer may contain, as the message shown at the answer. */
export function findingMessages(findings: Record<string, Finding[]>): FieldErrors {
  return Object.fromEntries(
    Object.entries(findings).map(([field, found]) => [field, `This answer may contain ${describeFindings(found)}. Remove anything that could identify a child or family`]),
  );
}

export interface SurveyFormProps {
  found: FoundSurvey;
  action: string;
  csrfToken: string;
  values: FormValues;
  /** Answers missing or not valid, by field. */
  errors: FieldErrors;
  /** Answers that may identify someone, by field: shown as a warning, with the box to confirm. */
  findings?: Record<string, Finding[]>;
}

function Question({ part, values, errors }: { part: Part; values: FormValues; errors: FieldErrors }) {
  if (part.kind === 'heading') return <h2 class="govuk-heading-m">{part.text}</h2>;
  if (part.kind === 'text') {
    return (
      <>
        {part.warn ? <WarningText>{IDENTIFYING_WARNING}</WarningText> : null}
        <Textarea name={part.name} label={part.label} hint={part.hint} value={one(values, part.name)} error={errors[part.name]} />
      </>
    );
  }
  return (
    <Choices
      type="radio"
      name={part.name}
      label={part.label}
      legendSize={part.small ? 's' : 'm'}
      hint={part.hint}
      inline={part.inline}
      options={part.options}
      values={[one(values, part.name)]}
      error={errors[part.name]}
    />
  );
}

/** The survey's page body: the error summary or the warning, what it is about, and the form. */
export function SurveyForm({ found, action, csrfToken, values, errors, findings = {} }: SurveyFormProps) {
  const warned = Object.keys(findings).length > 0;
  const messages = { ...errors, ...findingMessages(findings) };
  // The box stays once shown, ticked or not, until the answers are saved.
  const confirmBox = warned || one(values, CONFIRM_FIELD) === 'yes';
  const manager = found.survey.respondent === 'manager';
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        {warned ? (
          <ErrorSummary
            title="Check your answers do not identify anyone"
            description={
              <>
                Change the answers below so they do not name or describe a child or family. If you have checked and they do not identify anyone,{' '}
                <a class="govuk-link" href={`#${CONFIRM_FIELD}`}>tick the box to confirm</a>.
              </>
            }
            errors={findingMessages(findings)}
          />
        ) : (
          <ErrorSummary errors={errors} />
        )}
        <span class="govuk-caption-l">{found.courseTitle}</span>
        <h1 class="govuk-heading-l">{surveyTitle(found)}</h1>
        {manager ? (
          <p class="govuk-body">
            {found.personName} came to {courseOn(found)}, and gave you as their line manager. Three months on, we would like to know whether you have seen a change in their practice. It takes about 2 minutes.
          </p>
        ) : (
          <p class="govuk-body">
            Three months ago you came to {courseOn(found)}. Tell us whether it has changed your practice, and whether things are better for the children and families you work with. It takes about 5 minutes.
          </p>
        )}
        <p class="govuk-body">You can answer once. The survey closes on {formatDate(found.survey.closesAt!)}.</p>
        <Form action={action} csrfToken={csrfToken}>
          {partsOf(found).map((part) => (
            <Question part={part} values={values} errors={messages} />
          ))}
          {confirmBox ? (
            <Choices
              type="checkbox"
              name={CONFIRM_FIELD}
              label="Confirm your answers do not identify anyone"
              legendSize="m"
              options={[{ value: 'yes', text: 'I have checked: my answers do not identify a child or family' }]}
              values={many(values, CONFIRM_FIELD)}
            />
          ) : null}
          <Button>Send answers</Button>
        </Form>
      </div>
    </div>
  );
}

/** A page's title and body, for the route to render with the status it needs. */
export interface PagePart {
  title: string;
  body: Child;
}

const nothingMore = 'You do not need to do anything else.';

export const surveyNotFound = (): PagePart => ({
  title: 'Survey not found',
  body: (
    <>
      <h1 class="govuk-heading-l">Survey not found</h1>
      <p class="govuk-body">Check you used the whole link from the email. Some email programs split a long link over two lines.</p>
      <p class="govuk-body">If the link still does not work, contact the partnership’s training team.</p>
    </>
  ),
});

/** For a survey that has been answered or has closed: said politely, as the person did nothing wrong. */
export function surveyDone(found: FoundSurvey): PagePart {
  if (found.state === 'closed') {
    return {
      title: 'This survey has closed',
      body: (
        <>
          <h1 class="govuk-heading-l">This survey has closed</h1>
          <p class="govuk-body">The survey about {courseOn(found)} closed on {formatDate(found.survey.closesAt ?? found.survey.closedAt!)}.</p>
          <p class="govuk-body">Thank you for your time. {nothingMore}</p>
        </>
      ),
    };
  }
  const when = found.survey.answeredAt;
  return {
    title: 'You have already answered this survey',
    body: (
      <>
        <h1 class="govuk-heading-l">You have already answered this survey</h1>
        <p class="govuk-body">
          {when ? `The survey about ${courseOn(found)} was answered on ${formatDate(when)}.` : `The survey about ${courseOn(found)} has been answered.`}
        </p>
        <p class="govuk-body">Thank you for your answers. {nothingMore}</p>
      </>
    ),
  };
}

/** After the answers are saved: thanks, and what happens with them. */
export function surveyThanks(found: FoundSurvey, quotable: boolean | undefined): PagePart {
  return {
    title: 'Thank you for your answers',
    body: (
      <>
        <div class="govuk-panel govuk-panel--confirmation">
          <h1 class="govuk-panel__title">Thank you for your answers</h1>
          <div class="govuk-panel__body">About {courseOn(found)}</div>
        </div>
        <h2 class="govuk-heading-m">What happens with your answers</h2>
        <p class="govuk-body">
          The partnership’s Performance, Practice and Learning group reads them together with everyone else’s, to see what difference its training makes to practice and to children and families, and to improve it.
        </p>
        {quotable === undefined ? null : (
          <p class="govuk-body">{quotable ? 'You said we may quote your answers in the annual report. We will not use your name.' : 'We will not quote your answers in the annual report.'}</p>
        )}
        <p class="govuk-body">{nothingMore}</p>
      </>
    ),
  };
}
