/**
 * Points spent on an order (deduction or points-mall price) as an order hold. The ledger is the proof:
 * the spend is one entry keyed (order, spend), the give-back one entry keyed (order, refund) for the
 * amount actually spent, so each happens at most once however often it is asked for, and after a
 * crash the ledger says whether anything was spent.
 */

import type { OrderDoc } from '../orders/order.model';
import type { OrderHold } from '../orders/order-extensions';
import type { PointsService } from './points.service';

const pointsOf = (order: OrderDoc) => (order.amounts.pointsUsed ?? 0) + (order.amounts.pointsCost ?? 0);
const orderSource = (order: OrderDoc) => ({ type: 'order', id: order._id.toString() });

export function createPointsHold(points: PointsService): OrderHold {
  return {
    kind: 'points',
    appliesTo: (order) => pointsOf(order) > 0,
    async take(order) {
      await points.apply({
        memberId: order.member.toString(),
        delta: -pointsOf(order),
        kind: 'spend',
        source: orderSource(order),
        note: `订单 ${order.orderNo} 使用积分`,
      });
    },
    async giveBack(order) {
      const memberId = order.member.toString();
      const spent = await points.findEntry(memberId, 'spend', orderSource(order));
      if (!spent || spent.delta === 0) return;
      await points.apply({
        memberId,
        delta: -spent.delta,
        kind: 'refund',
        source: orderSource(order),
        note: `订单 ${order.orderNo} 退回积分`,
      });
    },
  };
}

/**
 * After-sales: gives back the points refund `ref` returns for its lines (their points-mall price and
 * their share of the deduction, decided with the refund), once: one `refund` entry keyed by the refund.
 * Never more than the order spent, less what earlier refunds of it gave back.
 */
export async function giveBackRefundedPoints(
  points: PointsService,
  order: OrderDoc,
  refund: { ref: string; points: number },
): Promise<void> {
  if (refund.points <= 0) return;
  const memberId = order.member.toString();
  const spent = await points.findEntry(memberId, 'spend', orderSource(order));
  if (!spent || spent.delta === 0) return;
  await points.apply({
    memberId,
    delta: Math.min(refund.points, -spent.delta),
    kind: 'refund',
    source: { type: 'order_refund', id: `${order._id.toString()}:${refund.ref}` },
    note: `订单 ${order.orderNo} 售后退回积分`,
  });
}
