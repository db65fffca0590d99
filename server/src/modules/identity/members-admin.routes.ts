/** The support desk's view of members: find a member, see their profile, tier, growth and points. */
import { MemberViewSchema, TierCodeSchema } from '@siyu/shared';
import { z } from 'zod';
import { op } from '../../db/connection';
import { AppError } from '../../http/errors';
import { defineRoute } from '../../http/route';
import { toMemberView } from './identity.service';
import { Member, type MemberDoc } from './member.model';

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

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Mounted under /api/admin; members are the `support` role's (owner can do everything). */
export function membersAdminRoutes() {
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
        const filter: Record<string, unknown> = { status: 'active' };
        if (query.tier) filter.tier = query.tier;
        if (query.q) {
          const pattern = new RegExp(escapeRegex(query.q), 'i');
          filter.$or = [
            { memberNo: op({ $regex: pattern }) },
            { nickname: op({ $regex: pattern }) },
            { phone: op({ $regex: pattern }) },
          ];
        }
        const [items, total] = await Promise.all([
          Member.find(filter)
            .sort({ createdAt: -1 })
            .skip((query.page - 1) * query.pageSize)
            .limit(query.pageSize)
            .lean<MemberWithAccounts[]>(),
          Member.countDocuments(filter),
        ]);
        return { items: items.map(toAdminMember), total, page: query.page, pageSize: query.pageSize };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/members/:id',
      summary: '会员详情：资料、等级、成长值、积分余额',
      tags: ['admin: members'],
      auth: { admin: ['support'] },
      params: z.object({ id: z.string().regex(/^[a-f0-9]{24}$/, 'not a member id') }).strict(),
      response: AdminMemberSchema,
      handler: async ({ params }) => {
        const member = await Member.findById(params.id).lean<MemberWithAccounts>();
        if (!member) throw new AppError('not_found', 'member_not_found', '会员不存在');
        return toAdminMember(member);
      },
    }),
  ];
}
