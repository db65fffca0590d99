/** How templates and member coupons are shown: to admins, in the claim center, in the wallet. */
import {
  type CouponScope,
  couponScopeText,
  couponTitle,
  formatShopTime,
  type PricingCoupon,
  type StoreMemberCoupon,
} from '@siyu/shared';
import type { CouponRuleDoc, CouponTemplateDoc, MemberCouponDoc } from './coupon.model';
import type { AdminCoupon } from './coupons.schemas';

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

export function scopeOf(rule: Pick<CouponRuleDoc, 'scope'>): CouponScope {
  return {
    type: rule.scope?.type ?? 'all',
    productIds: [...(rule.scope?.productIds ?? [])],
    categoryIds: [...(rule.scope?.categoryIds ?? [])],
    excludeProductIds: [...(rule.scope?.excludeProductIds ?? [])],
  };
}

export function ruleView(rule: CouponRuleDoc) {
  const scope = scopeOf(rule);
  return {
    kind: rule.kind,
    title: couponTitle(rule),
    amountOff: rule.amountOff ?? 0,
    threshold: rule.threshold ?? 0,
    percentOff: rule.percentOff ?? 0,
    maxOff: rule.maxOff ?? 0,
    scope,
    scopeText: couponScopeText(scope),
    minTier: rule.minTier ?? null,
    newMembersOnly: rule.newMembersOnly ?? false,
    stackWithMemberPrice: rule.stackWithMemberPrice ?? true,
  };
}

/** "领取后 7 天内有效" / "2026.12.01–2026.12.31 可用". */
export function templateValidityText(template: CouponTemplateDoc): string {
  if (template.validDays) return `领取后 ${template.validDays} 天内有效`;
  const day = (date: Date | null) => (date ? formatShopTime(date, 'YYYY.MM.DD') : '');
  return `${day(template.startsAt)}–${day(template.endsAt)} 可用`;
}

export function toAdminCoupon(template: CouponTemplateDoc): AdminCoupon {
  return {
    id: template._id.toString(),
    name: template.name,
    description: template.description ?? '',
    ...ruleView(template),
    validDays: template.validDays ?? null,
    startsAt: iso(template.startsAt),
    endsAt: iso(template.endsAt),
    quantity: template.quantity,
    issued: template.issued,
    remaining: template.remaining,
    perMemberLimit: template.perMemberLimit,
    claimable: template.channels.includes('claim'),
    channels: [...template.channels],
    status: template.status,
    sort: template.sort ?? 0,
    createdAt: iso(template.createdAt)!,
    updatedAt: iso(template.updatedAt)!,
  };
}

export function toStoreMemberCoupon(coupon: MemberCouponDoc): StoreMemberCoupon {
  return {
    id: coupon._id.toString(),
    templateId: coupon.template.toString(),
    name: coupon.name,
    ...ruleView(coupon),
    channel: coupon.channel,
    status: coupon.status,
    validFrom: iso(coupon.validFrom)!,
    validUntil: iso(coupon.validUntil)!,
    validityText: `${formatShopTime(coupon.validUntil, 'YYYY.MM.DD HH:mm')} 到期`,
    usedAt: iso(coupon.usedAt),
    usedOrderId: coupon.usedBy ?? null,
    createdAt: iso(coupon.createdAt)!,
  };
}

export function toPricingCoupon(coupon: MemberCouponDoc): PricingCoupon & { name: string } {
  const rule = ruleView(coupon);
  return {
    id: coupon._id.toString(),
    name: coupon.name,
    kind: rule.kind,
    amountOff: rule.amountOff,
    threshold: rule.threshold,
    percentOff: rule.percentOff,
    maxOff: rule.maxOff,
    scope: rule.scope,
    minTier: rule.minTier,
    newMembersOnly: rule.newMembersOnly,
    stackWithMemberPrice: rule.stackWithMemberPrice,
    status: coupon.status,
    lockedBy: coupon.lockedBy ?? null,
    validFrom: coupon.validFrom,
    validUntil: coupon.validUntil,
  };
}
