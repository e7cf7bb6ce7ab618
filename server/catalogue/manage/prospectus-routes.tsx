// The coordinator's prospectus pages: the list, creating a draft, changing and publishing
// it. The rules live in prospectus-service.ts; these pages only translate HTTP.
import { Button, ButtonLink, Form, ImportedTag, ImportedYearNote, StatusTag, Table, Textarea, TextInput, WarningText } from '../../../web/components';
import { formatDate, fromLondon } from '../../shared/dates';
import type { FieldErrors } from '../../shared/errors';
import { scope, type AppContext } from '../../http/context';
import { fieldsOf, type FormValues } from '../../http/forms';
import { render, seeOther } from '../../http/render';
import { get, post } from '../../http/routes';
import { ChangeableSummary, DateInput, dateValues, Done, formPage, submitForm, TargetForm, withDateParts, type FormTarget } from '../../http/form-pages';
import { prospectusInput } from '../schemas';
import type { Prospectus } from '../service';
import { listCoursesForManaging } from './course-service';
import { createProspectus, getProspectus, listProspectusesWithCounts, nextProspectusYear, proposedSessionCount, publishProspectus, updateProspectus } from './prospectus-service';
import type { Role } from '../../../db/schema';
import { uuidParam } from '../../http/params';
import { csrfToken } from '../../http/security';

const COORDINATOR: Role[] = ['coordinator'];
const prospectusId = (c: AppContext) => uuidParam(c, 'prospectusId', 'Prospectus');

/** "Thursday 1 April 2027" for a stored "2027-04-01". */
const dayOf = (iso: string) => formatDate(fromLondon(iso, '12:00'));

async function prospectusList(c: AppContext) {
  const list = await listProspectusesWithCounts(scope(c));
  return render(
    c,
    { title: 'Prospectuses', backLink: '/manage' },
    <>
      <h1 class="govuk-heading-l">Prospectuses</h1>
      <ButtonLink href="/manage/prospectuses/new">Create a draft prospectus</ButtonLink>
      {list.length ? (
        <Table
          head={['Year', 'Title', 'Courses', 'Status']}
          rows={list.map((p) => [p.year, <a class="govuk-link" href={`/manage/prospectuses/${p.id}`}>{p.title}</a>, String(p.courseCount), p.importedAt ? <ImportedTag /> : <StatusTag status={p.status} />])}
        />
      ) : (
        <p class="govuk-body">There are no prospectuses yet.</p>
      )}
    </>,
  );
}

async function suggestedProspectus(c: AppContext): Promise<FormValues> {
  const next = await nextProspectusYear(scope(c));
  return { year: next.year, title: `Learning and development prospectus ${next.year}`, ...dateValues('startsOn', next.startsOn), ...dateValues('endsOn', next.endsOn) };
}

const prospectusForm = withDateParts(['startsOn', 'endsOn'], prospectusInput);

function prospectusFormPage(c: AppContext, target: FormTarget, values: FormValues, errors: FieldErrors = {}) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <TextInput {...field.one('year')} label="Year" hint="The partnership’s year, like 2027-28" width="5" />
      <TextInput {...field.one('title')} label="Title" />
      <Textarea {...field.one('introduction')} label="Introduction (optional)" hint="Shown on the home page above the link to the prospectus" />
      <DateInput name="startsOn" label="First day" values={values} error={errors.startsOn} hint="For example, 1 4 2027" />
      <DateInput name="endsOn" label="Last day" values={values} error={errors.endsOn} hint="For example, 31 3 2028" />
    </TargetForm>,
  );
}

const newProspectusTarget: FormTarget = { action: '/manage/prospectuses', backLink: '/manage/prospectuses', title: 'Create a draft prospectus', caption: 'Prospectuses', submit: 'Create draft' };
const editProspectusTarget = (p: Prospectus): FormTarget => ({ action: `/manage/prospectuses/${p.id}`, backLink: `/manage/prospectuses/${p.id}`, title: 'Change the prospectus', caption: p.title, submit: 'Save changes' });

