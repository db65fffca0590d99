/**
 * Invitations react to an invitee's orders: paid → the friend has ordered; completed (and not
 * refunded) → the inviter's reward; refunded → no reward for that order (taken back if already paid).
 * Keyed by the invitee and the order: redelivery is harmless.
 */
import type { OrderSubscriber } from '../orders/order-extensions';
import type { InvitationsService } from './invitations.service';

export function invitationsOrderSubscriber(invitations: InvitationsService): OrderSubscriber {
  const ids = (order: { member: { toString(): string }; _id: { toString(): string } }) => ({
    memberId: order.member.toString(),
    orderId: order._id.toString(),
  });
  return {
    name: 'invitations',
    on: {
      paid: (order, event) => invitations.onOrderPaid(ids(order), event.at),
      completed: (order, event) => invitations.onOrderCompleted(ids(order), event.at),
      refunded: (order, event) => invitations.onOrderRefunded({ ...ids(order), orderNo: order.orderNo }, event.at),
    },
  };
}
