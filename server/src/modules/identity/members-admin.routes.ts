/** The support desk's view of members: find a member, see their profile, tier, growth and points. */
import { MemberViewSchema, TierCodeSchema } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import { type IdentityService, toMemberView } from './identity.service';
import type { MemberDoc } from './member.model';

const AdminMemberSchema = MemberViewSchema.extend({
  /** Support sees the full phone number; members see it masked. */
  phone: z.string().nullable(),
  growth: z.number().int(),
  pointsBalance: z.number().int(),
  status: z.enum(['active', 'merged']),
});

type MemberWithAccounts = MemberDoc & { growth?: number; pointsBalance?: number };

function toAdminMember(member: MemberWithAccounts) {
  return {
    ...toMemberView(member),
    phone: member.phone ?? null,
    growth: member.growth ?? 0,
    pointsBalance: member.pointsBalance ?? 0,
    status: member.status ?? 'active',
  };
}

/** Mounted under /api/admin; members are the `support` role's (owner can do everything). */
export function membersAdminRoutes(identity: IdentityService) {
  return [
    defineRoute({
      method: 'get',
      path: '/members',
      summary: '会员列表：按会员号、昵称或手机号搜索，按等级筛选',
      tags: ['admin: members'],
      auth: { admin: ['support'] },
      query: z
        .object({
          q: z.string().trim().min(1).max(32).optional(),
          tier: TierCodeSchema.optional(),
          page: z.coerce.number().int().min(1).max(1000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        })
        .strict(),
      response: z.object({
        items: z.array(AdminMemberSchema),
        total: z.number().int(),
        page: z.number().int(),
        pageSize: z.number().int(),
      }),
      handler: async ({ query }) => {
        const { items, total } = await identity.searchMembers(query);
        return { items: items.map(toAdminMember), total, page: query.page, pageSize: query.pageSize };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/members/:id',
      summary: '会员详情：资料、等级、成长值、积分余额',
      tags: ['admin: members'],
      auth: { admin: ['support'] },
      params: IdParams,
      response: AdminMemberSchema,
      handler: async ({ params }) => toAdminMember(await identity.memberForSupport(params.id)),
    }),
  ];
}
