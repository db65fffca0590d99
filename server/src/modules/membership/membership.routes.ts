import {
  AdminTierSchema,
  AdminTierUpdateSchema,
  PricingSettingsSchema,
  StoreMembershipSchema,
  TierCodeSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { MembershipService } from './membership.service';

/** Mounted under /api. */
export function membershipStoreRoutes(membership: MembershipService) {
  return [
    defineRoute({
      method: 'get',
      path: '/me/membership',
      summary: '我的会员等级：成长值、下一等级还差多少、当前与下一等级权益、专享商品说明',
      tags: ['membership'],
      auth: 'member',
      response: StoreMembershipSchema,
      handler: async ({ caller }) => membership.myMembership(caller.member!.id),
    }),
  ];
}

/** Mounted under /api/admin. */
export function membershipAdminRoutes(membership: MembershipService) {
  return [
    defineRoute({
      method: 'get',
      path: '/tiers',
      summary: '会员等级配置（operator）',
      tags: ['admin: membership'],
      auth: { admin: ['operator'] },
      response: z.array(AdminTierSchema),
      handler: async () => membership.listTiers(),
    }),
    defineRoute({
      method: 'put',
      path: '/tiers/:code',
      summary: '修改会员等级：名称、成长值门槛（须逐级递增，普通会员为 0）、折扣、包邮门槛、积分倍数、生日积分',
      tags: ['admin: membership'],
      auth: { admin: ['operator'] },
      params: z.object({ code: TierCodeSchema }).strict(),
      body: AdminTierUpdateSchema,
      response: AdminTierSchema,
      errors: { 400: '门槛未逐级递增' },
      handler: async ({ params, body, caller }) => membership.updateTier(caller.admin!.id, params.code, body),
    }),
    defineRoute({
      method: 'get',
      path: '/settings/pricing',
      summary: '店铺计价规则：运费、包邮门槛、积分获取与抵扣比例、成长值比例（operator）',
      tags: ['admin: membership'],
      auth: { admin: ['operator'] },
      response: PricingSettingsSchema,
      handler: async () => membership.pricingSettings(),
    }),
    defineRoute({
      method: 'put',
      path: '/settings/pricing',
      summary: '修改店铺计价规则（整份替换）',
      tags: ['admin: membership'],
      auth: { admin: ['operator'] },
      body: PricingSettingsSchema,
      response: PricingSettingsSchema,
      handler: async ({ body, caller }) => membership.updatePricingSettings(caller.admin!.id, body),
    }),
  ];
}
