// The learning-needs analysis and the gap map as CSV files, figures in the words the pages use
// ("64% (212 of 331)", "fewer than 5"), written by the app's CSV writer (../shared/csv). No names
// of people: the named lists are on the organisation's page only.
import { writeCsv } from '../shared/csv';
import { fileNamePart } from '../shared/file-names';
import { describeFigure, describeShare, type GapMap, type LearningNeeds } from './needs';

export const NEEDS_CSV_HEADER = [
  'code',
  'competency',
  'people who need it',
  'meet it',
  'due for refresh',
  'not started',
  'meet it a year earlier',
  'due for refresh a year earlier',
  'not started a year earlier',
];

/** One row per competency; then, under their own header, the organisation's people and those with no learning in the refresh period. */
export function learningNeedsCsv(needs: LearningNeeds): string {
  return writeCsv([
    NEEDS_CSV_HEADER,
    ...needs.competencies.map((c) => [
      c.code,
      c.statement,
      describeFigure(c.required),
      describeShare(c.now.meets),
      describeFigure(c.now.dueForRefresh),
      describeFigure(c.now.notStarted),
      describeShare(c.yearEarlier.meets),
      describeFigure(c.yearEarlier.dueForRefresh),
      describeFigure(c.yearEarlier.notStarted),
    ]),
    [],
    ['people', 'now', 'a year earlier'],
    ['in the organisation', describeFigure(needs.people), describeFigure(needs.people)],
    ['with no learning in the refresh period', describeFigure(needs.noLearning.now), describeFigure(needs.noLearning.yearEarlier)],
  ]);
}

/** "learning-needs-barnardo-s-2026-11-23.csv" */
export const learningNeedsFilename = (needs: LearningNeeds) => `learning-needs-${fileNamePart(needs.organisation.name, 'organisation')}-${needs.asOf}.csv`;

/** One row per competency: whether a course on offer develops it, then the partnership, each sector and each organisation. */
export function gapMapCsv(map: GapMap): string {
  return writeCsv([
    ['code', 'competency', 'developed by a course on offer', 'all sectors', ...map.sectors, ...map.organisations.map((o) => o.name)],
    ...map.competencies.map((c) => [c.code, c.statement, c.uncovered ? 'no' : 'yes', describeShare(c.all), ...c.bySector.map(describeShare), ...c.byOrganisation.map(describeShare)]),
  ]);
}

export const gapMapFilename = (map: GapMap) => `gap-map-${map.asOf}.csv`;
