/** Analytics reacts to orders: paid orders become facts, refunds net them out (absolute values: replay-safe). */
import type { OrderSubscriber } from '../orders/order-extensions';
import type { AnalyticsService } from './analytics.service';

export function analyticsOrderSubscriber(analytics: AnalyticsService): OrderSubscriber {
  return {
    name: 'analytics',
    on: {
      paid: (order) => analytics.onOrderPaid(order),
      refunded: (order, event) => analytics.onOrderRefunded(order, event.at),
      partially_refunded: (order, event) => analytics.onOrderRefunded(order, event.at),
    },
  };
}
