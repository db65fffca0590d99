/**
 * Membership defaults: the four tiers (普通会员 0, 银卡 500, 金卡 2000, 黑金 8000), the shop pricing
 * settings and the built-in points tasks. Written with `$setOnInsert`, so seeding twice, or after an
 * operator changed a setting, changes nothing. (Until seeded, the services answer the same defaults.)
 */
import type { Services } from '../app';

export async function seedMembership(services: Pick<Services, 'membership' | 'tasks'>): Promise<string[]> {
  const settings = await services.membership.ensureDefaults();
  const tasks = await services.tasks.ensureCatalog();
  const seeded: string[] = [];
  if (settings) seeded.push(`${settings} membership settings`);
  if (tasks) seeded.push(`${tasks} points tasks`);
  return seeded;
}
