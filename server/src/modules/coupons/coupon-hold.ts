/**
 * A coupon is an order hold: taken while the order is created (`available → locked`, lockedBy = the
 * order) and given back when the order fails, is cancelled or times out (`locked → available`, guarded
 * by the same order id, so it returns once however many callers race). See wallet.service.ts.
 */
import type { TierCode } from '@siyu/shared';
import type { OrderHold } from '../orders/order-extensions';
import type { Wallet } from './wallet.service';

export function couponHold(wallet: Wallet): OrderHold {
  return {
    kind: 'coupon',
    appliesTo: (order) => Boolean(order.couponId),
    take: (order) =>
      wallet.lock({
        id: order._id.toString(),
        memberId: order.member.toString(),
        couponId: order.couponId!,
        tier: order.tier as TierCode,
      }),
    giveBack: (order, reason) => wallet.giveBack({ id: order._id.toString(), couponId: order.couponId ?? '' }, reason),
  };
}
