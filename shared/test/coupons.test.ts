import { describe, expect, it } from 'vitest';
import {
  type CouponRule,
  couponTitle,
  DEFAULT_PRICING_RULES,
  type PricingCoupon,
  priceOrder,
  priceWithCoupons,
  type TierBenefits,
} from '../src';

const regular: TierBenefits = {
  code: 'regular',
  discountPercent: 100,
  freeShippingThreshold: null,
  pointsMultiplierPercent: 100,
};
const gold: TierBenefits = {
  code: 'gold',
  discountPercent: 95,
  freeShippingThreshold: 0,
  pointsMultiplierPercent: 150,
};

const tea = { skuId: 'tea', price: 6800, memberPrices: { gold: 5900 }, productId: 'p-tea', categoryId: 'c-green' };
const cup = { skuId: 'cup', price: 3900, productId: 'p-cup', categoryId: 'c-ware' };
const trial = { skuId: 'trial', price: 990, productId: 'p-trial', categoryId: 'c-green' };
const gift = { skuId: 'gift', price: 0, pointsPrice: 2000, productId: 'p-gift', categoryId: 'c-ware' };

const NOW = new Date('2026-12-01T04:00:00Z');
let serial = 0;
function coupon(rule: Partial<CouponRule> & Pick<CouponRule, 'kind'>, extra: Partial<PricingCoupon> = {}) {
  serial += 1;
  return {
    id: `c${String(serial).padStart(3, '0')}`,
    name: `券${serial}`,
    amountOff: 0,
    threshold: 0,
    percentOff: 0,
    maxOff: 0,
    scope: { type: 'all' as const, productIds: [], categoryIds: [], excludeProductIds: [] },
    minTier: null,
    newMembersOnly: false,
    stackWithMemberPrice: true,
    status: 'available' as const,
    lockedBy: null,
    validFrom: new Date('2026-11-01T00:00:00Z'),
    validUntil: new Date('2026-12-31T00:00:00Z'),
    ...rule,
    ...extra,
  };
}
const ctx = { now: NOW };

describe('titles', () => {
  it('names each kind the way shoppers read it', () => {
    expect(couponTitle({ kind: 'threshold', amountOff: 2000, threshold: 9900, percentOff: 0, maxOff: 0 })).toBe(
      '满99减20',
    );
    expect(couponTitle({ kind: 'amount', amountOff: 1000, threshold: 0, percentOff: 0, maxOff: 0 })).toBe('无门槛减10');
    expect(couponTitle({ kind: 'percent', amountOff: 0, threshold: 0, percentOff: 15, maxOff: 3000 })).toBe(
      '8.5折 最高减30',
    );
  });
});

