// The three-month impact survey's pages. Two ways in lead to the same form and the same handler:
// the emailed link (/follow-up/TOKEN, no sign-in: it works for line managers too), and "Your
// learning" for a signed-in attendee. The rules (one answer, open until it closes, the check for
// identifying details) are in ./service; these pages only translate HTTP to its calls.
import { z } from 'zod';
import { tokenParam, uuidParam } from '../http/params';
import { isDomainError } from '../shared/errors';
import { personalScope, scope, type AppContext } from '../http/context';
import { one, parseForm, type FormValues } from '../http/forms';
import { render } from '../http/render';
import { get, post } from '../http/routes';
import {
  answerImpactSurvey,
  answerManagerSurvey,
  IdentifyingDetailsFound,
  impactInput,
  managerInput,
  surveyByToken,
  surveyForAttendee,
  type FoundSurvey,
  type ImpactInput,
  type ManagerInput,
} from './service';
import { competencyField, CONFIRM_FIELD, SurveyForm, surveyDone, surveyNotFound, surveyThanks, surveyTitle, type PagePart, type SurveyFormProps } from './views';
import { csrfToken } from '../http/security';


/** A way in to a survey: how to find it from the request, where its form posts, and where "Back" goes. */
interface Entry {
  find(c: AppContext): Promise<FoundSurvey | undefined>;
  action(c: AppContext): string;
  backLink?: string;
}

const byLink: Entry = {
  async find(c) {
    const token = tokenParam.safeParse(c.req.param('token'));
    return token.success ? surveyByToken(scope(c), token.data) : undefined;
  },
  action: (c) => `/follow-up/${c.req.param('token')}`,
};

const fromLearning: Entry = {
  // Anyone else's survey, or one not sent yet, is "not found" (surveyForAttendee says so).
  find: (c) => surveyForAttendee(personalScope(c), uuidParam(c, 'surveyId', 'Survey')),
  action: (c) => `/learning/follow-ups/${c.req.param('surveyId')}`,
  backLink: '/learning',
};

function show(c: AppContext, entry: Entry, page: PagePart, status: 200 | 404 | 409 = 200) {
  return render(c, { title: page.title, status, backLink: entry.backLink }, page.body);
}

function formPage(c: AppContext, entry: Entry, found: FoundSurvey, answers: Pick<SurveyFormProps, 'values' | 'errors' | 'findings'>) {
  const hasErrors = Object.keys(answers.errors).length + Object.keys(answers.findings ?? {}).length > 0;
  return render(
    c,
    { title: surveyTitle(found), hasErrors, backLink: entry.backLink },
    <SurveyForm found={found} action={entry.action(c)} csrfToken={csrfToken(c)} {...answers} />,
  );
}

/** The posted form as the service takes it: yes and no as words, one rating per course competency. */
function answersFrom(values: FormValues, found: FoundSurvey) {
  const schema = found.survey.respondent === 'manager' ? managerInput : impactInput;
  const fields: Record<string, unknown> = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, one(values, key)]));
  fields[CONFIRM_FIELD] = one(values, CONFIRM_FIELD) === 'yes';
  if (found.survey.respondent === 'attendee') {
    fields.competencies = Object.fromEntries(found.competencies.map((competency, i) => [competency.id, one(values, competencyField(i))]).filter(([, rating]) => rating));
  }
  return fields;
}

async function showSurvey(c: AppContext, entry: Entry) {
  const found = await entry.find(c);
  if (!found) return show(c, entry, surveyNotFound(), 404);
  if (found.state !== 'open') return show(c, entry, surveyDone(found));
  return formPage(c, entry, found, { values: {}, errors: {} });
}

async function sendSurvey(c: AppContext, entry: Entry) {
  const s = scope(c);
  const found = await entry.find(c);
  if (!found) return show(c, entry, surveyNotFound(), 404);
  if (found.state !== 'open') return show(c, entry, surveyDone(found), 409);
  // The form only gives the values here: the service checks them as answers.
  const { values } = await parseForm(c, z.unknown());
  const answers = answersFrom(values, found);
  try {
    if (found.survey.respondent === 'manager') await answerManagerSurvey(s, found, answers as ManagerInput);
    else await answerImpactSurvey(s, found, answers as ImpactInput);
  } catch (error) {
    if (error instanceof IdentifyingDetailsFound) return formPage(c, entry, found, { values, errors: {}, findings: error.findings });
    if (isDomainError(error, 'invalid')) return formPage(c, entry, found, { values, errors: error.fields });
    // Answered in another tab meanwhile, or closed since the form was opened: say where it stands now.
    if (isDomainError(error, 'conflict')) {
      const now = await entry.find(c);
      return show(c, entry, surveyDone(now && now.state !== 'open' ? now : { ...found, state: 'answered' }), 409);
    }
    throw error;
  }
  const quotable = found.survey.respondent === 'attendee' ? one(values, 'quotationConsent') === 'yes' : undefined;
  return show(c, entry, surveyThanks(found, quotable));
}

export const followUpRoutes = [
  get('/follow-up/:token', 'public', (c) => showSurvey(c, byLink)),
  post('/follow-up/:token', 'public', (c) => sendSurvey(c, byLink)),
  get('/learning/follow-ups/:surveyId', 'signed-in', (c) => showSurvey(c, fromLearning)),
  post('/learning/follow-ups/:surveyId', 'signed-in', (c) => sendSurvey(c, fromLearning)),
];
