import type { AdminRole } from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { TokenSigner } from '../identity/tokens';
import { Admin, AdminAudit, type AdminDoc } from './admin.model';
import { DECOY_HASH, hashPassword, verifyPassword } from './passwords';

const MAX_FAILED_LOGINS = 5;
const LOCKOUT_MS = 15 * 60 * 1000;

export function toAdminView(admin: Pick<AdminDoc, '_id' | 'username' | 'role'>) {
  return { id: admin._id.toString(), username: admin.username, role: admin.role };
}

export function createAdminsService(options: { signer: TokenSigner }) {
  return {
    async login(username: string, password: string) {
      const admin = await Admin.findOne({ username, active: true }).lean<AdminDoc>();
      const matches = await verifyPassword(password, admin?.passwordHash ?? DECOY_HASH);
      const locked = admin?.lockedUntil && admin.lockedUntil.getTime() > Date.now();
      if (admin && locked) {
        const retryAfter = Math.ceil((admin.lockedUntil!.getTime() - Date.now()) / 1000);
        throw new AppError(
          'rate_limited',
          'admin_locked',
          `登录失败次数过多，请 ${Math.ceil(retryAfter / 60)} 分钟后再试`,
          undefined,
          {
            'Retry-After': String(retryAfter),
          },
        );
      }
      if (!admin || !matches) {
        if (admin) {
          // Count the failure atomically; the fifth failure in a row locks the account for 15 minutes.
          const after = await Admin.findOneAndUpdate(
            { _id: admin._id },
            { $inc: { failedLogins: 1 } },
            { new: true, lean: true },
          );
          if ((after?.failedLogins ?? 0) >= MAX_FAILED_LOGINS) {
            await Admin.updateOne(
              { _id: admin._id },
              { $set: { lockedUntil: new Date(Date.now() + LOCKOUT_MS), failedLogins: 0 } },
            );
          }
        }
        throw new AppError('unauthenticated', 'invalid_credentials', '用户名或密码错误');
      }
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
        await AdminAudit.create({
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

    async unlockExpired(now = new Date()) {
      await Admin.updateMany({ lockedUntil: trustedOperators({ $lt: now }) }, { $set: { lockedUntil: null } });
    },
  };
}

export type AdminsService = ReturnType<typeof createAdminsService>;
