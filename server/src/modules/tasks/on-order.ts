/**
 * Tasks react to orders: a completed order pays the first-order and invite-friend rewards, a refund of
 * the order that earned them takes them back. Keyed by member and order: redelivery is harmless.
 */
import type { OrderSubscriber } from '../orders/order-extensions';
import type { TasksService } from './tasks.service';

export function tasksOrderSubscriber(tasks: TasksService): OrderSubscriber {
  return {
    name: 'tasks',
    on: {
      completed: (order, event) =>
        tasks.onOrderCompleted({ memberId: order.member.toString(), orderId: order._id.toString() }, event.at),
      async refunded(order, event) {
        if (!order.completedAt) return;
        await tasks.onOrderRefunded(
          { memberId: order.member.toString(), orderId: order._id.toString(), orderNo: order.orderNo },
          event.at,
        );
      },
      // The last after-sales refund of an order ends it `refunded` with this event alone.
      async partially_refunded(order, event) {
        if (order.status !== 'refunded' || !order.completedAt) return;
        await tasks.onOrderRefunded(
          { memberId: order.member.toString(), orderId: order._id.toString(), orderNo: order.orderNo },
          event.at,
        );
      },
    },
  };
}
