import type { Services } from '../app';
import { removeExpiredRateWindows } from '../http/rate-limit';
import type { Job } from './scheduler';

export function housekeepingJobs(services: Services): Job[] {
  return [
    {
      name: 'housekeeping',
      everyMs: 10 * 60 * 1000,
      run: async (now) => ({
        rateWindows: await removeExpiredRateWindows(now),
        refreshTokens: await services.identity.removeExpiredRefreshTokens(now),
        uploadsUnused: await services.uploads.removeUnused(now),
        // One-ID merges a crash or a failing module left unfinished (each step is idempotent).
        memberMergesFinished: await services.identity.finishMerges(now),
        adminThrottles: await services.admins.unlockExpired(now),
        // Product sales counts follow their SKUs' `sold`; this repairs any step a crash cut short.
        productSalesRecounted: await services.catalog.recountSales(),
      }),
    },
    {
      // Points and growth: settle ledger entries orphaned by a crash, finish approvals cut short,
      // expire due points (FIFO), then birthday points and the yearly tier review. Each step is keyed,
      // so a second run (or a second instance) changes nothing.
      name: 'membership',
      everyMs: 60 * 60 * 1000,
      run: async (now) => {
        const orphans =
          (await services.points.repairOrphans(now)) + (await services.membership.repairGrowthOrphans(now));
        const approvals = await services.tasks.finishApprovals(now);
        const expired = await services.points.expireDue(now);
        const birthdays = await services.membership.creditBirthdays(now);
        const review = await services.membership.reviewTiers(now);
        return {
          ledgerOrphans: orphans,
          reviewApprovals: approvals,
          pointsExpiredMembers: expired.members,
          pointsExpired: expired.points,
          birthdayCredits: birthdays.credited,
          tiersReviewed: review.reviewed,
          tiersDowngraded: review.downgraded,
        };
      },
    },
  ];
}
