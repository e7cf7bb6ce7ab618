// A person's competency profile as a CSV file, one row per required competency, written by the
// app's CSV writer (../shared/csv), which also writes as text a value a spreadsheet would run as
// a formula: a course title or a manager's note starting with "=" stays text.
import { writeCsv } from '../shared/csv';
import { fileNamePart } from '../shared/file-names';
import { describeEvidence, type CompetencyProfile } from './service';

export const PROFILE_CSV_HEADER = ['domain', 'code', 'competency', 'status', 'since', 'refresh due', 'evidence'];

/** Dates as London days, "2026-01-12"; each competency's evidence in one cell, newest first, one piece a line. */
export function profileCsv(profile: CompetencyProfile): string {
  return writeCsv([
    PROFILE_CSV_HEADER,
    ...profile.competencies.map((c) => [
      c.domain,
      c.code,
      c.statement,
      c.status,
      c.since ?? '',
      c.refreshDue ?? '',
      c.evidence.map((e) => `${e.on} ${e.kind}: ${describeEvidence(e)}`).join('\n'),
    ]),
  ]);
}

/** "competency-profile-sam-jones-2026-11-23.csv" */
export const profileFilename = (profile: CompetencyProfile) => `competency-profile-${fileNamePart(profile.person.name, 'person')}-${profile.asOf}.csv`;
