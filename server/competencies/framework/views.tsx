// The framework's versions as page parts: a version's groups and its competencies by domain (with
// Change links on a draft), what a draft does not carry forward, and the problems of a file that
// could not be imported.
import { ActionLink, Table, Tag, WarningText } from '../../../web/components';
import { groupName, plural } from '../../../web/domain';
import type { ImportProblem } from './csv';
import type { VersionCompetency, VersionDetail, VersionStatus } from './service';

export const FRAMEWORK_PATH = '/manage/framework';
export const DRAFT_PATH = `${FRAMEWORK_PATH}/draft`;
export const versionPath = (id: string) => `${FRAMEWORK_PATH}/versions/${id}`;

const STATUS_TAGS: Record<VersionStatus, { text: string; colour: string }> = {
  draft: { text: 'Draft', colour: 'yellow' },
  current: { text: 'Current', colour: 'green' },
  earlier: { text: 'Replaced', colour: 'grey' },
};
export const VersionTag = ({ status }: { status: VersionStatus }) => <Tag colour={STATUS_TAGS[status].colour}>{STATUS_TAGS[status].text}</Tag>;

/** "36 months", and whether it is the version's default. */
const refreshText = (c: Pick<VersionCompetency, 'refreshMonths'>, defaultMonths: number) =>
  c.refreshMonths === null ? `${plural(defaultMonths, 'month', 'months')} (the default)` : plural(c.refreshMonths, 'month', 'months');

export function GroupTable({ version }: { version: VersionDetail }) {
  const draft = version.framework.status === 'draft';
  return (
    <Table
      caption="Workforce groups"
      head={['Code', 'Group', 'Outside scheme', ...(draft ? ['Actions'] : [])]}
      rows={version.groups.map((g) => [
        g.code,
        <>
          <strong>{g.name}</strong>
          <span class="govuk-body-s app-block govuk-!-margin-bottom-0">{g.who}</span>
        </>,
        g.outsideScheme || 'None',
        ...(draft ? [<ActionLink href={`${DRAFT_PATH}/groups/${g.id}`} text="Change" about={groupName(g)} />] : []),
      ])}
    />
  );
}

/** One table per domain, in the order of their first competency's code. */
export function CompetencyTables({ version }: { version: VersionDetail }) {
  const draft = version.framework.status === 'draft';
  const domains = new Map<string, VersionCompetency[]>();
  for (const c of version.competencies) domains.set(c.domain, [...(domains.get(c.domain) ?? []), c]);
  const codeOf = new Map(version.groups.map((g) => [g.id, g.code]));
  return (
    <>
      {[...domains].map(([domain, list]) => (
        <Table
          caption={domain}
          head={['Competency', 'Required for groups', 'Refresh', 'Continues', 'Courses that develop it', ...(draft ? ['Actions'] : [])]}
          rows={list.map((c) => [
            <>
              <strong>{c.code}</strong> {c.statement}
            </>,
            c.requiredFor.length ? c.requiredFor.map((id) => codeOf.get(id)).join(', ') : 'None',
            refreshText(c, version.framework.defaultRefreshMonths),
            c.continues ? `${c.continues.code} of version ${c.continues.version}` : 'Nothing: new',
            c.courses.length ? (
              <ul class="govuk-list govuk-!-margin-bottom-0">
                {c.courses.map((course) => (
                  <li>
                    <a class="govuk-link" href={`/manage/courses/${course.id}`}>{course.title}</a>
                    {course.deliveryMode === 'E-learning' ? ' (e-learning)' : ''}
                  </li>
                ))}
              </ul>
            ) : (
              'None'
            ),
            ...(draft ? [<ActionLink href={`${DRAFT_PATH}/competencies/${c.id}`} text="Change" about={`${c.code} ${c.statement}`} />] : []),
          ])}
        />
      ))}
    </>
  );
}

/** What publishing the draft leaves behind: competencies nothing continues, and groups whose people lose their profile. */
export function NotCarriedForward({ version }: { version: VersionDetail }) {
  const { notCarriedForward, groupsNotCarried } = version;
  return (
    <>
      <h2 class="govuk-heading-m">Not carried forward</h2>
      {notCarriedForward.length ? (
        <>
          <p class="govuk-body">No competency of the draft continues these competencies of the current version. Once the draft is published, evidence of them counts for nothing in it, and courses stop developing them:</p>
          <ul class="govuk-list govuk-list--bullet" id="not-carried-forward">
            {notCarriedForward.map((c) => (
              <li>
                <strong>{c.code}</strong> {c.statement}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p class="govuk-body">Every competency of the current version is continued by one in the draft, so its evidence carries forward.</p>
      )}
      {groupsNotCarried.length ? (
        <WarningText>
          The draft has no group with the code of {groupsNotCarried.map((g) => `${g.name} (code ${g.code}, ${plural(g.people, 'person', 'people')})`).join(', ')}. People in
          {groupsNotCarried.length === 1 ? ' it' : ' them'} will have no competency profile until they choose a group of the new version.
        </WarningText>
      ) : null}
    </>
  );
}

const where = (p: ImportProblem) => [p.line === null ? 'The file' : `Line ${p.line}`, p.column ? `column ${p.column}` : ''].filter(Boolean).join(', ');

export function ImportProblems({ problems }: { problems: ImportProblem[] }) {
  return <Table caption="Problems in the file" head={['Where', 'Problem']} rows={problems.map((p) => [where(p), p.message[0].toUpperCase() + p.message.slice(1)])} />;
}
