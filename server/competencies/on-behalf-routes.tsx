// A coordinator records a line manager's confirmation on their behalf, for a manager who gave
// it some other way (a letter, a meeting). confirmCompetency records it with the coordinator as
// the actor, dated today and audited; nobody records their own.
import { Select, Textarea, TextInput } from '../../web/components';
import type { Role } from '../../db/schema';
import type { FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { formPage, submitForm, TargetForm } from '../http/form-pages';
import { fieldsOf, type FormValues } from '../http/forms';
import { uuidParam } from '../http/params';
import { get, post } from '../http/routes';
import { confirmationOnBehalfForm } from './confirmation-requests';
import { onBehalfInput } from './schemas';
import { confirmCompetency } from './service';
import { NO_IDENTIFYING_DETAILS } from './views';

const COORDINATOR: Role[] = ['coordinator'];
const path = (personId: string) => `/manage/people/${personId}/competency-confirmations`;

async function recordPage(c: AppContext, values?: FormValues, errors: FieldErrors = {}) {
  const { person, competencies } = await confirmationOnBehalfForm(scope(c), uuidParam(c, 'personId', 'Person'));
  const target = { action: path(person.id), backLink: `/manage/people/${person.id}`, title: 'Record a line manager’s confirmation', caption: `${person.name}, ${person.organisation}`, submit: 'Record confirmation' };
  const field = fieldsOf(values ?? { confirmedByEmail: person.lineManagerEmail ?? '' }, errors);
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <p class="govuk-body">Record it here when their line manager has confirmed, some other way than the emailed link, that they apply a competency in practice. It is dated today and recorded as made by you.</p>
      <Select {...field.one('competencyId')} label="Competency" placeholder="Choose a competency" options={competencies.map((comp) => ({ value: comp.id, text: `${comp.code}: ${comp.statement}` }))} />
      <TextInput {...field.one('confirmedByEmail')} label="Line manager’s email address" type="email" spellcheck={false} />
      <Textarea {...field.one('note')} label="What has the line manager seen that shows it?" hint={`For example, supervision, their practice or training elsewhere. ${NO_IDENTIFYING_DETAILS}`} />
    </TargetForm>,
  );
}

const record = (c: AppContext) =>
  submitForm(
    c,
    onBehalfInput,
    (values, errors) => recordPage(c, values, errors),
    (input) => confirmCompetency(scope(c), { ...input, personId: uuidParam(c, 'personId', 'Person') }),
    (row) => `/manage/people/${row.personId}?done=confirmation`,
  );

export const onBehalfRoutes = [get('/manage/people/:personId/competency-confirmations', COORDINATOR, (c) => recordPage(c)), post('/manage/people/:personId/competency-confirmations', COORDINATOR, record)];
