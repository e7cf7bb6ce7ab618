// The catalogue's input, as the pages' forms and the JSON API send it: the prospectus
// filters, and what a coordinator types to build a prospectus, its courses and their
// sessions. Each field's rule and message is written here once; the generic builders are
// in server/shared/input.
import { z } from 'zod';
import { DELIVERY_MODES, THEMES } from '../../db/schema';
import { fromLondon } from '../shared/dates';
import { asList, dateField, idList, isRealDate, onceValid, optionalText, nameText, requiredText, timeField, wholeNumber, wholeNumberValue, yesNo } from '../shared/input';
import { workingDayBefore } from '../shared/working-days';

// ---- Browsing: the prospectus's filters ---------------------------------------------

export const filtersSchema = z.object({
  theme: z.enum(THEMES, 'Choose a theme from the list').optional(),
  mode: z.enum(DELIVERY_MODES, 'Choose a delivery mode from the list').optional(),
  group: z.uuid('Choose a workforce group from the list').optional(),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Choose a month from the list').optional(),
  q: z.string().trim().max(100, 'Search words must be 100 characters or fewer').optional(),
  year: z.string().regex(/^\d{4}-\d{2}$/, 'Choose a prospectus year like 2026-27').optional(),
});

// ---- Prospectuses -------------------------------------------------------------------

export const prospectusInput = z
  .object({
    year: z
      .string('Enter the year, like 2027-28')
      .trim()
      .regex(/^\d{4}-\d{2}$/, 'Enter the year, like 2027-28')
      .refine((y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), 'The year must be two years in a row, like 2027-28'),
    title: nameText('Enter a title', 200, 'The title must be 200 characters or fewer'),
    introduction: optionalText(2000, 'The introduction must be 2,000 characters or fewer'),
    startsOn: dateField('the date the prospectus starts'),
    endsOn: dateField('the date the prospectus ends'),
  })
  .refine((p) => p.endsOn > p.startsOn, { path: ['endsOn'], error: 'The date the prospectus ends must be after the date it starts', ...onceValid(['startsOn', 'endsOn']) });
export type ProspectusInput = z.infer<typeof prospectusInput>;

// ---- Courses ------------------------------------------------------------------------

export const courseInput = z.object({
  title: nameText('Enter the course title', 200, 'The title must be 200 characters or fewer'),
  summary: requiredText('Enter a summary', 1000, 'The summary must be 1,000 characters or fewer'),
  learningOutcomes: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) : v),
    z
      .array(z.string().max(300, 'Each learning outcome must be 300 characters or fewer'), 'Enter at least one learning outcome')
      .min(1, 'Enter at least one learning outcome')
      .max(20, 'Enter 20 learning outcomes or fewer'),
  ),
  themes: z.preprocess(asList, z.array(z.enum(THEMES, 'Select themes from the list')).min(1, 'Select at least one theme')),
  deliveryMode: z.enum(DELIVERY_MODES, 'Select how the course is delivered'),
  durationMinutes: wholeNumber('Enter the length in minutes', 'Enter the length as a whole number of minutes, like 180', 15, 7200, 'The length must be between 15 and 7,200 minutes'),
  provider: nameText('Enter who provides the course', 200, 'The provider must be 200 characters or fewer'),
  prerequisites: optionalText(1000, 'Prerequisites must be 1,000 characters or fewer'),
  requiresManagerApproval: yesNo('Select whether a line manager must approve each place'),
  asksManagerFollowUp: yesNo('Select whether to ask the attendee’s line manager about changes in practice three months on'),
  workforceGroupIds: idList('Select workforce groups from the list'),
  competencyIds: idList('Select competencies from the list'),
});
export type CourseInput = z.infer<typeof courseInput>;

// ---- Sessions -----------------------------------------------------------------------

