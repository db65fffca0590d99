import type { Job } from '../../jobs/scheduler';
import type { NoticesService } from './notices.service';

/** Returns grants a crash left in `sending` to their senders (bounded attempts; see notices.service.ts). */
export function noticesJobs(notices: NoticesService): Job[] {
  return [
    {
      name: 'notices-repair',
      everyMs: 5 * 60_000,
      run: async (now) => ({ noticesRepaired: await notices.repairStuck(now) }),
    },
  ];
}
