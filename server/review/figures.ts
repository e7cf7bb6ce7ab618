// The figures of a year-end review: for each course of the prospectus, the impact dashboard's
// figures for that course over the prospectus year (../impact/service impactFigures, so the same
// definitions and the same honest-number rules: rates with count, denominator and Wilson
// interval, counts of 1 to 4 "fewer than 5"), its coded themes (../impact/answers), and the
// competencies it develops with the share of the partnership's people who need each and meet it
// (the gap map's, ../competencies/needs). And the gaps to commission: required competencies the
// gap map flags as developed by no course on offer, and themes with no course that year or only
// weakly evaluated ones (fewer than SMALL_GROUP three-month answers).
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { bookings, competencies, courseCompetencies, courses, followUpSurveys, impactResponses, sessions, THEMES } from '../../db/schema';
import type { GapMap, Share } from '../competencies/needs';
import { codedThemeCounts, type CodedThemeRow } from '../impact/answers';
import { dayAfter, impactFigures, type ImpactFigures, type ImpactRange } from '../impact/service';
import type { Prospectus } from '../catalogue/service';
import type { ServiceContext } from '../shared/context';
import { SMALL_GROUP } from '../shared/statistics';

export interface ReviewCourse {
  id: string;
  title: string;
  deliveryMode: string;
  themes: string[];
  withdrawn: boolean;
}

export interface CourseFigures {
  course: ReviewCourse;
  figures: ImpactFigures;
  /** The themes its three-month answers were coded with, most used first; none used left out. */
  codedThemes: CodedThemeRow[];
  /** The competencies it develops; `meets` is the share of the partnership's people needing it who meet it (undefined: not in the current framework). */
  competencies: { id: string; code: string; statement: string; meets: Share | undefined }[];
}

/** The prospectus year as the dashboard's range: its first day to the day after its last. */
export const rangeOf = (p: Pick<Prospectus, 'startsOn' | 'endsOn'>): ImpactRange => ({ from: p.startsOn, to: dayAfter(p.endsOn) });

/** The prospectus's courses, withdrawn ones too (they may have run sessions), by title. */
export function coursesOf(s: ServiceContext, prospectusId: string): Promise<ReviewCourse[]> {
  return s.db
    .select({ id: courses.id, title: courses.title, deliveryMode: courses.deliveryMode, themes: courses.themes, withdrawn: courses.withdrawn })
    .from(courses)
    .where(and(eq(courses.partnershipId, s.partnership.id), eq(courses.prospectusId, prospectusId)))
    .orderBy(asc(courses.title));
}

/** Each course's figures, with the gap map they were read against (undefined without a framework). */
export async function courseFigures(s: ServiceContext, prospectus: Prospectus, courseList: ReviewCourse[], map?: GapMap, onlyCourseId?: string): Promise<CourseFigures[]> {
  const range = rangeOf(prospectus);
  const list = courseList.filter((c) => !onlyCourseId || c.id === onlyCourseId);
  const developed = list.length
    ? await s.db
        .select({ courseId: courseCompetencies.courseId, id: competencies.id, code: competencies.code, statement: competencies.statement })
        .from(courseCompetencies)
        .innerJoin(competencies, eq(competencies.id, courseCompetencies.competencyId))
        .where(inArray(courseCompetencies.courseId, list.map((c) => c.id)))
        .orderBy(asc(competencies.code))
    : [];
  const meets = new Map(map?.competencies.map((c) => [c.id, c.all]) ?? []);
  return Promise.all(
    list.map(async (course) => {
      const [figures, coded] = await Promise.all([impactFigures(s, range, { courseId: course.id }), codedThemeCounts(s, range, { courseId: course.id })]);
      return {
        course,
        figures,
        codedThemes: coded.filter((t) => t.answers !== 0).sort((a, b) => answersOf(b) - answersOf(a) || a.theme.localeCompare(b.theme)),
        competencies: developed.filter((d) => d.courseId === course.id).map(({ id, code, statement }) => ({ id, code, statement, meets: meets.get(id) })),
      };
    }),
  );
}

/** For ordering only: a suppressed count sorts as below 5. */
const answersOf = (row: CodedThemeRow) => (typeof row.answers === 'number' ? row.answers : SMALL_GROUP - 1);

// ---- Gaps to commission -----------------------------------------------------------------------

export type GapKind = 'competency' | 'theme';

export interface GapCandidate {
  kind: GapKind;
  /** The competency's id, or the theme. */
  key: string;
  label: string;
  /** Why it is a candidate, in words. */
  why: string;
  /** For a competency: the codes of the workforce groups requiring it. */
  requiredBy: string[];
}

/** Three-month answers to the prospectus's courses, by course theme (raw counts, for the weak-evaluation test only: never shown). */
async function answersByTheme(s: ServiceContext, prospectusId: string): Promise<Map<string, number>> {
  const theme = sql<string>`course_theme.value`;
  const rows = await s.db
    .select({ theme, n: sql<number>`count(*)`.mapWith(Number) })
    .from(impactResponses)
    .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
    .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
    .innerJoin(sessions, eq(sessions.id, bookings.sessionId))
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .innerJoin(sql`jsonb_array_elements_text(${courses.themes}) as course_theme`, sql`true`)
    .where(and(eq(courses.partnershipId, s.partnership.id), eq(courses.prospectusId, prospectusId), eq(followUpSurveys.respondent, 'attendee')))
    .groupBy(theme);
  return new Map(rows.map((r) => [r.theme, r.n]));
}

/** The candidates for new courses, competencies first (by code), then themes in the partnership's order. */
export async function gapCandidates(s: ServiceContext, prospectus: Prospectus, list: ReviewCourse[], map: GapMap | undefined): Promise<GapCandidate[]> {
  const answers = await answersByTheme(s, prospectus.id);
  const offered = list.filter((c) => !c.withdrawn);
  const fromMap: GapCandidate[] = (map?.competencies ?? [])
    .filter((c) => c.uncovered)
    .map((c) => ({
      kind: 'competency',
      key: c.id,
      label: `${c.code} ${c.statement}`,
      why: `Required for workforce group${c.requiredBy.length === 1 ? '' : 's'} ${c.requiredBy.join(', ')}; no course of the current or a draft prospectus develops it`,
      requiredBy: c.requiredBy,
    }));
  const fromThemes: GapCandidate[] = THEMES.flatMap((theme): GapCandidate[] => {
    const withTheme = offered.filter((c) => c.themes.includes(theme));
    if (!withTheme.length) return [{ kind: 'theme', key: theme, label: theme, why: `No course of ${prospectus.year} has this theme`, requiredBy: [] }];
    if ((answers.get(theme) ?? 0) < SMALL_GROUP) {
      const courseWords = withTheme.length === 1 ? `Its one course (${withTheme[0].title}) had` : `Its ${withTheme.length} courses had`;
      return [{ kind: 'theme', key: theme, label: theme, why: `${courseWords} fewer than ${SMALL_GROUP} three-month answers between them: too few to tell what changed`, requiredBy: [] }];
    }
    return [];
  });
  return [...fromMap, ...fromThemes];
}
