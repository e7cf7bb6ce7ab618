import { sql } from 'drizzle-orm';
import { builtOnce } from '../../db/built-once';
import type { Executor } from '../../db/database';
import { auditLog } from '../../db/schema';
import type { ServiceContext } from '../shared/context';

/** Every change the audit log records, by one name each: subject, then what happened to it. */
const AUDIT_ACTIONS = [
  'person.created',
  'person.roles.changed',
  'person.line-manager.proposed',
  'person.line-manager.confirmed',
  'person.line-manager.set',
  'person.erased',
  'person.erasure-requested',
  'api-token.created',
  'api-token.revoked',
  'organisation.created',
  'organisation.updated',
  'partnership.charges.changed',
  'partnership.manager-confirmations.changed',
  'partnership.retention-policy.changed',
  'partnership.retention-applied',
  'prospectus.created',
  'prospectus.updated',
  'prospectus.published',
  'course.created',
  'course.updated',
  'course.withdrawn',
  'session.created',
  'session.updated',
  'session.capacity-changed',
  'session.cancelled',
  'booking.created',
  'booking.approved',
  'booking.declined',
  'booking.lapsed',
  'booking.promoted',
  'booking.moved',
  'booking.cancelled',
  'attendance.recorded',
  'attendance.walk-in',
  'feedback.given',
  'follow-up.answered',
  'e-learning.imported',
  'competency.confirmed',
  'competency.confirmation-requested',
  'competency.confirmation-declined',
  'person.workforce-group.changed',
  'workforce-group.change-requested',
  'workforce-group.change-declined',
  'framework.draft-started',
  'framework.draft-changed',
  'framework.group-added',
  'framework.group-changed',
  'framework.group-removed',
  'framework.competency-added',
  'framework.competency-changed',
  'framework.competency-removed',
  'framework.imported',
  'framework.published',
  'answer.coded',
  'answer.featured',
  'answer.unfeatured',
  'answer-theme.added',
  'answer-theme.retired',
  'answer-theme.restored',
  'review.course-decided',
  'review.gap-decided',
  'review.agreed',
  'review.reopened',
  'review.next-prospectus-started',
  'review.report-edited',
  'review.report-restored',
  'prospectus.history-imported',
  'session.confirmed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const AUDIT_SUBJECTS = [
  'person',
  'api-token',
  'organisation',
  'partnership',
  'prospectus',
  'course',
  'session',
  'booking',
  'follow-up survey',
  'competency confirmation',
  'competency confirmation request',
  'workforce group request',
  'competency framework',
  'impact answer',
  'answer theme',
  'year review',
] as const;
export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

export interface AuditEntry {
  partnershipId: string;
  /** Null when the partnership itself acts: the command line, the jobs, the demo seed. */
  actorId: string | null;
  action: AuditAction;
  subjectType: AuditSubject;
  subjectId: string;
  detail?: Record<string, unknown>;
  /** When the change was made, by the service's clock (the database's own clock when none is given). */
  at?: Date;
}

/** Written in the same transaction as the change it records. */
export async function audit(tx: Executor, entry: AuditEntry): Promise<void> {
  await insertEntry(tx, { ...entry, detail: entry.detail ?? {}, at: entry.at?.toISOString() ?? null });
}
const insertEntry = builtOnce('audit_entry', (db) =>
  db.insert(auditLog).values({
    partnershipId: sql.placeholder('partnershipId'),
    actorId: sql.placeholder('actorId'),
    action: sql.placeholder('action'),
    subjectType: sql.placeholder('subjectType'),
    subjectId: sql.placeholder('subjectId'),
    detail: sql.placeholder('detail'),
    at: sql`coalesce(${sql.placeholder('at')}::timestamptz, now())`,
  }),
);

/** The entry for a change the context's actor made in its partnership, at the context's time. */
export const auditChange = (tx: Executor, s: Pick<ServiceContext, 'partnership' | 'actor' | 'clock'>, action: AuditAction, subjectType: AuditSubject, subjectId: string, detail: Record<string, unknown> = {}) =>
  audit(tx, { partnershipId: s.partnership.id, actorId: s.actor?.id ?? null, action, subjectType, subjectId, detail, at: s.clock.now() });
