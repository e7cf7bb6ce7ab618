// Learning needs as pages and CSV files: the partnership's gap map for coordinators and reviewers,
// and an organisation's analysis for its lead, coordinators and reviewers (names of people for
// its lead and coordinators only). The rules and the suppression are in ./needs.
import type { Role } from '../../db/schema';
import { formatDay } from '../shared/dates';
import { notFound } from '../shared/errors';
import { personalScope, type AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { render, seeOther } from '../http/render';
import { get } from '../http/routes';
import { gapMapCsv, gapMapFilename, learningNeedsCsv, learningNeedsFilename } from './needs-csv';
import { describeFigure, gapMap, learningNeeds, ledOrganisation } from './needs';
import { AboutTheFigures, ByOrganisation, Coverage, GapMapTable, GroupsTable, NeedsTable, PeopleToTrain } from './needs-views';

export const NEEDS_PATH = '/learning-needs';
const organisationPath = (id: string) => `${NEEDS_PATH}/organisations/${id}`;
const READERS: Role[] = ['coordinator', 'reviewer'];

const csv = (c: AppContext, body: string, filename: string) =>
  c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });

/** Coordinators and reviewers get the gap map; an organisation's lead, their own organisation's analysis. */
async function gapMapPage(c: AppContext) {
  const s = personalScope(c);
  if (!READERS.some((r) => s.actor.roles.includes(r))) {
    const own = await ledOrganisation(s);
    if (!own) throw notFound('Organisation');
    return seeOther(c, organisationPath(own));
  }
  const map = await gapMap(s);
  if (!map) throw notFound('Competency framework');
  const title = 'Learning needs: the partnership’s gap map';
  return render(
    c,
    { title },
    <>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        For each competency a workforce group requires: of the people who need it, how many meet it (learned or applied), on {formatDay(map.asOf)}, in the {map.framework.title} (version {map.framework.version}).
      </p>
      <AboutTheFigures defaultRefreshMonths={map.framework.defaultRefreshMonths} />
      <Coverage map={map} />
      <GapMapTable map={map} />
      <ByOrganisation map={map} href={organisationPath} />
      <p class="govuk-body">
        <a class="govuk-link" href={`${NEEDS_PATH}.csv`} download>
          Download the gap map (CSV)
        </a>
      </p>
    </>,
  );
}

async function gapMapDownload(c: AppContext) {
  const map = await gapMap(personalScope(c));
  if (!map) throw notFound('Competency framework');
  return csv(c, gapMapCsv(map), gapMapFilename(map));
}

const needsOf = async (c: AppContext, withNames: boolean) => {
  const needs = await learningNeeds(personalScope(c), uuidParam(c, 'organisationId', 'Organisation'), { withNames });
  if (!needs) throw notFound('Competency framework');
  return needs;
};

async function organisationPage(c: AppContext) {
  const needs = await needsOf(c, true);
  const title = `Learning needs: ${needs.organisation.name}`;
  return render(
    c,
    { title, backLink: READERS.some((r) => c.get('viewer')?.roles.includes(r)) ? NEEDS_PATH : undefined },
    <>
      <span class="govuk-caption-l">{needs.organisation.sector}</span>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        The organisation’s people against the competencies their workforce groups require in the {needs.framework.title} (version {needs.framework.version}), on {formatDay(needs.asOf)} and, for the same people, a year earlier.
      </p>
      <AboutTheFigures defaultRefreshMonths={needs.framework.defaultRefreshMonths} />
      <GroupsTable needs={needs} />
      <NeedsTable needs={needs} />
      <h2 class="govuk-heading-m">No learning in the refresh period</h2>
      <p class="govuk-body">
        People with no learning (a course with its feedback, or e-learning) in the last {needs.framework.defaultRefreshMonths} months: {describeFigure(needs.noLearning.now)} on {formatDay(needs.asOf)}, and {describeFigure(needs.noLearning.yearEarlier)} a year earlier.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={`${organisationPath(needs.organisation.id)}/learning-needs.csv`} download>
          Download the figures (CSV)
        </a>
      </p>
      {needs.named ? <PeopleToTrain named={needs.named} needs={needs} /> : null}
    </>,
  );
}

async function organisationDownload(c: AppContext) {
  const needs = await needsOf(c, false);
  return csv(c, learningNeedsCsv(needs), learningNeedsFilename(needs));
}

export const needsRoutes = [
  get(NEEDS_PATH, [...READERS, 'organisation lead'], gapMapPage),
  get(`${NEEDS_PATH}.csv`, READERS, gapMapDownload),
  get(`${NEEDS_PATH}/organisations/:organisationId`, [...READERS, 'organisation lead'], organisationPage),
  get(`${NEEDS_PATH}/organisations/:organisationId/learning-needs.csv`, [...READERS, 'organisation lead'], organisationDownload),
];
