import { type AfterSaleView, formatFen } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useRef } from 'react';
import { AFTERSALES_PAGES, fetchAfterSales } from '../../../api/aftersales';
import { isLoggedIn } from '../../../api/session';
import { PAGES } from '../../../brand';
import { EmptyState, ErrorState, LoadingState } from '../../../components';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { usePagedList } from '../../../hooks/use-paged-list';
import { LoginPrompt } from '../../../membership/member-gate';
import { isEntityId } from '../../../shop/links';
import { shopTime } from '../time';
import '../../../shop/shop.scss';
import '../aftersales.scss';

const PAGE_SIZE = 10;

function chipClass(status: AfterSaleView['status']): string {
  if (status === 'refunded') return 'shop-chip';
  if (status === 'rejected' || status === 'withdrawn') return 'shop-chip shop-chip--muted';
  return 'shop-chip shop-chip--gold';
}

export function AfterSaleCard({ request }: { request: AfterSaleView }) {
  const units = request.lines.reduce((total, line) => total + line.qty, 0);
  return (
    <View
      className="shop-panel aftersales-card"
      data-request={request.id}
      onClick={() => void Taro.navigateTo({ url: `${AFTERSALES_PAGES.detail}?id=${request.id}` })}
    >
      <View className="aftersales-card__head">
        <Text>{`${request.kindText} · ${shopTime(request.createdAt)}`}</Text>
        <Text className={chipClass(request.status)}>{request.statusText}</Text>
      </View>
      <Text className="aftersales-card__lines">
        {request.lines.map((line) => `${line.title} × ${line.qty}`).join('，')}
      </Text>
      <View className="aftersales-card__foot">
        <Text>{`共 ${units} 件 · ${request.reason}`}</Text>
        {request.refund ? <Text className="shop-row__value">{`退款 ${formatFen(request.refund.amount)}`}</Text> : null}
      </View>
    </View>
  );
}

export default function AfterSaleListPage() {
  const { loggedIn } = useMember();
  const params = usePageParams();
  const orderId = isEntityId(params.orderId) ? params.orderId : undefined;
  const list = usePagedList<AfterSaleView>(
    (page, pageSize) => fetchAfterSales({ page, pageSize, ...(orderId ? { orderId } : {}) }, { silent: true }),
    { pageSize: PAGE_SIZE, key: orderId ?? 'all', auto: isLoggedIn(), idOf: (request) => request.id },
  );
  const shownBefore = useRef(false);

  useDidShow(() => {
    // Coming back from a request's page (withdrawn, refunded meanwhile): read the list again.
    if (shownBefore.current && isLoggedIn()) void list.reload();
    shownBefore.current = true;
  });
  usePullDownRefresh(() => {
    void list.reload().finally(() => void Taro.stopPullDownRefresh());
  });

  if (!loggedIn) return <LoginPrompt what="售后进度" />;
  const { items, total, page, loading, error } = list;
  if (page === 0 && error) return <ErrorState message={error} onRetry={() => void list.reload()} retrying={loading} />;
  if (page === 0) return <LoadingState rows={3} />;
  if (items.length === 0) {
    return (
      <EmptyState
        mark="售"
        title="暂无售后记录"
        description="订单有问题时，可在订单详情中申请售后。"
        actionText="查看我的订单"
        onAction={() => void Taro.redirectTo({ url: PAGES.orders })}
      />
    );
  }
  return (
    <View className="page aftersales-list">
      {items.map((request) => (
        <AfterSaleCard key={request.id} request={request} />
      ))}
      <Text className="aftersales-list__foot" onClick={() => list.moreError && void list.loadMore()}>
        {loading
          ? '加载中…'
          : list.moreError
            ? '加载失败，点击重试'
            : items.length < total
              ? '上拉加载更多'
              : '— 没有更多了 —'}
      </Text>
    </View>
  );
}
