/**
 * Purchase limits as an order hold. The per-member, per-SKU counter document lists the orders it
 * counts (`orders: [{ id, qty }]`, with the ids also in `ids`), and both the take and the give-back change the count and that list
 * in one conditional update guarded by the order being absent / present. Repeating either is harmless,
 * and after a crash the counter itself says whether this order was counted.
 */
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { type OrderDoc, SkuPurchase } from './order.model';
import type { OrderHold } from './order-extensions';

async function countOrder(memberId: string, skuId: string, qty: number, limit: number, orderId: string) {
  if (qty > limit) return false;
  const _id = `${memberId}:${skuId}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const counted = await SkuPurchase.updateOne(
      { _id, qty: trustedOperators({ $lte: limit - qty }), ids: trustedOperators({ $ne: orderId }) },
      { $inc: { qty }, $push: { orders: { id: orderId, qty }, ids: orderId } },
    );
    if (counted.modifiedCount === 1) return true;
    const current = await SkuPurchase.findById(_id).lean<{ qty: number; ids?: string[] }>();
    if (current?.ids?.includes(orderId)) return true; // counted before (a retry)
    if (current) {
      if (current.qty + qty > limit) return false;
      continue; // it moved between our two reads: try again
    }
    try {
      await SkuPurchase.create({ _id, qty, orders: [{ id: orderId, qty }], ids: [orderId] });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // created by a racing order a moment ago: try again
    }
  }
  return false;
}

async function uncountOrder(memberId: string, skuId: string, qty: number, orderId: string) {
  await SkuPurchase.updateOne(
    { _id: `${memberId}:${skuId}`, ids: orderId },
    // The whole entry, as pushed: FerretDB 1.x `$pull` matches whole values only.
    { $inc: { qty: -qty }, $pull: { orders: { id: orderId, qty }, ids: orderId } },
  );
}

export function createLimitsHold(): OrderHold {
  const limited = (order: OrderDoc) => order.items.filter((line) => line.limitPerMember > 0);
  return {
    kind: 'limits',
    appliesTo: (order) => limited(order).length > 0,
    async take(order) {
      const memberId = order.member.toString();
      const orderId = order._id.toString();
      for (const line of limited(order)) {
        if (!(await countOrder(memberId, line.skuId, line.qty, line.limitPerMember, orderId))) {
          for (const counted of limited(order)) await uncountOrder(memberId, counted.skuId, counted.qty, orderId);
          throw new AppError(
            'conflict',
            'purchase_limit_exceeded',
            `「${line.title}」每人限购 ${line.limitPerMember} 件`,
            {
              skuId: line.skuId,
            },
          );
        }
      }
    },
    async giveBack(order) {
      const memberId = order.member.toString();
      const orderId = order._id.toString();
      for (const line of limited(order)) await uncountOrder(memberId, line.skuId, line.qty, orderId);
    },
  };
}

/**
 * After-sales, per line: the units refund `ref` takes back stop counting towards the member's purchase
 * limit, once. The counter gains an entry `{ id: '<order>/<ref>', qty: -units }` in the same conditional
 * update that lowers `qty`, guarded by the order being counted and that entry being absent, so `qty`
 * stays the sum of the entries and a repeat changes nothing.
 */
export async function uncountRefundedUnits(
  order: OrderDoc,
  refund: { ref: string; lines: { index: number; skuId: string; qty: number }[] },
): Promise<void> {
  const memberId = order.member.toString();
  const orderId = order._id.toString();
  const tag = `${orderId}/${refund.ref}`;
  for (const line of refund.lines) {
    if (!(order.items[line.index]?.limitPerMember ?? 0)) continue;
    await SkuPurchase.updateOne(
      {
        _id: `${memberId}:${line.skuId}`,
        $and: [{ ids: orderId }, { ids: trustedOperators({ $ne: tag }) }],
      },
      { $inc: { qty: -line.qty }, $push: { orders: { id: tag, qty: -line.qty }, ids: tag } },
    );
  }
}
