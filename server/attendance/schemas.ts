// The inputs of the attendance pages and API, checked at the edge before a service runs.
import { z } from 'zod';
import { SECTORS } from '../../db/schema';
import { readDay } from '../shared/dates';
import { asList } from '../shared/input';
import { formatPounds } from '../shared/money';

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

/** A report's query: both dates optional, defaulting to the current prospectus year (reportRange checks their order). */
export const rangeQuery = z.object({
    from: dayParam('first').describe('The first London date of sessions to include, YYYY-MM-DD (or DD/MM/YYYY); by default the first day of the current prospectus year'),
    to: dayParam('last').describe('The last London date of sessions to include; by default the last day of the current prospectus year'),
});

/** An amount in pounds ("25", "25.00", "£1,000") as pence, from nothing up to `maxPence`. */
const penceField = (what: string, maxPence: number) =>
  z.string(`Enter the ${what}, or 0 for no charge`).transform((raw, ctx) => {
    const value = raw.trim().replace(/^£\s*/, '').replaceAll(',', '');
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!value) return fail(`Enter the ${what}, or 0 for no charge`);
    if (value.startsWith('-')) return fail(`The ${what} cannot be negative`);
    const parts = value.match(/^(\d+)(?:\.(\d+))?$/);
    if (!parts) return fail(`Enter the ${what} as an amount in pounds, like 25.00`);
    if ((parts[2] ?? '').length > 2) return fail(`Enter the ${what} in pounds and pence, with no more than 2 decimal places`);
    const pence = Number(parts[1]) * 100 + Number((parts[2] ?? '').padEnd(2, '0'));
    if (pence > maxPence) return fail(`The ${what} must be ${formatPounds(maxPence).replace(/\.00$/, '')} or less`);
    return pence;
  });

/** The most either charge may be, in pence. */
const MAX_CHARGE_PENCE = 100_000;

export const chargePolicyInput = z.object({
  halfDay: penceField('half-day charge', MAX_CHARGE_PENCE),
  fullDay: penceField('full-day charge', MAX_CHARGE_PENCE),
  exemptSectors: z.preprocess(
    asList,
    z.array(z.enum(SECTORS, 'Select sectors from the list')).transform((list) => SECTORS.filter((sector) => list.includes(sector))),
  ),
});
