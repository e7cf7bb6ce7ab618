// Field rules for input from a form or a JSON body, shared by every feature's schemas. Each
// builder takes the messages it shows, so a form's error summary reads as the form does.
import { z } from 'zod';
import { readDay } from './dates';

/** Characters no name or title holds once its white space is folded: control characters, which only come from a paste or a script. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export const requiredText = (message: string, max: number, tooLong: string) => z.string(message).trim().min(1, message).max(max, tooLong);
/** A name or a title: one line (tabs and line breaks, as a spreadsheet cell may hold, folded to a space), no control characters. */
export const nameText = (message: string, max: number, tooLong: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/[\t\r\n]+/g, ' ').replace(/ {2,}/g, ' ') : v),
    requiredText(message, max, tooLong).refine((v) => !CONTROL_CHARACTERS.test(v), 'Remove the special characters (such as control characters pasted from another program) from it'),
  );
export const optionalText = (max: number, tooLong: string) => z.string().trim().max(max, tooLong).default('');

/** A checkbox group posts nothing, one value or several: always a list. */
export const asList = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

/**
 * A stored day, "2027-04-01", in the years the system plans for (2000 to 2100). Whether the
 * day exists is readDay's rule (server/shared/dates), the one real-date check.
 */
export function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || readDay(value) !== value) return false;
  const year = Number(value.slice(0, 4));
  return year >= 2000 && year <= 2100;
}

/** "2027-04-01"; `what` reads as in "Enter the date the prospectus starts". */
export const dateField = (what: string) =>
  z
    .string(`Enter ${what}`)
    .trim()
    .min(1, `Enter ${what}`)
    .refine(isRealDate, `${what[0].toUpperCase()}${what.slice(1)} must be a real date`);

/** "9:30", "09.30" or "14:00" as "HH:MM" (the 24-hour clock); blank gives "" when optional. */
export const timeField = (what: string, optional = false) =>
  z
    .string(`Enter ${what}`)
    .trim()
    .default('')
    .transform((v, ctx) => {
      if (!v && optional) return '';
      const m = /^(\d{1,2})[:.](\d{2})$/.exec(v);
      if (!m || +m[1] > 23 || +m[2] > 59) {
        ctx.issues.push({ code: 'custom', message: v ? `Enter ${what} using the 24-hour clock, like 09:30 or 14:00` : `Enter ${what}`, input: v });
        return z.NEVER;
      }
      return `${m[1].padStart(2, '0')}:${m[2]}`;
    });

/** A whole number from `min` to `max` as a JSON body sends it: a number, never a string of digits. */
export const wholeNumberValue = (missing: string, wrong: string, min: number, max: number, outOfRange: string) =>
  z.number({ error: (issue) => (issue.input === undefined ? missing : wrong) }).int(wrong).min(min, outOfRange).max(max, outOfRange);

/** A whole number from a form field (digits; blank is missing) or a JSON number. */
export const wholeNumber = (missing: string, wrong: string, min: number, max: number, outOfRange: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? Number(v.trim()) : v) : v),
    wholeNumberValue(missing, wrong, min, max, outOfRange),
  );

/** Yes/no radios, or a JSON boolean. */
export const yesNo = (message: string) =>
  z.preprocess((v) => (v === true ? 'yes' : v === false ? 'no' : v), z.enum(['yes', 'no'], message)).transform((v) => v === 'yes');

export const idList = (message: string) => z.preprocess(asList, z.array(z.uuid(message)));

/**
 * Runs a check across fields as soon as the fields it reads are valid, even while others
 * are not, so the error summary lists every problem at once.
 */
export const onceValid = (fields: string[]) => ({
  when: (payload: { issues: { path?: PropertyKey[] }[] }) => !payload.issues.some((issue) => fields.includes(String(issue.path?.[0]))),
});
