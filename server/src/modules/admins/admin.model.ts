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

export { AdminAudit } from '../audit/audit.model';

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
