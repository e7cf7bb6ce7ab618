// "What people said": the answers page (reviewers and coordinators), one answer's page where a
// reviewer codes it and features it as a quotation, and the page that keeps the partnership's
// themes. The rules are in ./answers; these pages read the input and lay the answers out.
import { Button, Choices, ErrorSummary, Form, Table, TextInput, WarningText } from '../../web/components';
import { isDomainError, type FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { Done, submitForm } from '../http/form-pages';
import { fieldsOf, type FormValues } from '../http/forms';
import { parseQuery, uuidParam } from '../http/params';
import { render, seeOther } from '../http/render';
import { postedForm } from '../http/readable';
import { get, post } from '../http/routes';
import {
  addAnswerTheme,
  ANSWER_CODERS,
  ANSWERS_PER_PAGE,
  codeAnswer,
  featureAnswer,
  flaggedDetails,
  getAnswer,
  listAnswers,
  listAnswerThemes,
  setAnswerThemeRetired,
  THEME_KEEPERS,
  unfeatureAnswer,
  type Answer,
  type AnswerList as Answers,
} from './answers';
import { AnswerCard, AnswerList, answerPath, ANSWERS_PATH, AnswersFilterForm, CodesLine, Pages, THEMES_PATH, type AnswersValues } from './answer-views';
import { answerThemeForm, answersPageQuery, codeAnswerForm, featureAnswerForm } from './schemas';
import { dayAfter, IMPACT_READERS, impactChoices, impactRange } from './service';
import { monthName } from '../shared/dates';
import { describePeriod } from './definitions';
import { csrfToken } from '../http/security';

const TITLE = 'What people said';
const isCoder = (c: AppContext) => Boolean(c.get('viewer')?.roles.some((r) => ANSWER_CODERS.includes(r)));

async function answersPage(c: AppContext) {
  const s = scope(c);
  const [choices, themes] = await Promise.all([impactChoices(s), listAnswerThemes(s)]);
  const values = c.req.query() as AnswersValues;
  const parsed = parseQuery(c, answersPageQuery);
  let errors: FieldErrors = parsed.ok ? {} : parsed.errors;
  let list: Answers | undefined;
  let period = '';
  if (parsed.ok) {
    const { year, from, to, theme, courseId, sector, practiceChanged, code, featured, page } = parsed.data;
    try {
      const range = await impactRange(s, { year, from, to: to && dayAfter(to) });
      period = describePeriod(range);
      list = await listAnswers(s, range, { theme, courseId, sector }, { practiceChanged, code, featured: featured === 'yes' }, page);
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'invalid') throw error;
      errors = error.fields ?? {};
    }
  }
  const failed = !list;
  const action = isCoder(c) ? 'Code or feature' : 'See';
  return render(
    c,
    { title: TITLE, hasErrors: failed, status: failed ? 400 : 200, backLink: '/impact' },
    <>
      {failed ? <ErrorSummary errors={errors} /> : null}
      <h1 class="govuk-heading-l">{TITLE}</h1>
      <p class="govuk-body-l">What attendees wrote three months after a course{period ? `, for sessions from ${period}` : ''}, with what they said on the day and their line manager’s example.</p>
      <p class="govuk-body">
        No answer shows a name, email or organisation. A sector is shown only where at least 5 people of it answered among the answers chosen; otherwise it says “another sector”. Only answers with some words in them are listed.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={THEMES_PATH}>
          The themes answers are coded with
        </a>
      </p>
      <AnswersFilterForm choices={choices} themes={themes} values={values} errors={errors} />
      {list ? <AnswersShown list={list} values={values} action={action} /> : null}
    </>,
  );
}

function AnswersShown({ list, values, action }: { list: Answers; values: AnswersValues; action: string }) {
  if (list.withheld) return <p class="govuk-body">Fewer than 5 people of this sector answered among the answers chosen, so they are not shown: choose all sectors, or a wider period.</p>;
  if (!list.total) return <p class="govuk-body">No answers match what you chose.</p>;
  const first = (list.page - 1) * ANSWERS_PER_PAGE;
  return (
    <>
      <p class="govuk-body">
        {list.total === 1 ? '1 answer' : `${list.total} answers`}
        {list.pages > 1 ? `, showing ${first + 1} to ${first + list.answers.length}` : ''}.
      </p>
      {list.answers.map((a, i) => (
        <AnswerCard answer={a} number={first + i + 1} action={action} />
      ))}
      <Pages page={list.page} pages={list.pages} values={values} />
    </>
  );
}

