import { dayjs, SHOP_TIMEZONE, type StoreInvitationRecord } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback } from 'react';
import { fetchInvitations, GROWTH_PAGES } from '../../../api/growth';
import { isLoggedIn } from '../../../api/session';
import { Avatar, EmptyState, ErrorState, LoadingState } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { LoginPrompt } from '../../../membership/member-gate';
import { openPage } from '../../../membership/open-page';
import './index.scss';

function Record({ record }: { record: StoreInvitationRecord }) {
  return (
    <View className={`invite-record invite-record--${record.status}`}>
      <Avatar src={record.avatarUrl} nickname={record.nickname} size="sm" />
      <View className="invite-record__body">
        <Text className="invite-record__name">{record.nickname}</Text>
        <Text className="invite-record__date">
          {`${dayjs(record.joinedAt).tz(SHOP_TIMEZONE).format('YYYY-MM-DD')} 注册`}
        </Text>
      </View>
      <View className="invite-record__status">
        <Text className="invite-record__status-text">{record.statusText}</Text>
        {record.rewardPoints > 0 ? (
          <Text className="invite-record__points">{`+${record.rewardPoints} 积分`}</Text>
        ) : null}
      </View>
    </View>
  );
}

export default function InviteRecordsPage() {
  const { loggedIn } = useMember();
  const loaded = useLoad(() => fetchInvitations({ silent: true }), 'invite-records', { auto: false });
  const { reload, data } = loaded;
  const refresh = useCallback(() => {
    if (isLoggedIn()) void reload();
  }, [reload]);
  useDidShow(refresh);
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });

  if (!loggedIn) return <LoginPrompt what="你的邀请记录" />;
  if (!data) {
    return (
      <View className="page invite-records">
        {loaded.error ? (
          <ErrorState message={loaded.error.message} onRetry={refresh} retrying={loaded.loading} />
        ) : (
          <LoadingState rows={5} />
        )}
      </View>
    );
  }
  return (
    <View className="page invite-records">
      <View className="invite-records__summary card">
        <View className="invite-records__figure">
          <Text className="invite-records__value">{data.invitedCount}</Text>
          <Text className="invite-records__label">已注册</Text>
        </View>
        <View className="invite-records__figure">
          <Text className="invite-records__value">{data.orderedCount}</Text>
          <Text className="invite-records__label">已下单</Text>
        </View>
        <View className="invite-records__figure">
          <Text className="invite-records__value">{data.rewardedCount}</Text>
          <Text className="invite-records__label">获得奖励</Text>
        </View>
      </View>
      {data.records.length === 0 ? (
        <EmptyState
          mark="邀"
          title="还没有好友通过你的邀请加入"
          description="分享海报给好友，好友注册并完成首单后你可获得积分"
          actionText="去邀请"
          onAction={() => openPage(GROWTH_PAGES.invite)}
        />
      ) : (
        <View className="invite-records__list card">
          {data.records.map((record) => (
            <Record key={`${record.nickname}-${record.joinedAt}`} record={record} />
          ))}
        </View>
      )}
    </View>
  );
}
