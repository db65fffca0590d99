import { formatFen, type OrderView, type VisibleOrderStatus } from '@siyu/shared';
import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../../../api/client';
import { fetchOrders } from '../../../api/orders';
import { isLoggedIn } from '../../../api/session';
import { PAGES } from '../../../brand';
import { EmptyState, ErrorState, LoadingState } from '../../../components';
import { usePageParams } from '../../../hooks/use-page-params';
import { goToLogin } from '../../../navigation';
import { orderUrl, payUrl } from '../../../shop/links';
import { OrderActions, runOrderAction } from '../../../shop/order-actions';
import '../../../shop/shop.scss';
import './index.scss';

export const ORDER_TABS: Array<{ key: string; title: string; status?: VisibleOrderStatus }> = [
  { key: 'all', title: '全部' },
  { key: 'pending_payment', title: '待付款', status: 'pending_payment' },
  { key: 'paid', title: '待发货', status: 'paid' },
  { key: 'shipped', title: '待收货', status: 'shipped' },
  { key: 'completed', title: '已完成', status: 'completed' },
  { key: 'refunding', title: '退款/售后', status: 'refunding' },
];

const PAGE_SIZE = 10;

function OrderCard({ order, onChange }: { order: OrderView; onChange: (order: OrderView) => void }) {
  const [busy, setBusy] = useState<'cancel' | 'confirm' | null>(null);
  const open = () => void Taro.navigateTo({ url: orderUrl(order.id) });
  const act = async (action: 'cancel' | 'confirm') => {
    setBusy(action);
    try {
      const next = await runOrderAction(order, action);
      if (next) onChange(next);
    } finally {
      setBusy(null);
    }
  };
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
            <Image className="shop-line__image" src={order.items[0]?.image ?? ''} mode="aspectFill" />
            <View className="shop-line__body">
              <Text className="shop-line__title">{order.items[0]?.title}</Text>
              <Text className="shop-line__specs">{order.items[0]?.specsText}</Text>
            </View>
          </View>
        ) : (
          <View className="order-card__thumbs">
            {order.items.slice(0, 4).map((line) => (
              <Image key={line.skuId} className="order-card__thumb" src={line.image} mode="aspectFill" />
            ))}
          </View>
        )}
      </View>
      <View className="order-card__total" onClick={open}>
        <Text className="shop-muted">{`共 ${count} 件`}</Text>
        <Text className="order-card__payable">{`${order.status === 'pending_payment' ? '需付款' : '实付'} ${formatFen(order.amounts.payable)}`}</Text>
      </View>
      <OrderActions
        order={order}
        busy={busy}
        onCancel={() => void act('cancel')}
        onConfirm={() => void act('confirm')}
        onPay={() => void Taro.navigateTo({ url: payUrl(order.id) })}
      />
    </View>
  );
}

export default function OrdersPage() {
  const params = usePageParams();
  const [tab, setTab] = useState(() => ORDER_TABS.find((t) => t.key === params.status)?.key ?? 'all');
  const [orders, setOrders] = useState<OrderView[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ticket = useRef(0);

  const load = useCallback(async (tabKey: string, nextPage: number) => {
    if (!isLoggedIn()) return;
    const mine = ++ticket.current;
    setLoading(true);
    setError(null);
    try {
      const status = ORDER_TABS.find((t) => t.key === tabKey)?.status;
      const result = await fetchOrders({ status, page: nextPage, pageSize: PAGE_SIZE }, { silent: true });
      if (mine !== ticket.current) return;
      setOrders((current) => (nextPage === 1 ? result.items : [...current, ...result.items]));
      setTotal(result.total);
      setPage(nextPage);
    } catch (caught) {
      if (mine === ticket.current) setError((caught as ApiError).message);
    } finally {
      if (mine === ticket.current) setLoading(false);
    }
  }, []);

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin();
      return;
    }
    void load(tab, 1);
  });

  usePullDownRefresh(() => {
    void load(tab, 1).finally(() => void Taro.stopPullDownRefresh());
  });

  useReachBottom(() => {
    if (!loading && orders.length < total) void load(tab, page + 1);
  });

  const switchTab = (key: string) => {
    if (key === tab) return;
    setTab(key);
    setOrders([]);
    setTotal(0);
    setPage(0);
    void load(key, 1);
  };

  let body: JSX.Element;
  if (page === 0 && error) {
    body = <ErrorState message={error} onRetry={() => void load(tab, 1)} retrying={loading} />;
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
          <OrderCard
            key={order.id}
            order={order}
            onChange={(next) => setOrders((list) => list.map((o) => (o.id === next.id ? next : o)))}
          />
        ))}
        <Text className="orders-list__foot">
          {loading ? '加载中…' : orders.length < total ? '上拉加载更多' : '— 没有更多了 —'}
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
            onClick={() => switchTab(t.key)}
          >
            <Text>{t.title}</Text>
          </View>
        ))}
      </View>
      {body}
    </View>
  );
}
