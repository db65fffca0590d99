import type { Job } from '../../jobs/scheduler';
import type { AfterSalesService } from './after-sales.service';

/** Carries approved requests on to their refund and repairs what a crash left half done; safe on N instances. */
export function afterSalesJobs(afterSales: AfterSalesService): Job[] {
  return [
    {
      name: 'after-sales.repair',
      everyMs: 15_000,
      run: async (now) => ({ repaired: await afterSales.repairDue(now) }),
    },
  ];
}