/** A session has from 1 to 1,000 places: when it is added or changed, and when the register changes its number. */
const PLACES = { min: 1, max: 1000 } as const;
const PLACES_MISSING = 'Enter the number of places';
const PLACES_NOT_WHOLE = 'Enter the number of places as a whole number, like 20';
const PLACES_OUT_OF_RANGE = 'The number of places must be between 1 and 1,000';

/** The number of places, typed into a form (a blank field asks for it). */
export const capacityField = wholeNumber(PLACES_MISSING, PLACES_NOT_WHOLE, PLACES.min, PLACES.max, PLACES_OUT_OF_RANGE);
/** The number of places in a JSON body: a number; anything else, or nothing, is not a whole number. */
export const capacityNumber = wholeNumberValue(PLACES_NOT_WHOLE, PLACES_NOT_WHOLE, PLACES.min, PLACES.max, PLACES_OUT_OF_RANGE);

/** Booking closes when asked, or by default at 5pm on the working day before, so the trainer has the register in time. */
function bookingCloses(d: { date: string; bookingClosesDate: string; bookingClosesTime: string }): Date {
  return d.bookingClosesDate ? fromLondon(d.bookingClosesDate, d.bookingClosesTime || '17:00') : fromLondon(workingDayBefore(d.date), '17:00');
}

export const sessionInput = z
  .object({
    date: dateField('the date of the session'),
    startTime: timeField('the start time'),
    endTime: timeField('the end time'),
    where: z.enum(['venue', 'online'], 'Select whether the session is at a venue or online'),
    venue: optionalText(300, 'The venue must be 300 characters or fewer'),
    joiningLink: optionalText(500, 'The joining link must be 500 characters or fewer'),
    capacity: capacityField,
    bookingClosesDate: z.string().trim().default('').refine((v) => v === '' || isRealDate(v), 'The date booking closes must be a real date'),
    bookingClosesTime: timeField('the time booking closes', true),
    trainerIds: idList('Select trainers from the list'),
    trainerName: optionalText(200, 'The trainer’s name must be 200 characters or fewer'),
  })
  .superRefine(
    (d, ctx) => {
      if (d.where === 'venue' && !d.venue) ctx.addIssue({ code: 'custom', path: ['venue'], message: 'Enter the venue' });
      if (d.where === 'online' && !/^https:\/\/\S+$/.test(d.joiningLink)) {
        ctx.addIssue({ code: 'custom', path: ['joiningLink'], message: d.joiningLink ? 'Enter the joining link as a web address starting https://' : 'Enter the joining link' });
      }
    },
    onceValid(['where', 'venue', 'joiningLink']),
  )
  .refine((d) => d.endTime > d.startTime, { path: ['endTime'], error: 'The end time must be after the start time', ...onceValid(['startTime', 'endTime']) })
  .superRefine(
    (d, ctx) => {
      if (d.bookingClosesTime && !d.bookingClosesDate) ctx.addIssue({ code: 'custom', path: ['bookingClosesDate'], message: 'Enter the date booking closes' });
      else if (bookingCloses(d) > fromLondon(d.date, d.startTime)) ctx.addIssue({ code: 'custom', path: ['bookingClosesDate'], message: 'Booking must close before the session starts' });
    },
    onceValid(['date', 'startTime', 'bookingClosesDate', 'bookingClosesTime']),
  )
  .transform((d) => {
    const online = d.where === 'online';
    return {
      startsAt: fromLondon(d.date, d.startTime),
      endsAt: fromLondon(d.date, d.endTime),
      online,
      venue: online ? '' : d.venue,
      joiningLink: online ? d.joiningLink : '',
      capacity: d.capacity,
      bookingClosesAt: bookingCloses(d),
      trainerIds: [...new Set(d.trainerIds)],
      trainerName: d.trainerName,
    };
  });
export type SessionInput = z.infer<typeof sessionInput>;

/** Why a session is cancelled: shown on the prospectus and sent to everyone booked or waiting. */
export const cancelReason = requiredText('Enter the reason the session is cancelled', 500, 'The reason must be 500 characters or fewer');
export const cancelInput = z.object({ reason: cancelReason });
