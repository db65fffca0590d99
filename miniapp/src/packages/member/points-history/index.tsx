import { formatShopTime, type StorePointsEntry, type StorePointsPage } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { fetchPoints } from '../../../api/points';
import { isLoggedIn } from '../../../api/session';
import { EmptyState, ErrorState, LoadingState } from '../../../components';
import { useMember } from '../../../hooks/use-member';
import { usePagedList } from '../../../hooks/use-paged-list';
import { LoginPrompt } from '../../../membership/member-gate';
import { openPage } from '../../../membership/open-page';
import { MEMBER_PAGES } from '../../../membership/pages';
import './index.scss';

const PAGE_SIZE = 20;

function shownTime(instant: string): string {
  try {
    return formatShopTime(instant);
  } catch {
    return instant.slice(0, 16).replace('T', ' ');
  }
}

function deltaText(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta);
}

function Entry({ entry }: { entry: StorePointsEntry }) {
  const sign = entry.delta > 0 ? 'plus' : entry.delta < 0 ? 'minus' : 'zero';
  return (
    <View className="ledger-item" data-kind={entry.kind}>
      <View className="ledger-item__main">
        <Text className="ledger-item__kind">{entry.kindLabel}</Text>
        {entry.note && entry.note !== entry.kindLabel ? <Text className="ledger-item__note">{entry.note}</Text> : null}
        <Text className="ledger-item__time">{shownTime(entry.createdAt)}</Text>
      </View>
      <View className="ledger-item__side">
        <Text className={`ledger-item__delta ledger-item__delta--${sign}`}>{deltaText(entry.delta)}</Text>
        <Text className="ledger-item__after">{`余额 ${entry.balanceAfter}`}</Text>
      </View>
    </View>
  );
}

export default function PointsHistoryPage() {
  const { loggedIn } = useMember();
  const ledger = usePagedList<StorePointsEntry, StorePointsPage>(
    (page, pageSize) => fetchPoints(page, pageSize, { silent: true }),
    // Loaded on every show (points change elsewhere), never for a visitor.
    { pageSize: PAGE_SIZE, key: `ledger:${loggedIn}`, auto: false, idOf: (entry) => entry.id },
  );
  const loadMore = () => void ledger.loadMore();

  useDidShow(() => {
    if (isLoggedIn()) void ledger.reload();
  });

  if (!loggedIn) return <LoginPrompt what="积分明细" />;
  if (ledger.page === 0) {
    return (
      <View className="page points-history">
        {ledger.error ? (
          <ErrorState message={ledger.error} onRetry={() => void ledger.reload()} retrying={ledger.loading} />
        ) : (
          <LoadingState rows={6} />
        )}
      </View>
    );
  }
  if (ledger.items.length === 0) {
    return (
      <View className="page points-history">
        <EmptyState
          mark="积"
          title="还没有积分记录"
          description="签到、完善资料、购物都能获得积分"
          actionText="去赚积分"
          onAction={() => openPage(MEMBER_PAGES.points)}
        />
      </View>
    );
  }
  const { hasMore, moreError, loading } = ledger;
  return (
    <View className="page points-history">
      <View className="ledger-summary">
        <Text className="ledger-summary__label">当前积分</Text>
        <Text className="ledger-summary__balance">{ledger.last?.balance ?? 0}</Text>
      </View>
      <View className="ledger card">
        {ledger.items.map((entry) => (
          <Entry key={entry.id} entry={entry} />
        ))}
      </View>
      <View className="ledger-footer">
        {moreError ? (
          <Text className="ledger-footer__retry" onClick={loadMore}>
            {`${moreError}，点此重试`}
          </Text>
        ) : hasMore ? (
          <Text className="ledger-footer__more" onClick={loadMore}>
            {loading ? '加载中…' : '上滑加载更多'}
          </Text>
        ) : (
          <Text className="ledger-footer__end">没有更多了</Text>
        )}
      </View>
    </View>
  );
}
