// The coordinator's framework pages: the versions, a version (read-only unless it is the draft),
// starting, changing and publishing the draft, and the framework file's export and import. The
// rules are in ./service and ./csv; these pages only translate HTTP. Courses are mapped to
// competencies on each course's own page, which the version page links to.
import type { z } from 'zod';
import type { Role } from '../../../db/schema';
import { Button, ButtonLink, Choices, Form, Select, Table, Textarea, TextInput, WarningText } from '../../../web/components';
import { groupName } from '../../../web/domain';
import { scope, type AppContext } from '../../http/context';
import { ChangeableSummary, CsvUploadForm, Done, formPage, readCsvUpload, submitForm, TargetForm, type FormTarget } from '../../http/form-pages';
import { fieldsOf, many, one, type FormValues } from '../../http/forms';
import { uuidParam } from '../../http/params';
import { render, seeOther } from '../../http/render';
import { get, post, withBodyLimit } from '../../http/routes';
import { formatDate } from '../../shared/dates';
import { notFound, type FieldErrors } from '../../shared/errors';
import { exportFrameworkCsv, importFrameworkCsv, MAX_FRAMEWORK_UPLOAD_BYTES, type ImportProblem } from './csv';
import { competencyInput, draftDetailsInput, groupInput } from './schemas';
import {
  addCompetency,
  addGroup,
  changeCompetency,
  changeGroup,
  draftVersion,
  findDraft,
  getVersion,
  listVersions,
  publishDraft,
  removeCompetency,
  removeGroup,
  startDraft,
  updateDraftDetails,
  type VersionDetail,
} from './service';
import { CompetencyTables, DRAFT_PATH, FRAMEWORK_PATH, GroupTable, ImportProblems, NotCarriedForward, versionPath, VersionTag } from './views';
import { csrfToken } from '../../http/security';

const COORDINATOR: Role[] = ['coordinator'];
const CAPTION = 'Competency framework';

const DONE = {
  started: 'Draft started: it is a copy of the current version',
  changed: 'Draft changed',
  'group-added': 'Group added',
  'group-changed': 'Group changed',
  'group-removed': 'Group removed',
  'competency-added': 'Competency added',
  'competency-changed': 'Competency changed',
  'competency-removed': 'Competency removed',
  imported: 'File imported into the draft',
  published: 'Published: this is now the current version',
};

async function versionsPage(c: AppContext) {
  const s = scope(c);
  const versions = await listVersions(s);
  const draft = versions.find((v) => v.status === 'draft');
  return render(
    c,
    { title: CAPTION, backLink: '/manage' },
    <>
      <Done c={c} messages={DONE} />
      <h1 class="govuk-heading-l">{CAPTION}</h1>
      <p class="govuk-body">
        The workforce groups people choose from, the competencies each group needs, and how long evidence of each lasts. People’s competency profiles read the current version. Change the framework
        in a draft, then publish it.
      </p>
      {draft ? (
        <p class="govuk-body">
          <a class="govuk-link" href={versionPath(draft.id)}>Change the draft (version {draft.version})</a>
        </p>
      ) : (
        <Form action={DRAFT_PATH} csrfToken={csrfToken(c)}>
          <p class="govuk-body">A new draft starts as a copy of the current version. Nothing changes for anyone until you publish it.</p>
          <Button secondary>Start a new draft</Button>
        </Form>
      )}
      <Table
        caption="Versions"
        head={['Version', 'Title', 'Status', 'Published']}
        rows={versions.map((v) => [
          <a class="govuk-link" href={versionPath(v.id)}>Version {v.version}</a>,
          v.title,
          <VersionTag status={v.status} />,
          v.publishedAt ? formatDate(v.publishedAt) : 'Not yet',
        ])}
      />
    </>,
  );
}

function statusLine(version: VersionDetail) {
  const { framework } = version;
  if (framework.status === 'draft') return 'Only coordinators see a draft, and nobody’s profile changes until it is published. Published versions cannot be changed.';
  const when = framework.publishedAt ? ` on ${formatDate(framework.publishedAt)}` : '';
  return framework.status === 'current' ? `Published${when}. People’s profiles read this version. It cannot be changed: start a new draft to change the framework.` : `Published${when}, and since replaced. It cannot be changed.`;
}

