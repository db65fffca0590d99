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
      }),
    },
  ];
}
