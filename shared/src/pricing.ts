/**
 * The one pricing function. The server computes every price, discount, shipping fee and points figure
 * with it (catalog prices as the viewer pays them, cart, order preview, order creation); the storefront
 * only shows what the server answered. Integer fen throughout.
 */
import { z } from 'zod';
import {
  type CouponOption,
  type CouponRefusal,
  couponStateRefusal,
  couponTitle,
  inCouponScope,
  type PricingCoupon,
} from './coupons';
import { type Fen, formatFen, percentOf } from './money';
import { TIER_CODES, type TierCode, tierRank } from './tiers';

/** What a tier gives, as configured by admins (Membership). */
export const TierBenefitsSchema = z.object({
  code: z.enum(TIER_CODES),
  /** 100 = no discount; 95 = 5% off items that have no explicit member price. */
  discountPercent: z.number().int().min(50).max(100),
  /** Free shipping from this items total (fen) up; null = the shop's general threshold. */
  freeShippingThreshold: z.number().int().nonnegative().nullable(),
  /** Points earned per yuan paid, in percent of the base rate: 100 = 1x, 150 = 1.5x. */
  pointsMultiplierPercent: z.number().int().min(0).max(1000),
});
export type TierBenefits = z.infer<typeof TierBenefitsSchema>;

export interface ShopPricingRules {
  /** Shipping fee below the free-shipping threshold. */
  shippingFee: Fen;
  /** Items total (after member prices) from which shipping is free for everyone. */
  freeShippingThreshold: Fen;
  /** Points earned per whole yuan paid at 1x. */
  pointsPerYuan: number;
  /** How many points make one yuan when spent (100 → 100 points = ¥1). */
  pointsPerYuanRedeemed: number;
  /** At most this percent of the payable amount may be paid with points. */
  maxPointsPercent: number;
}

export const DEFAULT_PRICING_RULES: ShopPricingRules = {
  shippingFee: 800,
  freeShippingThreshold: 9900,
  pointsPerYuan: 1,
  pointsPerYuanRedeemed: 100,
  maxPointsPercent: 50,
};

export interface PricingSku {
  skuId: string;
  /** The list price everyone sees. */
  price: Fen;
  /** Explicit member prices by tier; a member pays the lowest one of their tier or below. */
  memberPrices?: Partial<Record<TierCode, Fen>>;
  /** Points-mall items: points charged per unit (on top of `price`, which may be 0). */
  pointsPrice?: number;
  /** For coupon scopes (a coupon for some products or categories). */
  productId?: string;
  categoryId?: string;
  /** A campaign's price (the group price), which replaces member prices and tier discounts. */
  campaignPrice?: Fen;
}

export interface PricedLine {
  skuId: string;
  qty: number;
  listPrice: Fen;
  unitPrice: Fen;
  /** Where the unit price comes from: the list price, a tier's member price, or the tier discount. */
  priceSource: 'list' | 'member_price' | 'tier_discount' | 'campaign';
  lineTotal: Fen;
  memberSaving: Fen;
  pointsCost: number;
  /** This line's share of the coupon discount (prorated by line total, to the fen). */
  couponDiscount: Fen;
}

export interface PriceBreakdown {
  lines: PricedLine[];
  /** Sum of list prices × qty. */
  listTotal: Fen;
  /** Sum of what the member pays for items (member prices applied). */
  itemsTotal: Fen;
  memberSaving: Fen;
  /** What the chosen coupon takes off the items (never more than the items it applies to). */
  couponDiscount: Fen;
  /** The coupon applied, or null (none chosen, or refused: see `couponRefusal`). */
  coupon: { id: string; title: string } | null;
  /** Why the chosen coupon was not applied; the server refuses the order with this code. */
  couponRefusal: CouponRefusal | null;
  shippingFee: Fen;
  freeShippingThreshold: Fen;
  /** Points the order costs outright (points-mall items). */
  pointsCost: number;
  /** Points used to pay part of the cash amount, and the fen they cover. */
  pointsUsed: number;
  pointsDeduction: Fen;
  /** Most points this order could take as payment. */
  maxPointsUsable: number;
  payable: Fen;
  pointsEarned: number;
}

/** The unit price a viewer pays for a SKU: anonymous visitors pay the list price. */
export function unitPriceFor(
  sku: PricingSku,
  benefits: TierBenefits | null,
): Pick<PricedLine, 'unitPrice' | 'priceSource'> {
  if (sku.campaignPrice !== undefined) return { unitPrice: sku.campaignPrice, priceSource: 'campaign' };
  if (!benefits) return { unitPrice: sku.price, priceSource: 'list' };
  let best: Fen | undefined;
  for (const code of TIER_CODES) {
    const memberPrice = sku.memberPrices?.[code];
    if (
      memberPrice !== undefined &&
      tierRank(code) <= tierRank(benefits.code) &&
      (best === undefined || memberPrice < best)
    ) {
      best = memberPrice;
    }
  }
  if (best !== undefined && best < sku.price) return { unitPrice: best, priceSource: 'member_price' };
  const discounted = percentOf(sku.price, benefits.discountPercent);
  if (discounted < sku.price) return { unitPrice: discounted, priceSource: 'tier_discount' };
  return { unitPrice: sku.price, priceSource: 'list' };
}

