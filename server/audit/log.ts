import type { Executor } from '../../db/database';
import { auditLog } from '../../db/schema';

export interface AuditEntry {
  partnershipId: string;
  /** Null for the command line and jobs. */
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  detail?: Record<string, unknown>;
}

/** Written in the same transaction as the change it records. */
export async function audit(tx: Executor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({ ...entry, detail: entry.detail ?? {} });
}
