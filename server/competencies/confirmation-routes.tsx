// A line manager's confirmation of a competency by emailed link: the person asks from their
// profile, the manager answers on a public page reached by the link. The rules are in
// ./confirmation-requests; these pages only translate HTTP to its calls.
import { Button, Choices, ErrorSummary, Form, Select, SummaryList, Textarea, WarningText } from '../../web/components';
import { formatDate } from '../shared/dates';
import { isDomainError, type FieldErrors } from '../shared/errors';
import { personalScope, scope, type AppContext } from '../http/context';
import { Done, formPage, submitForm, TargetForm, type FormTarget } from '../http/form-pages';
import { fieldsOf, parseForm, type FormValues } from '../http/forms';
import { tokenParam } from '../http/params';
import { render } from '../http/render';
import { get, post } from '../http/routes';
import {
  answerConfirmationRequest,
  CONFIRMATION_LINK_DAYS,
  confirmationRequestForm,
  findConfirmationRequest,
  myOpenConfirmationRequests,
  requestConfirmation,
  setManagerConfirmations,
  takesManagerConfirmations,
  type RequestState,
} from './confirmation-requests';
import { confirmationRequestInput, managerAnswerInput, managerConfirmationsSetting } from './schemas';
import type { Role } from '../../db/schema';
import { onBehalfRoutes } from './on-behalf-routes';
import { NO_IDENTIFYING_DETAILS } from './views';
import type { PersonalContext } from '../shared/context';
import { csrfToken } from '../http/security';

const PROFILE_PATH = '/learning/competencies';
const ASK_PATH = `${PROFILE_PATH}/confirmations`;

