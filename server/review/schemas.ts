// The year-end review's forms, checked at the edge: a decision on a course, and on a gap.
import { z } from 'zod';
import { COURSE_DECISIONS } from '../../db/schema';
import { optionalText } from '../shared/input';

/** A year as the pages name it: "2025-26". */
export const REVIEW_YEAR = /^\d{4}-\d{2}$/;

export const courseDecisionForm = z
  .object({
    decision: z.enum(COURSE_DECISIONS, 'Select whether to keep, revise, retire or merge the course'),
    changes: optionalText(2000, 'What to change must be 2,000 characters or fewer'),
    mergeInto: z.string().trim().default(''),
    note: optionalText(2000, 'The note must be 2,000 characters or fewer'),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'revise' && !d.changes) ctx.addIssue({ code: 'custom', path: ['changes'], message: 'Say what to change in the course' });
    if (d.decision === 'merge' && !z.uuid().safeParse(d.mergeInto).success) ctx.addIssue({ code: 'custom', path: ['mergeInto'], message: 'Select the course to merge it into' });
  })
  .transform(({ mergeInto, changes, ...d }) => ({
    ...d,
    changes: d.decision === 'revise' ? changes : '',
    mergeIntoCourseId: d.decision === 'merge' ? mergeInto : null,
  }));
export type CourseDecisionInput = z.output<typeof courseDecisionForm>;

export const gapDecisionForm = z.object({
  decision: z.enum(['accepted', 'dismissed'], 'Select whether to accept or dismiss the gap'),
  note: z.string().trim().min(1, 'Enter a note saying why').max(2000, 'The note must be 2,000 characters or fewer'),
});
export type GapDecisionInput = z.output<typeof gapDecisionForm>;

const paragraph = z.string().trim().min(1, 'Enter the paragraph’s wording').max(3000, 'A paragraph must be 3,000 characters or fewer');
/** The annual report's wording: each paragraph's template (its placeholders are checked by the service). */
export const reportWordingForm = z.object({ delivery: paragraph, reach: paragraph, onTheDay: paragraph, threeMonths: paragraph, managers: paragraph });
export type ReportWordingInput = z.output<typeof reportWordingForm>;