describe('a coupon in the one pricing function, line by line', () => {
  it('a 满99减20 on a regular member: items 107 → 87 after the coupon, and shipping is judged after it (87 < 99: ¥8)', () => {
    const result = priceOrder({
      lines: [
        { sku: tea, qty: 1 },
        { sku: cup, qty: 1 },
      ],
      benefits: regular,
      coupon: coupon({ kind: 'threshold', threshold: 9900, amountOff: 2000 }),
      couponContext: ctx,
    });
    expect(result).toMatchObject({
      listTotal: 10700,
      itemsTotal: 10700,
      couponDiscount: 2000,
      shippingFee: DEFAULT_PRICING_RULES.shippingFee,
      payable: 10700 - 2000 + 800,
      couponRefusal: null,
    });
    // The discount is split over the lines by their totals, to the fen, summing exactly.
    expect(result.lines.map((line) => line.couponDiscount)).toEqual([1271, 729]);
    expect(result.pointsEarned).toBe(95);
  });

  it('applies after member prices: the gold member pays 59 + 37.05 = 96.05, below 99, so 满99 is refused with how much is missing', () => {
    const result = priceOrder({
      lines: [
        { sku: tea, qty: 1 },
        { sku: cup, qty: 1 },
      ],
      benefits: gold,
      coupon: coupon({ kind: 'threshold', threshold: 9900, amountOff: 2000 }),
      couponContext: ctx,
    });
    expect(result.couponDiscount).toBe(0);
    expect(result.couponRefusal?.code).toBe('coupon_below_threshold');
    expect(result.couponRefusal?.message).toContain('还差¥2.95');
    expect(result.payable).toBe(9605);
  });

  it('a coupon that does not stack with member prices prices its lines at list price, then takes its discount', () => {
    const result = priceOrder({
      lines: [
        { sku: tea, qty: 1 },
        { sku: cup, qty: 1 },
      ],
      benefits: gold,
      coupon: coupon({ kind: 'threshold', threshold: 9900, amountOff: 2000, stackWithMemberPrice: false }),
      couponContext: ctx,
    });
    expect(result.lines.map((line) => [line.unitPrice, line.priceSource])).toEqual([
      [6800, 'list'],
      [3900, 'list'],
    ]);
    expect(result).toMatchObject({
      itemsTotal: 10700,
      memberSaving: 0,
      couponDiscount: 2000,
      shippingFee: 0,
      payable: 8700,
    });
  });

  it('percent off with a cap: 8.5折 on 136 takes 20.40; with a ¥15 cap it takes 15', () => {
    const open = priceOrder({
      lines: [{ sku: tea, qty: 2 }],
      benefits: regular,
      coupon: coupon({ kind: 'percent', percentOff: 15 }),
      couponContext: ctx,
    });
    expect(open.couponDiscount).toBe(2040);
    const capped = priceOrder({
      lines: [{ sku: tea, qty: 2 }],
      benefits: regular,
      coupon: coupon({ kind: 'percent', percentOff: 15, maxOff: 1500 }),
      couponContext: ctx,
    });
    expect(capped).toMatchObject({ couponDiscount: 1500, shippingFee: 0, payable: 13600 - 1500 });
  });

  it('totals never go below zero: ¥10 无门槛 on the ¥9.90 trial takes ¥9.90, the member pays shipping only', () => {
    const result = priceOrder({
      lines: [{ sku: trial, qty: 1 }],
      benefits: regular,
      coupon: coupon({ kind: 'amount', amountOff: 1000 }),
      couponContext: ctx,
    });
    expect(result).toMatchObject({ itemsTotal: 990, couponDiscount: 990, shippingFee: 800, payable: 800 });
    expect(result.lines[0]!.couponDiscount).toBe(990);
  });

  it('only lines in scope count: a 绿茶 coupon ignores the cup, and the threshold is judged on the tea alone', () => {
    const greenOnly = { type: 'categories' as const, productIds: [], categoryIds: ['c-green'], excludeProductIds: [] };
    const result = priceOrder({
      lines: [
        { sku: tea, qty: 1 },
        { sku: cup, qty: 1 },
      ],
      benefits: regular,
      coupon: coupon({ kind: 'threshold', threshold: 9900, amountOff: 2000, scope: greenOnly }),
      couponContext: ctx,
    });
    expect(result.couponRefusal?.code).toBe('coupon_below_threshold');
    const cupOnly = priceOrder({
      lines: [{ sku: cup, qty: 1 }],
      benefits: regular,
      coupon: coupon({ kind: 'amount', amountOff: 500, scope: greenOnly }),
      couponContext: ctx,
    });
    expect(cupOnly.couponRefusal?.code).toBe('coupon_not_applicable');
    const excluded = priceOrder({
      lines: [{ sku: tea, qty: 1 }],
      benefits: regular,
      coupon: coupon({
        kind: 'amount',
        amountOff: 500,
        scope: { ...greenOnly, type: 'all', excludeProductIds: ['p-tea'] },
      }),
      couponContext: ctx,
    });
    expect(excluded.couponRefusal?.code).toBe('coupon_not_applicable');
  });

  it('points-mall lines never take a coupon', () => {
    const result = priceOrder({
      lines: [{ sku: gift, qty: 1 }],
      benefits: regular,
      pointsBalance: 5000,
      coupon: coupon({ kind: 'amount', amountOff: 500 }),
      couponContext: ctx,
    });
    expect(result.couponRefusal?.code).toBe('coupon_not_applicable');
  });

  it('points pay at most half of what is left after the coupon', () => {
    const result = priceOrder({
      lines: [{ sku: tea, qty: 2 }],
      benefits: regular,
      coupon: coupon({ kind: 'threshold', threshold: 9900, amountOff: 2000 }),
      couponContext: ctx,
      pointsToUse: 100_000,
      pointsBalance: 100_000,
    });
    // 136 - 20 = 116, free shipping (116 ≥ 99); points cover at most 58.
    expect(result).toMatchObject({ couponDiscount: 2000, shippingFee: 0, pointsDeduction: 5800, payable: 5800 });
    expect(result.maxPointsUsable).toBe(5800);
  });

  it('refuses by tier, dates, state and first order, each with its own code', () => {
    const lines = [{ sku: tea, qty: 2 }];
    const refusal = (c: PricingCoupon, firstOrder = true, orderId?: string) =>
      priceOrder({
        lines,
        benefits: regular,
        coupon: c,
        couponContext: { now: NOW, firstOrder, ...(orderId ? { orderId } : {}) },
      }).couponRefusal?.code ?? null;
    expect(refusal(coupon({ kind: 'amount', amountOff: 500, minTier: 'gold' }))).toBe('coupon_tier_too_low');
    expect(refusal(coupon({ kind: 'amount', amountOff: 500 }, { validUntil: NOW }))).toBe('coupon_expired');
    expect(refusal(coupon({ kind: 'amount', amountOff: 500 }, { status: 'expired' }))).toBe('coupon_expired');
    expect(refusal(coupon({ kind: 'amount', amountOff: 500 }, { validFrom: new Date('2026-12-02T00:00:00Z') }))).toBe(
      'coupon_not_started',
    );
    expect(refusal(coupon({ kind: 'amount', amountOff: 500 }, { status: 'used' }))).toBe('coupon_used');
    expect(refusal(coupon({ kind: 'amount', amountOff: 500, newMembersOnly: true }), false)).toBe(
      'coupon_new_members_only',
    );
    const locked = coupon({ kind: 'amount', amountOff: 500 }, { status: 'locked', lockedBy: 'order-a' });
    expect(refusal(locked)).toBe('coupon_locked');
    expect(refusal(locked, true, 'order-a')).toBeNull();
  });
});

