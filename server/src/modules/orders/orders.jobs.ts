import type { Job } from '../../jobs/scheduler';
import type { PaymentsService } from '../payments/payments.service';
import type { OrdersService } from './orders.service';

/** Timed order transitions. Each is a conditional update from the expected state: safe to run twice or on N instances. */
export function orderJobs(orders: OrdersService, payments: PaymentsService): Job[] {
  return [
    {
      name: 'orders.cancel-unpaid',
      everyMs: 30_000,
      run: async (now) => ({ cancelled: await payments.cancelExpired(now) }),
    },
    {
      name: 'orders.auto-complete',
      everyMs: 10 * 60_000,
      run: async (now) => ({ completed: await orders.autoComplete(now) }),
    },
    {
      name: 'orders.recover-interrupted',
      everyMs: 60_000,
      run: async (now) => ({ recovered: await orders.recoverInterrupted(now) }),
    },
    {
      name: 'orders.retry-refunds',
      everyMs: 5 * 60_000,
      run: async (now) => ({ retried: await payments.retryRefunds(now) }),
    },
    {
      // Events a crash (or a failing subscriber) left undelivered; each order is claimed with a lease.
      name: 'orders.deliver-events',
      everyMs: 15_000,
      run: async (now) => ({ delivered: await orders.deliverDue(now) }),
    },
  ];
}
