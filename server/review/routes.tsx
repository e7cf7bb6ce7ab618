// The year-end review's pages: the years (/review), a year's review with every course's figures
// and decision and the gaps to commission (/review/:year), the form for a course's decision and
// for a gap's, and the posts that agree, reopen, and start next year's draft prospectus. The rules
// are in ./service; these read the input and lay the review out.
import { Button, ErrorSummary, Form, ImportedYearNote } from '../../web/components';
import { YearsSideBySideTable } from '../../web/years-table';
import { yearsSideBySide } from '../impact/years';
import { personalScope, scope, type AppContext } from '../http/context';
import { Done, formPage, submitForm } from '../http/form-pages';
import type { FormValues } from '../http/forms';
import { uuidParam } from '../http/params';
import { render, seeOther } from '../http/render';
import { get, post } from '../http/routes';
import { formatDate } from '../shared/dates';
import { isDomainError, notFound, type FieldErrors } from '../shared/errors';
import type { GapKind } from './figures';
import { courseDecisionForm, gapDecisionForm, REVIEW_YEAR } from './schemas';
import { agreeReview, decideCourse, decideGap, getReview, listReviews, NEXT_YEAR_STARTERS, reopenReview, REVIEW_DECIDERS, REVIEW_READERS, startNextProspectus, type Review } from './service';
import {
  AgreedWarning,
  CourseEvidence,
  CoursesAtAGlance,
  CourseFiguresTable,
  decisionPath,
  DecisionForm,
  DecisionSummary,
  GapForm,
  gapPath,
  GapsTable,
  REVIEW_PATH,
  reviewPath,
  ReviewStatusTag,
  YearsTable,
} from './views';
import { csrfToken } from '../http/security';

const TITLE = 'Year-end review';
const holds = (c: AppContext, roles: readonly string[]) => Boolean(c.get('viewer')?.roles.some((r) => roles.includes(r)));

/** The year named in the path, as the pages name it ("2025-26"). */
export function yearParam(c: AppContext) {
  const year = c.req.param('year') ?? '';
  if (!REVIEW_YEAR.test(year)) throw notFound('Prospectus year');
  return year;
}

async function yearsPage(c: AppContext) {
  const years = await listReviews(scope(c));
  return render(
    c,
    { title: TITLE },
    <>
      <h1 class="govuk-heading-l">{TITLE}</h1>
      <p class="govuk-body-l">The PPL group’s review of each year’s training offer: what every course delivered and changed, a decision on each, and the gaps to commission.</p>
      <YearsTable years={years} />
    </>,
  );
}

async function reviewPage(c: AppContext, errors: FieldErrors = {}) {
  const year = yearParam(c);
  const [review, years] = await Promise.all([getReview(personalScope(c), year), yearsSideBySide(personalScope(c), { upTo: year })]);
  const decider = holds(c, REVIEW_DECIDERS);
  const starter = holds(c, NEXT_YEAR_STARTERS);
  const titleOf = (id: string) => review.courseList.find((x) => x.id === id)?.title ?? 'another course';
  const agreed = review.status === 'agreed';
  const hasErrors = Object.keys(errors).length > 0;
  return render(
    c,
    { title: `${TITLE} ${year}`, hasErrors, backLink: REVIEW_PATH },
    <>
      <ErrorSummary errors={errors} />
      <Done
        c={c}
        messages={{ decided: 'The decision is saved', gap: 'The gap’s decision is saved', agreed: 'The review is agreed', reopened: 'The review is reopened', started: 'Next year’s draft prospectus is started' }}
      />
      <span class="govuk-caption-l">{review.prospectus.title}</span>
      <h1 class="govuk-heading-l">
        {TITLE} {year}
      </h1>
      <ImportedYearNote importedAt={review.prospectus.importedAt} />
      <p class="govuk-body">
        <ReviewStatusTag status={review.status} />
        {agreed && review.agreedAt ? ` Agreed by ${review.agreedBy ?? 'the partnership'} on ${formatDate(review.agreedAt)}.` : ''}
      </p>
      <p class="govuk-body">
        Figures are for sessions that started from {formatDate(new Date(`${review.prospectus.startsOn}T12:00:00Z`))} to {formatDate(new Date(`${review.prospectus.endsOn}T12:00:00Z`))}, counted as the impact dashboard counts them. Every rate shows how many out of how many, with its 95% interval; a count of 1 to 4 people shows as “fewer than 5”.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={`${reviewPath(year)}/report`}>
          The annual report’s training section for {year}
        </a>
      </p>
      <ReviewActions c={c} review={review} decider={decider} starter={starter} />
      {years.columns.length > 1 ? (
        <>
          <YearsSideBySideTable caption={`${year} beside the years before it`} columns={years.columns} rows={years.rows} />
          <p class="govuk-body">
            <a class="govuk-link" href="/impact/years">
              Choose other years to compare
            </a>
          </p>
        </>
      ) : null}
      <h2 class="govuk-heading-l">Courses</h2>
      {review.courses.length ? <CoursesAtAGlance review={review} /> : <p class="govuk-body">The prospectus has no courses.</p>}
      {review.courses.map((item) => (
        <section class="govuk-!-margin-bottom-9" aria-labelledby={`course-${item.course.id}`}>
          <h3 class="govuk-heading-m" id={`course-${item.course.id}`}>
            {item.course.title}
            {item.course.withdrawn ? ' (withdrawn)' : ''}
          </h3>
          <p class="govuk-body-s">
            {item.course.deliveryMode}; {item.course.themes.join(', ')}
          </p>
          <CourseFiguresTable item={item} />
          <CourseEvidence item={item} />
          <h4 class="govuk-heading-s">Decision</h4>
          <DecisionSummary decision={review.decisions.find((d) => d.courseId === item.course.id)} titleOf={titleOf} />
          {decider && !agreed ? (
            <p class="govuk-body">
              <a class="govuk-link" href={decisionPath(year, item.course.id)}>
                Record a decision<span class="govuk-visually-hidden"> on {item.course.title}</span>
              </a>
            </p>
          ) : null}
        </section>
      ))}
      <h2 class="govuk-heading-l">Gaps to commission</h2>
      <p class="govuk-body">
        Required competencies that the gap map shows no course on offer develops, and themes with no course in {year} or only courses with fewer than 5 three-month answers between them.
      </p>
      <GapsTable review={review} canDecide={decider} />
    </>,
  );
}

