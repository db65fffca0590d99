/**
 * Coupons: the rule a coupon carries, why a coupon cannot be used on a basket, and the shapes of the
 * store API (claim center, wallet, the checkout's coupon options). The discount itself is computed by
 * the one pricing function (`priceOrder` in pricing.ts), which takes the chosen coupon.
 */
import { z } from 'zod';
import { type Fen, FenSchema, formatFen } from './money';
import { TIER_NAMES, type TierCode, TierCodeSchema, tierAtLeast } from './tiers';

/** threshold: 满减 (amountOff from `threshold` up); percent: 折扣 (percentOff off, at most maxOff); amount: 无门槛. */
export const COUPON_KINDS = ['threshold', 'percent', 'amount'] as const;
export const CouponKindSchema = z.enum(COUPON_KINDS);
export type CouponKind = z.infer<typeof CouponKindSchema>;

/** How a coupon reaches a member: 领券中心, 新人礼, 包裹卡, 运营推送, 兑换码. */
export const COUPON_CHANNELS = ['claim', 'welcome', 'package_card', 'push', 'redeem'] as const;
export const CouponChannelSchema = z.enum(COUPON_CHANNELS);
export type CouponChannel = z.infer<typeof CouponChannelSchema>;

/** available → locked (by an order) → used; locked → available when that order is cancelled or fails; → expired. */
export const MEMBER_COUPON_STATUSES = ['available', 'locked', 'used', 'expired'] as const;
export const MemberCouponStatusSchema = z.enum(MEMBER_COUPON_STATUSES);
export type MemberCouponStatus = z.infer<typeof MemberCouponStatusSchema>;

export const CouponScopeSchema = z
  .object({
    /** all: every product (less `excludeProductIds`); products / categories: only those listed. */
    type: z.enum(['all', 'products', 'categories']),
    productIds: z.array(z.string()).max(200).default([]),
    categoryIds: z.array(z.string()).max(50).default([]),
    excludeProductIds: z.array(z.string()).max(200).default([]),
  })
  .strict();
export type CouponScope = z.infer<typeof CouponScopeSchema>;

/** What a coupon does, as the pricing function needs it (copied onto each member coupon when issued). */
export interface CouponRule {
  kind: CouponKind;
  /** threshold / amount: fen taken off. */
  amountOff: Fen;
  /** threshold (and optionally percent): the eligible items total needed, fen. 0 = none. */
  threshold: Fen;
  /** percent: 1–90, the percent taken off (15 → 8.5折). */
  percentOff: number;
  /** percent: the most it takes off, fen; 0 = no cap. */
  maxOff: Fen;
  scope: CouponScope;
  minTier: TierCode | null;
  newMembersOnly: boolean;
  /** true (default): applies after member prices; false: the eligible items are priced at list price instead. */
  stackWithMemberPrice: boolean;
}

/** A member's coupon as the pricing function sees it. */
export interface PricingCoupon extends CouponRule {
  id: string;
  status: MemberCouponStatus;
  /** The order holding it while `locked`. */
  lockedBy: string | null;
  validFrom: Date | string;
  validUntil: Date | string;
}

/** Why a coupon cannot be used on this basket; the code is also the API error code when it is chosen. */
export const COUPON_REFUSAL_TEXT = {
  coupon_expired: '已过期',
  coupon_not_started: '未到可用时间',
  coupon_used: '已使用',
  coupon_locked: '已被其他待付款订单占用',
  coupon_tier_too_low: '等级不足',
  coupon_new_members_only: '仅限新会员首单',
  coupon_not_applicable: '不适用这些商品',
  coupon_below_threshold: '门槛未满',
} as const;
export type CouponRefusalCode = keyof typeof COUPON_REFUSAL_TEXT;
export const CouponRefusalCodeSchema = z.enum(
  Object.keys(COUPON_REFUSAL_TEXT) as [CouponRefusalCode, ...CouponRefusalCode[]],
);

export interface CouponRefusal {
  code: CouponRefusalCode;
  /** Plain Chinese, specific: "门槛未满：还差 ¥12" / "等级不足：金卡及以上可用". */
  message: string;
}

/** "满99减20", "无门槛减10", "8.5折 最高减30", "9折". */
export function couponTitle(rule: Pick<CouponRule, 'kind' | 'amountOff' | 'threshold' | 'percentOff' | 'maxOff'>) {
  const yuan = (fen: Fen) => formatFen(fen, { compact: true }).slice(1);
  if (rule.kind === 'amount') return `无门槛减${yuan(rule.amountOff)}`;
  if (rule.kind === 'threshold') return `满${yuan(rule.threshold)}减${yuan(rule.amountOff)}`;
  const zhe = (100 - rule.percentOff) / 10;
  const base = `${rule.threshold > 0 ? `满${yuan(rule.threshold)}享` : ''}${zhe}折`;
  return rule.maxOff > 0 ? `${base} 最高减${yuan(rule.maxOff)}` : base;
}

/** "全场通用" / "指定商品可用" / "指定分类可用" (with "部分商品除外"). */
export function couponScopeText(scope: CouponScope): string {
  const base = scope.type === 'all' ? '全场通用' : scope.type === 'products' ? '指定商品可用' : '指定分类可用';
  return scope.excludeProductIds.length ? `${base}（部分商品除外）` : base;
}

/** Whether a line (by product and category) is in the coupon's scope. */
export function inCouponScope(scope: CouponScope, line: { productId?: string; categoryId?: string }): boolean {
  if (line.productId && scope.excludeProductIds.includes(line.productId)) return false;
  if (scope.type === 'all') return true;
  if (scope.type === 'products') return line.productId !== undefined && scope.productIds.includes(line.productId);
  return line.categoryId !== undefined && scope.categoryIds.includes(line.categoryId);
}

