import type { StoreMembership } from '@siyu/shared';

export interface GrowthProgress {
  /** 0–100, how far the member's growth is toward the next tier's threshold. */
  percent: number;
  /** "再获得 1240 成长值升级金卡", or the top tier's line. */
  text: string;
}

/** Only display arithmetic: the next tier and the growth still needed come from the API as they are. */
export function growthProgress(membership: StoreMembership): GrowthProgress {
  const { next, growth } = membership;
  if (!next) return { percent: 100, text: `已是最高等级${membership.tier.name}` };
  const percent = next.growthThreshold > 0 ? Math.round((growth / next.growthThreshold) * 100) : 100;
  return {
    percent: Math.max(0, Math.min(100, percent)),
    text: `再获得 ${next.growthNeeded} 成长值升级${next.name}`,
  };
}
