import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING_RULES, priceOrder, type TierBenefits, unitPriceFor } from '../src';

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
const tea = { skuId: 'tea', price: 6800, memberPrices: { silver: 6500, gold: 5900 } };
const cup = { skuId: 'cup', price: 3900 };

describe('unit price as the viewer pays it', () => {
  it('anonymous visitors pay the list price', () => {
    expect(unitPriceFor(tea, null)).toEqual({ unitPrice: 6800, priceSource: 'list' });
  });
  it('a member pays the lowest member price of their tier or below', () => {
    expect(unitPriceFor(tea, regular)).toEqual({ unitPrice: 6800, priceSource: 'list' });
    expect(unitPriceFor(tea, { ...regular, code: 'silver' })).toEqual({ unitPrice: 6500, priceSource: 'member_price' });
    expect(unitPriceFor(tea, { ...gold, code: 'black' })).toEqual({ unitPrice: 5900, priceSource: 'member_price' });
  });
  it('items without a member price get the tier discount', () => {
    expect(unitPriceFor(cup, gold)).toEqual({ unitPrice: 3705, priceSource: 'tier_discount' });
  });
});

describe('order breakdown, line by line', () => {
  it('a regular member below the threshold pays shipping', () => {
    const result = priceOrder({ lines: [{ sku: cup, qty: 2 }], benefits: regular });
    expect(result).toMatchObject({ itemsTotal: 7800, shippingFee: 800, payable: 8600, pointsEarned: 86 });
  });

  it('judges free shipping on the member price, not the list price (CRMEB got this wrong)', () => {
    // List total 6800+3900 = 10700 ≥ 9900, but a silver member pays 6500+3900 = 10400: still free.
    // With two cups at a 95% tier price (no threshold of its own) the member total falls below 9900.
    const silver: TierBenefits = {
      code: 'silver',
      discountPercent: 90,
      freeShippingThreshold: null,
      pointsMultiplierPercent: 120,
    };
    const result = priceOrder({ lines: [{ sku: { skuId: 'box', price: 5000 }, qty: 2 }], benefits: silver });
    expect(result.listTotal).toBe(10000);
    expect(result.itemsTotal).toBe(9000);
    expect(result.shippingFee).toBe(DEFAULT_PRICING_RULES.shippingFee);
  });

  it('a gold member gets the gold price, free shipping and 1.5x points', () => {
    const result = priceOrder({
      lines: [
        { sku: tea, qty: 1 },
        { sku: cup, qty: 1 },
      ],
      benefits: gold,
    });
    expect(result.lines.map((line) => [line.unitPrice, line.priceSource])).toEqual([
      [5900, 'member_price'],
      [3705, 'tier_discount'],
    ]);
    expect(result).toMatchObject({
      listTotal: 10700,
      itemsTotal: 9605,
      memberSaving: 1095,
      shippingFee: 0,
      payable: 9605,
    });
    expect(result.pointsEarned).toBe(Math.floor((96 * 150) / 100));
  });

  it('points pay at most half the amount, never more than the balance, in whole fen', () => {
    const capped = priceOrder({
      lines: [{ sku: cup, qty: 1 }],
      benefits: regular,
      pointsToUse: 100_000,
      pointsBalance: 100_000,
    });
    expect(capped.maxPointsUsable).toBe(Math.floor(((3900 + 800) * 50) / 100));
    expect(capped.pointsDeduction).toBe(2350);
    expect(capped.payable).toBe(4700 - 2350);
    const poor = priceOrder({ lines: [{ sku: cup, qty: 1 }], benefits: regular, pointsToUse: 500, pointsBalance: 120 });
    expect(poor).toMatchObject({ pointsUsed: 120, pointsDeduction: 120 });
  });

  it('points-mall items cost points on top of any cash price, and those points are not spendable twice', () => {
    const mallItem = { skuId: 'gift', price: 0, pointsPrice: 2000 };
    const result = priceOrder({
      lines: [{ sku: mallItem, qty: 1 }],
      benefits: regular,
      pointsToUse: 500,
      pointsBalance: 2100,
    });
    expect(result).toMatchObject({ pointsCost: 2000, itemsTotal: 0, shippingFee: 0, pointsUsed: 0, payable: 0 });
  });
});
