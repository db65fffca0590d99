/**
 * Live-attributed sales: an order placed with `from: 'live:<id>'` carries `attribution: { type: 'live',
 * id }`. When it is paid it counts for that live (orders, paying members, GMV), keyed by the order id, so
 * a redelivered `paid` changes nothing; a full refund takes it out of the numbers, once.
 */
import type { OrderSubscriber } from '../orders/order-extensions';
import type { LivestreamService } from './livestream.service';

export function livestreamOrderSubscriber(lives: LivestreamService): OrderSubscriber {
  return {
    name: 'livestream',
    on: {
      async paid(order, event) {
        if (order.attribution?.type !== 'live') return;
        await lives.recordPaidOrder({
          id: order._id.toString(),
          memberId: order.member.toString(),
          liveId: order.attribution.id,
          payable: order.payment?.paidAmount ?? order.amounts.payable,
          paidAt: order.payment?.paidAt ?? event.at,
        });
      },
      async refunded(order, event) {
        if (order.attribution?.type !== 'live') return;
        await lives.recordRefundedOrder(order._id.toString(), event.at);
      },
    },
  };
}
