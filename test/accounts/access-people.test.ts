// The authorization matrix for pages anyone may open and a person's own pages: every caller ×
// own object, another person's and another partnership's (test/support/access-cases.ts).
import { describeMatrix } from '../support/access-world';
import { peopleMatrix } from '../support/access-cases';

describeMatrix('who may use the public and personal pages, and whose objects', peopleMatrix);