/** The profile's part: the requests waiting for an answer and the link to ask, only when the partnership takes them. */
export async function confirmationSection(s: PersonalContext) {
  if (!takesManagerConfirmations(s)) return null;
  const open = await myOpenConfirmationRequests(s);
  return (
    <div class="app-no-print">
      <h2 class="govuk-heading-m">Your line manager’s confirmation</h2>
      <p class="govuk-body">If you apply a competency in your practice and can show it from outside these courses (supervision, experience, training elsewhere), your line manager can confirm it. Their confirmation counts as evidence of practice.</p>
      {open.length ? (
        <ul class="govuk-list">
          {open.map((r) => (
            <li>
              {r.code}: asked on {formatDate(r.requestedAt)}, waiting for an answer until {formatDate(r.expiresAt)}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="govuk-body">
        <a class="govuk-link" href={`${ASK_PATH}/new`}>
          Ask your line manager to confirm a competency
        </a>
      </p>
    </div>
  );
}

async function askPage(c: AppContext, values: FormValues = {}, errors: FieldErrors = {}) {
  const form = await confirmationRequestForm(personalScope(c));
  const target = { title: 'Ask your line manager to confirm a competency', backLink: PROFILE_PATH };
  if ('refusal' in form.manager) return formPage(c, target, <p class="govuk-body">{form.manager.refusal}</p>);
  if (!form.competencies.length) {
    return formPage(
      c,
      target,
      <p class="govuk-body">
        {form.open.length ? 'You have already asked about every competency your workforce group needs. ' : 'There are no competencies to confirm: your account needs a workforce group of the current framework. '}
        <a class="govuk-link" href={PROFILE_PATH}>
          Back to your competency profile
        </a>
      </p>,
    );
  }
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <>
      <p class="govuk-body">We will email your line manager at {form.manager.email} a link to confirm or decline. It works once, for {CONFIRMATION_LINK_DAYS} days. To change the address, ask the partnership’s training coordinator.</p>
      <Form action={ASK_PATH} csrfToken={csrfToken(c)}>
        <Select
          {...field.one('competencyId')}
          label="Competency"
          placeholder="Choose a competency"
          options={form.competencies.map((comp) => ({ value: comp.id, text: `${comp.code}: ${comp.statement}` }))}
        />
        <Textarea {...field.one('note')} label="What shows you apply it?" hint={`For example, discussed in supervision, your experience in the role, or training elsewhere. Your line manager sees this. ${NO_IDENTIFYING_DETAILS}`} />
        <Button>Send the request</Button>
      </Form>
    </>,
  );
}

const ask = (c: AppContext) =>
  submitForm(c, confirmationRequestInput, (values, errors) => askPage(c, values, errors), (input) => requestConfirmation(personalScope(c), input), () => `${PROFILE_PATH}?done=asked`);

// ---- The manager's link -------------------------------------------------------------------

const NOT_OPEN: Record<Exclude<RequestState, 'open'>, { title: string; text: (decidedAt: Date | null) => string }> = {
  confirmed: { title: 'This competency has been confirmed', text: (at) => `You confirmed it on ${formatDate(at!)}. Nothing more is needed.` },
  declined: { title: 'This request has been declined', text: (at) => `You declined it on ${formatDate(at!)}. Nothing more is needed.` },
  expired: { title: 'This link has expired', text: () => `Links to confirm a competency work for ${CONFIRMATION_LINK_DAYS} days. If you still want to confirm it, ask them to send a new request from their competency profile.` },
  closed: { title: 'Confirmations by email have stopped', text: () => 'The partnership no longer takes line managers’ confirmations by email, so this link does nothing.' },
  retired: { title: 'This competency has been replaced', text: () => 'The partnership has published a new version of its competency framework since this request was sent, so this link does nothing. They can ask again about the new version’s competency.' },
};

async function answerPage(c: AppContext, options: { values?: FormValues; errors?: FieldErrors; status?: 200 | 409 } = {}) {
  const token = tokenParam.safeParse(c.req.param('token'));
  const found = token.success ? await findConfirmationRequest(scope(c), token.data) : undefined;
  if (!found) {
    return render(
      c,
      { title: 'Link not found', status: 404 },
      <>
        <h1 class="govuk-heading-l">Link not found</h1>
        <p class="govuk-body">Check you used the whole link from the email.</p>
      </>,
    );
  }
  if (found.state !== 'open') {
    const shown = NOT_OPEN[found.state];
    return render(
      c,
      { title: shown.title, status: options.status ?? 200 },
      <>
        <h1 class="govuk-heading-l">{shown.title}</h1>
        <p class="govuk-body">{shown.text(found.request.decidedAt)}</p>
      </>,
    );
  }
  const errors = options.errors ?? {};
  const field = fieldsOf(options.values ?? {}, errors);
  const title = 'Confirm a competency';
  return render(
    c,
    { title, hasErrors: Object.keys(errors).length > 0 },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <h1 class="govuk-heading-l">{title}</h1>
        <p class="govuk-body">{found.person.name} gave you as their line manager, and asks you to confirm that they apply this competency in their practice.</p>
        <SummaryList
          rows={[
            { key: 'Who', value: `${found.person.name}, ${found.person.jobTitle}` },
            { key: 'Competency', value: `${found.competency.code}: ${found.competency.statement}` },
            { key: 'What they say shows it', value: found.request.note },
            { key: 'Answer by', value: formatDate(found.request.expiresAt) },
          ]}
        />
        <Form action={`/competency-confirmations/${token.data}`} csrfToken={csrfToken(c)}>
          <Choices
            {...field.many('decision')}
            type="radio"
            label="Do you confirm they apply it in practice?"
            legendSize="m"
            options={[
              { value: 'confirmed', text: 'Yes, I confirm it' },
              { value: 'declined', text: 'No, I do not confirm it', hint: 'Also choose this if you are not their line manager' },
            ]}
          />
          <Textarea {...field.one('managerNote')} label="What have you seen that shows it?" hint={`Needed to confirm: for example, supervision, their practice or training elsewhere. They will see it. ${NO_IDENTIFYING_DETAILS}`} />
          <WarningText>Your answer is recorded with your email address and the date.</WarningText>
          <Button>Send answer</Button>
        </Form>
      </div>
    </div>,
  );
}

async function answer(c: AppContext) {
  const form = await parseForm(c, managerAnswerInput);
  if (!form.ok) return answerPage(c, { values: form.values, errors: form.errors });
  const token = tokenParam.safeParse(c.req.param('token'));
  if (!token.success) return answerPage(c);
  try {
    await answerConfirmationRequest(scope(c), token.data, form.data);
  } catch (error) {
    // Used, expired or stopped meanwhile: the page says which, and nothing changed.
    if (isDomainError(error, 'conflict')) return answerPage(c, { status: 409 });
    throw error;
  }
  return render(
    c,
    { title: 'Answer sent' },
    <div class="govuk-panel govuk-panel--confirmation">
      <h1 class="govuk-panel__title">{form.data.decision === 'confirmed' ? 'Competency confirmed' : 'Request declined'}</h1>
      <div class="govuk-panel__body">We have told them by email</div>
    </div>,
  );
}

// ---- The partnership's setting ------------------------------------------------------------

const SETTING_PATH = '/manage/competency-confirmations';
const COORDINATOR: Role[] = ['coordinator'];
const settingTarget: FormTarget = { action: SETTING_PATH, backLink: '/manage', title: 'Line managers’ confirmations by email', caption: 'Settings', submit: 'Save setting' };

function settingPage(c: AppContext, values: FormValues, errors: FieldErrors = {}) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...settingTarget, errors, banner: <Done c={c} messages={{ saved: 'Setting saved' }} /> },
    <TargetForm c={c} target={settingTarget}>
      <p class="govuk-body">
        When this is on, a practitioner can ask their line manager, from their competency profile, to confirm that they apply a competency in practice. We email the manager a link that works once, for {CONFIRMATION_LINK_DAYS} days; their confirmation counts as evidence of practice.
      </p>
      <p class="govuk-body">The link goes to the line manager’s address on the person’s account, which they gave when they registered. Turn this on once you are content those addresses are right. Turning it off also stops links already sent.</p>
      <Choices
        {...field.many('on')}
        type="radio"
        label="Can people ask their line managers to confirm competencies by email?"
        legendSize="m"
        inline
        options={[
          { value: 'yes', text: 'Yes' },
          { value: 'no', text: 'No' },
        ]}
      />
    </TargetForm>,
  );
}

export const confirmationRoutes = [
  get(SETTING_PATH, COORDINATOR, (c) => settingPage(c, { on: takesManagerConfirmations(scope(c)) ? 'yes' : 'no' })),
  post(SETTING_PATH, COORDINATOR, (c) =>
    submitForm(c, managerConfirmationsSetting, (values, errors) => settingPage(c, values, errors), (input) => setManagerConfirmations(scope(c), input.on), () => `${SETTING_PATH}?done=saved`),
  ),
  get(`${ASK_PATH}/new`, 'signed-in', (c) => askPage(c)),
  post(ASK_PATH, 'signed-in', ask),
  get('/competency-confirmations/:token', 'public', (c) => answerPage(c)),
  post('/competency-confirmations/:token', 'public', answer),
  ...onBehalfRoutes,
];
