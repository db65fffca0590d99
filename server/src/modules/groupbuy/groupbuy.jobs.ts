import type { Job } from '../../jobs/scheduler';
import type { GroupOutcomes } from './group-outcomes';

/**
 * Groups past their own deadline fail and their paid members are refunded; runs every 10 s so a
 * group fails within 30 s of its deadline. Every step is conditional: safe on N instances and twice.
 */
export function groupBuyJobs(outcomes: GroupOutcomes): Job[] {
  return [
    {
      name: 'groupbuy.deadlines',
      everyMs: 10_000,
      run: (now) => outcomes.runDue(now),
    },
  ];
}
