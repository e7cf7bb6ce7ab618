// The year-end review's page parts: the list of years, each course's figures beside its
// decision, the gaps to commission, and the forms. Figures are drawn by web/figures (a rate with
// its count, denominator and interval; "fewer than 5" where suppressed).
import type { Child } from 'hono/jsx';
import { Button, Choices, Form, ImportedTag, Select, SummaryList, Table, Tag, Textarea, WarningText, type Option } from '../../web/components';
import { CountFigure, MeanFigure, RateFigure } from '../../web/figures';
import { describeShare } from '../competencies/needs';
import type { Count } from '../impact/service';
import { formatDate } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import type { FormValues } from '../http/forms';
import { fieldsOf } from '../http/forms';
import type { CourseFigures, GapCandidate } from './figures';
import type { Decision, GapDecision, Review, ReviewStatus, ReviewYear } from './service';
import { formatCount } from '../shared/words';

export const REVIEW_PATH = '/review';
export const reviewPath = (year: string) => `${REVIEW_PATH}/${year}`;
export const decisionPath = (year: string, courseId: string) => `${reviewPath(year)}/courses/${courseId}`;
export const gapPath = (year: string, gap: Pick<GapCandidate, 'kind' | 'key'>) => `${reviewPath(year)}/gaps/${gap.kind}/${encodeURIComponent(gap.key)}`;

const STATUS_COLOUR: Record<ReviewStatus, string> = { 'not started': 'grey', 'in progress': 'yellow', agreed: 'green' };
export const ReviewStatusTag = ({ status }: { status: ReviewStatus }) => <Tag colour={STATUS_COLOUR[status]}>{status[0].toUpperCase() + status.slice(1)}</Tag>;

export function YearsTable({ years }: { years: ReviewYear[] }) {
  if (!years.length) return <p class="govuk-body">There is no prospectus to review yet.</p>;
  return (
    <Table
      caption="Prospectus years"
      head={['Year', 'Prospectus', 'Courses decided', 'Review']}
      rows={years.map((y) => [
        <>
          <a class="govuk-link" href={reviewPath(y.year)}>
            {y.year}
          </a>
          {y.imported ? (
            <>
              {' '}
              <ImportedTag />
            </>
          ) : null}
        </>,
        y.title,
        `${y.decided} of ${y.courses}`,
        <ReviewStatusTag status={y.status} />,
      ])}
    />
  );
}

const count = (c: Count) => <CountFigure count={typeof c === 'number' ? c : null} />;
const when = (by: string | null, at: Date) => `${by ?? 'The partnership'}, ${formatDate(at)}`;

export const DECISION_WORDS = { keep: 'Keep', revise: 'Revise', retire: 'Retire', merge: 'Merge' } as const;
const DECISION_COLOUR = { keep: 'green', revise: 'yellow', retire: 'red', merge: 'blue' } as const;

/** What was decided on a course, in words. */
export function DecisionSummary({ decision, titleOf }: { decision: Decision | undefined; titleOf: (id: string) => string }) {
  if (!decision) return <p class="govuk-body">No decision yet.</p>;
  const rows: { key: string; value: Child }[] = [{ key: 'Decision', value: <Tag colour={DECISION_COLOUR[decision.decision]}>{DECISION_WORDS[decision.decision]}</Tag> }];
  if (decision.decision === 'revise') rows.push({ key: 'What to change', value: decision.changes });
  if (decision.mergeIntoCourseId) rows.push({ key: 'Merge into', value: titleOf(decision.mergeIntoCourseId) });
  if (decision.note) rows.push({ key: 'Note', value: decision.note });
  rows.push({ key: 'Decided by', value: when(decision.decidedBy, decision.decidedAt) });
  return <SummaryList rows={rows} />;
}

/** One course's figures for the year, each with what it counts. */
export function CourseFiguresTable({ item }: { item: CourseFigures }) {
  const { delivery, dayZero, followUp } = item.figures;
  const rows: [string, Child][] = [
    ['Sessions run', formatCount(delivery.sessionsDelivered)],
    ['Sessions cancelled', formatCount(delivery.sessionsCancelled)],
    ['Places offered', formatCount(delivery.placesOffered)],
    ['Take-up: attendances of people who had a place, out of the places offered', <RateFigure figure={delivery.takeUp} />],
    ['Attendances (walk-ins included)', count(delivery.attendances)],
    ['Attendance rate: of the places confirmed when the session started', <RateFigure figure={delivery.attendanceRate} />],
    ['Did not attend', count(delivery.didNotAttend)],
    ['Late cancellations', count(delivery.lateCancellations)],
    ['Feedback on the day, out of attendances', <RateFigure figure={dayZero.responseRate} />],
    ['Relevance, 1 to 5', <MeanFigure figure={dayZero.relevance} unit="out of 5" />],
    ['Delivery, 1 to 5', <MeanFigure figure={dayZero.delivery} unit="out of 5" />],
    ['Change in confidence, after minus before', <MeanFigure figure={dayZero.confidenceChange} unit="points" signed />],
    ['Three months on: answered, out of surveys sent', <RateFigure figure={followUp.responseRate} />],
    ['Said their practice had changed, out of those who answered', <RateFigure figure={followUp.practiceChanged} />],
  ];
  return <Table caption={`Figures for ${item.course.title}`} head={['Figure', 'Value']} rows={rows.map(([k, v]) => [k, v])} />;
}