export function priceOrder(input: {
  lines: { sku: PricingSku; qty: number }[];
  benefits: TierBenefits | null;
  rules?: ShopPricingRules;
  /** Points the member wants to pay with (capped by the rules and by their balance). */
  pointsToUse?: number;
  pointsBalance?: number;
  /** The member coupon chosen for this order; it is checked here and applied after member prices. */
  coupon?: PricingCoupon | null;
  /** What the coupon check needs besides the basket (defaults: now, a first order, no order yet). */
  couponContext?: CouponContext;
}): PriceBreakdown {
  const rules = input.rules ?? DEFAULT_PRICING_RULES;
  const coupon = input.coupon ?? null;
  const lines: PricedLine[] = input.lines.map(({ sku, qty }) => {
    if (!Number.isInteger(qty) || qty < 1) throw new RangeError(`qty must be a positive whole number, got ${qty}`);
    const { unitPrice, priceSource } = unitPriceFor(sku, input.benefits);
    return {
      skuId: sku.skuId,
      qty,
      listPrice: sku.price,
      unitPrice,
      priceSource,
      lineTotal: unitPrice * qty,
      memberSaving: (sku.price - unitPrice) * qty,
      pointsCost: (sku.pointsPrice ?? 0) * qty,
      couponDiscount: 0,
    };
  });
  const applied = coupon ? applyCoupon(coupon, input.lines, lines, input.benefits, input.couponContext ?? {}) : null;
  const couponDiscount = applied?.discount ?? 0;
  const listTotal = sum(lines.map((line) => line.listPrice * line.qty));
  const itemsTotal = sum(lines.map((line) => line.lineTotal));
  const pointsCost = sum(lines.map((line) => line.pointsCost));
  // The threshold is judged on what the member actually pays for items (after member prices and the
  // coupon), never on list prices.
  const freeShippingThreshold = Math.min(
    rules.freeShippingThreshold,
    input.benefits?.freeShippingThreshold ?? Number.MAX_SAFE_INTEGER,
  );
  // Points-mall redemptions ship free: a member spending points is not asked for a shipping fee.
  const onlyRedemptions = lines.every((line) => line.pointsCost > 0);
  const shippingFee =
    lines.length === 0 || onlyRedemptions || itemsTotal - couponDiscount >= freeShippingThreshold
      ? 0
      : rules.shippingFee;
  const beforePoints = itemsTotal - couponDiscount + shippingFee;
  const maxDeduction = Math.floor((beforePoints * rules.maxPointsPercent) / 100);
  const balanceForCash = Math.max(0, (input.pointsBalance ?? Number.MAX_SAFE_INTEGER) - pointsCost);
  const maxPointsUsable = Math.min(Math.floor((maxDeduction * rules.pointsPerYuanRedeemed) / 100), balanceForCash);
  // Only whole fen are deducted: points are taken in steps that buy exactly one fen or more.
  const requested = Math.max(0, Math.min(input.pointsToUse ?? 0, maxPointsUsable));
  const pointsDeduction = Math.floor((requested * 100) / rules.pointsPerYuanRedeemed);
  const pointsUsed = Math.ceil((pointsDeduction * rules.pointsPerYuanRedeemed) / 100);
  const payable = beforePoints - pointsDeduction;
  const multiplier = input.benefits?.pointsMultiplierPercent ?? 100;
  const pointsEarned = input.benefits
    ? Math.floor((Math.floor(payable / 100) * rules.pointsPerYuan * multiplier) / 100)
    : 0;
  return {
    lines,
    listTotal,
    itemsTotal,
    memberSaving: listTotal - itemsTotal,
    couponDiscount,
    coupon: applied && !applied.refusal ? { id: coupon!.id, title: couponTitle(coupon!) } : null,
    couponRefusal: applied?.refusal ?? null,
    shippingFee,
    freeShippingThreshold,
    pointsCost,
    pointsUsed,
    pointsDeduction,
    maxPointsUsable,
    payable,
    pointsEarned,
  };
}

export interface CouponContext {
  now?: Date;
  /** The member has no earlier paid order (new-member coupons need it). Default true. */
  firstOrder?: boolean;
  /** The order being priced, when it exists (a coupon locked by this order is still usable by it). */
  orderId?: string;
}

/**
 * Checks the coupon against the member and the basket and, when it applies, writes each eligible
 * line's share of the discount. Lines in scope are cash lines (points-mall lines never take coupons).
 * A coupon that does not stack with member prices reprices its lines at list price first (campaign
 * prices stay: they are the campaign's, not the member's).
 */
