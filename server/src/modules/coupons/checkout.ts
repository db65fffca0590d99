/**
 * The coupon part of pricing an order: which of the member's coupons apply to this basket and what each
 * would save, the one chosen (the best by default), and the new-member rules (SKUs only a member without
 * an earlier paid order may buy). The amounts come from the one pricing function (`priceWithCoupons`).
 */
import {
  type CouponOption,
  type PriceBreakdown,
  type PriceOrderInput,
  priceWithCoupons,
  type TierCode,
} from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { AppError } from '../../http/errors';
import { Product } from '../catalog/catalog.model';
import { NewMemberSku } from './coupon.model';
import type { Wallet } from './wallet.service';

export interface CouponCheckoutInput {
  member: { id: string; tier: TierCode };
  /** The pricing input without the coupon; lines carry `productId` (and `categoryId` when known). */
  pricing: Omit<PriceOrderInput, 'coupon' | 'couponContext'>;
  /** A member coupon id; `null` for none; absent for the best one. */
  couponId?: string | null | undefined;
  /** The order being created (its own lock does not count against it). */
  orderId?: string;
  now?: Date;
}

export interface CouponCheckout {
  breakdown: PriceBreakdown;
  /** Every coupon of the member: what it saves here, or why it cannot be used. */
  options: CouponOption[];
  /** The coupon applied (the order's `couponId`), or null. */
  couponId: string | null;
}

export function createCheckout(wallet: Wallet, clock: () => Date) {
  return {
    async price(input: CouponCheckoutInput): Promise<CouponCheckout> {
      const now = input.now ?? clock();
      const skuIds = input.pricing.lines.map((line) => line.sku.skuId);
      // An order that names no coupon (`null`) and holds no new-member SKU needs neither the member's
      // coupons nor their order history: two to four reads fewer on the order path.
      const noCoupon = input.couponId === null;
      const trialSkus = await NewMemberSku.find({ _id: trustedOperators({ $in: skuIds }) }, { _id: 1 }).lean();
      if (noCoupon && trialSkus.length === 0) {
        return { breakdown: priceWithCoupons(input.pricing, [], null).breakdown, options: [], couponId: null };
      }
      const paidBefore = await wallet.hasPaidBefore(input.member.id, input.orderId);
      if (trialSkus.length > 0 && paidBefore) {
        throw new AppError('conflict', 'new_members_only_sku', '该商品仅限新会员首单购买', {
          skuIds: trialSkus.map((sku) => sku._id),
        });
      }
      const lines = await withCategories(input.pricing.lines);
      const coupons = await wallet.forCheckout(input.member.id);
      if (typeof input.couponId === 'string' && !coupons.some((coupon) => coupon.id === input.couponId)) {
        const own = await wallet.ownCoupon(input.member.id, input.couponId);
        if (!own) throw new AppError('not_found', 'coupon_not_found', '优惠券不存在');
        coupons.push(own);
      }
      const result = priceWithCoupons(
        {
          ...input.pricing,
          lines,
          couponContext: { now, firstOrder: !paidBefore, ...(input.orderId ? { orderId: input.orderId } : {}) },
        },
        coupons,
        input.couponId,
      );
      const refusal = result.breakdown.couponRefusal;
      if (typeof input.couponId === 'string' && refusal) {
        throw new AppError('conflict', refusal.code, `优惠券不可用：${refusal.message}`);
      }
      return { breakdown: result.breakdown, options: result.options, couponId: result.chosen };
    },
  };
}

/** Coupon scopes by category need each line's category; the catalog is read, never written. */
async function withCategories(lines: PriceOrderInput['lines']): Promise<PriceOrderInput['lines']> {
  const missing = [
    ...new Set(lines.filter((line) => line.sku.productId && !line.sku.categoryId).map((line) => line.sku.productId!)),
  ].filter((id) => /^[0-9a-f]{24}$/i.test(id));
  if (missing.length === 0) return lines;
  const products = await Product.find({ _id: trustedOperators({ $in: missing }) }, { categoryId: 1 }).lean();
  const categoryOf = new Map(products.map((product) => [product._id.toString(), product.categoryId.toString()]));
  return lines.map((line) => {
    const categoryId = line.sku.productId ? categoryOf.get(line.sku.productId) : undefined;
    return categoryId && !line.sku.categoryId ? { ...line, sku: { ...line.sku, categoryId } } : line;
  });
}

export type Checkout = ReturnType<typeof createCheckout>;
