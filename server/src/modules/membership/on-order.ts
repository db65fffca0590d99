/**
 * Membership reacts to orders: growth (and a tier upgrade) when an order completes, growth taken back
 * when a completed order is refunded. Keyed by the order in the growth ledger: redelivery is harmless.
 */

import type { OrderDoc } from '../orders/order.model';
import type { OrderSubscriber } from '../orders/order-extensions';
import type { MembershipService, OrderMembershipEvent } from './membership.service';

export function membershipEventOf(order: OrderDoc): OrderMembershipEvent {
  return {
    memberId: order.member.toString(),
    orderId: order._id.toString(),
    orderNo: order.orderNo,
    paidAmount: order.payment?.paidAmount ?? order.amounts.payable,
    pointsEarned: order.amounts.pointsEarned ?? 0,
  };
}

export function membershipOrderSubscriber(membership: MembershipService): OrderSubscriber {
  return {
    name: 'membership',
    on: {
      completed: (order, event) => membership.creditGrowth(membershipEventOf(order), event.at),
      async refunded(order, event) {
        if (order.completedAt) await membership.reverseGrowth(membershipEventOf(order), event.at);
      },
    },
  };
}