function ReviewActions({ c, review, decider, starter }: { c: AppContext; review: Review; decider: boolean; starter: boolean }) {
  const year = review.prospectus.year;
  const agreed = review.status === 'agreed';
  return (
    <>
      {agreed ? <AgreedWarning year={year} /> : null}
      {decider && !agreed ? (
        <Form action={`${reviewPath(year)}/agree`} csrfToken={csrfToken(c)}>
          <p class="govuk-body">Agree the review once every course has its decision. It can then be changed only by reopening it.</p>
          <button type="submit" id="agree" class="govuk-button" data-module="govuk-button">
            Agree the review
          </button>
        </Form>
      ) : null}
      {decider && agreed && !review.nextProspectus ? (
        <Form action={`${reviewPath(year)}/reopen`} csrfToken={csrfToken(c)}>
          <Button secondary>Reopen the review</Button>
        </Form>
      ) : null}
      {review.nextProspectus ? (
        <p class="govuk-body">
          Next year’s draft prospectus ({review.nextProspectus.year}) was started from this review
          {starter ? (
            <>
              {': '}
              <a class="govuk-link" href={`/manage/prospectuses/${review.nextProspectus.id}`}>
                check and finish it
              </a>
            </>
          ) : null}
          .
        </p>
      ) : null}
      {starter && agreed && !review.nextProspectus ? <NextYearForm c={c} review={review} /> : null}
    </>
  );
}

