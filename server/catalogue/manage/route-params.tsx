// What the coordinator's manage pages share: who may use them and the ids in their paths.
import type { Role } from '../../../db/schema';
import type { AppContext } from '../../http/context';
import { uuidParam } from '../../http/params';

export const COORDINATOR: Role[] = ['coordinator'];
export const prospectusId = (c: AppContext) => uuidParam(c, 'prospectusId', 'Prospectus');
export const courseId = (c: AppContext) => uuidParam(c, 'courseId', 'Course');
export const sessionId = (c: AppContext) => uuidParam(c, 'sessionId', 'Session');
