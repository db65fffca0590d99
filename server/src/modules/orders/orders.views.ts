/** How an order looks to its member and to the shop; the states anyone ever sees. */
import { createHash } from 'node:crypto';
import { ORDER_STATUS_TEXT, type OrderView, type VisibleOrderStatus } from '@siyu/shared';
import type { OrderDoc, OrderStatus } from './order.model';

/** The states a member or admin ever sees; `creating` and `failed` are internal. */
export const VISIBLE = Object.keys(ORDER_STATUS_TEXT) as OrderStatus[];

/** States the member may remove from their own list (删除订单). */
export const HIDEABLE: readonly OrderStatus[] = ['cancelled', 'completed', 'refunded'];

export function toOrderView(order: OrderDoc): OrderView {
  const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
  const status = order.status as VisibleOrderStatus;
  const gate = status === 'paid' && order.gates?.length ? order.gates[0]!.text : null;
  const actions: OrderView['actions'] = [];
  if (status === 'pending_payment') actions.push('pay', 'cancel');
  if (status === 'shipped') actions.push('confirm');
  return {
    id: order._id.toString(),
    orderNo: order.orderNo,
    status,
    statusText: gate ?? ORDER_STATUS_TEXT[status],
    items: order.items.map(({ limitPerMember: _limit, ...line }) => line),
    amounts: { ...order.amounts, couponDiscount: order.amounts.couponDiscount ?? 0 },
    address: order.address,
    remark: order.remark ?? '',
    createdAt: iso(order.createdAt)!,
    expiresAt: status === 'pending_payment' ? iso(order.expiresAt) : null,
    paidAt: iso(order.payment?.paidAt),
    shipment: order.shipment
      ? {
          carrier: order.shipment.carrier,
          trackingNo: order.shipment.trackingNo,
          shippedAt: iso(order.shipment.shippedAt)!,
        }
      : null,
    autoCompleteAt: status === 'shipped' ? iso(order.autoCompleteAt) : null,
    completedAt: iso(order.completedAt),
    cancelledAt: iso(order.cancelledAt),
    cancelReason: order.cancelReason ?? null,
    refund: order.refund
      ? {
          amount: order.refund.amount,
          reason: order.refund.reason,
          requestedAt: iso(order.refund.requestedAt)!,
          refundedAt: iso(order.refund.refundedAt),
        }
      : null,
    gate,
    attribution: order.attribution ? { type: order.attribution.type, id: order.attribution.id } : null,
    context: { ...(order.context ?? {}) },
    actions,
    deletable: HIDEABLE.includes(status),
  };
}

/** Stable hash of a request body: same body (whatever the key order) → same hash. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}
