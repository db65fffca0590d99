import { TIER_NAMES, type TierCode } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import './tier-badge.scss';

export interface TierBadgeProps {
  tier: TierCode;
  className?: string;
}

/** The member's tier as a small seal: 普通会员 / 银卡 / 金卡 / 黑金. */
export function TierBadge({ tier, className }: TierBadgeProps) {
  return (
    <View className={`sy-tier sy-tier--${tier} ${className ?? ''}`.trim()}>
      <Text className="sy-tier__mark">◆</Text>
      <Text className="sy-tier__name">{TIER_NAMES[tier]}</Text>
    </View>
  );
}
