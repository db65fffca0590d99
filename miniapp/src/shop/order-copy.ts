/** What an order's money and history are called, by what actually happened to it (no raw server codes). */
import type { OrderView } from '@siyu/shared';

const CANCEL_TEXT: Record<string, string> = {
  member: '你已取消订单',
  timeout: '超时未支付，订单已自动取消',
  admin: '商家已取消订单',
  group_failed: '拼团未成功，订单已取消',
};

/** Why the order was cancelled, in the shopper's words; never the server's code. */
export function cancelReasonText(order: Pick<OrderView, 'cancelReason'>): string {
  return (order.cancelReason && CANCEL_TEXT[order.cancelReason]) || '订单已取消';
}

/** Money only counts as paid (实付) once it was paid; an unpaid cancelled order shows what it came to. */
export function amountLabel(order: Pick<OrderView, 'status' | 'paidAt'>, short = false): string {
  if (order.status === 'pending_payment') return '需付款';
  if (order.paidAt) return short ? '实付' : '实付款';
  return '订单金额';
}

/** Points the order will earn are promised only while it can still complete. */
export function earnText(order: Pick<OrderView, 'status' | 'amounts'>): string | null {
  const earned = order.amounts.pointsEarned;
  if (earned <= 0) return null;
  if (order.status === 'completed') return `已获得 ${earned} 积分`;
  if (order.status === 'pending_payment' || order.status === 'paid' || order.status === 'shipped') {
    return `完成后可得 ${earned} 积分`;
  }
  return null;
}
