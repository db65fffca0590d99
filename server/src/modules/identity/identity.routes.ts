import {
  BindPhoneRequestSchema,
  LinkMarketplaceRequestSchema,
  LoginResponseSchema,
  LogoutRequestSchema,
  MarketplaceSchema,
  MemberViewSchema,
  RefreshRequestSchema,
  TokenPairSchema,
  UpdateProfileRequestSchema,
  WechatLoginRequestSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { consumeRateLimit } from '../../http/rate-limit';
import { defineRoute } from '../../http/route';
import type { IdentityService } from './identity.service';

export interface LoginLimits {
  perIpPerMinute: number;
  perIdentityPerMinute: number;
}

export function identityRoutes(identity: IdentityService, limits: LoginLimits) {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/wechat-login',
      summary: '微信登录（wx.login code → code2Session）；演示模式下 code 为 demo:<昵称>',
      tags: ['identity'],
      auth: 'public',
      body: WechatLoginRequestSchema,
      response: LoginResponseSchema,
      errors: { 401: '登录凭证无效', 429: '登录过于频繁' },
      handler: async ({ body, caller }) => {
        await consumeRateLimit('login-ip', caller.ip, limits.perIpPerMinute, 60);
        await consumeRateLimit('login-code', body.code, limits.perIdentityPerMinute, 60);
        return identity.login(body.code, body.inviteCode);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary: '用 refresh token 换一对新令牌（轮换；重复使用已用过的 refresh token 会注销该登录）',
      tags: ['identity'],
      auth: 'public',
      body: RefreshRequestSchema,
      response: TokenPairSchema,
      handler: async ({ body, caller }) => {
        await consumeRateLimit('refresh-ip', caller.ip, limits.perIpPerMinute * 2, 60);
        return identity.refresh(body.refreshToken);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: '退出登录：注销这次登录（refreshToken），或 everywhere=true 注销所有设备',
      tags: ['identity'],
      auth: 'member',
      body: LogoutRequestSchema,
      status: 204,
      handler: async ({ body, caller }) => {
        await identity.logout(caller.member!.id, { ...body, sessionId: caller.member!.sessionId });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me',
      summary: '当前会员资料',
      tags: ['identity'],
      auth: 'member',
      response: MemberViewSchema,
      handler: async ({ caller }) => identity.me(caller.member!.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/me',
      summary: '修改昵称、头像、生日、性别（其它字段一律 400）',
      tags: ['identity'],
      auth: 'member',
      body: UpdateProfileRequestSchema,
      response: MemberViewSchema,
      handler: async ({ body, caller }) => identity.updateProfile(caller.member!.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/me/phone',
      summary: '绑定手机号（getPhoneNumber 的 code）；已被其他会员绑定为 409',
      tags: ['identity'],
      auth: 'member',
      body: BindPhoneRequestSchema,
      response: MemberViewSchema,
      errors: { 409: '手机号已绑定其他会员' },
      handler: async ({ body, caller }) => {
        await consumeRateLimit('phone-member', caller.member!.id, limits.perIdentityPerMinute, 60);
        return identity.bindPhone(caller.member!.id, body.code);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/marketplaces',
      summary: '关联电商平台买家账号（天猫、京东、抖音），用于包裹卡匹配；已被他人关联为 409',
      tags: ['identity'],
      auth: 'member',
      body: LinkMarketplaceRequestSchema,
      response: MemberViewSchema,
      errors: { 409: '该买家账号已关联其他会员' },
      handler: async ({ body, caller }) => identity.linkMarketplace(caller.member!.id, body.platform, body.buyerId),
    }),
    defineRoute({
      method: 'delete',
      path: '/me/marketplaces/:platform/:buyerId',
      summary: '解除电商平台买家账号关联',
      tags: ['identity'],
      auth: 'member',
      params: z.object({ platform: MarketplaceSchema, buyerId: z.string().min(1).max(64) }).strict(),
      response: MemberViewSchema,
      handler: async ({ params, caller }) =>
        identity.unlinkMarketplace(caller.member!.id, params.platform, params.buyerId),
    }),
  ];
}