// ---- One answer: coding and featuring --------------------------------------------------------

async function answerPage(c: AppContext, values: FormValues = {}, errors: FieldErrors = {}) {
  const s = scope(c);
  const answer = await getAnswer(s, uuidParam(c, 'answerId', 'Answer'));
  const themes = await listAnswerThemes(s);
  const title = `${answer.course}, ${monthName(answer.month)}`;
  const coder = isCoder(c);
  return render(
    c,
    { title: `An answer: ${title}`, hasErrors: Object.keys(errors).length > 0, backLink: ANSWERS_PATH },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <Done c={c} messages={{ coded: 'The answer’s coding is saved', featured: 'The answer is featured as a quotation', unfeatured: 'The answer is no longer featured' }} />
        <span class="govuk-caption-l">An answer three months on</span>
        <h1 class="govuk-heading-l">{title}</h1>
        <CodesLine answer={answer} />
        <AnswerList answer={answer} />
        {coder ? (
          <>
            <CodingForm c={c} answer={answer} themes={themes.filter((t) => !t.retired || answer.codes.some((code) => code.id === t.id))} values={values} errors={errors} />
            <FeatureForm c={c} answer={answer} errors={errors} />
          </>
        ) : (
          <p class="govuk-body">Reviewers code answers and feature quotations.</p>
        )}
      </div>
    </div>,
  );
}

function CodingForm({ c, answer, themes, values, errors }: { c: AppContext; answer: Answer; themes: { id: string; name: string; retired: boolean }[]; values: FormValues; errors: FieldErrors }) {
  const ticked = 'themes' in values ? fieldsOf(values, errors).many('themes').values : answer.codes.map((code) => code.id);
  return (
    <Form action={`${answerPath(answer.id)}/codes`} csrfToken={csrfToken(c)}>
      <h2 class="govuk-heading-m">Code this answer</h2>
      <Choices
        type="checkbox"
        name="themes"
        label="Which themes is this answer about?"
        hint="Select all that apply, or none"
        options={themes.map((t) => ({ value: t.id, text: t.retired ? `${t.name} (retired)` : t.name }))}
        values={ticked}
        error={errors.themes}
        legendSize="s"
      />
      <input type="hidden" name="themes" value="" />
      <Button secondary>Save the coding</Button>
    </Form>
  );
}

function FeatureForm({ c, answer, errors }: { c: AppContext; answer: Answer; errors: FieldErrors }) {
  if (answer.featured) {
    return (
      <Form action={`${answerPath(answer.id)}/unfeature`} csrfToken={csrfToken(c)}>
        <h2 class="govuk-heading-m">Featured quotation</h2>
        <p class="govuk-body">This answer is featured as a quotation.</p>
        <Button secondary>Stop featuring it</Button>
      </Form>
    );
  }
  if (!answer.quotationConsent) {
    return (
      <>
        <h2 class="govuk-heading-m">Featured quotation</h2>
        <p class="govuk-body">This answer cannot be featured: the person who gave it did not agree to be quoted.</p>
      </>
    );
  }
  const flagged = flaggedDetails(answer);
  return (
    <Form action={`${answerPath(answer.id)}/feature`} csrfToken={csrfToken(c)}>
      <h2 class="govuk-heading-m">Featured quotation</h2>
      <p class="govuk-body">The person who gave this answer agreed to be quoted. Featuring it quotes their own words, not what their line manager said.</p>
      {flagged ? (
        <>
          <WarningText>The check for identifying details found what may be {flagged}.</WarningText>
          <Choices
            type="checkbox"
            name="checked"
            label="Before you feature it"
            options={[{ value: 'yes', text: 'I have checked this has no names or identifying details' }]}
            values={[]}
            error={errors.checked}
            legendSize="s"
          />
        </>
      ) : null}
      <Button>Feature this answer</Button>
    </Form>
  );
}

const answerId = (c: AppContext) => uuidParam(c, 'answerId', 'Answer');

