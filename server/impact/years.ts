// Years side by side: the headline figures of several prospectus years in one table, so the PPL
// group sees a year against the ones before it (imported past years among them, marked). Each
// year's figures are the dashboard's own (impactFigures, one statement a year, run side by side),
// so the same definitions and honest-number rules hold in every column.
import { and, desc, eq, lte } from 'drizzle-orm';
import { prospectuses } from '../../db/schema';
import type { ServiceContext } from '../shared/context';
import { londonDay } from '../shared/dates';
import { invalid } from '../shared/errors';
import type { FigureCell } from '../shared/statistics';
import { checkCanReadImpact, dayAfter, impactFigures, type ImpactFigures } from './service';

/** At most this many years in one table: more would not fit a page or a printed report. */
export const MOST_YEARS = 6;
/** Shown when none are chosen: the latest years that have started. */
export const DEFAULT_YEARS = 4;

/** Each row: its label and how its cell is read from a year's figures. */
const ROWS: { label: string; cell: (f: ImpactFigures) => FigureCell }[] = [
  { label: 'Courses that ran', cell: (f) => ({ count: f.delivery.courses }) },
  { label: 'Sessions delivered', cell: (f) => ({ count: f.delivery.sessionsDelivered }) },
  { label: 'Sessions cancelled', cell: (f) => ({ count: f.delivery.sessionsCancelled }) },
  { label: 'Hours of training', cell: (f) => ({ count: f.delivery.trainingHours }) },
  { label: 'Places offered', cell: (f) => ({ count: f.delivery.placesOffered }) },
  { label: 'Attendances', cell: (f) => ({ count: f.delivery.attendances }) },
  { label: 'People who attended', cell: (f) => ({ count: f.delivery.peopleTrained }) },
  { label: 'Organisations reached', cell: (f) => ({ count: f.delivery.organisationsReached }) },
  { label: 'Take-up of places', cell: (f) => ({ rate: f.delivery.takeUp }) },
  { label: 'Places attended', cell: (f) => ({ rate: f.delivery.attendanceRate }) },
  { label: 'Feedback on the day', cell: (f) => ({ rate: f.dayZero.responseRate }) },
  { label: 'Rise in confidence on the day (1 to 10)', cell: (f) => ({ mean: f.dayZero.confidenceChange }) },
  { label: 'Three-month surveys answered', cell: (f) => ({ rate: f.followUp.responseRate }) },
  { label: 'Practice changed', cell: (f) => ({ rate: f.followUp.practiceChanged }) },
  { label: 'Outcome for a child or family improved', cell: (f) => ({ rate: f.followUp.outcomeImproved }) },
  { label: 'Learning shared', cell: (f) => ({ rate: f.followUp.sharedLearning }) },
];

/** A year's column: its label, and whether it was imported from past records. */
export interface YearColumn {
  year: string;
  imported: boolean;
}

export interface YearsSideBySide {
  /** Every prospectus year, newest first, for choosing. */
  choices: YearColumn[];
  /** The years shown, oldest first. */
  columns: YearColumn[];
  rows: { label: string; cells: FigureCell[] }[];
}

/**
 * The years asked for (by label), or by default the latest that have started; `upTo` asks for a
 * year and those before it (the review's comparison).
 */
export async function yearsSideBySide(s: ServiceContext, asked: { years?: string[]; upTo?: string } = {}): Promise<YearsSideBySide> {
  checkCanReadImpact(s);
  const today = londonDay(s.clock.now());
  const all = await s.db
    .select({ year: prospectuses.year, startsOn: prospectuses.startsOn, endsOn: prospectuses.endsOn, importedAt: prospectuses.importedAt })
    .from(prospectuses)
    .where(and(eq(prospectuses.partnershipId, s.partnership.id), lte(prospectuses.startsOn, today)))
    .orderBy(desc(prospectuses.startsOn));
  const unknown = (asked.years ?? []).filter((y) => !all.some((p) => p.year === y));
  if (unknown.length) throw invalid({ years: 'Choose years from the list' }, 'There is no prospectus for that year');
  if ((asked.years?.length ?? 0) > MOST_YEARS) throw invalid({ years: `Choose at most ${MOST_YEARS} years` });
  const fromUpTo = asked.upTo ? all.slice(all.findIndex((p) => p.year === asked.upTo)).slice(0, DEFAULT_YEARS) : undefined;
  const chosen = asked.years?.length ? all.filter((p) => asked.years!.includes(p.year)) : (fromUpTo ?? all.slice(0, DEFAULT_YEARS));
  const shown = [...chosen].reverse();
  const figures = await Promise.all(shown.map((p) => impactFigures(s, { from: p.startsOn, to: dayAfter(p.endsOn) }, {})));
  const column = (p: (typeof all)[number]): YearColumn => ({ year: p.year, imported: p.importedAt !== null });
  return {
    choices: all.map(column),
    columns: shown.map(column),
    rows: ROWS.map((row) => ({ label: row.label, cells: figures.map(row.cell) })),
  };
}
