import { formatShopTime, type StorePointsEntry } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { useDidShow, useReachBottom } from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../../../api/client';
import { fetchPoints } from '../../../api/membership';
import { isLoggedIn } from '../../../api/session';
import { EmptyState, ErrorState, LoadingState } from '../../../components';
import { useMember } from '../../../hooks/use-member';
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

interface Ledger {
  items: StorePointsEntry[];
  page: number;
  total: number;
  balance: number;
}

export default function PointsHistoryPage() {
  const { loggedIn } = useMember();
  const [ledger, setLedger] = useState<Ledger | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const busy = useRef(false);

  const loadFirst = useCallback(async () => {
    if (!isLoggedIn() || busy.current) return;
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      const page = await fetchPoints(1, PAGE_SIZE, { silent: true });
      setLedger({ items: page.items, page: 1, total: page.total, balance: page.balance });
    } catch (caught) {
      setError((caught as ApiError).message);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, []);

  const loadMore = async () => {
    if (!ledger || busy.current || ledger.items.length >= ledger.total) return;
    busy.current = true;
    setLoading(true);
    setMoreError(null);
    try {
      const next = await fetchPoints(ledger.page + 1, PAGE_SIZE, { silent: true });
      setLedger((current) => {
        if (!current) return current;
        const seen = new Set(current.items.map((item) => item.id));
        return {
          items: [...current.items, ...next.items.filter((item) => !seen.has(item.id))],
          page: next.page,
          total: next.total,
          balance: next.balance,
        };
      });
    } catch (caught) {
      setMoreError((caught as ApiError).message);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  };

  useDidShow(() => {
    void loadFirst();
  });
  useReachBottom(() => {
    void loadMore();
  });

  if (!loggedIn) return <LoginPrompt what="积分明细" />;
  if (!ledger) {
    return (
      <View className="page points-history">
        {error ? (
          <ErrorState message={error} onRetry={() => void loadFirst()} retrying={loading} />
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
  const hasMore = ledger.items.length < ledger.total;
  return (
    <View className="page points-history">
      <View className="ledger-summary">
        <Text className="ledger-summary__label">当前积分</Text>
        <Text className="ledger-summary__balance">{ledger.balance}</Text>
      </View>
      <View className="ledger card">
        {ledger.items.map((entry) => (
          <Entry key={entry.id} entry={entry} />
        ))}
      </View>
      <View className="ledger-footer">
        {moreError ? (
          <Text className="ledger-footer__retry" onClick={() => void loadMore()}>
            {`${moreError}，点此重试`}
          </Text>
        ) : hasMore ? (
          <Text className="ledger-footer__more" onClick={() => void loadMore()}>
            {loading ? '加载中…' : '上滑加载更多'}
          </Text>
        ) : (
          <Text className="ledger-footer__end">没有更多了</Text>
        )}
      </View>
    </View>
  );
}