function applyCoupon(
  coupon: PricingCoupon,
  inputLines: { sku: PricingSku; qty: number }[],
  lines: PricedLine[],
  benefits: TierBenefits | null,
  context: CouponContext,
): { discount: Fen; refusal: CouponRefusal | null } {
  const refusal = couponStateRefusal(coupon, {
    now: context.now ?? new Date(),
    tier: benefits?.code ?? null,
    firstOrder: context.firstOrder ?? true,
    orderId: context.orderId,
  });
  if (refusal) return { discount: 0, refusal };
  const eligible = lines.filter(
    (line, index) => line.pointsCost === 0 && line.listPrice > 0 && inCouponScope(coupon.scope, inputLines[index]!.sku),
  );
  if (eligible.length === 0) {
    return { discount: 0, refusal: { code: 'coupon_not_applicable', message: '不适用这些商品' } };
  }
  const repriced = (line: PricedLine) =>
    coupon.stackWithMemberPrice || line.priceSource === 'campaign' ? line.lineTotal : line.listPrice * line.qty;
  const subtotal = sum(eligible.map(repriced));
  const threshold = coupon.kind === 'amount' ? 0 : coupon.threshold;
  if (subtotal < threshold) {
    return {
      discount: 0,
      refusal: {
        code: 'coupon_below_threshold',
        message: `门槛未满：适用商品满${formatFen(threshold, { compact: true })}可用，还差${formatFen(threshold - subtotal)}`,
      },
    };
  }
  for (const line of eligible) {
    if (repriced(line) === line.lineTotal) continue;
    line.unitPrice = line.listPrice;
    line.priceSource = 'list';
    line.lineTotal = line.listPrice * line.qty;
    line.memberSaving = 0;
  }
  let discount =
    coupon.kind === 'percent' ? Math.floor((subtotal * coupon.percentOff) / 100) : Math.max(0, coupon.amountOff);
  if (coupon.kind === 'percent' && coupon.maxOff > 0) discount = Math.min(discount, coupon.maxOff);
  // Never more than the items it applies to: totals never go below zero.
  discount = Math.min(discount, subtotal);
  prorate(discount, eligible);
  return { discount, refusal: null };
}

/** Splits `amount` over the lines by line total, in whole fen; the remainder goes to the largest shares. */
function prorate(amount: Fen, lines: PricedLine[]): void {
  const total = sum(lines.map((line) => line.lineTotal));
  if (total === 0) return;
  const shares = lines.map((line, index) => {
    const exact = amount * line.lineTotal;
    return { index, fen: Math.floor(exact / total), rest: exact % total };
  });
  let left = amount - sum(shares.map((share) => share.fen));
  for (const share of [...shares].sort((a, b) => b.rest - a.rest || a.index - b.index)) {
    if (left === 0) break;
    share.fen += 1;
    left -= 1;
  }
  for (const share of shares) lines[share.index]!.couponDiscount = share.fen;
}

export type PriceOrderInput = Parameters<typeof priceOrder>[0];

/**
 * The checkout's coupon step: prices the basket with each of the member's coupons, says what each
 * would save (items and any shipping change, before points) or why it cannot be used, and prices the
 * order with the chosen one. `requested`: a coupon id, `null` for none, `undefined` for the best one.
 * Best: the largest saving; on a tie the one that expires first, then the lower id (stable).
 */
export function priceWithCoupons(
  input: Omit<PriceOrderInput, 'coupon'>,
  coupons: readonly (PricingCoupon & { name: string })[],
  requested: string | null | undefined,
): { breakdown: PriceBreakdown; options: CouponOption[]; chosen: string | null } {
  const cash = (breakdown: PriceBreakdown) => breakdown.payable + breakdown.pointsDeduction;
  const without = cash(priceOrder({ ...input, coupon: null, pointsToUse: 0 }));
  const options: CouponOption[] = coupons.map((coupon) => {
    const priced = priceOrder({ ...input, coupon, pointsToUse: 0 });
    const refusal = priced.couponRefusal;
    return {
      couponId: coupon.id,
      name: coupon.name,
      title: couponTitle(coupon),
      validUntil: new Date(coupon.validUntil).toISOString(),
      usable: refusal === null,
      saving: refusal ? 0 : without - cash(priced),
      reason: refusal?.code ?? null,
      reasonText: refusal?.message ?? null,
    };
  });
  const best = options
    .filter((option) => option.usable && option.saving > 0)
    .sort(
      (a, b) =>
        b.saving - a.saving ||
        new Date(a.validUntil).getTime() - new Date(b.validUntil).getTime() ||
        (a.couponId < b.couponId ? -1 : 1),
    )[0];
  options.sort((a, b) => Number(b.usable) - Number(a.usable) || b.saving - a.saving);
  const chosen = requested === undefined ? (best?.couponId ?? null) : requested;
  const coupon = chosen ? coupons.find((candidate) => candidate.id === chosen) : undefined;
  // A requested id that is not among the member's coupons is priced as an unknown coupon by the caller.
  const breakdown = priceOrder({ ...input, coupon: coupon ?? null });
  return { breakdown, options, chosen: coupon ? coupon.id : null };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