describe('the preview picks the best coupon', () => {
  const fullReduction = coupon({ kind: 'threshold', threshold: 9900, amountOff: 2000 });
  const tenOff = coupon({ kind: 'amount', amountOff: 1000 });
  const percent = coupon({ kind: 'percent', percentOff: 20, maxOff: 5000 });
  const goldOnly = coupon({ kind: 'amount', amountOff: 5000, minTier: 'gold' });
  const expired = coupon({ kind: 'amount', amountOff: 9000 }, { validUntil: new Date('2026-11-30T00:00:00Z') });
  const tenOffSooner = coupon({ kind: 'amount', amountOff: 1000 }, { validUntil: new Date('2026-12-05T00:00:00Z') });
  const noStack = coupon({ kind: 'amount', amountOff: 500, stackWithMemberPrice: false });
  const all = [fullReduction, tenOff, percent, goldOnly, expired, tenOffSooner, noStack];

  const cases: {
    name: string;
    lines: { sku: typeof tea | typeof cup | typeof trial; qty: number }[];
    benefits: TierBenefits;
    coupons: typeof all;
    best: string | null;
    saving: number;
  }[] = [
    {
      name: 'one tea (68): 8折 saves 13.60, more than ¥10 无门槛; 满99 not met',
      lines: [{ sku: tea, qty: 1 }],
      benefits: regular,
      coupons: [fullReduction, tenOff, percent],
      best: percent.id,
      saving: 1360,
    },
    {
      name: 'two teas (136): 8折 saves 27.20 over 满99减20',
      lines: [{ sku: tea, qty: 2 }],
      benefits: regular,
      coupons: [fullReduction, tenOff, percent],
      best: percent.id,
      saving: 2720,
    },
    {
      name: 'tea + cup (107, free shipping): 满99减20 saves 20 but brings back ¥8 shipping (net 12), still more than ¥10 无门槛 (net 2)',
      lines: [
        { sku: tea, qty: 1 },
        { sku: cup, qty: 1 },
      ],
      benefits: regular,
      coupons: [fullReduction, tenOff],
      best: fullReduction.id,
      saving: 2000 - 800,
    },
    {
      name: 'the gold-only ¥50 is refused to a regular member; ¥10 wins',
      lines: [{ sku: tea, qty: 2 }],
      benefits: regular,
      coupons: [goldOnly, tenOff],
      best: tenOff.id,
      saving: 1000,
    },
    {
      name: 'an expired ¥90 is never chosen',
      lines: [{ sku: tea, qty: 2 }],
      benefits: regular,
      coupons: [expired, tenOff],
      best: tenOff.id,
      saving: 1000,
    },
    {
      name: 'equal savings: the one that expires first',
      lines: [{ sku: tea, qty: 2 }],
      benefits: regular,
      coupons: [tenOff, tenOffSooner],
      best: tenOffSooner.id,
      saving: 1000,
    },
    {
      name: 'a non-stacking ¥5 on a gold member loses more member price (9) than it saves: none is chosen',
      lines: [{ sku: tea, qty: 1 }],
      benefits: gold,
      coupons: [noStack],
      best: null,
      saving: 0,
    },
    {
      name: 'no coupons: none',
      lines: [{ sku: trial, qty: 1 }],
      benefits: regular,
      coupons: [],
      best: null,
      saving: 0,
    },
  ];

  for (const example of cases) {
    it(example.name, () => {
      const result = priceWithCoupons(
        { lines: example.lines, benefits: example.benefits, couponContext: ctx },
        example.coupons,
        undefined,
      );
      expect(result.chosen).toBe(example.best);
      if (example.best) {
        expect(result.options.find((option) => option.couponId === example.best)?.saving).toBe(example.saving);
        expect(result.breakdown.coupon?.id).toBe(example.best);
      } else {
        expect(result.breakdown.couponDiscount).toBe(0);
      }
      expect(result.breakdown.payable).toBeGreaterThanOrEqual(0);
    });
  }

  it('lists unusable coupons with their reason, after the usable ones; null means none; an id means that one', () => {
    const lines = [{ sku: tea, qty: 1 }];
    const result = priceWithCoupons({ lines, benefits: regular, couponContext: ctx }, all, undefined);
    const byId = new Map(result.options.map((option) => [option.couponId, option]));
    expect(byId.get(fullReduction.id)).toMatchObject({ usable: false, reason: 'coupon_below_threshold', saving: 0 });
    expect(byId.get(goldOnly.id)).toMatchObject({ usable: false, reason: 'coupon_tier_too_low' });
    expect(byId.get(expired.id)).toMatchObject({ usable: false, reason: 'coupon_expired', reasonText: '已过期' });
    const firstUnusable = result.options.findIndex((option) => !option.usable);
    expect(result.options.slice(firstUnusable).every((option) => !option.usable)).toBe(true);

    const none = priceWithCoupons({ lines, benefits: regular, couponContext: ctx }, all, null);
    expect(none).toMatchObject({ chosen: null, breakdown: { couponDiscount: 0, payable: 6800 + 800 } });
    const picked = priceWithCoupons({ lines, benefits: regular, couponContext: ctx }, all, tenOff.id);
    expect(picked).toMatchObject({ chosen: tenOff.id, breakdown: { couponDiscount: 1000, payable: 5800 + 800 } });
  });
});
