/**
 * Stock as an order hold. A take is one conditional update on the SKU that both decrements the stock
 * and records the order id in `holders`, guarded by the order id not being there yet; a give-back is
 * one conditional update that returns the units and removes the order id, guarded by it being there.
 * The SKU document is therefore its own proof of what was taken: repeating either step changes
 * nothing, and a crash between any two steps of order creation is repaired by giving back (a SKU that
 * never recorded the order gives back nothing).
 *
 * Once the order ships its units are gone for good: the `stock` subscriber drops the order id from
 * `holders` (so the array stays bounded by open orders), after which a give-back is a no-op — a refund
 * after shipping returns money, not stock.
 */
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import type { OrderDoc } from '../orders/order.model';
import type { OrderHold, OrderSubscriber } from '../orders/order-extensions';
import { Product, Sku } from './catalog.model';

function skuObjectId(skuId: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(skuId) ? new Types.ObjectId(skuId) : null;
}

/** Takes `qty` units for `holder`; true when taken now or already taken for that holder before. */
export async function takeUnits(skuId: string, qty: number, holder: string): Promise<boolean> {
  if (!Number.isInteger(qty) || qty < 1) throw new RangeError(`qty must be a positive whole number, got ${qty}`);
  const id = skuObjectId(skuId);
  if (!id) return false;
  const taken = await Sku.findOneAndUpdate(
    { _id: id, active: true, stock: trustedOperators({ $gte: qty }), holders: trustedOperators({ $ne: holder }) },
    { $inc: { stock: -qty, sold: qty }, $push: { holders: holder } },
    { lean: true },
  );
  if (taken) {
    // Sales shown on cards follow in a second step; if it is lost (crash), recountSales() repairs it.
    await Product.updateOne({ _id: taken.product }, { $inc: { sales: qty } }).catch(() => undefined);
    return true;
  }
  return (await Sku.exists({ _id: id, holders: holder })) !== null;
}

/** Returns the units `holder` took, once; a no-op when it holds none (never took, gave back, or shipped). */
export async function giveBackUnits(skuId: string, qty: number, holder: string): Promise<boolean> {
  const id = skuObjectId(skuId);
  if (!id) return false;
  const returned = await Sku.findOneAndUpdate(
    { _id: id, holders: holder },
    { $inc: { stock: qty, sold: -qty }, $pull: { holders: holder } },
    { lean: true },
  );
  if (!returned) return false;
  await Product.updateOne({ _id: returned.product }, { $inc: { sales: -qty } }).catch(() => undefined);
  return true;
}

export function createStockHold(): OrderHold {
  return {
    kind: 'stock',
    appliesTo: () => true,
    async take(order: OrderDoc) {
      const holder = order._id.toString();
      for (const line of order.items) {
        if (!(await takeUnits(line.skuId, line.qty, holder))) {
          // Give back the lines taken before this one, then refuse the order.
          for (const taken of order.items) await giveBackUnits(taken.skuId, taken.qty, holder);
          throw new AppError('conflict', 'out_of_stock', `「${line.title}」库存不足`, { skuId: line.skuId });
        }
      }
    },
    async giveBack(order: OrderDoc) {
      const holder = order._id.toString();
      // Shipped units are gone, even if the `stock` subscriber has not yet forgotten the order.
      if (order.shipment) return forgetHolder(order);
      for (const line of order.items) await giveBackUnits(line.skuId, line.qty, holder);
    },
  };
}

async function forgetHolder(order: OrderDoc): Promise<void> {
  const holder = order._id.toString();
  const ids = order.items.map((line) => skuObjectId(line.skuId)).filter((id): id is Types.ObjectId => !!id);
  await Sku.updateMany({ _id: trustedOperators({ $in: ids }), holders: holder }, { $pull: { holders: holder } });
}

/** Shipped units are final: the SKUs forget the order (its refund returns money, not stock). */
export function createStockSubscriber(): OrderSubscriber {
  return { name: 'stock', on: { shipped: forgetHolder } };
}

/** The proof on a SKU that an after-sales refund `ref` of an order returned its units. */
export const refundTag = (orderId: string, ref: string) => `${orderId}/${ref}`;

/**
 * After-sales, per line: returns the `qty` units that refund `ref` takes back from an order that has
 * not shipped, once. The tag `<order>/<ref>` joins `holders` in the same conditional update that returns
 * the units, guarded by the order still holding units there and the tag being absent; so a repeat is a
 * no-op, and so is a shipped order (its SKUs forgot it: its units left the warehouse). The whole-order
 * give-back is never asked after a partial refund (orders refuses a whole refund then).
 */
export async function giveBackRefundedUnits(
  skuId: string,
  qty: number,
  orderId: string,
  ref: string,
): Promise<boolean> {
  const id = skuObjectId(skuId);
  if (!id || !Number.isInteger(qty) || qty < 1) return false;
  const tag = refundTag(orderId, ref);
  const returned = await Sku.findOneAndUpdate(
    { _id: id, $and: [{ holders: orderId }, { holders: trustedOperators({ $ne: tag }) }] },
    { $inc: { stock: qty, sold: -qty }, $push: { holders: tag } },
    { lean: true },
  );
  if (!returned) return false;
  await Product.updateOne({ _id: returned.product }, { $inc: { sales: -qty } }).catch(() => undefined);
  return true;
}

/**
 * After-sales: gives back the stock of refund `ref`'s lines unless the order shipped (then the goods
 * are with the member, or on their way back: staff restock returned goods by hand). After the order's
 * last refund its SKUs forget the order and its tags, so `holders` stays bounded by open orders.
 */
export async function giveBackRefundedStock(
  order: OrderDoc,
  refund: { ref: string; lines: { skuId: string; qty: number }[]; final: boolean },
): Promise<void> {
  const orderId = order._id.toString();
  if (!order.shipment) {
    for (const line of refund.lines) await giveBackRefundedUnits(line.skuId, line.qty, orderId, refund.ref);
  }
  if (refund.final) {
    const tags = [orderId, ...(order.partialRefunds ?? []).map((known) => refundTag(orderId, known.ref))];
    const ids = order.items.map((line) => skuObjectId(line.skuId)).filter((id): id is Types.ObjectId => !!id);
    // One value per pull: FerretDB 1.x `$pull` matches whole values only.
    for (const tag of tags) {
      await Sku.updateMany({ _id: trustedOperators({ $in: ids }), holders: tag }, { $pull: { holders: tag } });
    }
  }
}
