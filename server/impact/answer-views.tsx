// "What people said" as page parts: the filter form, an answer as a summary card, the pages of the
// list, and the dashboard's table of coded themes. The rules are in ./answers.
import { SECTORS, THEMES } from '../../db/schema';
import { Button, Select, Table, Tag, type Option } from '../../web/components';
import { CountFigure } from '../../web/figures';
import { monthName } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import { PeriodFields } from './period-fields';
import type { Answer, AnswerTheme, CodedThemeRow } from './answers';
import type { impactChoices } from './service';

export const ANSWERS_PATH = '/impact/answers';
export const THEMES_PATH = '/impact/answer-themes';
export const answerPath = (id: string) => `${ANSWERS_PATH}/${id}`;

export type AnswersValues = Partial<Record<'year' | 'from' | 'to' | 'theme' | 'courseId' | 'sector' | 'practiceChanged' | 'code' | 'featured' | 'page', string>>;
type Choices = Awaited<ReturnType<typeof impactChoices>>;

const options = (list: readonly string[]): Option[] => list.map((value) => ({ value, text: value }));

/** The period, the course filters and the answer filters, as a GET form that works without JavaScript. */
export function AnswersFilterForm({ choices, themes, values, errors }: { choices: Choices; themes: AnswerTheme[]; values: AnswersValues; errors: FieldErrors }) {
  return (
    <form method="get" action={ANSWERS_PATH} novalidate class="app-filter-panel app-no-print">
      <h2 class="govuk-heading-m">Choose which answers to show</h2>
      <PeriodFields years={choices.years} values={values} errors={errors} />
      <Select name="courseId" label="Course" options={choices.courses.map((c) => ({ value: c.id, text: `${c.title} (${c.year})` }))} value={values.courseId} placeholder="All courses" error={errors.courseId} />
      <Select name="theme" label="Course theme" options={options(THEMES)} value={values.theme} placeholder="All course themes" error={errors.theme} />
      <Select name="sector" label="Sector" options={options(SECTORS)} value={values.sector} placeholder="All sectors" error={errors.sector} />
      <Select name="practiceChanged" label="Practice changed" options={options(['yes', 'not yet', 'no'])} value={values.practiceChanged} placeholder="Any answer" error={errors.practiceChanged} />
      <Select
        name="code"
        label="Coded with"
        options={[{ value: 'none', text: 'Not coded yet' }, ...themes.map((t) => ({ value: t.id, text: t.retired ? `${t.name} (retired)` : t.name }))]}
        value={values.code}
        placeholder="Any theme, or none"
        error={errors.code}
      />
      <Select name="featured" label="Featured quotations" options={[{ value: 'yes', text: 'Featured quotations only' }]} value={values.featured} placeholder="All answers" error={errors.featured} />
      <Button secondary>Show the answers</Button>
    </form>
  );
}

const said = (value: string) => (value.trim() ? <p class="govuk-body app-answer-text">{value}</p> : null);

/** The rows of an answer that have words, and the yes/no answers beside them. */
function answerRows(answer: Answer) {
  const rows: { key: string; value: unknown }[] = [
    { key: 'Practice changed', value: answer.practiceChanged[0].toUpperCase() + answer.practiceChanged.slice(1) },
    { key: 'How practice changed', value: said(answer.practiceChangeHow) },
    { key: 'A better outcome for a child or family', value: answer.outcomeImproved ? answer.outcomeImproved[0].toUpperCase() + answer.outcomeImproved.slice(1) : null },
    { key: 'Example of the outcome', value: said(answer.outcomeExample) },
    { key: 'Shared the learning', value: answer.sharedLearning ? 'Yes' : 'No' },
    { key: 'How they shared it', value: said(answer.sharedHow) },
    { key: 'What got in the way', value: said(answer.barriers) },
    { key: 'On the day, what they would do differently', value: said(answer.willDoDifferently) },
    { key: 'Their line manager’s example', value: said(answer.managerExample) },
  ];
  return rows.filter((r) => r.value);
}

