import {
  CreateOrderRequestSchema,
  OrderListQuerySchema,
  OrderPreviewRequestSchema,
  OrderPreviewSchema,
  OrderViewSchema,
  VisibleOrderStatusSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { consumeRateLimit } from '../../http/rate-limit';
import { defineRoute } from '../../http/route';
import type { OrderDoc } from './order.model';
import { type OrdersService, toOrderView } from './orders.service';

export function orderRoutes(
  orders: OrdersService,
  limits: { createPerMemberPerMinute: number } = { createPerMemberPerMinute: 20 },
) {
  return [
    defineRoute({
      method: 'post',
      path: '/orders/preview',
      summary: '结算预览：逐行价格、会员优惠、运费、积分抵扣、实付（不写入任何数据）',
      tags: ['orders'],
      auth: 'member',
      body: OrderPreviewRequestSchema,
      response: OrderPreviewSchema,
      handler: async ({ body, caller }) => orders.preview(caller.member!, body),
    }),
    defineRoute({
      method: 'post',
      path: '/orders',
      summary: '下单（需 Idempotency-Key；同 key 同内容返回同一订单，同 key 不同内容 422）',
      description: '价格一律由服务端计算，客户端传来的价格被忽略。库存以条件原子扣减，限购在并发下成立。',
      tags: ['orders'],
      auth: 'member',
      idempotent: true,
      body: CreateOrderRequestSchema,
      response: OrderViewSchema,
      status: 201,
      errors: {
        404: '商品不存在或不可见',
        409: '库存不足、超出限购、积分不足或待付款订单过多',
        422: 'Idempotency-Key 已用于不同内容',
        429: '下单过于频繁',
      },
      handler: async ({ body, caller }) => {
        // Counted in the database (every instance); with the cap on open unpaid orders this keeps one
        // member from holding a SKU sold out with a stream of unpaid orders.
        await consumeRateLimit('order-create', caller.member!.id, limits.createPerMemberPerMinute, 60);
        return orders.create(caller.member!, body, caller.idempotencyKey!);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orders',
      summary: '我的订单（可按状态筛选）',
      tags: ['orders'],
      auth: 'member',
      query: OrderListQuerySchema,
      response: z.object({
        items: z.array(OrderViewSchema),
        total: z.number().int(),
        page: z.number().int(),
        pageSize: z.number().int(),
      }),
      handler: async ({ query, caller }) => orders.list(caller.member!.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/orders/:id',
      summary: '订单详情（他人的订单为 404）',
      tags: ['orders'],
      auth: 'member',
      params: IdParams,
      response: OrderViewSchema,
      handler: async ({ params, caller }) => orders.get(caller.member!.id, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/orders/:id/cancel',
      summary: '取消待付款订单（库存与积分退回一次）',
      tags: ['orders'],
      auth: 'member',
      params: IdParams,
      response: OrderViewSchema,
      errors: { 409: '订单当前状态不可取消' },
      handler: async ({ params, caller }) =>
        toOrderView(await orders.cancel(await orders.loadOwn(caller.member!.id, params.id), 'member')),
    }),
    defineRoute({
      method: 'post',
      path: '/orders/:id/confirm',
      summary: '确认收货',
      tags: ['orders'],
      auth: 'member',
      params: IdParams,
      response: OrderViewSchema,
      errors: { 409: '订单当前状态不可确认收货' },
      handler: async ({ params, caller }) => {
        const order = await orders.loadOwn(caller.member!.id, params.id);
        return toOrderView(await orders.complete({ _id: order._id, member: caller.member!.id }, 'member'));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/orders/:id',
      summary: '删除订单：已取消、已完成或已退款的订单从“我的订单”中移除（商家仍保留）',
      tags: ['orders'],
      auth: 'member',
      params: IdParams,
      status: 204,
      errors: { 409: '进行中的订单不能删除' },
      handler: async ({ params, caller }) => {
        await orders.hideForMember(caller.member!.id, params.id);
        return undefined;
      },
    }),
  ];
}

export const AdminOrderViewSchema = OrderViewSchema.extend({
  memberId: z.string(),
  tier: z.string(),
  latePayment: z.object({ amount: z.number().int(), refunded: z.boolean() }).nullable(),
});

export function toAdminOrderView(order: OrderDoc) {
  return {
    ...toOrderView(order),
    memberId: order.member.toString(),
    tier: order.tier,
    latePayment: order.latePayment
      ? { amount: order.latePayment.amount, refunded: Boolean(order.latePayment.refundedAt) }
      : null,
  };
}

/** Mounted under /api/admin. Orders are the `support` role's (owner can do everything). */
export function adminOrderRoutes(orders: OrdersService) {
  return [
    defineRoute({
      method: 'get',
      path: '/orders',
      summary: '订单列表：按状态、下单时间（from/to，ISO 时间）、订单号或收货人搜索',
      tags: ['admin: orders'],
      auth: { admin: ['support'] },
      query: z
        .object({
          status: VisibleOrderStatusSchema.optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          q: z.string().trim().min(1).max(64).optional(),
          page: z.coerce.number().int().min(1).max(1000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        })
        .strict(),
      response: z.object({
        items: z.array(AdminOrderViewSchema),
        total: z.number().int(),
        page: z.number().int(),
        pageSize: z.number().int(),
      }),
      handler: async ({ query }) => {
        const { items, total } = await orders.listForAdmin(query);
        return { items: items.map(toAdminOrderView), total, page: query.page, pageSize: query.pageSize };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orders/:id/ship',
      summary: '发货（已支付 → 已发货；10 天后自动确认收货）',
      tags: ['admin: orders'],
      auth: { admin: ['support'] },
      params: IdParams,
      body: z
        .object({
          carrier: z.string().trim().min(1).max(32),
          trackingNo: z
            .string()
            .trim()
            .regex(/^[A-Za-z0-9-]{6,40}$/, '运单号格式不正确'),
        })
        .strict(),
      response: AdminOrderViewSchema,
      errors: { 409: '订单当前状态不可发货' },
      handler: async ({ params, body }) => toAdminOrderView(await orders.ship(params.id, body)),
    }),
  ];
}