function PublishForm({ c, version }: { c: AppContext; version: VersionDetail }) {
  return (
    <Form action={`${DRAFT_PATH}/publish`} csrfToken={csrfToken(c)}>
      <h2 class="govuk-heading-m">Publish the draft</h2>
      <WarningText>
        Publishing makes version {version.framework.version} the current version at once: people’s profiles, the workforce groups they choose from, and the competencies of this year’s and next
        year’s courses follow it. It cannot then be changed.
      </WarningText>
      <Button>Publish version {version.framework.version}</Button>
    </Form>
  );
}

async function versionPage(c: AppContext) {
  const version = await getVersion(scope(c), uuidParam(c, 'frameworkId', 'Framework version'));
  const { framework } = version;
  const draft = framework.status === 'draft';
  const details = `${DRAFT_PATH}/details`;
  return render(
    c,
    { title: `Version ${framework.version}: ${framework.title}`, backLink: FRAMEWORK_PATH },
    <>
      <Done c={c} messages={DONE} />
      <span class="govuk-caption-l">{CAPTION}</span>
      <h1 class="govuk-heading-l">
        Version {framework.version}: {framework.title}
      </h1>
      <p class="govuk-body">
        <VersionTag status={framework.status} /> {statusLine(version)}
      </p>
      <ChangeableSummary
        rows={[
          { key: 'Title', value: framework.title, change: draft ? `${details}#title` : undefined },
          { key: 'Refresh period', value: `${framework.defaultRefreshMonths} months, unless a competency says otherwise`, change: draft ? `${details}#defaultRefreshMonths` : undefined },
        ]}
      />
      <ul class="govuk-list">
        <li>
          <a class="govuk-link" href={`${versionPath(framework.id)}/framework.csv`} download>
            Download version {framework.version} as a CSV file
          </a>
        </li>
        {draft ? (
          <li>
            <a class="govuk-link" href={`${DRAFT_PATH}/import`}>Import a CSV file into the draft</a>
          </li>
        ) : null}
      </ul>
      <GroupTable version={version} />
      {draft ? (
        <ButtonLink href={`${DRAFT_PATH}/groups/new`} secondary>
          Add a group
        </ButtonLink>
      ) : null}
      <h2 class="govuk-heading-m">Competencies</h2>
      <p class="govuk-body">
        {draft
          ? 'The courses are those of this year’s and next year’s prospectuses that will develop each competency once the draft is published: what they develop now, carried to the competencies that continue it, or what an imported file planned.'
          : 'The courses are those of this year’s and next year’s prospectuses.'}{' '}
        To change which competencies a course develops, e-learning included, open the course and change it.
      </p>
      {draft ? (
        <ButtonLink href={`${DRAFT_PATH}/competencies/new`} secondary>
          Add a competency
        </ButtonLink>
      ) : null}
      <CompetencyTables version={version} />
      {draft ? (
        <>
          <NotCarriedForward version={version} />
          <PublishForm c={c} version={version} />
        </>
      ) : null}
    </>,
  );
}

const draftTarget = (version: VersionDetail, path: string, title: string, submit: string): FormTarget => ({
  action: `${DRAFT_PATH}${path}`,
  backLink: versionPath(version.framework.id),
  title,
  caption: `${CAPTION}: draft version ${version.framework.version}`,
  submit,
});

// ---- The draft's details ------------------------------------------------------------------

function detailsForm(c: AppContext, target: FormTarget, values: FormValues, errors: FieldErrors = {}) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <TextInput {...field.one('title')} label="Title" />
      <TextInput {...field.one('defaultRefreshMonths')} label="Refresh period in months" hint="How long evidence of a competency lasts before it is due for refresh, unless the competency says otherwise. 36 is three years." width="3" inputmode="numeric" />
    </TargetForm>,
  );
}

const detailsTarget = (v: VersionDetail) => draftTarget(v, '/details', 'Change the draft’s details', 'Save changes');

