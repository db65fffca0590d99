/**
 * Coupons react to paid orders: the coupon the order holds becomes `used`, and the member's first paid
 * order is recorded (it ends their new-member offers). Both are keyed by the order: a second delivery
 * changes nothing.
 */
import type { OrderSubscriber } from '../orders/order-extensions';
import type { Wallet } from './wallet.service';

export function couponsSubscriber(wallet: Wallet): OrderSubscriber {
  return {
    name: 'coupons',
    on: {
      paid: async (order, event) => {
        const id = order._id.toString();
        if (order.couponId) await wallet.markUsed({ id, couponId: order.couponId });
        await wallet.recordPaid({ id, memberId: order.member.toString(), paidAt: order.payment?.paidAt ?? event.at });
      },
    },
  };
}
