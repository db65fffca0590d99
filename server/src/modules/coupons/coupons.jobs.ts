import type { Job } from '../../jobs/scheduler';
import type { CouponsService } from './coupons.service';

/** Coupons past their date that nobody holds become expired; a conditional update, safe on N instances. */
export function couponJobs(coupons: CouponsService): Job[] {
  return [
    {
      name: 'coupons.expire',
      everyMs: 10 * 60_000,
      run: async (now) => ({ expired: await coupons.expireDue(now) }),
    },
  ];
}
