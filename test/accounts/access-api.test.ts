// The authorization matrix for the API: every caller (by bearer token; anonymous is 401) × own
// object, another person's, another trainer's session and another partnership's
// (test/support/access-cases.ts).
import { describeMatrix } from '../support/access-world';
import { apiMatrix } from '../support/access-cases';

describeMatrix('who may use the API, and whose objects', apiMatrix);