/** What the answer is about, in one line: course, month and (where it may be said) sector. */
export const answerAbout = (answer: Answer) => [answer.course, monthName(answer.month), answer.sector ?? 'another sector'].join(', ');

export function CodesLine({ answer }: { answer: Answer }) {
  return (
    <p class="govuk-body">
      {answer.featured ? (
        <>
          <Tag colour="green">Featured quotation</Tag>{' '}
        </>
      ) : null}
      {answer.codes.length ? (
        <>
          Coded: {answer.codes.map((c, i) => (
            <>
              {i ? ', ' : ''}
              {c.name}
            </>
          ))}
        </>
      ) : (
        'Not coded yet'
      )}
    </p>
  );
}

/** One answer as a summary card, with a link to code or feature it. */
export function AnswerCard({ answer, number, action }: { answer: Answer; number: number; action: string }) {
  return (
    <div class="govuk-summary-card">
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title">
          Answer {number}: {answerAbout(answer)}
        </h2>
        <ul class="govuk-summary-card__actions">
          <li class="govuk-summary-card__action">
            <a class="govuk-link" href={answerPath(answer.id)}>
              {action}
              <span class="govuk-visually-hidden"> answer {number}</span>
            </a>
          </li>
        </ul>
      </div>
      <div class="govuk-summary-card__content">
        <CodesLine answer={answer} />
        <AnswerList answer={answer} />
      </div>
    </div>
  );
}

export const AnswerList = ({ answer }: { answer: Answer }) => (
  <dl class="govuk-summary-list">
    {answerRows(answer).map((r) => (
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">{r.key}</dt>
        <dd class="govuk-summary-list__value">{r.value as string}</dd>
      </div>
    ))}
  </dl>
);

/** The GOV.UK pagination: previous, each page, next; each link keeps the query. */
export function Pages({ page, pages, values }: { page: number; pages: number; values: AnswersValues }) {
  if (pages < 2) return null;
  const href = (n: number) => {
    const query = new URLSearchParams(Object.entries({ ...values, page: String(n) }).filter((e): e is [string, string] => Boolean(e[1])));
    return `${ANSWERS_PATH}?${query}`;
  };
  return (
    <nav class="govuk-pagination" aria-label="Pages of answers">
      {page > 1 ? (
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href={href(page - 1)} rel="prev">
            <span class="govuk-pagination__link-title">
              Previous<span class="govuk-visually-hidden"> page</span>
            </span>
          </a>
        </div>
      ) : null}
      <ul class="govuk-pagination__list">
        {Array.from({ length: pages }, (_, i) => i + 1).map((n) => (
          <li class={`govuk-pagination__item${n === page ? ' govuk-pagination__item--current' : ''}`}>
            <a class="govuk-link govuk-pagination__link" href={href(n)} aria-label={`Page ${n}`} aria-current={n === page ? 'page' : undefined}>
              {n}
            </a>
          </li>
        ))}
      </ul>
      {page < pages ? (
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={href(page + 1)} rel="next">
            <span class="govuk-pagination__link-title">
              Next<span class="govuk-visually-hidden"> page</span>
            </span>
          </a>
        </div>
      ) : null}
    </nav>
  );
}

/** The dashboard's table: answers in the period coded with each theme, and the link to read them. */
export function CodedThemes({ rows }: { rows: CodedThemeRow[] }) {
  return (
    <>
      <h2 class="govuk-heading-l">What people said</h2>
      <p class="govuk-body">
        The PPL group codes the three-month answers with the partnership’s themes; an answer can have several. <a class="govuk-link" href={ANSWERS_PATH}>Read what people said</a>, without names, emails or organisations.
      </p>
      {rows.some((r) => typeof r.answers !== 'number' || r.answers > 0) ? (
        <Table caption="Answers coded with each theme" head={['Theme', 'Answers']} rows={rows.map((r) => [r.retired ? `${r.theme} (retired)` : r.theme, <CountFigure count={typeof r.answers === 'number' ? r.answers : null} />])} />
      ) : (
        <p class="govuk-body">No answer in this period has been coded yet.</p>
      )}
    </>
  );
}
