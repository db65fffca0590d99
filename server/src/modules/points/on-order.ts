/**
 * Points react to orders: a completed order earns its points (expiring at the end of next year),
 * a refund of a completed order takes them back. Both are keyed by the order in the ledger, so a
 * second delivery changes nothing, and a refund booked first stops a late credit.
 */
import type { OrderSubscriber } from '../orders/order-extensions';
import type { PointsService } from './points.service';

export function pointsOrderSubscriber(points: PointsService): OrderSubscriber {
  return {
    name: 'points',
    on: {
      async completed(order, event) {
        const earned = order.amounts.pointsEarned ?? 0;
        if (earned <= 0) return;
        await points.earnOnce(
          {
            memberId: order.member.toString(),
            source: { type: 'order', id: order._id.toString() },
            delta: earned,
            note: `订单 ${order.orderNo}`,
          },
          event.at,
        );
      },
      async refunded(order, event) {
        if (!order.completedAt) return; // nothing was earned before completion
        await points.reverseEarned(
          {
            memberId: order.member.toString(),
            source: { type: 'order', id: order._id.toString() },
            note: `订单 ${order.orderNo} 退款`,
          },
          event.at,
        );
      },
    },
  };
}
