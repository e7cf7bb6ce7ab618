// The authorization matrix for coordinators', trainers', reviewers' and organisation leads'
// pages: every caller × this partnership's object, another trainer's session, another
// organisation's and another partnership's (test/support/access-cases.ts).
import { describeMatrix } from '../support/access-world';
import { staffMatrix } from '../support/access-cases';

describeMatrix('who may use the staff pages, and whose objects', staffMatrix);
