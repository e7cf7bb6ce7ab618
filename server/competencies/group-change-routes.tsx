// Workforce group pages: a person asks to change their group; a coordinator or organisation
// lead decides the open requests, or sets a person's group. The rules are in ./group-changes.
import { ActionLink, Choices, SummaryList, Table, Textarea } from '../../web/components';
import type { Role } from '../../db/schema';
import { formatDate } from '../shared/dates';
import type { FieldErrors } from '../shared/errors';
import { personalScope, type AppContext } from '../http/context';
import { Done, formPage, submitForm, TargetForm } from '../http/form-pages';
import { fieldsOf, type FormValues } from '../http/forms';
import { uuidParam } from '../http/params';
import { render } from '../http/render';
import { get, post } from '../http/routes';
import { decideGroupRequest, groupRequest, groupRequestForm, openGroupRequests, personForGroupChange, requestGroupChange, setWorkforceGroup, STRADDLE_GUIDANCE, type GroupRequest } from './group-changes';
import { NO_IDENTIFYING_DETAILS } from './views';
import { groupChangeDecisionInput, groupChangeRequestInput, workforceGroupInput } from './schemas';

const DECIDERS: Role[] = ['coordinator', 'organisation lead'];
const ASK_PATH = '/account/workforce-group';
const REQUESTS_PATH = '/manage/workforce-group-requests';

type Group = { id: string; name: string; who: string };

/** The groups as radios, each with who it is for, and the guidance for a role between two. */
const GroupChoices = ({ groups, field, label }: { groups: Group[]; field: { name: string; values: string[]; error?: string }; label: string }) => (
  <Choices {...field} type="radio" label={label} legendSize="m" hint={STRADDLE_GUIDANCE} options={groups.map((g) => ({ value: g.id, text: g.name, hint: g.who }))} />
);

/** Organisation leads have no management area: their way back is the home page. */
const isCoordinator = (c: AppContext) => c.get('viewer')!.roles.includes('coordinator');

const change = (r: Pick<GroupRequest, 'from' | 'wanted'>) => `${r.from?.name ?? 'No group'} to ${r.wanted.name}`;

// ---- The person's request -----------------------------------------------------------------

async function askPage(c: AppContext, values: FormValues = {}, errors: FieldErrors = {}) {
  const { person, groups, open } = await groupRequestForm(personalScope(c));
  const target = { action: ASK_PATH, backLink: '/learning/competencies', title: 'Ask to change your workforce group', submit: 'Send the request' };
  const current = <p class="govuk-body">Your workforce group is {person.group?.name ?? 'not set'}. It decides which competencies your profile asks of you.</p>;
  if (open) {
    return formPage(
      c,
      { ...target, errors, banner: <Done c={c} messages={{ asked: 'Your request has been sent. We will email you when it is decided.' }} /> },
      <>
        {current}
        <p class="govuk-body">
          You asked on {formatDate(open.requestedAt)} to change to {open.wanted.name}. A coordinator or your organisation’s lead will decide it, and we will email you.
        </p>
      </>,
    );
  }
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <>
      {current}
      <TargetForm c={c} target={target}>
        <GroupChoices groups={groups} field={field.many('workforceGroupId')} label="Which group should you be in?" />
        <Textarea {...field.one('reason')} label="Why should it change?" hint={`For example, your role has changed. A coordinator or your organisation’s lead reads this. ${NO_IDENTIFYING_DETAILS}`} />
      </TargetForm>
    </>,
  );
}

const ask = (c: AppContext) => submitForm(c, groupChangeRequestInput, (values, errors) => askPage(c, values, errors), (input) => requestGroupChange(personalScope(c), input), () => `${ASK_PATH}?done=asked`);

// ---- Deciding requests --------------------------------------------------------------------

