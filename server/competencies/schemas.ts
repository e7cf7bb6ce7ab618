// The competencies feature's input: a manager's confirmation that a person applies a competency
// in practice, as the service takes it (the emailed-link form that will send it is to come).
import { z } from 'zod';
import { optionalText } from '../shared/input';

export const confirmationInput = z.object({
  personId: z.uuid('Choose a person'),
  competencyId: z.uuid('Choose a competency of the current framework'),
  confirmedByEmail: z.email('Enter the line manager’s email address, like name@example.org').trim().toLowerCase(),
  note: optionalText(1000, 'The note must be 1000 characters or fewer'),
});
export type ConfirmationInput = z.output<typeof confirmationInput>;
