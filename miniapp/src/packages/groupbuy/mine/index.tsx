import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { fetchMyGroups, groupUrl } from '../../../api/groupbuy';
import { EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { countdownText } from '../../../shop/links';
import { useNow } from '../../../shop/use-now';
import '../../../shop/shop.scss';
import './index.scss';
import { Picture } from '../../../components';

export default function MyGroupsPage() {
  const groups = useLoad(() => fetchMyGroups({}, { silent: true }), 'mine', { auto: false });
  useDidShow(() => void groups.reload());
  const now = useNow(!!groups.data?.items.some((group) => group.status === 'open'));

  if (groups.loading && !groups.data) return <LoadingState />;
  if (!groups.data) return <ErrorState message={groups.error?.message} onRetry={() => void groups.reload()} />;
  if (groups.data.items.length === 0) {
    return (
      <EmptyState
        mark="团"
        title="还没有参加过拼团"
        description="和好友一起拼，更优惠。"
        actionText="去首页看看"
        onAction={() => void Taro.switchTab({ url: '/pages/home/index' })}
      />
    );
  }
  return (
    <View className="page my-groups">
      {groups.data.items.map((group) => (
        <View
          key={group.id}
          className="shop-panel my-group"
          onClick={() => void Taro.navigateTo({ url: groupUrl(group.id) })}
        >
          {group.image ? (
            <Picture className="my-group__image" src={group.image} mode="aspectFill" />
          ) : (
            <View className="my-group__image" />
          )}
          <View className="my-group__text">
            <Text className="my-group__title">{group.title}</Text>
            <Text className="shop-muted">
              {`${group.groupSize}人团 · ${group.role === 'leader' ? '我是团长' : '我参团'}`}
              {group.status === 'open' && group.deadline
                ? ` · 还差 ${group.seatsLeft} 人 · ${countdownText(group.deadline, now)}`
                : ''}
            </Text>
            <Price fen={group.groupPrice} size="sm" />
          </View>
          <Text className={`shop-chip my-group__status my-group__status--${group.status}`}>{group.statusText}</Text>
        </View>
      ))}
    </View>
  );
}
