import { beforeAll, describe, expect, it } from 'vitest';
import { claimLease } from '../src/jobs/scheduler';
import { startTestMall } from './harness';

beforeAll(async () => {
  await startTestMall();
});

describe('job leases (jobs are safe on several API instances)', () => {
  it('when eight instances claim the same job at once, exactly one gets the lease', async () => {
    const now = new Date();
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claimLease('orders.cancel-unpaid', 30_000, now, `instance-${i}`)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('a lease left by a crashed instance is taken over once it expires, not before', async () => {
    const now = new Date();
    expect(await claimLease('membership', 60_000, now, 'crashed')).toBe(true);
    expect(await claimLease('membership', 60_000, new Date(now.getTime() + 30_000), 'survivor')).toBe(false);
    expect(await claimLease('membership', 60_000, new Date(now.getTime() + 61_000), 'survivor')).toBe(true);
  });
});
