import {
  StoreCouponCenterQuerySchema,
  StoreCouponCenterSchema,
  StoreMemberCouponSchema,
  StoreRedeemRequestSchema,
  StoreWalletQuerySchema,
  StoreWalletSchema,
  StoreWelcomeSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { defineRoute, FileAnswer } from '../../http/route';
import {
  AdminCouponCreateSchema,
  AdminCouponListQuerySchema,
  AdminCouponPageSchema,
  AdminCouponPatchSchema,
  AdminCouponPushResultSchema,
  AdminCouponPushSchema,
  AdminCouponSchema,
  AdminNewMemberSkuBodySchema,
  AdminNewMemberSkuSchema,
  AdminRedeemBatchCreateSchema,
  AdminRedeemBatchSchema,
  IdParamsSchema,
  TemplateIdParamsSchema,
} from './coupons.schemas';
import type { CouponsService } from './coupons.service';

const OPERATOR = { admin: ['operator'] } as const;

/** Mounted under /api. */
export function couponsStoreRoutes(coupons: CouponsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/coupons',
      summary: '领券中心：可领取的优惠券（productId：该商品可用的券与新人专享规格）',
      tags: ['coupons'],
      auth: 'optional-member',
      query: StoreCouponCenterQuerySchema,
      response: StoreCouponCenterSchema,
      handler: async ({ query, caller }) => coupons.center(caller.member, query.productId),
    }),
    defineRoute({
      method: 'post',
      path: '/coupons/:templateId/claim',
      summary: '领取一张优惠券（每人限领数量内）',
      tags: ['coupons'],
      auth: 'member',
      params: TemplateIdParamsSchema,
      response: StoreMemberCouponSchema,
      status: 201,
      errors: { 404: '优惠券不存在', 409: '已领完 / 已领满 / 等级不足 / 仅限新会员 / 已停止发放' },
      handler: async ({ params, caller }) => coupons.claim(caller.member!, params.templateId),
    }),
    defineRoute({
      method: 'get',
      path: '/me/coupons',
      summary: '我的优惠券：可使用（含待付款订单占用中）/ 已使用 / 已过期',
      tags: ['coupons'],
      auth: 'member',
      query: StoreWalletQuerySchema,
      response: StoreWalletSchema,
      handler: async ({ query, caller }) => coupons.wallet(caller.member!.id, query.status),
    }),
    defineRoute({
      method: 'get',
      path: '/me/coupons/welcome',
      summary: '新人礼：注册时发放的优惠券，及是否还需弹窗展示',
      tags: ['coupons'],
      auth: 'member',
      response: StoreWelcomeSchema,
      handler: async ({ caller }) => coupons.welcome(caller.member!.id),
    }),
    defineRoute({
      method: 'post',
      path: '/me/coupons/welcome/seen',
      summary: '新人礼弹窗已展示（只展示一次）',
      tags: ['coupons'],
      auth: 'member',
      status: 204,
      handler: async ({ caller }) => {
        await coupons.markWelcomeSeen(caller.member!.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/coupons/redeem',
      summary: '兑换码兑换优惠券（按会员与 IP 限频，超出 429）',
      tags: ['coupons'],
      auth: 'member',
      body: StoreRedeemRequestSchema,
      response: StoreMemberCouponSchema,
      status: 201,
      errors: { 404: '兑换码无效', 409: '兑换码已被使用 / 优惠券已领完', 429: '尝试过于频繁' },
      handler: async ({ body, caller }) => coupons.redeem(caller.member!, body.code, caller.ip),
    }),
    defineRoute({
      method: 'get',
      path: '/me/coupons/:id',
      summary: '我的一张优惠券（去使用：适用商品与分类）',
      tags: ['coupons'],
      auth: 'member',
      params: IdParamsSchema,
      response: StoreMemberCouponSchema,
      errors: { 404: '优惠券不存在' },
      handler: async ({ params, caller }) => coupons.getCoupon(caller.member!.id, params.id),
    }),
  ];
}

