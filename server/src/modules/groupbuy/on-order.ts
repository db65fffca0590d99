/**
 * Group-buy's order subscriber. `paid`: the seat is paid (the leader's payment opens the group and
 * starts its deadline; the N-th paid seat makes it succeed and lifts every order's ship gate; a payment
 * for a group that already failed is refunded). Cancelled and failed orders need nothing here: the
 * seat hold's `giveBack` frees the seat. Every handler is keyed by the order, so a redelivery changes
 * nothing.
 */
import type { OrderSubscriber } from '../orders/order-extensions';
import type { GroupOutcomes } from './group-outcomes';

export function groupBuySubscriber(outcomes: GroupOutcomes): OrderSubscriber {
  return {
    name: 'groupbuy',
    on: {
      paid: (order) => outcomes.onPaid(order),
    },
  };
}
