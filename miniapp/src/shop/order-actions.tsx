import type { OrderView } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { cancelOrder, confirmReceipt, deleteOrder } from '../api/orders';
import { BottomSheet, Button } from '../components';
import { AFTERSALES_PAGE, checkoutUrl, payUrl } from './links';

type Busy = 'cancel' | 'confirm' | 'delete' | null;

export interface OrderActionsProps {
  order: OrderView;
  /** The order as the server now has it, after 取消订单 / 确认收货. */
  onChange: (order: OrderView) => void;
  /** 删除订单 succeeded: the order is gone from the member's list. */
  onRemoved?: (order: OrderView) => void;
}

/** States an order can be bought again from (再次购买). */
const REBUYABLE: ReadonlyArray<OrderView['status']> = ['completed', 'cancelled', 'refunded'];
/** States after-sales can be asked for (申请售后): the money was paid. */
const AFTERSALES: ReadonlyArray<OrderView['status']> = ['paid', 'shipped', 'completed'];

function extraActions(order: OrderView): { canRebuy: boolean; canAfterSales: boolean } {
  return {
    canRebuy: REBUYABLE.includes(order.status) && order.items.length > 0,
    canAfterSales: AFTERSALES.includes(order.status) && !!order.paidAt,
  };
}

/** Whether OrderActions shows anything for this order (so a page can leave out an empty bar). */
export function orderHasActions(order: OrderView): boolean {
  const { canRebuy, canAfterSales } = extraActions(order);
  return order.actions.length > 0 || order.deletable || !!order.shipment || canRebuy || canAfterSales;
}

/** 查看物流: the carrier and a tracking number the shopper can copy into the carrier's own app. */
export function LogisticsSheet({ order, open, onClose }: { order: OrderView; open: boolean; onClose: () => void }) {
  const shipment = order.shipment;
  if (!shipment) return null;
  const copy = () =>
    void Taro.setClipboardData({ data: shipment.trackingNo })
      .then(() => Taro.showToast({ title: '运单号已复制', icon: 'success' }))
      .catch(() => undefined);
  return (
    <BottomSheet open={open} title="物流信息" onClose={onClose} className="logistics-sheet">
      <View className="shop-row">
        <Text>快递公司</Text>
        <Text className="shop-row__value logistics-sheet__carrier">{shipment.carrier}</Text>
      </View>
      <View className="shop-row">
        <Text>运单号</Text>
        <View className="logistics-sheet__no">
          <Text className="shop-row__value logistics-sheet__tracking" userSelect>
            {shipment.trackingNo}
          </Text>
          <Button variant="outline" size="sm" className="logistics-copy" onClick={copy}>
            复制
          </Button>
        </View>
      </View>
      <Text className="shop-muted">复制运单号后，可在快递公司的小程序或官网查询详细轨迹。</Text>
    </BottomSheet>
  );
}

/**
 * The actions for an order, from what the API allows (去支付, 取消订单, 确认收货; 删除订单 when deletable) and from what it shows
 * (查看物流 when shipped, 再次购买 once finished, 申请售后 once paid).
 */
export function OrderActions({ order, onChange, onRemoved }: OrderActionsProps) {
  const [busy, setBusy] = useState<Busy>(null);
  const [logistics, setLogistics] = useState(false);
  const run = async (action: 'cancel' | 'confirm' | 'delete') => {
    setBusy(action);
    try {
      if (action === 'delete') {
        if (await removeOrder(order)) onRemoved?.(order);
        return;
      }
      const next = await runOrderAction(order, action);
      if (next) onChange(next);
    } finally {
      setBusy(null);
    }
  };
  const rebuyLines = order.items.map((line) => ({ skuId: line.skuId, qty: line.qty }));
  const { canRebuy, canAfterSales } = extraActions(order);
  if (!orderHasActions(order)) return null;
  const extras = canAfterSales || !!order.shipment || canRebuy;
  return (
    <View className="order-buttons">
      {/* Conveniences the storefront offers around the order; the state changes the API allows follow. */}
      {extras ? (
        <View className="order-extras">
          {canAfterSales ? (
            <Button
              variant="outline"
              size="sm"
              className="order-aftersales"
              onClick={() =>
                void Taro.navigateTo({ url: `${AFTERSALES_PAGE}?orderId=${order.id}` }).catch(() => undefined)
              }
            >
              申请售后
            </Button>
          ) : null}
          {order.shipment ? (
            <Button variant="outline" size="sm" className="order-logistics" onClick={() => setLogistics(true)}>
              查看物流
            </Button>
          ) : null}
          {canRebuy ? (
            <Button
              variant="outline"
              size="sm"
              className="order-rebuy"
              onClick={() => void Taro.navigateTo({ url: checkoutUrl(rebuyLines) })}
            >
              再次购买
            </Button>
          ) : null}
        </View>
      ) : null}
      {order.actions.length > 0 || order.deletable ? (
        <View className="order-actions">
          {order.deletable ? (
            <Button
              variant="text"
              size="sm"
              loading={busy === 'delete'}
              className="order-delete"
              onClick={() => void run('delete')}
            >
              删除订单
            </Button>
          ) : null}
          {order.actions.includes('cancel') ? (
            <Button
              variant="outline"
              size="sm"
              loading={busy === 'cancel'}
              className="order-cancel"
              onClick={() => void run('cancel')}
            >
              取消订单
            </Button>
          ) : null}
          {order.actions.includes('confirm') ? (
            <Button
              variant="primary"
              size="sm"
              loading={busy === 'confirm'}
              className="order-confirm"
              onClick={() => void run('confirm')}
            >
              确认收货
            </Button>
          ) : null}
          {order.actions.includes('pay') ? (
            <Button
              variant="primary"
              size="sm"
              className="order-pay"
              onClick={() => void Taro.navigateTo({ url: payUrl(order.id) })}
            >
              去支付
            </Button>
          ) : null}
        </View>
      ) : null}
      <LogisticsSheet order={order} open={logistics} onClose={() => setLogistics(false)} />
    </View>
  );
}

/** 删除订单 after asking; true once the server has hidden it. */
async function removeOrder(order: OrderView): Promise<boolean> {
  const { confirm } = await Taro.showModal({
    title: '删除订单',
    content: '删除后订单将从列表中移除，无法恢复。',
    confirmText: '删除',
    cancelText: '再想想',
    confirmColor: '#b23a2a',
  });
  if (!confirm) return false;
  try {
    await deleteOrder(order.id);
    void Taro.showToast({ title: '订单已删除', icon: 'success' });
    return true;
  } catch {
    // Toasted by the client.
    return false;
  }
}

/** Cancels or confirms after asking; answers with the order as the server now has it. */
export async function runOrderAction(order: OrderView, action: 'cancel' | 'confirm'): Promise<OrderView | null> {
  const { confirm } = await Taro.showModal(
    action === 'cancel'
      ? {
          title: '取消订单',
          content: '确定取消这笔订单吗？',
          confirmText: '取消订单',
          cancelText: '再想想',
          confirmColor: '#b23a2a',
        }
      : { title: '确认收货', content: '请确认已收到商品，确认后交易完成。', confirmText: '确认收货' },
  );
  if (!confirm) return null;
  try {
    const next = action === 'cancel' ? await cancelOrder(order.id) : await confirmReceipt(order.id);
    void Taro.showToast({ title: action === 'cancel' ? '订单已取消' : '已确认收货', icon: 'success' });
    return next;
  } catch {
    // Toasted by the client.
    return null;
  }
}
