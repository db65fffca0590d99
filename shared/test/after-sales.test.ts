import { describe, expect, it } from 'vitest';
import {
  earningBase,
  prorateRefund,
  type RefundedSoFar,
  type RefundOrderFigures,
  refundedAfterCompletion,
  shareOf,
  splitByWeight,
} from '../src';

const none = (lines: number): RefundedSoFar => ({ qty: Array(lines).fill(0), amount: 0, points: 0 });

/** Member prices in lineTotal; a ¥20 coupon over both lines; 500 points (= ¥5) deducted; ¥10 shipping. */
const mixed: RefundOrderFigures = {
  lines: [
    { qty: 3, lineTotal: 3 * 5900, pointsCost: 0, couponDiscount: 1500 },
    { qty: 1, lineTotal: 3900, pointsCost: 0, couponDiscount: 500 },
  ],
  couponDiscount: 2000,
  shippingFee: 1000,
  pointsUsed: 500,
  // 17700 + 3900 - 2000 + 1000 - 500
  paid: 20100,
};

describe('the paid share of refunded lines (to the fen, never more than paid)', () => {
  it.each([
    // [name, order, requests in sequence, expected [amount, points, final] per request]
    [
      'one unit of a 3-unit line gets a third of its cash, rounded down; the last refund takes shipping and rounding',
      mixed,
      [[{ index: 0, qty: 1 }], [{ index: 0, qty: 2 }], [{ index: 1, qty: 1 }]],
      [
        // goods cash 19100 split 16200:3400 by net → 15787 / 3313 (largest remainder); points 500 → 413 / 87
        [5262, 137, false],
        [10525, 276, false],
        [4313, 87, true],
      ],
    ],
    [
      'refunding everything at once gives back exactly what was paid and every point',
      mixed,
      [
        [
          { index: 0, qty: 3 },
          { index: 1, qty: 1 },
        ],
      ],
      [[20100, 500, true]],
    ],
    [
      'lines without their own coupon share split the order coupon by line total',
      { ...mixed, lines: mixed.lines.map(({ couponDiscount: _c, ...line }) => line) },
      [[{ index: 1, qty: 1 }]],
      [[3449, 90, false]],
    ],
    [
      'a points-mall line gives its points back and no cash',
      {
        lines: [
          { qty: 2, lineTotal: 0, pointsCost: 2000 },
          { qty: 1, lineTotal: 4000, pointsCost: 0 },
        ],
        couponDiscount: 0,
        shippingFee: 0,
        pointsUsed: 0,
        paid: 4000,
      },
      [[{ index: 0, qty: 1 }], [{ index: 1, qty: 1 }], [{ index: 0, qty: 1 }]],
      [
        [0, 1000, false],
        [4000, 0, false],
        [0, 1000, true],
      ],
    ],
    [
      'seven units of ¥0.10 with a ¥0.01 coupon: six single refunds never pass the paid total',
      {
        lines: [{ qty: 7, lineTotal: 70, pointsCost: 0, couponDiscount: 1 }],
        couponDiscount: 1,
        shippingFee: 0,
        pointsUsed: 0,
        paid: 69,
      },
      [
        [{ index: 0, qty: 1 }],
        [{ index: 0, qty: 1 }],
        [{ index: 0, qty: 1 }],
        [{ index: 0, qty: 1 }],
        [{ index: 0, qty: 1 }],
        [{ index: 0, qty: 1 }],
        [{ index: 0, qty: 1 }],
      ],
      [
        [9, 0, false],
        [10, 0, false],
        [10, 0, false],
        [10, 0, false],
        [10, 0, false],
        [10, 0, false],
        [10, 0, true],
      ],
    ],
  ] as const)('%s', (_name, order, requests, expected) => {
    let before = none(order.lines.length);
    const got: [number, number, boolean][] = [];
    for (const request of requests) {
      const share = prorateRefund(order, before, [...request]);
      got.push([share.amount, share.points, share.final]);
      expect(share.after.amount).toBeLessThanOrEqual(order.paid);
      before = share.after;
    }
    expect(got).toEqual(expected);
  });

  it('every way of splitting an order into refunds adds up to exactly what was paid', () => {
    for (let seed = 1; seed <= 200; seed++) {
      let state = seed;
      const random = (n: number) => {
        state = (state * 48271) % 2147483647;
        return state % n;
      };
      const lines = Array.from({ length: 1 + random(4) }, () => {
        const qty = 1 + random(5);
        return { qty, lineTotal: qty * (1 + random(9000)), pointsCost: random(3) === 0 ? qty * 100 : 0 };
      });
      const goods = lines.reduce((total, line) => total + line.lineTotal, 0);
      const couponDiscount = random(Math.max(1, Math.floor(goods / 3)));
      const shippingFee = random(2) ? 1000 : 0;
      const pointsUsed = random(1000);
      const deduction = Math.floor(pointsUsed / 100);
      const order: RefundOrderFigures = {
        lines,
        couponDiscount,
        shippingFee,
        pointsUsed,
        paid: goods - couponDiscount + shippingFee - deduction,
      };
      let before = none(lines.length);
      while (before.qty.some((qty, index) => qty < lines[index]!.qty)) {
        const index = before.qty.findIndex((qty, i) => qty < lines[i]!.qty);
        const left = lines[index]!.qty - before.qty[index]!;
        const share = prorateRefund(order, before, [{ index, qty: 1 + random(left) }]);
        expect(share.amount).toBeGreaterThanOrEqual(0);
        expect(share.after.amount).toBeLessThanOrEqual(order.paid);
        before = share.after;
      }
      expect(before.amount).toBe(order.paid);
      expect(before.points).toBe(pointsUsed + lines.reduce((total, line) => total + line.pointsCost, 0));
    }
  });

  it('refuses more units than are left, and unknown lines', () => {
    expect(() => prorateRefund(mixed, { qty: [3, 0], amount: 0, points: 0 }, [{ index: 0, qty: 1 }])).toThrow(
      RangeError,
    );
    expect(() => prorateRefund(mixed, none(2), [{ index: 5, qty: 1 }])).toThrow(RangeError);
  });

  it('splits by weight with the remainder to the largest fractions, and shares telescope to the total', () => {
    expect(splitByWeight(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitByWeight(0, [1, 2])).toEqual([0, 0]);
    expect(shareOf(10, 0, 1, 3) + shareOf(10, 1, 2, 3) + shareOf(10, 2, 3, 3)).toBe(10);
  });
});

describe('what a partly refunded order earned', () => {
  const refunds = {
    started: [
      { ref: 'a', amount: 3000 },
      { ref: 'b', amount: 2000 },
      { ref: 'c', amount: 5000 },
    ],
    done: [
      { ref: 'a', completedBefore: false },
      { ref: 'b', completedBefore: true },
      { ref: 'c', completedBefore: true },
    ],
  };
  it('earns on what was paid less the refunds settled before completion', () => {
    expect(earningBase(10000, refunds)).toBe(7000);
  });
  it('takes back, per refund after completion, its share; together exactly what was earned', () => {
    expect(refundedAfterCompletion(10000, refunds, 'a')).toBeNull();
    const b = refundedAfterCompletion(10000, refunds, 'b')!;
    const c = refundedAfterCompletion(10000, refunds, 'c')!;
    expect(b).toEqual({ before: 0, after: 2000, base: 7000 });
    expect(c).toEqual({ before: 2000, after: 7000, base: 7000 });
    expect(shareOf(70, b.before, b.after, b.base) + shareOf(70, c.before, c.after, c.base)).toBe(70);
  });
});
