/** WeChat Pay: the member's prepay, the notification endpoint, and the support desk's refunds. */
import { PayParamsSchema } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import { AdminOrderViewSchema, toAdminOrderView } from '../orders/orders.routes';
import type { PaymentsService } from './payments.service';

export function paymentRoutes(payments: PaymentsService) {
  return [
    defineRoute({
      method: 'post',
      path: '/orders/:id/pay',
      summary: '发起微信支付：返回 Taro.requestPayment 所需参数（演示模式附沙箱收银台地址）',
      tags: ['payments'],
      auth: 'member',
      params: IdParams,
      response: PayParamsSchema,
      errors: { 409: '订单不可支付' },
      handler: async ({ params, caller }) => payments.pay(caller.member!.id, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/payments/wechatpay/notify',
      summary: '微信支付 v3 回调：验签、防重放、解密、核对金额后把订单改为已支付（幂等）',
      tags: ['payments'],
      auth: 'public',
      rawBody: true,
      response: z.object({ code: z.literal('SUCCESS'), message: z.string() }),
      errors: { 401: '签名无效或时间戳过期', 400: '金额、商户或报文不符' },
      handler: async ({ caller }) => {
        const outcome = await payments.handleNotification(caller.raw!.headers, caller.raw!.body);
        caller.log.info({ outcome }, 'wechatpay notification');
        return { code: 'SUCCESS' as const, message: outcome };
      },
    }),
  ];
}

/** Mounted under /api/admin. */
export function paymentAdminRoutes(payments: PaymentsService) {
  return [
    defineRoute({
      method: 'post',
      path: '/orders/:id/refund',
      summary: '退款（已支付/已发货/已完成 → 退款中 → 已退款；out_refund_no 固定，重试不会重复退款）',
      tags: ['admin: orders'],
      auth: { admin: ['support'] },
      params: IdParams,
      body: z.object({ reason: z.string().trim().min(2).max(80) }).strict(),
      response: AdminOrderViewSchema,
      errors: { 409: '订单当前状态不可退款' },
      handler: async ({ params, body }) => toAdminOrderView(await payments.refund(params.id, body.reason)),
    }),
  ];
}
