import { createHash } from 'node:crypto';
import type { AdminRole } from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { recordAudit } from '../audit/audit.service';
import type { TokenSigner } from '../identity/tokens';
import { Admin, type AdminDoc, AdminLoginThrottle, type AdminLoginThrottleDoc } from './admin.model';
import { DECOY_HASH, hashPassword, verifyPassword } from './passwords';

/** Failures from one (username, IP) allowed before the first lock. */
const FREE_FAILURES = 4;
/** The first lock lasts 30 s and doubles with every further failure, up to 15 minutes. */
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60 * 1000;
/** A (username, IP) without failures for a day starts clean. */
const THROTTLE_MEMORY_MS = 24 * 60 * 60 * 1000;

export function lockMsAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - FREE_FAILURES - 1, 10));
}

const throttleKey = (username: string, ip: string) =>
  createHash('sha256').update(`${username.toLowerCase()}\u0000${ip}`).digest('hex');

function lockedError(until: Date, now: number): AppError {
  const retryAfter = Math.max(1, Math.ceil((until.getTime() - now) / 1000));
  return new AppError(
    'rate_limited',
    'admin_locked',
    retryAfter >= 60
      ? `登录失败次数过多，请 ${Math.ceil(retryAfter / 60)} 分钟后再试`
      : `登录失败次数过多，请 ${retryAfter} 秒后再试`,
    { retryAfterSeconds: retryAfter },
    { 'Retry-After': String(retryAfter) },
  );
}

export function toAdminView(admin: Pick<AdminDoc, '_id' | 'username' | 'role'>) {
  return { id: admin._id.toString(), username: admin.username, role: admin.role };
}

export function createAdminsService(options: { signer: TokenSigner }) {
  return {
    /**
     * Checks a password. Failures are counted per (username, client IP), never per account: after four,
     * that pair waits 30 s, then 1, 2, 4 … up to 15 minutes per further failure, while the right password
     * from any other address still works. Unknown usernames are counted and answered exactly like real
     * ones (and the password is hashed against a decoy), so neither the 401 nor the 429 says who exists.
     */
    async login(username: string, password: string, ip = 'unknown') {
      const key = throttleKey(username, ip);
      const now = Date.now();
      const throttle = await AdminLoginThrottle.findById(key).lean<AdminLoginThrottleDoc>();
      if (throttle?.lockedUntil && throttle.lockedUntil.getTime() > now) throw lockedError(throttle.lockedUntil, now);
      const admin = await Admin.findOne({ username, active: true }).lean<AdminDoc>();
      const matches = await verifyPassword(password, admin?.passwordHash ?? DECOY_HASH);
      if (!admin || !matches) {
        // One atomic count per failure; the lock grows with the count (a racing pair of failures both count).
        const counted = await AdminLoginThrottle.findOneAndUpdate(
          { _id: key },
          { $inc: { failures: 1 }, $set: { expiresAt: new Date(now + THROTTLE_MEMORY_MS) } },
          { upsert: true, new: true, lean: true },
        ).catch((error: unknown) => {
          if (isDuplicateKey(error)) return AdminLoginThrottle.findById(key).lean<AdminLoginThrottleDoc>();
          throw error;
        });
        const lockMs = lockMsAfter(counted?.failures ?? 1);
        if (lockMs > 0) {
          await AdminLoginThrottle.updateOne({ _id: key }, { $set: { lockedUntil: new Date(now + lockMs) } });
        }
        throw new AppError('unauthenticated', 'invalid_credentials', '用户名或密码错误');
      }
      if (throttle) await AdminLoginThrottle.deleteOne({ _id: key });
      await Admin.updateOne(
        { _id: admin._id },
        { $set: { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() } },
      );
      return {
        accessToken: options.signer.sign('admin', {
          sub: admin._id.toString(),
          ver: admin.tokenVersion ?? 0,
          role: admin.role,
        }),
        expiresIn: options.signer.accessTtlSeconds,
        admin: toAdminView(admin),
      };
    },

    /** Creates the admin, or sets its password (and owner role) when it exists: used at startup with ADMIN_PASSWORD. */
    async upsertAdmin(username: string, password: string, role: AdminRole): Promise<'created' | 'updated'> {
      const passwordHash = await hashPassword(password);
      const result = await Admin.updateOne(
        { username },
        { $set: { passwordHash, role, active: true, failedLogins: 0, lockedUntil: null }, $inc: { tokenVersion: 1 } },
        { upsert: true },
      );
      return result.upsertedCount ? 'created' : 'updated';
    },

    async exists(username: string): Promise<boolean> {
      return (await Admin.exists({ username })) !== null;
    },

    async createAdmin(actorId: string, input: { username: string; password: string; role: AdminRole }) {
      try {
        const admin = await Admin.create({
          username: input.username,
          passwordHash: await hashPassword(input.password),
          role: input.role,
        });
        await recordAudit({
          admin: actorId,
          action: 'admin.create',
          target: { type: 'admin', id: admin._id.toString() },
          changes: { role: input.role },
        });
        return toAdminView(admin);
      } catch (error) {
        if (isDuplicateKey(error)) throw new AppError('conflict', 'admin_username_taken', '该管理员用户名已存在');
        throw error;
      }
    },

    async listAdmins() {
      const admins = await Admin.find({}, { username: 1, role: 1, active: 1, lastLoginAt: 1 })
        .sort({ createdAt: 1 })
        .lean<AdminDoc[]>();
      return admins.map((admin) => ({
        ...toAdminView(admin),
        active: admin.active,
        lastLoginAt: admin.lastLoginAt?.toISOString() ?? null,
      }));
    },

    /** Forgets (username, IP) failure counts a day old; answers how many. */
    async unlockExpired(now = new Date()): Promise<number> {
      await Admin.updateMany({ lockedUntil: trustedOperators({ $lt: now }) }, { $set: { lockedUntil: null } });
      return (await AdminLoginThrottle.deleteMany({ expiresAt: trustedOperators({ $lt: now }) })).deletedCount;
    },
  };
}

export type AdminsService = ReturnType<typeof createAdminsService>;
