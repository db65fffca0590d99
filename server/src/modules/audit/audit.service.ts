/**
 * One way to leave an audit record: every admin write that moves money, points, stock or settings
 * calls `recordAudit`. Records are append-only; nothing updates or deletes them.
 */
import type { Types } from 'mongoose';
import { AdminAudit } from './audit.model';

export interface AuditRecord {
  admin: Types.ObjectId | string;
  /** `<domain>.<verb>`, e.g. `points.adjust`, `catalog.stock`, `coupons.push`. */
  action: string;
  target: { type: string; id: string };
  reason?: string;
  changes?: unknown;
}

export async function recordAudit(record: AuditRecord): Promise<void> {
  await AdminAudit.create({
    admin: record.admin,
    action: record.action,
    target: record.target,
    reason: record.reason ?? '',
    changes: record.changes ?? {},
  });
}

/** Whether an action was already recorded for this change (idempotent admin writes check first). */
export async function auditExists(filter: { action: string; [field: string]: unknown }): Promise<boolean> {
  return (await AdminAudit.exists(filter)) !== null;
}
