// The JSON API under /api/v1: each operation is a route (with its access) plus its documentation.
import { attendanceOperations } from './attendance';
import { bookingOperations } from './bookings';
import { competencyOperations } from './competencies';
import { impactOperations } from './impact';
import { impactAnswerOperations } from './impact-answers';
import { learningOperations } from './learning';
import { learningNeedsOperations } from './learning-needs';
import { courseOperations } from './courses';
import { openApiOperation } from './openapi';
import type { Operation } from './operation';
import { peopleOperations } from './people';
import { prospectusOperations } from './prospectus';
import { referenceOperations } from './reference';
import { reportOperations } from './reports';

export const apiOperations: Operation[] = [
  ...prospectusOperations,
  ...courseOperations,
  ...bookingOperations,
  ...learningOperations,
  ...competencyOperations,
  ...learningNeedsOperations,
  ...referenceOperations,
  ...peopleOperations,
  ...reportOperations,
  ...impactOperations,
  ...impactAnswerOperations,
  ...attendanceOperations,
  openApiOperation(() => apiOperations),
];

export const apiRoutes = apiOperations.map((op) => op.route);
