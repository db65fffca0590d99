/**
 * The catalog: who may see which product (private-only SKUs decided per member), what each viewer pays
 * (the one shared pricing function with the viewer's tier benefits), and stock, which only ever moves
 * through single-document conditional updates on a SKU.
 *
 * Split by seam: storefront reads (served from an in-process read cache, catalog-storefront.ts), the
 * admin (catalog-admin.ts, whose writes bump the catalog version that invalidates every instance's
 * cache) and stock (below; holds per order in stock.ts).
 */
import type { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { Product, Sku } from './catalog.model';
import { createCatalogAdmin } from './catalog-admin';
import { createCatalogVersion } from './catalog-cache';
import { createStorefrontReads } from './catalog-storefront';
import { type BenefitsFor, objectIdOrNull, skuNotFound } from './catalog-views';

export type { BenefitsFor, CatalogViewer, OrderableLine, SkuContext } from './catalog-views';
export { objectIdOrNull, pricingSkuOf } from './catalog-views';

export function createCatalogService(deps: { benefitsFor: BenefitsFor }) {
  const version = createCatalogVersion();
  const storefront = createStorefrontReads({ benefitsFor: deps.benefitsFor, version });
  const admin = createCatalogAdmin({
    afterWrite: async () => {
      await version.bump();
      storefront.forget();
    },
  });

  return {
    benefitsFor: deps.benefitsFor,

    // ---------- store (read cache) and for orders (uncached) ----------
    ...storefront,

    // ---------- stock ----------

    /**
     * Takes `qty` units of an active SKU: one conditional atomic update, so N units are sold exactly N
     * times however many buyers race for them. False when the SKU has fewer than `qty` (or is gone).
     */
    async takeStock(skuId: string, qty: number): Promise<boolean> {
      if (!Number.isInteger(qty) || qty < 1) throw new RangeError(`qty must be a positive whole number, got ${qty}`);
      const id = objectIdOrNull(skuId);
      if (!id) return false;
      // No projection: FerretDB 1.x does not implement `fields` on findAndModify.
      const taken = await Sku.findOneAndUpdate(
        { _id: id, active: true, stock: trustedOperators({ $gte: qty }) },
        { $inc: { stock: -qty, sold: qty } },
        { lean: true },
      );
      if (!taken) return false;
      // Sales shown on cards follow in a second step; if it is lost (crash), recountSales() repairs it.
      await Product.updateOne({ _id: taken.product }, { $inc: { sales: qty } }).catch(() => undefined);
      return true;
    },

    /** Puts back units taken by `takeStock` (cancelled or refunded orders; callers guarantee exactly once). */
    async returnStock(skuId: string, qty: number): Promise<void> {
      if (!Number.isInteger(qty) || qty < 1) throw new RangeError(`qty must be a positive whole number, got ${qty}`);
      const id = objectIdOrNull(skuId);
      if (!id) throw skuNotFound();
      const returned = await Sku.findOneAndUpdate({ _id: id }, { $inc: { stock: qty, sold: -qty } }, { lean: true });
      if (!returned) throw skuNotFound();
      await Product.updateOne({ _id: returned.product }, { $inc: { sales: -qty } }).catch(() => undefined);
    },

    /** Sets every product's `sales` to the sum of its SKUs' `sold` (repairs drift; safe to run any time). */
    async recountSales(): Promise<number> {
      const sums = await Sku.aggregate<{ _id: Types.ObjectId; sold: number }>([
        { $group: { _id: '$product', sold: { $sum: '$sold' } } },
      ]);
      let changed = 0;
      for (const row of sums) {
        const result = await Product.updateOne(
          { _id: row._id, sales: trustedOperators({ $ne: row.sold }) },
          { $set: { sales: row.sold } },
        );
        changed += result.modifiedCount;
      }
      return changed;
    },

    // ---------- admin ----------
    ...admin,
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
