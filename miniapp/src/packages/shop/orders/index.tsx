import { formatFen, type OrderView, type VisibleOrderStatus } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { fetchOrders } from '../../../api/orders';
import { isLoggedIn } from '../../../api/session';
import { PAGES } from '../../../brand';
import { EmptyState, ErrorState, LoadingState } from '../../../components';
import { usePageParams } from '../../../hooks/use-page-params';
import { usePagedList } from '../../../hooks/use-paged-list';
import { goToLogin } from '../../../navigation';
import { orderUrl } from '../../../shop/links';
import { OrderActions } from '../../../shop/order-actions';
import { amountLabel } from '../../../shop/order-copy';
import '../../../shop/shop.scss';
import { PrivacyPopup } from '../../../components/privacy-popup';
import './index.scss';
import { Picture } from '../../../components';

export const ORDER_TABS: Array<{ key: string; title: string; status?: VisibleOrderStatus }> = [
  { key: 'all', title: '全部' },
  { key: 'pending_payment', title: '待付款', status: 'pending_payment' },
  { key: 'paid', title: '待发货', status: 'paid' },
  { key: 'shipped', title: '待收货', status: 'shipped' },
  { key: 'completed', title: '已完成', status: 'completed' },
  { key: 'refunding', title: '退款/售后', status: 'refunding' },
];

const PAGE_SIZE = 10;

function OrderCard({
  order,
  onChange,
  onRemoved,
}: {
  order: OrderView;
  onChange: (order: OrderView) => void;
  onRemoved: (order: OrderView) => void;
}) {
  const open = () => void Taro.navigateTo({ url: orderUrl(order.id) });
  const count = order.items.reduce((n, line) => n + line.qty, 0);
  return (
    <View className="order-card">
      <View className="order-card__head" onClick={open}>
        <Text className="order-card__no">{`订单号 ${order.orderNo}`}</Text>
        <Text className={`order-card__status order-card__status--${order.status}`}>{order.statusText}</Text>
      </View>
      <View className="order-card__lines" onClick={open}>
        {order.items.length === 1 ? (
          <View className="shop-line">
            <Picture className="shop-line__image" src={order.items[0]?.image ?? ''} mode="aspectFill" />
            <View className="shop-line__body">
              <Text className="shop-line__title">{order.items[0]?.title}</Text>
              <Text className="shop-line__specs">{order.items[0]?.specsText}</Text>
            </View>
          </View>
        ) : (
          <View className="order-card__thumbs">
            {order.items.slice(0, 4).map((line) => (
              <Picture key={line.skuId} className="order-card__thumb" src={line.image} mode="aspectFill" />
            ))}
          </View>
        )}
      </View>
      <View className="order-card__total" onClick={open}>
        <Text className="shop-muted">{`共 ${count} 件`}</Text>
        <Text className="order-card__payable">{`${amountLabel(order, true)} ${formatFen(order.amounts.payable)}`}</Text>
      </View>
      <OrderActions order={order} onChange={onChange} onRemoved={onRemoved} />
    </View>
  );
}

export default function OrdersPage() {
  const params = usePageParams();
  const [tab, setTab] = useState(() => ORDER_TABS.find((t) => t.key === params.status)?.key ?? 'all');
  const status = ORDER_TABS.find((t) => t.key === tab)?.status;
  const list = usePagedList<OrderView>((page, pageSize) => fetchOrders({ status, page, pageSize }, { silent: true }), {
    pageSize: PAGE_SIZE,
    key: tab,
    auto: isLoggedIn(),
    idOf: (order) => order.id,
  });
  const { items: orders, total, page, loading, error } = list;
  const shownBefore = useRef(false);

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin();
      return;
    }
    // The first show is the tab's own first load; coming back (from the order, the cashier) reads it again.
    if (shownBefore.current) void list.reload();
    shownBefore.current = true;
  });

  usePullDownRefresh(() => {
    void list.reload().finally(() => void Taro.stopPullDownRefresh());
  });

  // An order that left this tab's state (cancelled from 待付款, received from 待收货) leaves the tab's list.
  const changed = (next: OrderView) =>
    list.update((current) =>
      status && next.status !== status
        ? current.filter((o) => o.id !== next.id)
        : current.map((o) => (o.id === next.id ? next : o)),
    );
  const removed = (gone: OrderView) => list.update((current) => current.filter((o) => o.id !== gone.id));

  let body: JSX.Element;
  if (page === 0 && error) {
    body = <ErrorState message={error} onRetry={() => void list.reload()} retrying={loading} />;
  } else if (page === 0) {
    body = <LoadingState rows={4} />;
  } else if (orders.length === 0) {
    body = (
      <EmptyState
        mark="单"
        title="还没有相关订单"
        description="挑几款好茶，开启你的品茗之旅。"
        actionText="去逛逛"
        onAction={() => void Taro.switchTab({ url: PAGES.home })}
      />
    );
  } else {
    body = (
      <View className="orders-list">
        {orders.map((order) => (
          <OrderCard key={order.id} order={order} onChange={changed} onRemoved={removed} />
        ))}
        <Text className="orders-list__foot" onClick={() => list.moreError && void list.loadMore()}>
          {loading
            ? '加载中…'
            : list.moreError
              ? '加载失败，点击重试'
              : orders.length < total
                ? '上拉加载更多'
                : '— 没有更多了 —'}
        </Text>
      </View>
    );
  }

  return (
    <View className="page orders">
      <View className="orders-tabs">
        {ORDER_TABS.map((t) => (
          <View
            key={t.key}
            className={`orders-tab ${t.key === tab ? 'orders-tab--on' : ''}`}
            onClick={() => setTab(t.key)}
          >
            <Text>{t.title}</Text>
          </View>
        ))}
      </View>
      {body}
      <PrivacyPopup />
    </View>
  );
}
