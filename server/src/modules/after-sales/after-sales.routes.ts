import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import {
  AdminAfterSaleDecisionSchema,
  AdminAfterSaleListQuerySchema,
  AdminAfterSaleListSchema,
  AdminAfterSaleViewSchema,
  AfterSaleEligibilitySchema,
  AfterSaleListQuerySchema,
  AfterSaleListSchema,
  AfterSaleOrderParams,
  AfterSaleViewSchema,
  StoreAfterSaleCreateSchema,
} from './after-sales.schemas';
import type { AfterSalesService } from './after-sales.service';

export function afterSalesStoreRoutes(afterSales: AfterSalesService) {
  return [
    defineRoute({
      method: 'get',
      path: '/after-sales/orders/:orderId',
      summary: '申请售后前：订单可申请的售后类型与每个商品尚可申请的数量（他人的订单为 404）',
      tags: ['after-sales'],
      auth: 'member',
      params: AfterSaleOrderParams,
      response: AfterSaleEligibilitySchema,
      handler: async ({ params, caller }) => afterSales.eligibility(caller.member!.id, params.orderId),
    }),
    defineRoute({
      method: 'post',
      path: '/after-sales',
      summary: '申请售后：未发货仅退款 / 已收货退货退款，按商品与数量（需 Idempotency-Key）',
      description: '同一商品的数量不能重复申请：每个商品已申请的件数在订单的售后计数上以条件更新守住。',
      tags: ['after-sales'],
      auth: 'member',
      idempotent: true,
      body: StoreAfterSaleCreateSchema,
      response: AfterSaleViewSchema,
      status: 201,
      errors: { 404: '订单不存在', 409: '订单当前不能申请、类型不符或数量超过可申请数量' },
      handler: async ({ body, caller }) => afterSales.create(caller.member!.id, body, caller.idempotencyKey!),
    }),
    defineRoute({
      method: 'get',
      path: '/after-sales',
      summary: '售后进度：我的售后申请（可按订单筛选）',
      tags: ['after-sales'],
      auth: 'member',
      query: AfterSaleListQuerySchema,
      response: AfterSaleListSchema,
      handler: async ({ query, caller }) => afterSales.listOwn(caller.member!.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/after-sales/:id',
      summary: '售后详情（他人的申请为 404）',
      tags: ['after-sales'],
      auth: 'member',
      params: IdParams,
      response: AfterSaleViewSchema,
      handler: async ({ params, caller }) => afterSales.getOwn(caller.member!.id, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/after-sales/:id/withdraw',
      summary: '撤销待审核的售后申请',
      tags: ['after-sales'],
      auth: 'member',
      params: IdParams,
      response: AfterSaleViewSchema,
      errors: { 409: '客服已处理，无法撤销' },
      handler: async ({ params, caller }) => afterSales.withdraw(caller.member!.id, params.id),
    }),
  ];
}

const SUPPORT = { admin: ['owner', 'support'] } as const;

export function afterSalesAdminRoutes(afterSales: AfterSalesService) {
  return [
    defineRoute({
      method: 'get',
      path: '/after-sales',
      summary: '售后申请列表（可按状态、订单筛选）',
      tags: ['admin-after-sales'],
      auth: SUPPORT,
      query: AdminAfterSaleListQuerySchema,
      response: AdminAfterSaleListSchema,
      handler: async ({ query }) => afterSales.listForAdmin(query),
    }),
    defineRoute({
      method: 'get',
      path: '/after-sales/:id',
      summary: '售后申请详情',
      tags: ['admin-after-sales'],
      auth: SUPPORT,
      params: IdParams,
      response: AdminAfterSaleViewSchema,
      handler: async ({ params }) => afterSales.getForAdmin(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/after-sales/:id/approve',
      summary: '同意售后：按比例退还这些商品的实付（微信支付，每次新的退款单号），退回库存与积分',
      tags: ['admin-after-sales'],
      auth: SUPPORT,
      params: IdParams,
      body: AdminAfterSaleDecisionSchema,
      response: AdminAfterSaleViewSchema,
      errors: { 409: '申请已处理或订单当前不能退款' },
      handler: async ({ params, body, caller }) => afterSales.approve(caller.admin!.id, params.id, body.note),
    }),
    defineRoute({
      method: 'post',
      path: '/after-sales/:id/reject',
      summary: '拒绝售后（附说明，会员可见）',
      tags: ['admin-after-sales'],
      auth: SUPPORT,
      params: IdParams,
      body: AdminAfterSaleDecisionSchema,
      response: AdminAfterSaleViewSchema,
      errors: { 409: '申请已处理' },
      handler: async ({ params, body, caller }) => afterSales.reject(caller.admin!.id, params.id, body.note),
    }),
  ];
}