async function requestsPage(c: AppContext) {
  const open = await openGroupRequests(personalScope(c));
  return render(
    c,
    { title: 'Workforce group changes to decide', backLink: isCoordinator(c) ? '/manage' : '/' },
    <>
      <Done c={c} messages={{ approved: 'Change approved: their group is set, and we have emailed them', declined: 'Change declined: we have emailed them the reason' }} />
      <h1 class="govuk-heading-l">Workforce group changes to decide</h1>
      {open.length ? (
        <Table
          head={['Person', 'Organisation', 'Change', 'Reason', 'Asked on', 'Actions']}
          rows={open.map((r) => [r.person.name, r.organisation, change(r), r.reason, formatDate(r.requestedAt), <ActionLink href={`${REQUESTS_PATH}/${r.id}`} text="Decide" about={`for ${r.person.name}`} />])}
        />
      ) : (
        <p class="govuk-body">There are no requests waiting.</p>
      )}
    </>,
  );
}

async function decidePage(c: AppContext, values: FormValues = {}, errors: FieldErrors = {}) {
  const request = await groupRequest(personalScope(c), uuidParam(c, 'requestId', 'Request'));
  const target = { action: `${REQUESTS_PATH}/${request.id}`, backLink: REQUESTS_PATH, title: `Change ${request.person.name}’s workforce group?`, caption: 'Workforce group changes', submit: 'Send decision' };
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <>
      <SummaryList
        rows={[
          { key: 'Organisation', value: request.organisation },
          { key: 'Change', value: change(request) },
          { key: 'Their reason', value: request.reason },
          { key: 'Asked on', value: formatDate(request.requestedAt) },
        ]}
      />
      <TargetForm c={c} target={target}>
        <Choices
          {...field.many('decision')}
          type="radio"
          label="Do you approve the change?"
          legendSize="m"
          hint={STRADDLE_GUIDANCE}
          options={[
            { value: 'approved', text: 'Yes, change their group' },
            { value: 'declined', text: 'No, keep their group' },
          ]}
        />
        <Textarea {...field.one('reason')} label="Reason (needed to decline)" hint={`We email it to them. ${NO_IDENTIFYING_DETAILS}`} />
      </TargetForm>
    </>,
  );
}

const decide = (c: AppContext) =>
  submitForm(
    c,
    groupChangeDecisionInput,
    (values, errors) => decidePage(c, values, errors),
    (input) => decideGroupRequest(personalScope(c), uuidParam(c, 'requestId', 'Request'), input),
    (decided) => `${REQUESTS_PATH}?done=${decided.decision}`,
  );

// ---- Setting a person's group -------------------------------------------------------------

async function setPage(c: AppContext, values?: FormValues, errors: FieldErrors = {}) {
  const { person, groups } = await personForGroupChange(personalScope(c), uuidParam(c, 'personId', 'Person'));
  const target = { action: `/manage/people/${person.id}/workforce-group`, backLink: isCoordinator(c) ? `/manage/people/${person.id}` : REQUESTS_PATH, title: `${person.name}’s workforce group`, caption: person.organisation, submit: 'Save group' };
  const field = fieldsOf(values ?? { workforceGroupId: person.group?.id ?? '' }, errors);
  return formPage(
    c,
    { ...target, errors, banner: <Done c={c} messages={{ saved: 'Workforce group saved' }} /> },
    <>
      <p class="govuk-body">
        {person.jobTitle}. Their workforce group is {person.group?.name ?? 'not set'}.
      </p>
      <TargetForm c={c} target={target}>
        <GroupChoices groups={groups} field={field.many('workforceGroupId')} label="Workforce group" />
      </TargetForm>
    </>,
  );
}

const save = (c: AppContext) =>
  submitForm(
    c,
    workforceGroupInput,
    (values, errors) => setPage(c, values, errors),
    (input) => setWorkforceGroup(personalScope(c), uuidParam(c, 'personId', 'Person'), input.workforceGroupId),
    (person) => `/manage/people/${person.id}/workforce-group?done=saved`,
  );

export const groupChangeRoutes = [
  get(ASK_PATH, 'signed-in', (c) => askPage(c)),
  post(ASK_PATH, 'signed-in', ask),
  get(REQUESTS_PATH, DECIDERS, requestsPage),
  get(`${REQUESTS_PATH}/:requestId`, DECIDERS, (c) => decidePage(c)),
  post(`${REQUESTS_PATH}/:requestId`, DECIDERS, decide),
  get('/manage/people/:personId/workforce-group', DECIDERS, (c) => setPage(c)),
  post('/manage/people/:personId/workforce-group', DECIDERS, save),
];
