/**
 * The one pricing function. The server computes every price, discount, shipping fee and points figure
 * with it (catalog prices as the viewer pays them, cart, order preview, order creation); the storefront
 * only shows what the server answered. Integer fen throughout.
 */
import { z } from 'zod';
import { type Fen, percentOf } from './money';
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
}

export interface PricedLine {
  skuId: string;
  qty: number;
  listPrice: Fen;
  unitPrice: Fen;
  /** Where the unit price comes from: the list price, a tier's member price, or the tier discount. */
  priceSource: 'list' | 'member_price' | 'tier_discount';
  lineTotal: Fen;
  memberSaving: Fen;
  pointsCost: number;
}

export interface PriceBreakdown {
  lines: PricedLine[];
  /** Sum of list prices × qty. */
  listTotal: Fen;
  /** Sum of what the member pays for items (member prices applied). */
  itemsTotal: Fen;
  memberSaving: Fen;
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
}): PriceBreakdown {
  const rules = input.rules ?? DEFAULT_PRICING_RULES;
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
    };
  });
  const listTotal = sum(lines.map((line) => line.listPrice * line.qty));
  const itemsTotal = sum(lines.map((line) => line.lineTotal));
  const pointsCost = sum(lines.map((line) => line.pointsCost));
  // The threshold is judged on what the member actually pays for items, never on list prices.
  const freeShippingThreshold = Math.min(
    rules.freeShippingThreshold,
    input.benefits?.freeShippingThreshold ?? Number.MAX_SAFE_INTEGER,
  );
  // Points-mall redemptions ship free: a member spending points is not asked for a shipping fee.
  const onlyRedemptions = lines.every((line) => line.pointsCost > 0);
  const shippingFee =
    lines.length === 0 || onlyRedemptions || itemsTotal >= freeShippingThreshold ? 0 : rules.shippingFee;
  const beforePoints = itemsTotal + shippingFee;
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

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
