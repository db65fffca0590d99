/**
 * Demo data for an empty database: what `npm start` shows a first-time visitor. Every step is keyed
 * (upsert by a stable natural key), so seeding twice changes nothing.
 */
import type { Services } from '../app';
import { seedCatalog } from './catalog';
import { seedCoupons } from './coupons';
import { seedGroupBuy } from './groupbuy';
import { seedHistory } from './history';
import { seedLivestreams } from './livestream';
import { seedMembership } from './membership';
import { seedPackageCards } from './package-cards';

export interface SeedReport {
  seeded: string[];
}

export async function seedDemoData(services: Services): Promise<SeedReport> {
  const seeded: string[] = [];
  seeded.push(...(await seedCatalog()));
  seeded.push(...(await seedMembership(services)));
  seeded.push(...(await seedCoupons(services)));
  seeded.push(...(await seedLivestreams(services)));
  seeded.push(...(await seedGroupBuy(services)));
  seeded.push(...(await seedPackageCards(services)));
  seeded.push(...(await seedHistory(services)));
  return { seeded };
}