/** Every course in one table, each linking to its section: the figures the group looks at first, and the decision. */
export function CoursesAtAGlance({ review }: { review: Review }) {
  return (
    <Table
      caption="Courses at a glance"
      head={['Course', 'Sessions run', 'Take-up', 'Practice changed, three months on', 'Decision']}
      rows={review.courses.map((item) => {
        const decision = review.decisions.find((d) => d.courseId === item.course.id);
        return [
          <a class="govuk-link" href={`#course-${item.course.id}`}>
            {item.course.title}
          </a>,
          formatCount(item.figures.delivery.sessionsDelivered),
          <RateFigure figure={item.figures.delivery.takeUp} />,
          <RateFigure figure={item.figures.followUp.practiceChanged} />,
          decision ? DECISION_WORDS[decision.decision] : 'Not decided',
        ];
      })}
    />
  );
}

export function CourseEvidence({ item }: { item: CourseFigures }) {
  return (
    <>
      <h4 class="govuk-heading-s">Competencies it develops</h4>
      {item.competencies.length ? (
        <ul class="govuk-list govuk-list--bullet">
          {item.competencies.map((c) => (
            <li>
              {c.code} {c.statement}
              {c.meets !== undefined ? `: across the partnership, ${describeShare(c.meets)} of the people who need it meet it` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">None recorded.</p>
      )}
      <h4 class="govuk-heading-s">Themes of its three-month answers</h4>
      {item.codedThemes.length ? (
        <ul class="govuk-list govuk-list--bullet">
          {item.codedThemes.map((t) => (
            <li>
              {t.theme}: {count(t.answers)} {t.answers === 1 ? 'answer' : 'answers'}
            </li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">No answers coded yet.</p>
      )}
    </>
  );
}

export function GapsTable({ review, canDecide }: { review: Review; canDecide: boolean }) {
  if (!review.gaps.length) return <p class="govuk-body">No gaps: every required competency is developed by a course, and every theme has courses with enough answers.</p>;
  const open = canDecide && review.status !== 'agreed';
  return (
    <Table
      caption="Candidates for new courses"
      head={['Gap', 'Why', 'Decision', ...(open ? ['Action'] : [])]}
      rows={review.gaps.map((g) => [
        <>
          <span class="govuk-caption-s">{g.kind === 'competency' ? 'Competency' : 'Theme'}</span>
          {g.label}
        </>,
        g.why,
        <GapDecisionCell decision={g.decision} />,
        ...(open
          ? [
              <a class="govuk-link" href={gapPath(review.prospectus.year, g)}>
                {g.decision ? 'Change' : 'Decide'}
                <span class="govuk-visually-hidden"> on {g.label}</span>
              </a>,
            ]
          : []),
      ])}
    />
  );
}

function GapDecisionCell({ decision }: { decision: GapDecision | undefined }) {
  if (!decision) return <>Not decided</>;
  return (
    <>
      <Tag colour={decision.decision === 'accepted' ? 'green' : 'grey'}>{decision.decision === 'accepted' ? 'Accepted' : 'Dismissed'}</Tag>
      <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{decision.note}</p>
      <p class="govuk-body-s govuk-!-margin-bottom-0">{when(decision.decidedBy, decision.decidedAt)}</p>
    </>
  );
}

/** A decision form: the question's radios, the form's other fields, and the one button. */
function DecisionFormFrame({ action, csrfToken, values, errors, question, options, children }: { action: string; csrfToken: string; values: FormValues; errors: FieldErrors; question: string; options: Option[]; children: Child }) {
  const decision = fieldsOf(values, errors).one('decision');
  return (
    <Form action={action} csrfToken={csrfToken}>
      <Choices type="radio" name="decision" error={decision.error} values={[decision.value]} label={question} legendSize="m" options={options} />
      {children}
      <Button>Save the decision</Button>
    </Form>
  );
}

export function DecisionForm({ action, csrfToken, courses, courseId, values, errors }: { action: string; csrfToken: string; courses: { id: string; title: string }[]; courseId: string; values: FormValues; errors: FieldErrors }) {
  const field = fieldsOf(values, errors);
  const options = [
    { value: 'keep', text: 'Keep it as it is' },
    { value: 'revise', text: 'Revise it', hint: 'Say what to change below' },
    { value: 'retire', text: 'Retire it' },
    { value: 'merge', text: 'Merge it into another course', hint: 'Choose the course below' },
  ];
  return (
    <DecisionFormFrame action={action} csrfToken={csrfToken} values={values} errors={errors} question="What should happen to this course next year?" options={options}>
      <Textarea {...field.one('changes')} label="What to change, if revising" hint="For example, add a case study on neglect in adolescence; shorten to a half day" rows={4} />
      <Select
        {...field.one('mergeInto')}
        label="Course to merge it into, if merging"
        placeholder="Choose a course"
        options={courses.filter((c) => c.id !== courseId).map((c) => ({ value: c.id, text: c.title }))}
      />
      <Textarea {...field.one('note')} label="Note (optional)" hint="What the evidence says, and anything the group discussed" rows={4} />
    </DecisionFormFrame>
  );
}

export function GapForm({ action, csrfToken, values, errors }: { action: string; csrfToken: string; values: FormValues; errors: FieldErrors }) {
  const options = [
    { value: 'accepted', text: 'Accept it', hint: 'It becomes a draft course to write in next year’s prospectus' },
    { value: 'dismissed', text: 'Dismiss it' },
  ];
  return (
    <DecisionFormFrame action={action} csrfToken={csrfToken} values={values} errors={errors} question="Should a new course be commissioned for this gap?" options={options}>
      <Textarea {...fieldsOf(values, errors).one('note')} label="Note" hint="Why: the group’s reasons, as the review will show them" rows={4} />
    </DecisionFormFrame>
  );
}

export const AgreedWarning = ({ year }: { year: string }) => <WarningText>The review of {year} is agreed, so it cannot be changed. A reviewer can reopen it.</WarningText>;