/**
 * Checks what does not depend on the basket's amounts: state, dates, tier, first order. The basket
 * checks (scope, threshold) are made by the pricing function.
 */
export function couponStateRefusal(
  coupon: PricingCoupon,
  context: { now: Date; tier: TierCode | null; firstOrder: boolean; orderId?: string | undefined },
): CouponRefusal | null {
  const refuse = (code: CouponRefusalCode, detail?: string): CouponRefusal => ({
    code,
    message: detail ? `${COUPON_REFUSAL_TEXT[code]}：${detail}` : COUPON_REFUSAL_TEXT[code],
  });
  if (coupon.status === 'used') return refuse('coupon_used');
  if (coupon.status === 'expired' || new Date(coupon.validUntil).getTime() <= context.now.getTime()) {
    return refuse('coupon_expired');
  }
  if (coupon.status === 'locked' && (!context.orderId || coupon.lockedBy !== context.orderId)) {
    return refuse('coupon_locked');
  }
  if (new Date(coupon.validFrom).getTime() > context.now.getTime()) return refuse('coupon_not_started');
  if (coupon.minTier && (context.tier === null || !tierAtLeast(context.tier, coupon.minTier))) {
    return refuse('coupon_tier_too_low', `${TIER_NAMES[coupon.minTier]}及以上可用`);
  }
  if (coupon.newMembersOnly && !context.firstOrder) return refuse('coupon_new_members_only');
  return null;
}

// ---------- store API ----------

const couponRuleView = {
  kind: CouponKindSchema,
  /** "满99减20" */
  title: z.string(),
  amountOff: FenSchema,
  threshold: FenSchema,
  percentOff: z.number().int(),
  maxOff: FenSchema,
  scope: CouponScopeSchema,
  scopeText: z.string(),
  minTier: TierCodeSchema.nullable(),
  newMembersOnly: z.boolean(),
  stackWithMemberPrice: z.boolean(),
};

/** A template as the claim center (and the product page's 领券 row) shows it. */
export const StoreCouponTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  ...couponRuleView,
  /** "领取后 7 天内有效" / "2026-12-01 至 2026-12-31". */
  validityText: z.string(),
  remaining: z.number().int(),
  /** How many of it this member holds (any state); 0 for visitors. */
  claimed: z.number().int(),
  perMemberLimit: z.number().int(),
  /** null when the member may claim; otherwise why not. */
  claimBlockedBy: z.enum(['sold_out', 'limit_reached', 'tier_too_low', 'new_members_only', 'login']).nullable(),
});
export type StoreCouponTemplate = z.infer<typeof StoreCouponTemplateSchema>;

export const StoreCouponCenterSchema = z.object({
  items: z.array(StoreCouponTemplateSchema),
  /** SKUs of the asked product that only new members may buy (the 9.9 trial); empty without productId. */
  newMemberSkuIds: z.array(z.string()),
});
export type StoreCouponCenter = z.infer<typeof StoreCouponCenterSchema>;

export const StoreCouponCenterQuerySchema = z
  .object({
    productId: z
      .string()
      .regex(/^[0-9a-f]{24}$/i, '不是有效的编号')
      .optional(),
  })
  .strict();

/** A coupon in the member's wallet. */
export const StoreMemberCouponSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  name: z.string(),
  ...couponRuleView,
  channel: CouponChannelSchema,
  status: MemberCouponStatusSchema,
  validFrom: z.string(),
  validUntil: z.string(),
  /** "2026-12-08 23:59 到期" */
  validityText: z.string(),
  usedAt: z.string().nullable(),
  usedOrderId: z.string().nullable(),
  createdAt: z.string(),
});
export type StoreMemberCoupon = z.infer<typeof StoreMemberCouponSchema>;

/** 我的优惠券 tabs: available includes coupons held by an unpaid order (shown as 使用中). */
export const WALLET_TABS = ['available', 'used', 'expired'] as const;
export const WalletTabSchema = z.enum(WALLET_TABS);
export type WalletTab = z.infer<typeof WalletTabSchema>;

export const StoreWalletQuerySchema = z.object({ status: WalletTabSchema.default('available') }).strict();

export const StoreWalletSchema = z.object({
  items: z.array(StoreMemberCouponSchema),
  counts: z.object({ available: z.number().int(), used: z.number().int(), expired: z.number().int() }),
});
export type StoreWallet = z.infer<typeof StoreWalletSchema>;

export const StoreRedeemRequestSchema = z
  .object({
    code: z
      .string()
      .trim()
      .min(4)
      .max(32)
      .transform((code) => code.toUpperCase().replace(/[\s-]/g, '')),
  })
  .strict();

/** The 新人礼 pop-up: the welcome coupons, until the member has seen them once. */
export const StoreWelcomeSchema = z.object({
  show: z.boolean(),
  coupons: z.array(StoreMemberCouponSchema),
  /** Total fen off of the pack (sum of amountOff), for "新人礼 ¥30". */
  worth: FenSchema,
});
export type StoreWelcome = z.infer<typeof StoreWelcomeSchema>;

/** One of the member's coupons as the checkout shows it: what it would save here, or why it cannot be used. */
export const CouponOptionSchema = z.object({
  couponId: z.string(),
  name: z.string(),
  title: z.string(),
  validUntil: z.string(),
  usable: z.boolean(),
  /** Fen this coupon would take off this order (items, and shipping that changes with it); 0 when unusable. */
  saving: z.number().int(),
  reason: CouponRefusalCodeSchema.nullable(),
  reasonText: z.string().nullable(),
});
export type CouponOption = z.infer<typeof CouponOptionSchema>;