async function prospectusPage(c: AppContext) {
  const s = scope(c);
  const p = await getProspectus(s, prospectusId(c));
  const [list, proposed] = await Promise.all([listCoursesForManaging(s, p.id), p.status === 'draft' ? proposedSessionCount(s, p.id) : 0]);
  const edit = `/manage/prospectuses/${p.id}/edit`;
  return render(
    c,
    { title: p.title, backLink: '/manage/prospectuses' },
    <>
      <Done c={c} messages={{ created: 'Draft prospectus created', changed: 'Prospectus changed', published: 'Prospectus published: everyone can now see it' }} />
      <span class="govuk-caption-l">Prospectus {p.year}</span>
      <h1 class="govuk-heading-l">{p.title}</h1>
      <ImportedYearNote importedAt={p.importedAt} />
      {p.importedAt ? null : (
        <p class="govuk-body">
          <StatusTag status={p.status} />{' '}
          {p.status === 'draft'
            ? 'Only coordinators can see a draft.'
            : `Published${p.publishedAt ? ` on ${formatDate(p.publishedAt)}` : ''}. Everyone can see it. You can still change it and add courses.`}
        </p>
      )}
      {proposed ? (
        <WarningText>
          {proposed === 1 ? '1 date was' : `${proposed} dates were`} proposed from last year’s review, in the same months as last year’s. Confirm, change or cancel each on its course’s page before publishing.
        </WarningText>
      ) : null}
      {p.status === 'draft' ? (
        <Form action={`/manage/prospectuses/${p.id}/publish`} csrfToken={csrfToken(c)}>
          <WarningText>Publishing shows this prospectus and its courses to everyone. You cannot make it a draft again.</WarningText>
          <Button>Publish the prospectus</Button>
        </Form>
      ) : null}
      <ChangeableSummary
        rows={[
          { key: 'Year', value: p.year, change: `${edit}#year` },
          { key: 'Title', value: p.title, change: `${edit}#title` },
          { key: 'Introduction', value: p.introduction || 'None', change: `${edit}#introduction` },
          { key: 'First day', value: dayOf(p.startsOn), change: `${edit}#startsOn` },
          { key: 'Last day', value: dayOf(p.endsOn), change: `${edit}#endsOn` },
        ].map((row) => (p.importedAt ? { ...row, change: undefined } : row))}
      />
      <h2 class="govuk-heading-m">Courses</h2>
      {p.importedAt ? null : (
        <ButtonLink href={`/manage/prospectuses/${p.id}/courses/new`} secondary>
          Add a course
        </ButtonLink>
      )}
      {list.length ? (
        <Table
          head={['Course', 'Delivery', 'Dates scheduled', 'Status']}
          rows={list.map((x) => [
            <a class="govuk-link" href={`/manage/courses/${x.id}`}>{x.title}</a>,
            x.deliveryMode,
            String(x.scheduledSessions),
            <StatusTag status={x.withdrawn ? 'withdrawn' : 'listed'} />,
          ])}
        />
      ) : (
        <p class="govuk-body">This prospectus has no courses yet.</p>
      )}
    </>,
  );
}

export const prospectusRoutes = [
  get('/manage/prospectuses', COORDINATOR, prospectusList),
  get('/manage/prospectuses/new', COORDINATOR, async (c) => prospectusFormPage(c, newProspectusTarget, await suggestedProspectus(c))),
  post('/manage/prospectuses', COORDINATOR, (c) =>
    submitForm(c, prospectusForm, (values, errors) => prospectusFormPage(c, newProspectusTarget, values, errors), (input) => createProspectus(scope(c), input), (p) => `/manage/prospectuses/${p.id}?done=created`),
  ),
  get('/manage/prospectuses/:prospectusId', COORDINATOR, prospectusPage),
  get('/manage/prospectuses/:prospectusId/edit', COORDINATOR, async (c) => {
    const p = await getProspectus(scope(c), prospectusId(c));
    return prospectusFormPage(c, editProspectusTarget(p), { year: p.year, title: p.title, introduction: p.introduction, ...dateValues('startsOn', p.startsOn), ...dateValues('endsOn', p.endsOn) });
  }),
  post('/manage/prospectuses/:prospectusId', COORDINATOR, async (c) => {
    const p = await getProspectus(scope(c), prospectusId(c));
    return submitForm(c, prospectusForm, (values, errors) => prospectusFormPage(c, editProspectusTarget(p), values, errors), (input) => updateProspectus(scope(c), p.id, input), () => `/manage/prospectuses/${p.id}?done=changed`);
  }),
  post('/manage/prospectuses/:prospectusId/publish', COORDINATOR, async (c) => {
    const id = prospectusId(c);
    await publishProspectus(scope(c), id);
    return seeOther(c, `/manage/prospectuses/${id}?done=published`);
  }),
];