function NextYearForm({ c, review }: { c: AppContext; review: Review }) {
  const revised = review.decisions.filter((d) => d.decision === 'revise');
  const titleOf = (id: string) => review.courseList.find((x) => x.id === id)?.title ?? '';
  return (
    <Form action={`${reviewPath(review.prospectus.year)}/next-prospectus`} csrfToken={csrfToken(c)}>
      <h2 class="govuk-heading-m">Start next year’s prospectus</h2>
      <p class="govuk-body">
        This makes a draft prospectus for the following year with every course kept or revised copied, retired and merged courses left out, and a draft course to write for each accepted gap. Nothing is published until you publish it.
      </p>
      {revised.length ? (
        <>
          <p class="govuk-body">The courses to revise, and what to change in them:</p>
          <ul class="govuk-list govuk-list--bullet">
            {revised.map((d) => (
              <li>
                {titleOf(d.courseId)}: {d.changes}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Button>Start next year’s draft prospectus</Button>
    </Form>
  );
}

// ---- A course's decision -----------------------------------------------------------------------

async function decisionPage(c: AppContext, values?: FormValues, errors: FieldErrors = {}) {
  const year = yearParam(c);
  const courseId = uuidParam(c, 'courseId', 'Course');
  const review = await getReview(personalScope(c), year, { course: courseId });
  const item = review.courses.find((x) => x.course.id === courseId);
  if (!item) throw notFound('Course');
  const decision = review.decisions.find((d) => d.courseId === courseId);
  const shown: FormValues = values ?? (decision ? { decision: decision.decision, changes: decision.changes, mergeInto: decision.mergeIntoCourseId ?? '', note: decision.note } : {});
  return formPage(
    c,
    { title: item.course.title, caption: `Year-end review ${year}: a decision`, backLink: reviewPath(year), errors },
    <>
      <CourseFiguresTable item={item} />
      {review.status === 'agreed' ? (
        <AgreedWarning year={year} />
      ) : (
        <DecisionForm
          action={decisionPath(year, courseId)}
          csrfToken={csrfToken(c)}
          courses={review.courseList.filter((x) => !x.withdrawn)}
          courseId={courseId}
          values={shown}
          errors={errors}
        />
      )}
    </>,
  );
}

const decisionPost = (c: AppContext) =>
  submitForm(
    c,
    courseDecisionForm,
    (values, errors) => decisionPage(c, values, errors),
    (input) => decideCourse(scope(c), yearParam(c), uuidParam(c, 'courseId', 'Course'), input),
    () => `${reviewPath(yearParam(c))}?done=decided#course-${uuidParam(c, 'courseId', 'Course')}`,
  );

// ---- A gap's decision ----------------------------------------------------------------------------

function gapParams(c: AppContext): { kind: GapKind; key: string } {
  const kind = c.req.param('kind');
  const key = c.req.param('key') ?? '';
  if ((kind !== 'competency' && kind !== 'theme') || !key || key.length > 200) throw notFound('Gap');
  return { kind, key };
}

async function gapPage(c: AppContext, values?: FormValues, errors: FieldErrors = {}) {
  const year = yearParam(c);
  const { kind, key } = gapParams(c);
  const review = await getReview(personalScope(c), year, { gapsOnly: true });
  const gap = review.gaps.find((g) => g.kind === kind && g.key === key);
  if (!gap) throw notFound('Gap');
  const shown: FormValues = values ?? (gap.decision ? { decision: gap.decision.decision, note: gap.decision.note } : {});
  return formPage(
    c,
    { title: gap.label, caption: `Year-end review ${year}: a gap to commission`, backLink: reviewPath(year), errors },
    <>
      <p class="govuk-body">{gap.why}.</p>
      {review.status === 'agreed' ? <AgreedWarning year={year} /> : <GapForm action={gapPath(year, gap)} csrfToken={csrfToken(c)} values={shown} errors={errors} />}
    </>,
  );
}

const gapPost = (c: AppContext) =>
  submitForm(
    c,
    gapDecisionForm,
    (values, errors) => gapPage(c, values, errors),
    (input) => {
      const { kind, key } = gapParams(c);
      return decideGap(personalScope(c), yearParam(c), kind, key, input);
    },
    () => `${reviewPath(yearParam(c))}?done=gap`,
  );

// ---- Agreeing, reopening, next year -----------------------------------------------------------------

/** A post with no fields: do it, or show the review again with the refusal's field messages. */
async function action(c: AppContext, run: (year: string) => Promise<unknown>, done: string) {
  const year = yearParam(c);
  try {
    await run(year);
  } catch (error) {
    if (isDomainError(error, 'invalid') && Object.keys(error.fields).length) return reviewPage(c, error.fields);
    throw error;
  }
  return seeOther(c, `${reviewPath(year)}?done=${done}`);
}

export const reviewRoutes = [
  get(REVIEW_PATH, REVIEW_READERS, yearsPage),
  get(`${REVIEW_PATH}/:year`, REVIEW_READERS, (c) => reviewPage(c)),
  get(`${REVIEW_PATH}/:year/courses/:courseId`, REVIEW_DECIDERS, (c) => decisionPage(c)),
  post(`${REVIEW_PATH}/:year/courses/:courseId`, REVIEW_DECIDERS, decisionPost),
  get(`${REVIEW_PATH}/:year/gaps/:kind/:key`, REVIEW_DECIDERS, (c) => gapPage(c)),
  post(`${REVIEW_PATH}/:year/gaps/:kind/:key`, REVIEW_DECIDERS, gapPost),
  post(`${REVIEW_PATH}/:year/agree`, REVIEW_DECIDERS, (c) => action(c, (year) => agreeReview(scope(c), year), 'agreed')),
  post(`${REVIEW_PATH}/:year/reopen`, REVIEW_DECIDERS, (c) => action(c, (year) => reopenReview(scope(c), year), 'reopened')),
  post(`${REVIEW_PATH}/:year/next-prospectus`, NEXT_YEAR_STARTERS, (c) => action(c, (year) => startNextProspectus(scope(c), year), 'started')),
];