/** Mounted under /api/admin: operators (and the owner) run coupons. */
export function couponsAdminRoutes(coupons: CouponsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/coupons',
      summary: '优惠券模板列表',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      query: AdminCouponListQuerySchema,
      response: AdminCouponPageSchema,
      handler: async ({ query }) => coupons.listTemplates(query),
    }),
    defineRoute({
      method: 'post',
      path: '/coupons',
      summary: '新建优惠券模板：满减 / 折扣 / 无门槛',
      description:
        '有效期二选一：validDays（领取后 N 天），或 startsAt 与 endsAt。claimable=true 进入领券中心；channels 另可含 welcome（新人礼）、push、redeem、package_card。stackWithMemberPrice=false 时适用商品按原价计算后再减。',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      body: AdminCouponCreateSchema,
      response: AdminCouponSchema,
      status: 201,
      handler: async ({ body }) => coupons.createTemplate(body),
    }),
    defineRoute({
      method: 'get',
      path: '/coupons/:id',
      summary: '优惠券模板详情（已发放、剩余）',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      params: IdParamsSchema,
      response: AdminCouponSchema,
      errors: { 404: '优惠券不存在' },
      handler: async ({ params }) => coupons.getTemplate(params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/coupons/:id',
      summary: '修改优惠券模板（名称、总量、发放渠道、停止发放）；已发放的券不受影响',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminCouponPatchSchema,
      response: AdminCouponSchema,
      errors: { 404: '优惠券不存在', 409: '总量低于已发放数量' },
      handler: async ({ params, body }) => coupons.updateTemplate(params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/coupons/:id/push',
      summary: '向指定会员推送优惠券（同一 key 重复推送不会重复发放）',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminCouponPushSchema,
      response: AdminCouponPushResultSchema,
      errors: { 404: '优惠券不存在' },
      handler: async ({ params, body }) => coupons.push(params.id, body.memberIds, body.key),
    }),
    defineRoute({
      method: 'post',
      path: '/coupons/:id/redeem-batches',
      summary: '生成一批兑换码',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminRedeemBatchCreateSchema,
      response: AdminRedeemBatchSchema,
      status: 201,
      errors: { 404: '优惠券不存在', 409: '未开放兑换码渠道' },
      handler: async ({ params, body, caller }) => coupons.createRedeemBatch(params.id, body, caller.admin!.id),
    }),
    defineRoute({
      method: 'get',
      path: '/coupons/:id/redeem-batches',
      summary: '兑换码批次（含已兑换数量与 CSV 导出地址）',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      params: IdParamsSchema,
      response: z.array(AdminRedeemBatchSchema),
      handler: async ({ params }) => coupons.listRedeemBatches(params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/coupons/new-member-skus/:id',
      summary: '设置规格为新人专享（有已支付订单的会员不能购买，如 9.9 尝鲜装）',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminNewMemberSkuBodySchema,
      response: AdminNewMemberSkuSchema,
      errors: { 404: '规格不存在' },
      handler: async ({ params, body }) => coupons.setNewMemberSku(params.id, body.newMembersOnly),
    }),
  ];
}

/** The redeem-code CSV export, declared like every route (validated, in OpenAPI). Mounted under /api/admin. */
export function couponsCsvRoutes(coupons: CouponsService) {
  return [
    defineRoute({
      method: 'get',
      path: '/coupons/redeem-batches/:id/codes.csv',
      summary: '导出兑换码 CSV',
      tags: ['admin: coupons'],
      auth: OPERATOR,
      params: IdParams,
      produces: ['text/csv'],
      errors: { 404: '批次不存在' },
      handler: async ({ params }) => {
        const { filename, csv } = await coupons.exportRedeemCsv(params.id);
        return new FileAnswer(csv, 'text/csv; charset=utf-8', filename, { 'Cache-Control': 'no-store' });
      },
    }),
  ];
}
