/**
 * Demo data for an empty database: what `npm start` shows a first-time visitor. Every step is keyed
 * (upsert by a stable natural key), so seeding twice changes nothing.
 */
import type { Services } from '../app';

export interface SeedReport {
  seeded: string[];
}

export async function seedDemoData(_services: Services): Promise<SeedReport> {
  const seeded: string[] = [];
  return { seeded };
}
