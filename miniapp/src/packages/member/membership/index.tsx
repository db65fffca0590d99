import { formatShopTime, type MemberView, type StoreMembership } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useCallback } from 'react';
import { fetchMembership } from '../../../api/membership';
import { isLoggedIn } from '../../../api/session';
import { BRAND } from '../../../brand';
import { Avatar, ErrorState, LoadingState } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { growthProgress } from '../../../membership/growth';
import { LoginPrompt } from '../../../membership/member-gate';
import './index.scss';

function day(instant: string): string {
  try {
    return formatShopTime(instant, 'YYYY-MM-DD');
  } catch {
    return instant.slice(0, 10);
  }
}

function MemberCard({ membership, member }: { membership: StoreMembership; member: MemberView | null }) {
  return (
    <View className={`membership-card membership-card--${membership.tier.code}`}>
      <View className="membership-card__ring" />
      <View className="membership-card__top">
        <Text className="membership-card__brand">{BRAND.name}</Text>
        <Text className="membership-card__kicker">会员卡</Text>
      </View>
      <Text className="membership-card__tier">{membership.tier.name}</Text>
      <View className="membership-card__member">
        {member ? <Avatar src={member.avatarUrl} nickname={member.nickname} size="sm" /> : null}
        <View className="membership-card__who">
          <Text className="membership-card__nickname">{member?.nickname ?? '茶友'}</Text>
          {member ? <Text className="membership-card__no">{`NO. ${member.memberNo}`}</Text> : null}
        </View>
        <View className="membership-card__growth">
          <Text className="membership-card__growth-value">{membership.growth}</Text>
          <Text className="membership-card__growth-label">近 12 个月成长值</Text>
        </View>
      </View>
    </View>
  );
}

function GrowthProgress({ membership }: { membership: StoreMembership }) {
  const progress = growthProgress(membership);
  return (
    <View className="growth card">
      <View className="growth__line">
        <Text className="growth__title">成长值</Text>
        <Text className="growth__numbers">
          {membership.next ? `${membership.growth} / ${membership.next.growthThreshold}` : `${membership.growth}`}
        </Text>
      </View>
      <View
        className="growth-progress"
        role="progressbar"
        aria-valuenow={progress.percent}
        aria-valuemin={0}
        aria-valuemax={100}
        data-percent={progress.percent}
      >
        <View className="growth-progress__fill" style={{ width: `${progress.percent}%` }} />
      </View>
      <Text className="growth__text">{progress.text}</Text>
      <Text className="growth__lifetime">{`累计成长值 ${membership.lifetimeGrowth}`}</Text>
    </View>
  );
}

/**
 * What the tier means for members-only teas, consistent with the store: every member already buys 会员专享 teas;
 * a higher tier unlocks the teas kept for that tier.
 */
export function privateProductsNote(membership: StoreMembership): string {
  if (!membership.next) return `会员专享与各等级专享茶品已全部为你开放`;
  if (membership.tier.code === 'regular') {
    return `会员专享茶品已为你开放；升级${membership.next.name}可解锁${membership.next.name}专享茶品`;
  }
  return `${membership.tier.name}及以下等级的专享茶品已为你开放；升级${membership.next.name}可解锁更多`;
}

function Benefits({ membership }: { membership: StoreMembership }) {
  return (
    <View className="section">
      <View className="section__title">
        <Text>会员权益</Text>
      </View>
      <View className="benefits">
        <View className="benefits__column card benefits__column--now">
          <Text className="benefits__heading">{`当前 · ${membership.tier.name}`}</Text>
          {membership.benefits.now.length ? (
            membership.benefits.now.map((line) => (
              <Text key={line} className="benefits__line">
                {line}
              </Text>
            ))
          ) : (
            <Text className="benefits__line benefits__line--none">会员价与积分</Text>
          )}
        </View>
        {membership.next && membership.benefits.next ? (
          <View className="benefits__column card benefits__column--next">
            <Text className="benefits__heading">{`升级 · ${membership.next.name}`}</Text>
            {membership.benefits.next.map((line) => (
              <Text key={line} className="benefits__line">
                {line}
              </Text>
            ))}
          </View>
        ) : null}
      </View>
      <Text className="benefits__note">{privateProductsNote(membership)}</Text>
    </View>
  );
}

function Rules({ membership }: { membership: StoreMembership }) {
  return (
    <View className="section">
      <View className="section__title">
        <Text>成长值说明</Text>
      </View>
      <View className="rules card">
        <Text className="rules__line">· 订单完成（确认收货）后，每实付 1 元获得 1 成长值；退款会扣回相应成长值。</Text>
        <Text className="rules__line">· 等级按近 12 个月的成长值评定，达到门槛即自动升级。</Text>
        <Text className="rules__line">
          {membership.reviewAt
            ? `· 每年复核一次等级：当前等级有效至 ${day(membership.reviewAt)}，届时按近 12 个月成长值重新评定。`
            : '· 每年复核一次等级，按近 12 个月成长值重新评定。'}
        </Text>
        {membership.tierSince ? (
          <Text className="rules__line rules__line--since">{`${membership.tier.name}起始于 ${day(membership.tierSince)}`}</Text>
        ) : null}
      </View>
    </View>
  );
}

export default function MembershipPage() {
  const { loggedIn, member } = useMember();
  const membership = useLoad(() => fetchMembership({ silent: true }), 'membership', { auto: false });
  const { reload } = membership;
  const refresh = useCallback(() => {
    if (isLoggedIn()) void reload();
  }, [reload]);
  useDidShow(refresh);

  if (!loggedIn) return <LoginPrompt what="会员卡与权益" />;
  const { data, error, loading } = membership;
  if (!data) {
    return (
      <View className="page membership">
        {error ? (
          <ErrorState message={error.message} onRetry={refresh} retrying={loading} />
        ) : (
          <LoadingState rows={4} />
        )}
      </View>
    );
  }
  return (
    <View className="page membership">
      <View className="membership-top">
        <MemberCard membership={data} member={member} />
      </View>
      <View className="membership-body">
        <GrowthProgress membership={data} />
        <Benefits membership={data} />
        <Rules membership={data} />
      </View>
    </View>
  );
}
