// "What people said" on the API: the three-month answers with words in them, anonymised as on the
// page (no person, email, organisation, booking or survey; a sector only where at least 5 of it
// answered in the view), with their coded themes and whether each is a featured quotation.
import { z } from 'zod';
import { SECTORS } from '../../db/schema';
import { scope } from '../http/context';
import { ANSWERS_PER_PAGE, listAnswers } from '../impact/answers';
import { answersApiQuery } from '../impact/schemas';
import { IMPACT_READERS, impactRange } from '../impact/service';
import { apiGet } from './operation';
import { named } from './schemas';

export const AnswersSchema = named(
  'ImpactAnswers',
  z.strictObject({
    from: z.iso.date().describe('The first London day of sessions included'),
    to: z.iso.date().describe('The London day after the last (not included)'),
    total: z.int().min(0).describe('Answers in the view, on every page'),
    page: z.int().min(1),
    pages: z.int().min(1),
    withheld: z.boolean().describe('True when the view is one sector that fewer than 5 people answered for: no answers are given'),
    answers: z.array(
      z.strictObject({
        id: z.uuid().describe('The answer’s own id; it names no person, booking or survey'),
        month: z.string().describe('The London month of the session, YYYY-MM'),
        course: z.string(),
        courseThemes: z.array(z.string()),
        sector: z.enum(SECTORS).nullable().describe('Null where fewer than 5 people of the sector answered in the view'),
        practiceChanged: z.enum(['yes', 'not yet', 'no']),
        practiceChangeHow: z.string(),
        outcomeImproved: z.string().nullable().describe('yes, not yet, no or not applicable; null for answers from before the question was asked'),
        outcomeExample: z.string(),
        sharedLearning: z.boolean(),
        sharedHow: z.string(),
        barriers: z.string(),
        willDoDifferently: z.string().describe('From the feedback on the day'),
        managerExample: z.string().describe('The line manager’s example of the change they have seen'),
        quotationConsent: z.boolean().describe('Whether the attendee agreed to be quoted'),
        featured: z.boolean().describe('Featured as a quotation by a reviewer'),
        codes: z.array(z.strictObject({ id: z.uuid(), name: z.string(), retired: z.boolean() })).describe('The themes a reviewer coded the answer with'),
      }),
    ),
  }),
);

export const impactAnswerOperations = [
  apiGet(
    '/api/v1/impact/answers',
    IMPACT_READERS,
    {
      operationId: 'listImpactAnswers',
      tag: 'Impact',
      summary: 'What people said three months on, anonymised, with the themes coded and the featured quotations',
      description: `Answers with words in them, for sessions in the period (as for /api/v1/impact), newest session first, ${ANSWERS_PER_PAGE} to a page. No answer gives a name, email or organisation; a sector is given only where at least 5 people of it answered in the view.`,
      query: answersApiQuery,
      response: AnswersSchema,
      unprocessable: 'Only one of from and to, a period that ends before it starts, or a year with no prospectus',
    },
    async (c, _params, { year, from, to, theme, courseId, sector, practiceChanged, code, featured, page }) => {
      const s = scope(c);
      const range = await impactRange(s, { year, from, to });
      const list = await listAnswers(s, range, { theme, courseId, sector }, { practiceChanged, code, featured: featured === 'yes' }, page);
      return { from: range.from, to: range.to, ...list };
    },
  ),
];
