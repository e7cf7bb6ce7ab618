import { z } from 'zod';
import { wholeNumber } from '../shared/input';
import { RETENTION_BOUNDS } from './service';

const { freeTextYears, trainingYears, sentMailDays } = RETENTION_BOUNDS;

/** The coordinator's retention policy form: whole years (days for sent mail) within the bounds. */
export const retentionPolicyInput = z.object({
  freeTextYears: wholeNumber(
    'Enter how many years to keep written answers',
    'Years to keep written answers must be a whole number, like 3',
    freeTextYears.min,
    freeTextYears.max,
    `Years to keep written answers must be between ${freeTextYears.min} and ${freeTextYears.max}`,
  ),
  trainingYears: wholeNumber(
    'Enter how many years to keep training records',
    'Years to keep training records must be a whole number, like 6',
    trainingYears.min,
    trainingYears.max,
    `Years to keep training records must be between ${trainingYears.min} and ${trainingYears.max}`,
  ),
  sentMailDays: wholeNumber(
    'Enter how many days to keep the text of sent email',
    'Days to keep the text of sent email must be a whole number, like 0',
    sentMailDays.min,
    sentMailDays.max,
    `Days to keep the text of sent email must be between ${sentMailDays.min} and ${sentMailDays.max}`,
  ),
});
