// What a coordinator types to change a draft version of the competency framework: its details,
// a workforce group, a competency. Each field's rule and message is written once, here, and read
// by the forms and by the framework file's import (./csv.ts), so a value the form refuses the
// file refuses in the same words.
import { z } from 'zod';
import { idList, optionalText, nameText, requiredText, wholeNumber } from '../../shared/input';

/** Refresh periods are whole months, up to 20 years. */
const MONTHS = { min: 1, max: 240 } as const;
const monthsField = (missing: string) =>
  wholeNumber(missing, 'Enter the refresh period as a whole number of months, like 36', MONTHS.min, MONTHS.max, 'The refresh period must be between 1 and 240 months');

/** A code people and files use to name a group or a competency: short, and stable across versions. */
const codeField = (what: string) =>
  z
    .string(`Enter the ${what}’s code`)
    .trim()
    .min(1, `Enter the ${what}’s code`)
    .max(10, `The ${what}’s code must be 10 characters or fewer`)
    .regex(/^[A-Za-z0-9.-]+$/, `The ${what}’s code can only have letters, numbers, full stops and hyphens, like A1 or 3`);

export const draftDetailsInput = z.object({
  title: nameText('Enter the framework’s title', 200, 'The title must be 200 characters or fewer'),
  defaultRefreshMonths: monthsField('Enter the refresh period in months'),
});
export type DraftDetailsInput = z.output<typeof draftDetailsInput>;

/** A group's own fields; where it comes in the list is the form's (a position) or the file's (its row order). */
export const groupFields = {
  code: codeField('group'),
  name: nameText('Enter the group’s name', 200, 'The name must be 200 characters or fewer'),
  who: requiredText('Enter who belongs in the group', 1000, 'Who belongs must be 1,000 characters or fewer'),
  outsideScheme: optionalText(200, 'The outside scheme’s level must be 200 characters or fewer'),
};

export const groupInput = z.object({
  ...groupFields,
  position: wholeNumber('Enter where the group comes in the list', 'Enter the position as a whole number, like 3', 1, 99, 'The position must be between 1 and 99'),
});
export type GroupInput = z.output<typeof groupInput>;

/** A competency's own fields; the groups it is required for and the one it continues are ids on the form, codes in the file. */
export const competencyFields = {
  code: codeField('competency'),
  domain: nameText('Enter the domain', 200, 'The domain must be 200 characters or fewer'),
  statement: requiredText('Enter the competency statement', 1000, 'The statement must be 1,000 characters or fewer'),
  // Blank: the framework's default period.
  refreshMonths: z.preprocess((v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v), monthsField('Enter the refresh period in months').nullable()),
};

export const competencyInput = z.object({
  ...competencyFields,
  requiredFor: idList('Select workforce groups from the list'),
  continuesId: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.uuid('Select a competency of the current version from the list').nullable()),
});
export type CompetencyInput = z.output<typeof competencyInput>;
