// The inputs of the attendance pages and API, checked at the edge before a service runs.
import { z } from 'zod';
import { readDay } from '../shared/dates';
import { LAST_BEFORE_FIRST } from './non-attendance';

const dayParam = (which: 'first' | 'last') =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const day = readDay(value);
      if (!day) ctx.addIssue({ code: 'custom', message: `Enter the ${which} date as a real date, like 2026-04-01 or 01/04/2026` });
      return day ?? z.NEVER;
    })
    .optional();

/** A report's query: both dates optional, defaulting to the current prospectus year. */
export const rangeQuery = z
  .object({
    from: dayParam('first').describe('The first London date of sessions to include, YYYY-MM-DD (or DD/MM/YYYY); by default the first day of the current prospectus year'),
    to: dayParam('last').describe('The last London date of sessions to include; by default the last day of the current prospectus year'),
  })
  .refine((r) => !r.from || !r.to || r.to >= r.from, { path: ['to'], error: LAST_BEFORE_FIRST });
