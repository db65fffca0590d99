/**
 * Payments: prepay for an order, the WeChat Pay notification (verified, decrypted, checked against
 * the order, applied once), refunds with stable out_refund_no, and automatic refunds of payments that
 * arrive for orders that can no longer take them.
 */
import type { Types } from 'mongoose';
import type { WechatPayClient } from '../../adapters/wechatpay';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { Logger } from '../../http/logger';
import { Member, MemberIdentity } from '../identity/member.model';
import type { OrderDoc } from '../orders/order.model';
import type { OrdersService } from '../orders/orders.service';
import { PaymentNotification, PaymentTransaction } from './payment.model';

/** After-sales refund numbers are `R<orderNo>-<n>`; the whole-order one is `R<orderNo>`, a late payment's `R<orderNo>L`. */
export const isPartialRefundNo = (outRefundNo: string) => /^R[0-9A-Za-z]+-\d+$/.test(outRefundNo);

export function createPaymentsService(deps: {
  wechatPay: WechatPayClient;
  orders: OrdersService;
  log: Logger;
  /** Demo mode: where the sandbox cashier's confirm endpoint lives. */
  sandboxBaseUrl?: () => string;
  /** Demo mode: the confirm path with the payer's ticket (the sandbox signs it). */
  sandboxConfirmPath?: (prepayId: string) => string;
}) {
  const { wechatPay, orders } = deps;

  async function payerOpenid(memberId: string): Promise<string> {
    const identity = await MemberIdentity.findOne({
      member: memberId,
      _id: trustedOperators({ $regex: /^openid:/ }),
    }).lean();
    if (!identity) {
      const member = await Member.exists({ _id: memberId });
      throw new AppError('conflict', 'openid_missing', member ? '请在微信中登录后再支付' : '会员不存在');
    }
    return identity._id.slice('openid:'.length);
  }

  async function refundLatePayment(orderNo: string, payment: { transactionId: string; amount: number }) {
    const order = await orders.recordLatePayment(orderNo, payment);
    const late = order?.latePayment ?? (await orders.loadByOrderNo(orderNo))?.latePayment;
    if (!late || late.refundedAt) return;
    await wechatPay.refund({
      outTradeNo: orderNo,
      outRefundNo: late.outRefundNo,
      refundFen: late.amount,
      totalFen: late.amount,
      reason: '订单已取消，支付款自动退回',
    });
  }

  const service = {
    async pay(memberId: string, orderId: string, now = new Date()) {
      const order = await orders.loadOwn(memberId, orderId);
      if (order.status !== 'pending_payment') {
        throw new AppError(
          'conflict',
          'order_not_payable',
          order.status === 'cancelled' ? '订单已取消，无法支付' : '订单当前无需支付',
        );
      }
      if (order.expiresAt && order.expiresAt.getTime() <= now.getTime()) {
        throw new AppError('conflict', 'order_expired', '订单已超时，请重新下单');
      }
      const prepayId = await wechatPay.createJsapiPrepay({
        outTradeNo: order.orderNo,
        description: `山茶集-${order.items[0]?.title ?? '订单'}${order.items.length > 1 ? `等${order.items.length}件` : ''}`,
        amountFen: order.amounts.payable,
        openid: await payerOpenid(memberId),
        expiresAt: order.expiresAt ?? new Date(now.getTime() + 15 * 60_000),
      });
      await orders.recordPrepay(order._id, prepayId, now);
      return {
        orderNo: order.orderNo,
        payable: order.amounts.payable,
        payParams: wechatPay.payParams(prepayId, now.getTime()),
        ...(deps.sandboxBaseUrl
          ? {
              sandbox: {
                confirmUrl: `${deps.sandboxBaseUrl()}${deps.sandboxConfirmPath?.(prepayId) ?? `/pay/${prepayId}/confirm`}`,
              },
            }
          : {}),
      };
    },

    /** The notify endpoint's work. Answers only after the state change is durable. */
    async handleNotification(headers: Record<string, string | undefined>, rawBody: string): Promise<string> {
      const notification = wechatPay.verifyNotification(headers, rawBody);
      let outcome: string;
      if (notification.kind === 'transaction') {
        const tx = notification.transaction;
        if (tx.mchid !== wechatPay.options.mchid || tx.appid !== wechatPay.options.appid) {
          throw new AppError('bad_request', 'notify_wrong_merchant', 'notification is for another merchant or app');
        }
        if (tx.trade_state !== 'SUCCESS') {
          outcome = `ignored:${tx.trade_state}`;
        } else {
          if (tx.amount.currency !== 'CNY')
            throw new AppError('bad_request', 'currency_mismatch', 'currency must be CNY');
          const amount = tx.amount.total;
          try {
            await PaymentTransaction.create({ _id: tx.transaction_id, orderNo: tx.out_trade_no, amount });
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
            const known = await PaymentTransaction.findById(tx.transaction_id).lean();
            if (known?.orderNo !== tx.out_trade_no)
              throw new AppError('conflict', 'transaction_reused', 'transaction id belongs to another order');
          }
          const result = await orders.markPaid(tx.out_trade_no, { transactionId: tx.transaction_id, amount });
          outcome = result.outcome;
          if (result.outcome === 'not_payable') {
            // Paid after it was cancelled (or a second payment): the money goes back automatically.
            deps.log.warn(
              { orderNo: tx.out_trade_no, status: result.order.status },
              'payment for an order that is not payable: refunding',
            );
            await refundLatePayment(tx.out_trade_no, { transactionId: tx.transaction_id, amount });
            outcome = 'late_payment_refunded';
          }
        }
        await PaymentNotification.updateOne(
          { _id: notification.id },
          { $setOnInsert: { eventType: notification.eventType, outTradeNo: tx.out_trade_no, outcome } },
          { upsert: true },
        ).catch(() => {});
        return outcome;
      }
      const refund = notification.refund;
      if (refund.refund_status !== 'SUCCESS') return `ignored:${refund.refund_status}`;
      if (refund.out_refund_no.endsWith('L')) {
        await orders.markLatePaymentRefunded(refund.out_trade_no);
        outcome = 'late_payment_refund_settled';
      } else if (isPartialRefundNo(refund.out_refund_no)) {
        const order = await orders.finishPartialRefund(refund.out_trade_no, refund.out_refund_no, {
          refundId: refund.refund_id,
        });
        outcome = order ? 'partially_refunded' : 'refund_already_settled';
      } else {
        const order = await orders.finishRefund(refund.out_trade_no, { refundId: refund.refund_id });
        outcome = order ? 'refunded' : 'refund_already_settled';
      }
      await PaymentNotification.updateOne(
        { _id: notification.id },
        { $setOnInsert: { eventType: notification.eventType, outTradeNo: refund.out_trade_no, outcome } },
        { upsert: true },
      ).catch(() => {});
      return outcome;
    },

    /** Admin refund: the order moves to `refunding` and WeChat Pay is asked (again, safely, by out_refund_no). */
    async refund(orderId: string, reason: string, now = new Date()) {
      const order = await orders.startRefund(orderId, reason, now);
      await service.requestRefund(
        order.orderNo,
        order.refund!.outRefundNo,
        order.refund!.amount,
        order.payment?.paidAmount ?? order.refund!.amount,
      );
      return order;
    },

    async requestRefund(orderNo: string, outRefundNo: string, refundFen: number, totalFen: number) {
      if (refundFen === 0) {
        // Nothing was paid in cash (a points-only order): the refund settles at once.
        await orders.finishRefund(orderNo, { refundId: 'no-cash' });
        return;
      }
      try {
        await wechatPay.refund({ outTradeNo: orderNo, outRefundNo, refundFen, totalFen, reason: '商家退款' });
      } catch (error) {
        // The order stays `refunding`; the retry job asks again with the same out_refund_no.
        deps.log.warn({ err: error, orderNo }, 'refund request failed; will retry');
      }
    },

    /**
     * After-sales: asks WeChat Pay for a refund of some lines under its own out_refund_no (`R<orderNo>-<n>`,
     * stable for retries of the same request). The order must already carry the refund
     * (`orders.startPartialRefund`); its REFUND.SUCCESS settles it. Safe to repeat.
     */
    async requestPartialRefund(orderNo: string, outRefundNo: string, refundFen: number, totalFen: number) {
      if (!isPartialRefundNo(outRefundNo)) throw new RangeError(`not a partial refund number: ${outRefundNo}`);
      if (refundFen === 0) {
        // Only points come back (a points-mall line): nothing to ask WeChat Pay, it settles at once.
        await orders.finishPartialRefund(orderNo, outRefundNo, { refundId: 'no-cash' });
        return;
      }
      try {
        await wechatPay.refund({ outTradeNo: orderNo, outRefundNo, refundFen, totalFen, reason: '售后退款' });
      } catch (error) {
        // The request stays approved; the after-sales retry job asks again with the same out_refund_no.
        deps.log.warn({ err: error, orderNo, outRefundNo }, 'partial refund request failed; will retry');
      }
    },

    /**
     * Unpaid orders past their deadline: ask WeChat Pay first (a lost notification must not cancel a
     * paid order), then close the prepay and cancel, giving stock and points back.
     */
    async cancelExpired(now: Date): Promise<number> {
      let cancelled = 0;
      let after: { expiresAt: Date; id: Types.ObjectId } | undefined;
      // Page through every due order, oldest deadline first, so a backlog never hides an old order.
      for (
        let batch = await orders.dueForCancel(now);
        batch.length;
        batch = await orders.dueForCancel(now, 100, after)
      ) {
        const last = batch[batch.length - 1]!;
        after = { expiresAt: last.expiresAt!, id: last._id };
        for (const order of batch) if (await service.cancelIfUnpaid(order, now)) cancelled++;
      }
      return cancelled;
    },

    /** True when the order was cancelled; false when it turned out to be paid or already moved on. */
    async cancelIfUnpaid(order: OrderDoc, now: Date): Promise<boolean> {
      if (order.payment?.prepayId) {
        const trade = await wechatPay.queryByOutTradeNo(order.orderNo).catch(() => undefined);
        if (trade && trade.trade_state === 'SUCCESS' && 'transaction_id' in trade) {
          await orders
            .markPaid(order.orderNo, { transactionId: trade.transaction_id, amount: trade.amount.total })
            .catch(() => {});
          return false;
        }
        await wechatPay.close(order.orderNo).catch(() => {});
      }
      try {
        await orders.cancel(order, 'timeout', now);
        return true;
      } catch (error) {
        if (error instanceof AppError && error.type === 'conflict') return false;
        throw error;
      }
    },

    async retryRefunds(now: Date): Promise<number> {
      const due = await orders.refundsToRetry(now);
      for (const order of due) {
        await service.requestRefund(
          order.orderNo,
          order.refund!.outRefundNo,
          order.refund!.amount,
          order.payment?.paidAmount ?? order.refund!.amount,
        );
      }
      return due.length;
    },
  };
  return service;
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;
