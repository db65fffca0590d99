import { ADMIN_ROLES } from '@siyu/shared';
import { type InferSchemaType, model, Schema } from 'mongoose';

const adminSchema = new Schema(
  {
    username: { type: String, required: true },
    /** scrypt$<salt>$<hash>, both base64. */
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ADMIN_ROLES, required: true },
    active: { type: Boolean, default: true },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    tokenVersion: { type: Number, default: 0 },
    lastLoginAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'admins' },
);
adminSchema.index({ username: 1 }, { unique: true });

export type AdminDoc = InferSchemaType<typeof adminSchema> & { _id: import('mongoose').Types.ObjectId };
export const Admin = model('Admin', adminSchema);

/** Who did what in the admin: stock adjustments, manual points, role changes. Append-only. */
const adminAuditSchema = new Schema(
  {
    admin: { type: Schema.Types.ObjectId, required: true },
    action: { type: String, required: true },
    target: {
      type: new Schema(
        { type: { type: String, required: true }, id: { type: String, required: true } },
        { _id: false },
      ),
      required: true,
    },
    reason: { type: String, default: '' },
    changes: { type: Schema.Types.Mixed, default: {} },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'admin_audit' },
);
adminAuditSchema.index({ 'target.type': 1, 'target.id': 1, createdAt: -1 });
export const AdminAudit = model('AdminAudit', adminAuditSchema);

/**
 * Failed admin logins per (username, client IP): the lock is theirs alone, so nobody can lock an admin
 * out from another address, and unknown usernames are counted the same way as real ones.
 */
const adminLoginThrottleSchema = new Schema(
  {
    _id: { type: String, required: true }, // sha256(username \0 ip), hex
    failures: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'admin_login_throttles', versionKey: false },
);
adminLoginThrottleSchema.index({ expiresAt: 1 });
export interface AdminLoginThrottleDoc {
  _id: string;
  failures: number;
  lockedUntil: Date | null;
  expiresAt: Date;
}
export const AdminLoginThrottle = model<AdminLoginThrottleDoc>('AdminLoginThrottle', adminLoginThrottleSchema);
