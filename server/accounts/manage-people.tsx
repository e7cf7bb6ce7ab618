// The coordinator's people pages: find people, grant or remove their roles, set their line manager's address.
import { z } from 'zod';
import { ActionLink, Button, Choices, SummaryList, Table, TextInput, WarningText } from '../../web/components';
import { formatShortDate } from '../shared/dates';
import { ERASED_NAME, erasePerson, erasureCandidate, openErasureRequests } from './erasure';
import { ROLES, type Role } from '../../db/schema';
import { Done, formPage, submitForm, TargetForm } from '../http/form-pages';
import { asList } from '../shared/input';
import { uuidParam } from '../http/params';
import { conflict, type FieldErrors } from '../shared/errors';
import { personalScope, scope, type AppContext } from '../http/context';
import { getPersonWithRoles, searchPeople, setRoles } from './people';
import { lineManagerInput, setLineManager } from './line-manager';
import { many, one, type FormValues } from '../http/forms';
import { render } from '../http/render';
import { get, post } from '../http/routes';

export const rolesInput = z.object({
  roles: z.preprocess(asList, z.array(z.enum(ROLES, 'Select roles from the list')).min(1, 'Select at least one role')),
});

// ---- Pages --------------------------------------------------------------------------

const COORDINATOR: Role[] = ['coordinator'];
const ROLE_HINTS: Record<Role, string> = {
  practitioner: 'Books training and gives feedback',
  trainer: 'Sees the registers of their sessions and records attendance',
  coordinator: 'Builds the prospectus and manages bookings, organisations and people',
  reviewer: 'Reads the impact evidence and the year-end review',
  'organisation lead': 'Sees their organisation’s staff training',
};
const roleList = (roles: Role[]) => (roles.length ? roles.join(', ') : 'None');

async function peoplePage(c: AppContext) {
  const q = (c.req.query('q') ?? '').slice(0, 100);
  const [{ people: found, more }, requests] = await Promise.all([searchPeople(scope(c), q), openErasureRequests(scope(c))]);
  return render(
    c,
    { title: 'People', backLink: '/manage' },
    <>
      <Done c={c} messages={{ erased: 'Person erased' }} />
      <h1 class="govuk-heading-l">People</h1>
      {requests.length ? (
        <>
          <h2 class="govuk-heading-m">Asked to be erased</h2>
          <Table
            head={['Name', 'Email', 'Asked on', 'Actions']}
            rows={requests.map((r) => [r.name, r.email, formatShortDate(r.requestedAt), <ActionLink href={`/manage/people/${r.personId}/erase`} text="Erase" about={r.name} />])}
          />
        </>
      ) : null}
      <form method="get" action="/manage/people" role="search" aria-label="People">
        <TextInput name="q" label="Search by name or email" width="20" spellcheck={false} value={q} />
        <Button secondary>Search</Button>
      </form>
      <p class="govuk-body" role="status">
        {found.length ? `${more ? 'The first ' : ''}${found.length} ${found.length === 1 ? 'person' : 'people'}` : 'Nobody'}
        {q ? ` matching ‘${q}’` : ''}
        {more ? '. Search to narrow the list.' : ''}
      </p>
      {found.length ? (
        <Table
          head={['Name', 'Email', 'Organisation', 'Roles', 'Actions']}
          rows={found.map((p) => [p.name, p.email, p.organisation, roleList(p.roles), <ActionLink href={`/manage/people/${p.id}`} text="Change roles" about={`for ${p.name}`} />])}
        />
      ) : null}
    </>,
  );
}

type Person = Awaited<ReturnType<typeof getPersonWithRoles>>;