// ---- Groups -------------------------------------------------------------------------------

function groupForm(c: AppContext, version: VersionDetail, target: FormTarget, values: FormValues, errors: FieldErrors = {}, removable?: string) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <>
      <TargetForm c={c} target={target}>
        <TextInput {...field.one('code')} label="Code" hint="Short, like 3. People keep their group from one version to the next by its code, so keep it the same." width="5" spellcheck={false} />
        <TextInput {...field.one('name')} label="Name" hint="For example, Group 3: work predominantly with children and families" />
        <Textarea {...field.one('who')} label="Who belongs in the group" rows={3} />
        <TextInput {...field.one('outsideScheme')} label="Level in an outside scheme (optional)" hint="Shown beside the group’s name, for example Intercollegiate level 3 for health staff" />
        <TextInput {...field.one('position')} label="Position in the list" hint={`From 1 (first) to ${version.groups.length + (removable ? 0 : 1)} (last)`} width="2" inputmode="numeric" />
      </TargetForm>
      {removable ? (
        <Form action={`${DRAFT_PATH}/groups/${removable}/remove`} csrfToken={csrfToken(c)}>
          <h2 class="govuk-heading-m">Remove the group</h2>
          <p class="govuk-body">It is taken off the competencies that require it.</p>
          <Button warning>Remove this group</Button>
        </Form>
      ) : null}
    </>,
  );
}

const groupOf = (version: VersionDetail, c: AppContext) => {
  const id = uuidParam(c, 'groupId', 'Workforce group');
  const group = version.groups.find((g) => g.id === id);
  if (!group) throw notFound('Workforce group');
  return group;
};
const groupValues = (g: VersionDetail['groups'][number]): FormValues => ({ code: g.code, name: g.name, who: g.who, outsideScheme: g.outsideScheme, position: String(g.sortOrder) });

// ---- Competencies -------------------------------------------------------------------------

function competencyForm(c: AppContext, version: VersionDetail, target: FormTarget, values: FormValues, errors: FieldErrors = {}, removable?: string) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors },
    <>
      <TargetForm c={c} target={target}>
        <TextInput {...field.one('code')} label="Code" hint="Short, like A1" width="5" spellcheck={false} />
        <TextInput {...field.one('domain')} label="Domain" hint="Competencies are shown under their domain, for example Recognising harm" />
        <Textarea {...field.one('statement')} label="Competency statement" rows={3} />
        <Choices type="checkbox" name="requiredFor" label="Required for" hint="The workforce groups that need it" small options={version.groups.map((g) => ({ value: g.id, text: groupName(g) }))} values={many(values, 'requiredFor')} error={errors.requiredFor} />
        <TextInput
          {...field.one('refreshMonths')}
          label="Refresh period in months (optional)"
          hint={`Leave blank for the framework’s ${version.framework.defaultRefreshMonths} months`}
          width="3"
          inputmode="numeric"
        />
        <Select
          name="continuesId"
          label="Continues, from the current version"
          hint="Evidence of the competency it continues counts for this one. For a renamed or reworded statement choose the old one; when one is split in two, both new ones continue it."
          placeholder="Nothing: this is a new competency"
          options={version.previous.map((p) => ({ value: p.id, text: `${p.code}: ${p.statement}` }))}
          value={one(values, 'continuesId')}
          error={errors.continuesId}
        />
      </TargetForm>
      {removable ? (
        <Form action={`${DRAFT_PATH}/competencies/${removable}/remove`} csrfToken={csrfToken(c)}>
          <h2 class="govuk-heading-m">Remove the competency</h2>
          <Button warning>Remove this competency</Button>
        </Form>
      ) : null}
    </>,
  );
}

const competencyOf = (version: VersionDetail, c: AppContext) => {
  const id = uuidParam(c, 'competencyId', 'Competency');
  const competency = version.competencies.find((x) => x.id === id);
  if (!competency) throw notFound('Competency');
  return competency;
};
const competencyValues = (x: VersionDetail['competencies'][number]): FormValues => ({
  code: x.code,
  domain: x.domain,
  statement: x.statement,
  requiredFor: x.requiredFor,
  refreshMonths: x.refreshMonths === null ? '' : String(x.refreshMonths),
  continuesId: x.continues?.id ?? '',
});

