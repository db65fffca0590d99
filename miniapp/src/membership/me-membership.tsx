/** What 我的 shows of the membership: the tier and growth to the next tier, the points balance, and the entries. */
import type { StoreMembership } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import { fetchMembership } from '../api/membership';
import { fetchPoints } from '../api/points';
import { isLoggedIn } from '../api/session';
import { Cell, CellGroup } from '../components';
import { growthProgress } from './growth';
import { openPage } from './open-page';
import { MEMBER_PAGES } from './pages';
import './me-membership.scss';

interface Summary {
  membership: StoreMembership | null;
  balance: number | null;
}

export function MeMembershipSummary() {
  const [summary, setSummary] = useState<Summary>({ membership: null, balance: null });
  const [failed, setFailed] = useState(false);

  const refresh = useCallback(async () => {
    if (!isLoggedIn()) return;
    const [membership, points] = await Promise.allSettled([
      fetchMembership({ silent: true }),
      fetchPoints(1, 1, { silent: true }),
    ]);
    setFailed(membership.status === 'rejected' && points.status === 'rejected');
    setSummary((current) => ({
      membership: membership.status === 'fulfilled' ? membership.value : current.membership,
      balance: points.status === 'fulfilled' ? points.value.balance : current.balance,
    }));
  }, []);

  useDidShow(() => {
    void refresh();
  });

  const progress = summary.membership ? growthProgress(summary.membership) : null;
  return (
    <View className="me-member">
      <View
        className="me-member__growth"
        hoverClass="me-member__cell--pressed"
        onClick={() => openPage(MEMBER_PAGES.membership)}
      >
        <View className="me-member__line">
          <Text className="me-member__label">{summary.membership ? summary.membership.tier.name : '会员卡'}</Text>
          <Text className="me-member__more">会员卡 ›</Text>
        </View>
        <View className="me-member__bar">
          <View className="me-member__fill" style={{ width: `${progress?.percent ?? 0}%` }} />
        </View>
        <Text className="me-member__text">
          {progress ? progress.text : failed ? '会员信息暂未加载，点此查看' : '成长值加载中…'}
        </Text>
      </View>
      <View
        className="me-member__points"
        hoverClass="me-member__cell--pressed"
        onClick={() => openPage(MEMBER_PAGES.points)}
      >
        <Text className="me-member__points-value">{summary.balance ?? '—'}</Text>
        <Text className="me-member__points-label">积分 ›</Text>
      </View>
    </View>
  );
}

export function MeMembershipEntries() {
  return (
    <CellGroup title="会员权益">
      <Cell title="积分中心" label="签到、做任务赚积分" arrow onClick={() => openPage(MEMBER_PAGES.points)} />
      <Cell title="积分明细" arrow onClick={() => openPage(MEMBER_PAGES.pointsHistory)} />
      <Cell title="积分商城" label="积分兑换好茶好物" arrow onClick={() => openPage(MEMBER_PAGES.pointsMall)} />
      <Cell title="邀请好友" label="好友完成首单你得积分" arrow onClick={() => openPage(MEMBER_PAGES.invite)} />
      <Cell
        title="晒单评价"
        label="真实评价即可，好评差评均可"
        arrow
        onClick={() => openPage(MEMBER_PAGES.reviewTask)}
      />
    </CellGroup>
  );
}
