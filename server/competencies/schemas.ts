// The competencies feature's input: a manager's confirmation that a person applies a competency
// in practice (as confirmCompetency takes it), a person's request for one by an emailed link and
// the manager's answer to that link, and requests to change a workforce group.
import { z } from 'zod';
import { optionalText, requiredText, yesNo } from '../shared/input';

export const confirmationInput = z.object({
  personId: z.uuid('Choose a person'),
  competencyId: z.uuid('Choose a competency of the current framework'),
  confirmedByEmail: z.email('Enter the line manager’s email address, like name@example.org').trim().toLowerCase(),
  note: optionalText(1000, 'The note must be 1000 characters or fewer'),
});
export type ConfirmationInput = z.output<typeof confirmationInput>;

/** A coordinator recording a manager's confirmation: the person is the page's, and the evidence note is needed. */
export const onBehalfInput = confirmationInput.omit({ personId: true }).extend({
  note: requiredText('Say what the line manager has seen that shows it', 1000, 'The note must be 1000 characters or fewer'),
});

/** The partnership's setting: whether people may ask their line managers by emailed link. */
export const managerConfirmationsSetting = z.object({ on: yesNo('Select yes if people may ask their line managers to confirm competencies by email') });

/** A person asks their line manager to confirm a competency, saying what shows it. */
export const confirmationRequestInput = z.object({
  competencyId: z.uuid('Choose the competency you want confirmed'),
  note: requiredText('Say briefly what shows you apply it: supervision, experience or training elsewhere', 1000, 'The note must be 1000 characters or fewer'),
});
export type ConfirmationRequestInput = z.output<typeof confirmationRequestInput>;

/** The line manager's answer: a confirmation needs their own note of the evidence, a decline need not. */
export const managerAnswerInput = z
  .object({
    decision: z.enum(['confirmed', 'declined'], 'Select whether you confirm it'),
    managerNote: optionalText(1000, 'The note must be 1000 characters or fewer'),
  })
  .refine((a) => a.decision === 'declined' || a.managerNote !== '', { path: ['managerNote'], message: 'Say briefly what you have seen that shows it: supervision, practice or training elsewhere' });
export type ManagerAnswerInput = z.output<typeof managerAnswerInput>;

const groupField = z.uuid('Choose a workforce group');

/** A coordinator or organisation lead sets a person's group. */
export const workforceGroupInput = z.object({ workforceGroupId: groupField });

/** A person asks to change their group, saying why. */
export const groupChangeRequestInput = z.object({
  workforceGroupId: groupField,
  reason: requiredText('Say why your group should change', 1000, 'The reason must be 1000 characters or fewer'),
});
export type GroupChangeRequestInput = z.output<typeof groupChangeRequestInput>;

/** Approve, or decline with a reason the person is told. */
export const groupChangeDecisionInput = z
  .object({
    decision: z.enum(['approved', 'declined'], 'Select whether you approve the change'),
    reason: optionalText(1000, 'The reason must be 1000 characters or fewer'),
  })
  .refine((d) => d.decision === 'approved' || d.reason !== '', { path: ['reason'], message: 'Say why you are declining: the person is told' });
export type GroupChangeDecisionInput = z.output<typeof groupChangeDecisionInput>;