// ---- The file -----------------------------------------------------------------------------

const IMPORT_TITLE = 'Import a CSV file into the draft';

function importForm(c: AppContext, version: VersionDetail, pasted = '', errors: FieldErrors = {}, problems: ImportProblem[] = []) {
  return formPage(
    c,
    { title: IMPORT_TITLE, caption: `${CAPTION}: draft version ${version.framework.version}`, backLink: versionPath(version.framework.id), errors },
    <>
      <p class="govuk-body">
        The file replaces the draft’s groups, competencies and planned course mappings. It has a row per workforce group, per competency and per course mapping, as the download of any version does:
        download one, change it in a spreadsheet, and import it here. The columns are described in the project’s docs/framework-csv.md.
      </p>
      <p class="govuk-body">Nothing is imported unless the whole file is right: every problem is listed with its line and column.</p>
      {problems.length ? <ImportProblems problems={problems} /> : null}
      <CsvUploadForm c={c} action={`${DRAFT_PATH}/import`} fileHint="A .csv file, saved as UTF-8, up to 1 MB" pasteHint="Everything in the file, including the header row" submit="Import into the draft" pasted={pasted} errors={errors} />
    </>,
  );
}

async function importPost(c: AppContext) {
  const s = scope(c);
  const version = await draftVersion(s);
  const upload = await readCsvUpload(c, 'Choose the framework’s CSV file, or paste its contents');
  if ('errors' in upload) return importForm(c, version, upload.pasted, upload.errors);
  const result = await importFrameworkCsv(s, upload.text);
  if (result.ok) return seeOther(c, `${versionPath(version.framework.id)}?done=imported`);
  const count = result.problems.length;
  return importForm(c, version, upload.pasted, { [upload.field]: `The file has ${count === 1 ? 'a problem' : `${count} problems`}, listed below: nothing was imported` }, result.problems);
}

async function exportFile(c: AppContext) {
  const { filename, csv } = await exportFrameworkCsv(scope(c), uuidParam(c, 'frameworkId', 'Framework version'));
  return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
}

// ---- The routes ---------------------------------------------------------------------------

/** A draft form's GET and POST: the form filled from the draft, and its submission, which goes back to the draft's page. */
const draftForm = <S extends z.ZodType, R>(
  show: (c: AppContext, version: VersionDetail, values: FormValues, errors?: FieldErrors) => Response | Promise<Response>,
  values: (c: AppContext, version: VersionDetail) => FormValues,
  schema: S,
  save: (c: AppContext, version: VersionDetail, input: z.output<S>) => Promise<R>,
  done: keyof typeof DONE,
) => ({
  get: async (c: AppContext) => {
    const version = await draftVersion(scope(c));
    return show(c, version, values(c, version));
  },
  post: async (c: AppContext) => {
    const version = await draftVersion(scope(c));
    return submitForm(c, schema, (v, errors) => show(c, version, v, errors), (input) => save(c, version, input), () => `${versionPath(version.framework.id)}?done=${done}`);
  },
});