const codePost = (c: AppContext) =>
  submitForm(
    c,
    codeAnswerForm,
    (values, errors) => answerPage(c, values, errors),
    ({ themes }) => codeAnswer(scope(c), answerId(c), themes),
    () => `${answerPath(answerId(c))}?done=coded`,
  );

const featurePost = (c: AppContext) =>
  submitForm(
    c,
    featureAnswerForm,
    (values, errors) => answerPage(c, values, errors),
    ({ checked }) => featureAnswer(scope(c), answerId(c), { checked }),
    () => `${answerPath(answerId(c))}?done=featured`,
  );

const unfeaturePost = (c: AppContext) =>
  submitForm(
    c,
    featureAnswerForm,
    (values, errors) => answerPage(c, values, errors),
    () => unfeatureAnswer(scope(c), answerId(c)),
    () => `${answerPath(answerId(c))}?done=unfeatured`,
  );

// ---- The themes --------------------------------------------------------------------------------

async function themesPage(c: AppContext, values: FormValues = {}, errors: FieldErrors = {}) {
  const themes = await listAnswerThemes(scope(c));
  const field = fieldsOf(values, errors);
  const keeper = Boolean(c.get('viewer')?.roles.some((r) => THEME_KEEPERS.includes(r)));
  return render(
    c,
    { title: 'Themes for coding answers', hasErrors: Object.keys(errors).length > 0, backLink: ANSWERS_PATH },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <Done c={c} messages={{ added: 'Theme added', retired: 'Theme retired', restored: 'Theme brought back' }} />
        <h1 class="govuk-heading-l">Themes for coding answers</h1>
        <p class="govuk-body">Reviewers code each answer with the themes it is about. A retired theme is offered no more, and stays on the answers already coded with it.</p>
        <Table
          caption="The partnership’s themes"
          head={['Theme', 'Status', 'Action']}
          rows={themes.map((t) => [
            t.name,
            t.retired ? 'Retired' : 'In use',
            keeper ? (
              <Form action={`${THEMES_PATH}/${t.id}`} csrfToken={csrfToken(c)}>
                <input type="hidden" name="retired" value={t.retired ? 'no' : 'yes'} />
                <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">
                  {t.retired ? 'Bring back' : 'Retire'}
                  <span class="govuk-visually-hidden"> {t.name}</span>
                </button>
              </Form>
            ) : (
              ''
            ),
          ])}
        />
        {keeper ? (
          <Form action={THEMES_PATH} csrfToken={csrfToken(c)}>
            <h2 class="govuk-heading-m">Add a theme</h2>
            <TextInput {...field.one('name')} label="Theme" hint="For example, Neglect and the Graded Care Profile" />
            <Button>Add the theme</Button>
          </Form>
        ) : null}
      </div>
    </div>,
  );
}

const addThemePost = (c: AppContext) =>
  submitForm(
    c,
    answerThemeForm,
    (values, errors) => themesPage(c, values, errors),
    ({ name }) => addAnswerTheme(scope(c), name),
    () => `${THEMES_PATH}?done=added`,
  );

async function retireThemePost(c: AppContext) {
  const themeId = uuidParam(c, 'themeId', 'Theme');
  const retired = postedForm(c).retired !== 'no';
  await setAnswerThemeRetired(scope(c), themeId, retired);
  return seeOther(c, `${THEMES_PATH}?done=${retired ? 'retired' : 'restored'}`);
}

export const answerRoutes = [
  get(ANSWERS_PATH, IMPACT_READERS, answersPage),
  get(THEMES_PATH, IMPACT_READERS, (c) => themesPage(c)),
  post(THEMES_PATH, THEME_KEEPERS, addThemePost),
  post(`${THEMES_PATH}/:themeId`, THEME_KEEPERS, retireThemePost),
  get(`${ANSWERS_PATH}/:answerId`, IMPACT_READERS, (c) => answerPage(c)),
  post(`${ANSWERS_PATH}/:answerId/codes`, ANSWER_CODERS, codePost),
  post(`${ANSWERS_PATH}/:answerId/feature`, ANSWER_CODERS, featurePost),
  post(`${ANSWERS_PATH}/:answerId/unfeature`, ANSWER_CODERS, unfeaturePost),
];
