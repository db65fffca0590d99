import { formatFen, formatShopTime, maskPhone, type OrderView } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';
import { addressLine } from '../../../api/addresses';
import { fetchOrder } from '../../../api/orders';
import { PAGES } from '../../../brand';
import { EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { usePageParams } from '../../../hooks/use-page-params';
import { countdownText, isEntityId, openProduct } from '../../../shop/links';
import { OrderActions, orderHasActions } from '../../../shop/order-actions';
import { amountLabel, cancelReasonText, earnText } from '../../../shop/order-copy';
import { useNow } from '../../../shop/use-now';
import '../../../shop/shop.scss';
import { PrivacyPopup } from '../../../components/privacy-popup';
import './index.scss';
import { Picture } from '../../../components';

function shopTime(instant: string | null): string {
  if (!instant) return '';
  try {
    return formatShopTime(instant, 'YYYY-MM-DD HH:mm');
  } catch {
    return instant.slice(0, 16).replace('T', ' ');
  }
}

function copyTracking(trackingNo: string): void {
  void Taro.setClipboardData({ data: trackingNo })
    .then(() => Taro.showToast({ title: '运单号已复制', icon: 'success' }))
    .catch(() => undefined);
}

const STATUS_HINTS: Record<OrderView['status'], string> = {
  pending_payment: '请尽快完成支付，超时订单将自动取消',
  paid: '已付款，我们会尽快为你发货',
  shipped: '好茶已在路上，请留意查收',
  completed: '交易已完成，感谢你的支持',
  cancelled: '订单已取消',
  refunding: '退款处理中，请耐心等待',
  refunded: '退款已原路退回',
};

export default function OrderPage() {
  const params = usePageParams();
  const id = params.id ?? '';
  const valid = isEntityId(id);
  const order = useLoad(() => fetchOrder(id, { silent: true }), id, { auto: valid });
  const shown = useRef(false);
  const current = order.data;
  const now = useNow(current?.status === 'pending_payment');

  useDidShow(() => {
    // Coming back from the cashier: read the order again.
    if (shown.current && valid) void order.reload();
    shown.current = true;
  });

  if (!valid) {
    return (
      <EmptyState
        mark="单"
        title="订单链接有误"
        description="这个链接不完整或已失效，去订单列表看看吧。"
        actionText="查看全部订单"
        onAction={() => void Taro.redirectTo({ url: PAGES.orders })}
      />
    );
  }
  if (order.loading && !current) return <LoadingState variant="spinner" />;
  if (!current) {
    return order.error?.status === 404 ? (
      <EmptyState
        mark="单"
        title="订单不存在"
        description="这笔订单找不到了。"
        actionText="查看全部订单"
        onAction={() => void Taro.redirectTo({ url: PAGES.orders })}
      />
    ) : (
      <ErrorState message={order.error?.message} onRetry={() => void order.reload()} />
    );
  }

  const left = current.status === 'pending_payment' ? countdownText(current.expiresAt, now) : '';
  const a = current.amounts;

  return (
    <View className="page order">
      <View className={`order-head order-head--${current.status}`}>
        <Text className="order-status">{current.statusText}</Text>
        {left ? (
          <Text className="order-head__countdown">
            {left === '00:00' ? '支付已超时，订单即将关闭' : `剩余支付时间 ${left}`}
          </Text>
        ) : (
          <Text className="order-head__hint">
            {current.status === 'cancelled' ? cancelReasonText(current) : STATUS_HINTS[current.status]}
          </Text>
        )}
      </View>

      {current.shipment ? (
        <View className="shop-panel order-shipment">
          <Text className="shop-panel__title">物流信息</Text>
          <View className="shop-row">
            <Text>{current.shipment.carrier}</Text>
            <View className="order-shipment__track">
              <Text className="shop-row__value order-shipment__no" userSelect>
                {current.shipment.trackingNo}
              </Text>
              <Text className="order-shipment__copy" onClick={() => copyTracking(current.shipment?.trackingNo ?? '')}>
                复制
              </Text>
            </View>
          </View>
          <Text className="shop-muted">{`发货时间 ${shopTime(current.shipment.shippedAt)}`}</Text>
        </View>
      ) : null}

      <View className="shop-panel order-address">
        <View className="order-address__who">
          <Text className="order-address__name">{current.address.name}</Text>
          <Text className="order-address__phone">{maskPhone(current.address.phone)}</Text>
        </View>
        <Text className="order-address__line">{addressLine(current.address)}</Text>
      </View>

      <View className="shop-panel order-lines">
        {current.items.map((line) => (
          <View key={line.skuId} className="shop-line" onClick={() => openProduct(line.productId)}>
            <Picture className="shop-line__image" src={line.image} mode="aspectFill" />
            <View className="shop-line__body">
              <Text className="shop-line__title">{line.title}</Text>
              <Text className="shop-line__specs">{line.specsText}</Text>
              <View className="shop-line__foot">
                {line.pointsCost > 0 ? (
                  <Text className="order-line__points">{`${line.pointsCost} 积分`}</Text>
                ) : (
                  <Price fen={line.unitPrice} listFen={line.listPrice} size="sm" />
                )}
                <Text className="shop-line__qty">{`×${line.qty}`}</Text>
              </View>
            </View>
          </View>
        ))}
        <View className="order-amounts">
          <View className="shop-row">
            <Text>商品原价</Text>
            <Text className="shop-row__value">{formatFen(a.listTotal)}</Text>
          </View>
          {a.memberSaving > 0 ? (
            <View className="shop-row">
              <Text>会员优惠</Text>
              <Text className="shop-row__value order-amounts__minus">{`-${formatFen(a.memberSaving)}`}</Text>
            </View>
          ) : null}
          {a.couponDiscount > 0 ? (
            <View className="shop-row order-amounts__coupon">
              <Text>优惠券</Text>
              <Text className="shop-row__value order-amounts__minus">{`-${formatFen(a.couponDiscount)}`}</Text>
            </View>
          ) : null}
          <View className="shop-row">
            <Text>运费</Text>
            <Text className="shop-row__value">{a.shippingFee > 0 ? formatFen(a.shippingFee) : '包邮'}</Text>
          </View>
          {a.pointsDeduction > 0 ? (
            <View className="shop-row">
              <Text>{`积分抵扣（${a.pointsUsed} 积分）`}</Text>
              <Text className="shop-row__value order-amounts__minus">{`-${formatFen(a.pointsDeduction)}`}</Text>
            </View>
          ) : null}
          {a.pointsCost > 0 ? (
            <View className="shop-row">
              <Text>兑换积分</Text>
              <Text className="shop-row__value">{`${a.pointsCost} 积分`}</Text>
            </View>
          ) : null}
          <View className="shop-row shop-row--strong">
            <Text>{amountLabel(current)}</Text>
            <Text className="shop-row__value order-amounts__payable">{formatFen(a.payable)}</Text>
          </View>
          {earnText(current) ? <Text className="shop-muted order-amounts__earn">{earnText(current)}</Text> : null}
        </View>
      </View>

      <View className="shop-panel order-info">
        <View className="shop-row">
          <Text>订单编号</Text>
          <Text className="shop-row__value order-info__no">{current.orderNo}</Text>
        </View>
        <View className="shop-row">
          <Text>下单时间</Text>
          <Text className="shop-row__value">{shopTime(current.createdAt)}</Text>
        </View>
        {current.paidAt ? (
          <View className="shop-row">
            <Text>付款时间</Text>
            <Text className="shop-row__value">{shopTime(current.paidAt)}</Text>
          </View>
        ) : null}
        {current.remark ? (
          <View className="shop-row">
            <Text>备注</Text>
            <Text className="shop-row__value">{current.remark}</Text>
          </View>
        ) : null}
        {current.refund ? (
          <View className="shop-row">
            <Text>{current.refund.refundedAt ? '已退款' : '退款中'}</Text>
            <Text className="shop-row__value">{formatFen(current.refund.amount)}</Text>
          </View>
        ) : null}
      </View>

      {orderHasActions(current) ? (
        <>
          <View className="shop-bottom-spacer" />
          <View className="shop-bottom-bar order-bar">
            <OrderActions
              order={current}
              onChange={order.setData}
              onRemoved={() => void Taro.navigateBack().catch(() => Taro.redirectTo({ url: PAGES.orders }))}
            />
          </View>
        </>
      ) : null}
      <PrivacyPopup />
    </View>
  );
}