const details = draftForm(
  (c, v, values, errors) => detailsForm(c, detailsTarget(v), values, errors),
  (_c, v) => ({ title: v.framework.title, defaultRefreshMonths: String(v.framework.defaultRefreshMonths) }),
  draftDetailsInput,
  (c, _v, input) => updateDraftDetails(scope(c), input),
  'changed',
);
const newGroup = draftForm(
  (c, v, values, errors) => groupForm(c, v, draftTarget(v, '/groups', 'Add a group', 'Add group'), values, errors),
  (_c, v) => ({ position: String(v.groups.length + 1) }),
  groupInput,
  (c, _v, input) => addGroup(scope(c), input),
  'group-added',
);
const editGroup = draftForm(
  (c, v, values, errors) => {
    const g = groupOf(v, c);
    return groupForm(c, v, { ...draftTarget(v, `/groups/${g.id}`, 'Change the group', 'Save changes'), caption: `${CAPTION}: draft version ${v.framework.version}, ${groupName(g)}` }, values, errors, g.id);
  },
  (c, v) => groupValues(groupOf(v, c)),
  groupInput,
  (c, v, input) => changeGroup(scope(c), groupOf(v, c).id, input),
  'group-changed',
);
const newCompetency = draftForm(
  (c, v, values, errors) => competencyForm(c, v, draftTarget(v, '/competencies', 'Add a competency', 'Add competency'), values, errors),
  () => ({}),
  competencyInput,
  (c, _v, input) => addCompetency(scope(c), input),
  'competency-added',
);
const editCompetency = draftForm(
  (c, v, values, errors) => {
    const x = competencyOf(v, c);
    return competencyForm(c, v, { ...draftTarget(v, `/competencies/${x.id}`, 'Change the competency', 'Save changes'), caption: `${CAPTION}: draft version ${v.framework.version}, ${x.code}` }, values, errors, x.id);
  },
  (c, v) => competencyValues(competencyOf(v, c)),
  competencyInput,
  (c, v, input) => changeCompetency(scope(c), competencyOf(v, c).id, input),
  'competency-changed',
);

/** A button's POST on the draft that needs no form: do it, then back to the draft's page. */
const draftAction = (act: (c: AppContext) => Promise<unknown>, done: keyof typeof DONE) => async (c: AppContext) => {
  await act(c);
  const draft = await findDraft(scope(c));
  return seeOther(c, `${draft ? versionPath(draft.id) : FRAMEWORK_PATH}?done=${done}`);
};

export const frameworkRoutes = [
  get(FRAMEWORK_PATH, COORDINATOR, versionsPage),
  get(`${FRAMEWORK_PATH}/versions/:frameworkId`, COORDINATOR, versionPage),
  get(`${FRAMEWORK_PATH}/versions/:frameworkId/framework.csv`, COORDINATOR, exportFile),
  post(DRAFT_PATH, COORDINATOR, async (c) => seeOther(c, `${versionPath((await startDraft(scope(c))).id)}?done=started`)),
  get(`${DRAFT_PATH}/details`, COORDINATOR, details.get),
  post(`${DRAFT_PATH}/details`, COORDINATOR, details.post),
  get(`${DRAFT_PATH}/groups/new`, COORDINATOR, newGroup.get),
  post(`${DRAFT_PATH}/groups`, COORDINATOR, newGroup.post),
  get(`${DRAFT_PATH}/groups/:groupId`, COORDINATOR, editGroup.get),
  post(`${DRAFT_PATH}/groups/:groupId`, COORDINATOR, editGroup.post),
  post(`${DRAFT_PATH}/groups/:groupId/remove`, COORDINATOR, draftAction((c) => removeGroup(scope(c), uuidParam(c, 'groupId', 'Workforce group')), 'group-removed')),
  get(`${DRAFT_PATH}/competencies/new`, COORDINATOR, newCompetency.get),
  post(`${DRAFT_PATH}/competencies`, COORDINATOR, newCompetency.post),
  get(`${DRAFT_PATH}/competencies/:competencyId`, COORDINATOR, editCompetency.get),
  post(`${DRAFT_PATH}/competencies/:competencyId`, COORDINATOR, editCompetency.post),
  post(`${DRAFT_PATH}/competencies/:competencyId/remove`, COORDINATOR, draftAction((c) => removeCompetency(scope(c), uuidParam(c, 'competencyId', 'Competency')), 'competency-removed')),
  get(`${DRAFT_PATH}/import`, COORDINATOR, async (c) => importForm(c, await draftVersion(scope(c)))),
  withBodyLimit(post(`${DRAFT_PATH}/import`, COORDINATOR, importPost), MAX_FRAMEWORK_UPLOAD_BYTES),
  post(`${DRAFT_PATH}/publish`, COORDINATOR, async (c) => {
    const { framework } = await publishDraft(scope(c));
    return seeOther(c, `${versionPath(framework.id)}?done=published`);
  }),
];
