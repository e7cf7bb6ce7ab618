// The impact dashboard's query, for the page and the API: the period (a prospectus year, or dates)
// and the filters, each checked at the edge with a message that says what to choose.
import { z } from 'zod';
import { DELIVERY_MODES, SECTORS, THEMES } from '../../db/schema';
import { readDay } from '../shared/dates';
import { asList, nameText } from '../shared/input';

const day = (what: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const parsed = readDay(value);
      if (!parsed) ctx.addIssue({ code: 'custom', message: `Enter the ${what} as a real date, like 2026-04-01 or 01/04/2026` });
      return parsed ?? z.NEVER;
    });

export const impactFilters = {
  theme: z.enum(THEMES, 'Choose a theme from the list').optional().describe('Only courses with this theme'),
  courseId: z.uuid('Choose a course from the list').optional().describe('Only this course'),
  mode: z.enum(DELIVERY_MODES, 'Choose a way of delivery from the list').optional().describe('Only courses delivered this way'),
  sector: z.enum(SECTORS, 'Choose a sector from the list').optional().describe('Only people whose organisation is in this sector'),
  organisationId: z.uuid('Choose an organisation from the list').optional().describe('Only people of this organisation'),
  workforceGroup: z.string().trim().max(20, 'Choose a workforce group from the list').optional().describe('Only people in the workforce group with this code'),
};

/** The page's query: a prospectus year, or first and last dates (both included), and the filters. */
export const impactPageQuery = z.object({
  year: z.string().regex(/^\d{4}-\d{2}$/, 'Choose a year from the list').optional(),
  from: day('first date').optional(),
  to: day('last date').optional(),
  ...impactFilters,
});

/** The API's query: from and to (to not included), or a year; and the filters. */
export const impactApiQuery = z.object({
  year: z.string().regex(/^\d{4}-\d{2}$/, 'Give the year as it is labelled, like 2026-27').optional().describe('A prospectus year, like 2026-27; by default the current one'),
  from: day('from date').optional().describe('The first London day of sessions to include, YYYY-MM-DD'),
  to: day('to date').optional().describe('The London day after the last to include (not included), YYYY-MM-DD'),
  ...impactFilters,
});

// ---- What people said ----------------------------------------------------------------------

/** The filters on the answers themselves, for the page and the API. */
export const answerFilters = {
  practiceChanged: z.enum(['yes', 'not yet', 'no'], 'Choose yes, not yet or no').optional().describe('Only answers that said their practice changed (yes), not yet, or no'),
  code: z.union([z.uuid('Choose a theme from the list'), z.literal('none')], 'Choose a theme from the list').optional().describe('Only answers coded with the theme with this id, or `none`: those not coded yet'),
  featured: z.enum(['yes'], 'Choose featured quotations or leave it empty').optional().describe('`yes`: only featured quotations'),
  page: z.coerce.number('Choose a page from the list').int('Choose a page from the list').min(1, 'Choose a page from the list').max(100000, 'Choose a page from the list').optional().describe('Which page of 50, from 1'),
};
const { theme, courseId, sector } = impactFilters;

/** The "What people said" page's query: the dashboard's period, and the filters that say nothing of a person. */
export const answersPageQuery = z.object({ year: impactPageQuery.shape.year, from: impactPageQuery.shape.from, to: impactPageQuery.shape.to, theme, courseId, sector, ...answerFilters });

/** The API's query for the answers: from and to (to not included) or a year, and the filters. */
export const answersApiQuery = z.object({ year: impactApiQuery.shape.year, from: impactApiQuery.shape.from, to: impactApiQuery.shape.to, theme, courseId, sector, ...answerFilters });

/** The coding form: the themes ticked (none is allowed: it clears the coding). */
export const codeAnswerForm = z.object({ themes: z.preprocess((v) => asList(v).filter((t) => t !== ''), z.array(z.uuid('Choose themes from the list'))) });

/** Featuring: the reviewer's confirmation, needed where the check flagged the words. */
export const featureAnswerForm = z.object({ checked: z.preprocess((v) => v === 'yes', z.boolean()) });

export const answerThemeForm = z.object({ name: nameText('Enter the theme’s name', 60, 'The theme’s name must be 60 characters or fewer') });
