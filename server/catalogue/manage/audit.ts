// The audit entry for a coordinator's change to the prospectus, written in the change's transaction.
import type { Executor } from '../../../db/database';
import { audit } from '../../audit/log';
import type { ServiceContext } from '../../shared/context';

export const record = (tx: Executor, s: ServiceContext, action: string, subjectType: string, subjectId: string, detail: Record<string, unknown> = {}) =>
  audit(tx, { partnershipId: s.partnership.id, actorId: s.actor?.id ?? null, action, subjectType, subjectId, detail });
