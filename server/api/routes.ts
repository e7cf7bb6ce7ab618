// The JSON API under /api/v1: each operation is a route (with its access) plus its documentation.
import { bookingOperations } from './bookings';
import { courseOperations } from './courses';
import { openApiOperation } from './openapi';
import type { Operation } from './operation';
import { peopleOperations } from './people';
import { prospectusOperations } from './prospectus';
import { referenceOperations } from './reference';

export const apiOperations: Operation[] = [
  ...prospectusOperations,
  ...courseOperations,
  ...bookingOperations,
  ...referenceOperations,
  ...peopleOperations,
  openApiOperation(() => apiOperations),
];

export const apiRoutes = apiOperations.map((op) => op.route);
