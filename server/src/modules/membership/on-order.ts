/**
 * Membership reacts to orders: growth (and a tier upgrade) when an order completes, growth taken back
 * when a completed order is refunded. Keyed by the order in the growth ledger: redelivery is harmless.
 *
 * After-sales refunds of some lines (`partially_refunded`, keyed by the refund): one that settled before
 * the order completed lowers what completion credits (those lines never earn); one that settled after
 * takes back its share of what was credited, once per refund. The shares of all later refunds add up to
 * what was credited (see `refundedAfterCompletion` in shared).
 */

import { earningBase, refundedAfterCompletion, shareOf } from '@siyu/shared';
import type { OrderDoc } from '../orders/order.model';
import type { OrderSubscriber } from '../orders/order-extensions';
import type { MembershipService, OrderMembershipEvent } from './membership.service';

const partialRefundsOf = (order: OrderDoc) => ({
  started: order.partialRefunds ?? [],
  done: order.partialRefundsDone ?? [],
});

export function membershipEventOf(order: OrderDoc): OrderMembershipEvent {
  return {
    memberId: order.member.toString(),
    orderId: order._id.toString(),
    orderNo: order.orderNo,
    paidAmount: earningBase(order.payment?.paidAmount ?? order.amounts.payable, partialRefundsOf(order)),
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
      async partially_refunded(order, event) {
        if (!event.ref) return;
        const part = refundedAfterCompletion(
          order.payment?.paidAmount ?? order.amounts.payable,
          partialRefundsOf(order),
          event.ref,
        );
        if (!part) return; // settled before completion: nothing had been credited
        await membership.reverseGrowthShare(
          {
            memberId: order.member.toString(),
            orderId: order._id.toString(),
            orderNo: order.orderNo,
            ref: event.ref,
            share: (earned) => shareOf(earned, part.before, part.after, part.base),
          },
          event.at,
        );
      },
    },
  };
}
