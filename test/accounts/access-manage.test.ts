// The authorization matrix for the coordinators' /manage pages (the organisation leads' among
// them): every caller × this partnership's object, another organisation's and another
// partnership's (test/support/access-cases.ts).
import { describeMatrix } from '../support/access-world';
import { manageMatrix } from '../support/access-cases';

describeMatrix('who may use the /manage pages, and whose objects', manageMatrix);
