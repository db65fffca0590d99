/**
 * Points react to orders: a completed order earns its points (expiring at the end of next year),
 * a refund of a completed order takes them back. Both are keyed by the order in the ledger, so a
 * second delivery changes nothing, and a refund booked first stops a late credit.
 *
 * After-sales refunds of some lines (`partially_refunded`, keyed by the refund): one that settled before
 * completion lowers what completion credits in proportion to the cash refunded; one that settled after
 * takes back its share of the credit, once per refund (a `reverse` entry keyed by the refund, carrying
 * the credit's expiry so FIFO expiry stays exact).
 */

import { earningBase, refundedAfterCompletion, shareOf } from '@siyu/shared';
import type { OrderDoc } from '../orders/order.model';
import type { OrderSubscriber } from '../orders/order-extensions';
import type { PointsService } from './points.service';

const partialRefundsOf = (order: OrderDoc) => ({
  started: order.partialRefunds ?? [],
  done: order.partialRefundsDone ?? [],
});
const paidOf = (order: OrderDoc) => order.payment?.paidAmount ?? order.amounts.payable;

export function pointsOrderSubscriber(points: PointsService): OrderSubscriber {
  return {
    name: 'points',
    on: {
      async completed(order, event) {
        const paid = paidOf(order);
        const earned = shareOf(order.amounts.pointsEarned ?? 0, 0, earningBase(paid, partialRefundsOf(order)), paid);
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
      async partially_refunded(order, event) {
        if (!event.ref) return;
        const part = refundedAfterCompletion(paidOf(order), partialRefundsOf(order), event.ref);
        if (!part) return; // settled before completion: nothing had been credited
        const memberId = order.member.toString();
        const credit = { kind: 'earn', source: { type: 'order', id: order._id.toString() } };
        await points.ledger.find(memberId, credit); // settle an orphaned credit first
        await points.ledger.write(
          memberId,
          { kind: 'reverse', source: { type: 'order_refund', id: `${order._id.toString()}:${event.ref}` } },
          async (state) => {
            const earned = await points.ledger.durable(memberId, credit, state);
            const wanted = earned ? shareOf(earned.delta, part.before, part.after, part.base) : 0;
            if (!earned || wanted <= 0) return { delta: 0, note: `订单 ${order.orderNo} 售后退款（未发放积分）` };
            const taken = Math.min(state.balance, wanted);
            return {
              delta: -taken,
              note: `订单 ${order.orderNo} 售后退款`,
              expiresAt: earned.expiresAt,
              shortfall: wanted - taken,
            };
          },
          event.at,
        );
      },
    },
  };
}
