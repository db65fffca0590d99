import { ADMIN_ROLES, AdminLoginRequestSchema, AdminLoginResponseSchema, AdminRoleSchema } from '@siyu/shared';
import { z } from 'zod';
import { consumeRateLimit } from '../../http/rate-limit';
import { defineRoute } from '../../http/route';
import type { LoginLimits } from '../identity/identity.routes';
import type { AdminsService } from './admins.service';

const AdminViewSchema = z.object({ id: z.string(), username: z.string(), role: AdminRoleSchema });

/** Mounted under /api/admin. */
export function adminsRoutes(admins: AdminsService, limits: LoginLimits) {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary:
        '管理员登录（用户名 + 密码）；同一用户名在同一 IP 连续失败 5 次起须等待（30 秒起逐次加倍，最长 15 分钟），其他 IP 不受影响',
      tags: ['admin: accounts'],
      auth: 'public',
      body: AdminLoginRequestSchema,
      response: AdminLoginResponseSchema,
      errors: { 401: '用户名或密码错误', 429: '过于频繁或已锁定' },
      handler: async ({ body, caller }) => {
        await consumeRateLimit('admin-login-ip', caller.ip, limits.perIpPerMinute, 60);
        // Per username AND address: a per-username limit would let anyone lock the owner out.
        await consumeRateLimit('admin-login-user-ip', `${body.username}|${caller.ip}`, limits.perIdentityPerMinute, 60);
        return admins.login(body.username, body.password, caller.ip);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me',
      summary: '当前管理员',
      tags: ['admin: accounts'],
      auth: { admin: ADMIN_ROLES },
      response: AdminViewSchema,
      handler: async ({ caller }) => ({
        id: caller.admin!.id,
        username: caller.admin!.username,
        role: caller.admin!.role,
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/admins',
      summary: '管理员列表（仅 owner）',
      tags: ['admin: accounts'],
      auth: { admin: ['owner'] },
      response: z.array(AdminViewSchema.extend({ active: z.boolean(), lastLoginAt: z.string().nullable() })),
      handler: async () => admins.listAdmins(),
    }),
    defineRoute({
      method: 'post',
      path: '/admins',
      summary: '新建管理员（仅 owner）：operator 管商品与活动，support 管订单、会员与审核',
      tags: ['admin: accounts'],
      auth: { admin: ['owner'] },
      body: z
        .object({
          username: z.string().regex(/^[a-z0-9_.-]{3,32}$/, '用户名为 3–32 位小写字母、数字、_ . -'),
          password: z.string().min(10).max(128),
          role: AdminRoleSchema,
        })
        .strict(),
      response: AdminViewSchema,
      status: 201,
      errors: { 409: '用户名已存在' },
      handler: async ({ body, caller }) => admins.createAdmin(caller.admin!.id, body),
    }),
  ];
}
