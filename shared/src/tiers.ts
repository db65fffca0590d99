/**
 * Member tiers. The codes are stable: product visibility and member prices name them.
 * Thresholds and benefits are configured by admins (Membership); the order of tiers is fixed here.
 */
import { z } from 'zod';

export const TIER_CODES = ['regular', 'silver', 'gold', 'black'] as const;
export const TierCodeSchema = z.enum(TIER_CODES);
export type TierCode = z.infer<typeof TierCodeSchema>;

export const TIER_NAMES: Record<TierCode, string> = {
  regular: '普通会员',
  silver: '银卡',
  gold: '金卡',
  black: '黑金',
};

export function tierRank(code: TierCode): number {
  return TIER_CODES.indexOf(code);
}

/** True when `member` is `required` or above. */
export function tierAtLeast(member: TierCode, required: TierCode): boolean {
  return tierRank(member) >= tierRank(required);
}