function personPage(c: AppContext, person: Person, values: FormValues, errors: FieldErrors = {}) {
  const self = person.id === c.get('viewer')?.id;
  if (person.erasedAt) {
    return formPage(c, { title: person.name, caption: 'People', backLink: '/manage/people' }, <p class="govuk-body">This person was erased on {formatShortDate(person.erasedAt)}. Their bookings, attendance and answers are kept without their name.</p>);
  }
  const target = { action: `/manage/people/${person.id}/roles`, backLink: '/manage/people', title: person.name, caption: 'People', submit: 'Save roles' };
  return formPage(
    c,
    { ...target, errors, banner: <Done c={c} messages={{ roles: 'Roles saved', confirmation: 'Line manager’s confirmation recorded', 'line-manager': 'Line manager’s address saved' }} /> },
    <>
      <SummaryList
        rows={[
          { key: 'Email', value: person.email },
          { key: 'Organisation', value: person.organisation },
          { key: 'Job title', value: person.jobTitle },
          { key: 'Roles', value: roleList(person.roles) },
          {
            key: 'Line manager',
            value: `${person.lineManagerEmail ?? 'None confirmed'}${person.pendingLineManagerEmail ? ` (they gave ${person.pendingLineManagerEmail}, not yet confirmed)` : ''}`,
          },
        ]}
      />
      <TargetForm c={c} target={{ ...target, action: `/manage/people/${person.id}/line-manager`, submit: 'Save line manager’s address' }}>
        <TextInput
          name="lineManagerEmail"
          label="Line manager’s email address"
          hint="Used at once: approvals and the three-month survey go to it"
          type="email"
          spellcheck={false}
          value={one(values, 'lineManagerEmail')}
          error={errors.lineManagerEmail}
        />
      </TargetForm>
      <p class="govuk-body">
        <a class="govuk-link" href={`/manage/people/${person.id}/workforce-group`}>
          Change their workforce group
        </a>
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={`/manage/people/${person.id}/competency-confirmations`}>
          Record a line manager’s confirmation of a competency
        </a>
      </p>
      {self ? null : (
        <p class="govuk-body">
          <a class="govuk-link" href={`/manage/people/${person.id}/erase`}>
            Erase this person
          </a>
        </p>
      )}
      <TargetForm c={c} target={target}>
        <Choices
          type="checkbox"
          name="roles"
          label="Roles"
          legendSize="m"
          hint={self ? 'This is you: you cannot remove your own coordinator role.' : 'Select all that apply'}
          options={ROLES.map((role) => ({ value: role, text: role[0].toUpperCase() + role.slice(1), hint: ROLE_HINTS[role] }))}
          values={many(values, 'roles')}
          error={errors.roles}
        />
      </TargetForm>
    </>,
  );
}

export const eraseInput = z.object({ confirm: z.literal('yes', 'Confirm that you want to erase this person') });

type Candidate = Awaited<ReturnType<typeof erasureCandidate>>;

/** The confirmation before erasing: what goes, what stays, and a box to tick. */
function erasePage(c: AppContext, person: Candidate, values: FormValues = {}, errors: FieldErrors = {}) {
  const target = { action: `/manage/people/${person.id}/erase`, backLink: `/manage/people/${person.id}`, title: `Erase ${person.name}`, caption: 'People', submit: 'Erase this person' };
  return formPage(
    c,
    { ...target, errors },
    <>
      <WarningText>This cannot be undone.</WarningText>
      <p class="govuk-body">Erasing {person.name} ({person.email}) removes:</p>
      <ul class="govuk-list govuk-list--bullet">
        <li>their name, email address and job title</li>
        <li>their line manager’s address, sign-in links, sessions and API tokens</li>
        <li>mail to them, and what they wrote in feedback, surveys and requests</li>
      </ul>
      <p class="govuk-body">
        Their {person.bookingCount === 1 ? '1 booking' : `${person.bookingCount} bookings`}, attendance, ratings and survey answers stay, named ‘{ERASED_NAME}’, with their organisation
        and workforce group, so the published figures do not change. They will not be able to sign in.
      </p>
      <TargetForm c={c} target={target} warning>
        <Choices type="checkbox" name="confirm" label="Confirm" legendSize="m" options={[{ value: 'yes', text: `Yes, erase ${person.name}` }]} values={many(values, 'confirm')} error={errors.confirm} />
      </TargetForm>
    </>,
  );
}

const candidate = async (c: AppContext) => {
  const found = await erasureCandidate(scope(c), uuidParam(c, 'personId', 'Person'));
  if (found.erasedAt) throw conflict('This person has already been erased');
  return found;
};

const person = (c: AppContext) => getPersonWithRoles(scope(c), uuidParam(c, 'personId', 'Person'));

export const peopleRoutes = [
  get('/manage/people', COORDINATOR, peoplePage),
  get('/manage/people/:personId/erase', COORDINATOR, async (c) => erasePage(c, await candidate(c))),
  post('/manage/people/:personId/erase', COORDINATOR, async (c) => {
    const p = await candidate(c);
    return submitForm(c, eraseInput, (values, errors) => erasePage(c, p, values, errors), () => erasePerson(personalScope(c), p.id), () => '/manage/people?done=erased');
  }),
  get('/manage/people/:personId', COORDINATOR, async (c) => {
    const p = await person(c);
    return personPage(c, p, { roles: p.roles });
  }),
  post('/manage/people/:personId/roles', COORDINATOR, async (c) => {
    const p = await person(c);
    return submitForm(c, rolesInput, (values, errors) => personPage(c, p, values, errors), (input) => setRoles(scope(c), p.id, input.roles), () => `/manage/people/${p.id}?done=roles`);
  }),
  post('/manage/people/:personId/line-manager', COORDINATOR, async (c) => {
    const p = await person(c);
    return submitForm(
      c,
      lineManagerInput,
      (values, errors) => personPage(c, p, { roles: p.roles, ...values }, errors),
      (input) => setLineManager(scope(c), p.id, input.lineManagerEmail),
      () => `/manage/people/${p.id}?done=line-manager`,
    );
  }),
];
