// The authorization matrix for trainers', reviewers' and the competency framework's pages: every
// caller × own session, another trainer's, another organisation's and another partnership's
// objects (test/support/access-cases.ts).
import { describeMatrix } from '../support/access-world';
import { otherStaffMatrix } from '../support/access-cases';

describeMatrix('who may use the trainers’, reviewers’ and framework pages, and whose objects', otherStaffMatrix);
