import type { OrderView } from '@siyu/shared';
import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { cancelOrder, confirmReceipt } from '../api/orders';
import { Button } from '../components';

export interface OrderActionsProps {
  order: OrderView;
  busy: 'cancel' | 'confirm' | null;
  onCancel: () => void;
  onPay: () => void;
  onConfirm: () => void;
}

/** Exactly the actions the API offers for this order, nothing more. */
export function OrderActions({ order, busy, onCancel, onPay, onConfirm }: OrderActionsProps) {
  if (order.actions.length === 0) return null;
  return (
    <View className="order-actions">
      {order.actions.includes('cancel') ? (
        <Button variant="outline" size="sm" loading={busy === 'cancel'} className="order-cancel" onClick={onCancel}>
          取消订单
        </Button>
      ) : null}
      {order.actions.includes('confirm') ? (
        <Button variant="primary" size="sm" loading={busy === 'confirm'} className="order-confirm" onClick={onConfirm}>
          确认收货
        </Button>
      ) : null}
      {order.actions.includes('pay') ? (
        <Button variant="primary" size="sm" className="order-pay" onClick={onPay}>
          去支付
        </Button>
      ) : null}
    </View>
  );
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
