// The three-month figures by course theme: of the attendees sent the survey, how many answered, and
// of those who answered, how many changed their practice. With the dashboard's range and filters
// (./service). A course may have several themes, so a person counts under each of their course's
// themes and the rows need not add up to the headline figures.
//
// Small numbers (decision 0012): the surveys sent and the answers are each a breakdown, put through
// breakdownShown as the dashboard's other breakdowns are, so a lone small cell takes a second with
// it. The answers (and both rates) of a theme are shown only where its surveys sent and its answers
// are both shown: the response rate's count is the answers, and the practice rate's denominator.
import { eq, sql } from 'drizzle-orm';
import { bookings, courses, followUpSurveys, impactResponses, THEMES } from '../../db/schema';
import type { ServiceContext } from '../shared/context';
import { isSuppressed, rate, type Rate } from '../shared/statistics';
import { bookingConditions, checkCanReadImpact, countWhere, NON_RESPONSE_GAP, SENT, suppressColumn, withEverything, type Cell, type ImpactFilters, type ImpactRange } from './service';

export interface ThemeRow {
  theme: string;
  /** Attendees sent the three-month survey, after courses with this theme. */
  sent: Cell;
  answered: Cell;
  /** Answered ÷ sent. */
  responseRate: Rate;
  /** Said their practice changed ÷ answered. */
  practiceChanged: Rate;
}

const HIDDEN: Rate = { suppressed: true };

/** One row for each theme with a survey sent in the range, in the order the themes are listed. */
export async function byTheme(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<ThemeRow[]> {
  checkCanReadImpact(s);
  const theme = sql<string>`course_theme.value`;
  const counted = await withEverything(
    s.db
      .select({
        theme,
        sent: countWhere(SENT),
        answered: countWhere(sql`${impactResponses.id} is not null`),
        changed: countWhere(sql`${impactResponses.practiceChanged} = 'yes'`),
      })
      .from(followUpSurveys)
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .leftJoin(impactResponses, eq(impactResponses.surveyId, followUpSurveys.id))
      .$dynamic(),
  )
    .innerJoin(sql`jsonb_array_elements_text(${courses.themes}) as course_theme`, sql`true`)
    .where(bookingConditions(s, range, filters, sql`${followUpSurveys.respondent} = 'attendee' and ${SENT}`))
    .groupBy(theme);
  const order = (name: string) => {
    const index = (THEMES as readonly string[]).indexOf(name);
    return index < 0 ? THEMES.length : index;
  };
  const rows = counted.filter((r) => !filters.theme || r.theme === filters.theme).sort((a, b) => order(a.theme) - order(b.theme) || a.theme.localeCompare(b.theme));
  const sent = suppressColumn(rows, (r) => r.sent);
  const answered = suppressColumn(rows, (r) => r.answered);
  return rows.map((r, i) => {
    // The answers of a group whose size is hidden say something about each of them, zero too.
    const shown = sent[i] !== null && answered[i] !== null;
    return {
      theme: r.theme,
      sent: sent[i],
      answered: shown ? answered[i] : null,
      responseRate: shown ? rate(r.answered, r.sent) : HIDDEN,
      practiceChanged: shown ? rate(r.changed, r.answered) : HIDDEN,
    };
  });
}

/**
 * The themes whose follow-up is too weak to judge what their courses changed: surveys went out, but
 * the answers are not shown (too few, or hidden beside another small cell), or the response rate is
 * more than NON_RESPONSE_GAP below everyone's. The year-end review reads them as gaps.
 */
export function weakFollowUp(rows: ThemeRow[], overall: Rate): string[] {
  return rows
    .filter((r) => r.sent !== null && r.sent > 0)
    .filter((r) => isSuppressed(r.responseRate) || (!isSuppressed(overall) && r.responseRate.value < overall.value - NON_RESPONSE_GAP))
    .map((r) => r.theme);
}
