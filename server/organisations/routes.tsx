// The coordinator's pages for the partner organisations people register under.
import { ActionLink, ButtonLink, Choices, StatusTag, Table, TextInput } from '../../web/components';
import type { Role } from '../../db/schema';
import { PARTNER_STATUSES, SECTORS } from '../../db/schema';
import { Done, formPage, submitForm, TargetForm, type FormTarget } from '../http/form-pages';
import { uuidParam } from '../http/params';
import type { FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { fieldsOf, type FormValues } from '../http/forms';
import { render } from '../http/render';
import { get, post } from '../http/routes';
import { createOrganisation, getOrganisation, listOrganisations, organisationInput, updateOrganisation, type Organisation } from './service';

const COORDINATOR: Role[] = ['coordinator'];
const options = (list: readonly string[]) => list.map((v) => ({ value: v, text: v[0].toUpperCase() + v.slice(1) }));

async function organisationList(c: AppContext) {
  const list = await listOrganisations(scope(c));
  return render(
    c,
    { title: 'Organisations', backLink: '/manage' },
    <>
      <Done c={c} messages={{ created: 'Organisation added', changed: 'Organisation changed' }} />
      <h1 class="govuk-heading-l">Organisations</h1>
      <p class="govuk-body">People choose from the active organisations when they register.</p>
      <ButtonLink href="/manage/organisations/new">Add an organisation</ButtonLink>
      <Table
        head={['Name', 'Sector', 'Partner status', 'Status', 'Actions']}
        rows={list.map((o) => [
          <>
            {o.name} <span class="govuk-hint govuk-!-display-inline">({o.shortName})</span>
          </>,
          o.sector,
          o.partnerStatus,
          <StatusTag status={o.active ? 'active' : 'inactive'} />,
          <ActionLink href={`/manage/organisations/${o.id}/edit`} text="Change" about={o.name} />,
        ])}
      />
    </>,
  );
}

function organisationForm(c: AppContext, target: FormTarget, values: FormValues, errors: FieldErrors = {}) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <TextInput {...field.one('name')} label="Name" />
      <TextInput {...field.one('shortName')} label="Short name" hint="For example, RMBC or TRFT" width="10" />
      <Choices type="radio" {...field.many('sector')} label="Sector" small options={options(SECTORS)} />
      <Choices
        type="radio"
        {...field.many('partnerStatus')}
        label="Partner status"
        hint="Under the partnership’s arrangements. This decides who may book free of charge."
        small
        options={options(PARTNER_STATUSES)}
      />
      <Choices
        type="radio"
        {...field.many('active')}
        label="Can people choose it when they register?"
        hint="Answer no for an organisation that has closed or merged. Its people keep their records."
        inline
        small
        options={[
          { value: 'yes', text: 'Yes' },
          { value: 'no', text: 'No' },
        ]}
      />
    </TargetForm>,
  );
}

const newTarget: FormTarget = { action: '/manage/organisations', backLink: '/manage/organisations', title: 'Add an organisation', caption: 'Organisations', submit: 'Add organisation' };
const editTarget = (o: Organisation): FormTarget => ({ action: `/manage/organisations/${o.id}`, backLink: '/manage/organisations', title: `Change ${o.name}`, caption: 'Organisations', submit: 'Save changes' });
const organisation = (c: AppContext) => getOrganisation(scope(c), uuidParam(c, 'organisationId', 'Organisation'));

export const organisationRoutes = [
  get('/manage/organisations', COORDINATOR, organisationList),
  get('/manage/organisations/new', COORDINATOR, (c) => organisationForm(c, newTarget, { active: 'yes' })),
  post('/manage/organisations', COORDINATOR, (c) =>
    submitForm(c, organisationInput, (values, errors) => organisationForm(c, newTarget, values, errors), (input) => createOrganisation(scope(c), input), () => '/manage/organisations?done=created'),
  ),
  get('/manage/organisations/:organisationId/edit', COORDINATOR, async (c) => {
    const o = await organisation(c);
    return organisationForm(c, editTarget(o), { name: o.name, shortName: o.shortName, sector: o.sector, partnerStatus: o.partnerStatus, active: o.active ? 'yes' : 'no' });
  }),
  post('/manage/organisations/:organisationId', COORDINATOR, async (c) => {
    const o = await organisation(c);
    return submitForm(c, organisationInput, (values, errors) => organisationForm(c, editTarget(o), values, errors), (input) => updateOrganisation(scope(c), o.id, input), () => '/manage/organisations?done=changed');
  }),
];
