/** Membership through the order flow: points spent at checkout, tier prices, growth and points on completion. */
import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { tellCompleted } from '../../../../test/order-events';
import { createCategory, createProduct, setTier } from '../../catalog/__tests__/fixtures';
import { Member } from '../../identity/member.model';
import { placeOrder, productWithStock, shopper, stockOf } from './checkout-fixtures';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

async function giftPoints(memberId: string, amount: number, why: string) {
  await mall.services.points.apply({ memberId, delta: amount, kind: 'task', source: { type: 'test-gift', id: why } });
}

async function expectLedgerConsistent() {
  const report = await mall.services.points.checkConsistency();
  expect(report.mismatches).toEqual([]);
}

async function payAndComplete(buyer: { token: string }, orderId: string) {
  const pay = await mall.api('POST', `/api/orders/${orderId}/pay`, { token: buyer.token });
  expect(pay.status).toBe(200);
  await fetch(pay.body.sandbox.confirmUrl, { method: 'POST' });
  const support = await mall.loginAdmin('support');
  expect(
    (
      await mall.api('POST', `/api/admin/orders/${orderId}/ship`, {
        token: support,
        body: { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
      })
    ).status,
  ).toBe(200);
  const confirmed = await mall.api('POST', `/api/orders/${orderId}/confirm`, { token: buyer.token });
  expect(confirmed.body.status).toBe('completed');
  return support;
}

describe('spending points at checkout', () => {
  it('10 concurrent orders that each spend points the balance affords once → exactly one succeeds, never negative, stock given back', async () => {
    const { skuId } = await productWithStock(mall, { stock: 50, price: 10000 });
    const buyer = await shopper(mall);
    await giftPoints(buyer.id, 3000, 'concurrent-spend');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => placeOrder(mall, buyer, [{ skuId, qty: 1 }], { pointsToUse: 3000 })),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    expect(created[0]!.body.amounts).toMatchObject({ pointsUsed: 3000, pointsDeduction: 3000, payable: 10000 - 3000 });
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'insufficient_points')).toBe(
      true,
    );
    expect(await mall.services.points.balance(buyer.id)).toBe(0);
    expect(await stockOf(skuId)).toBe(49);
    await expectLedgerConsistent();

    // Cancelling returns the points exactly once, however often it is asked.
    await mall.api('POST', `/api/orders/${created[0]!.body.id}/cancel`, { token: buyer.token });
    await mall.api('POST', `/api/orders/${created[0]!.body.id}/cancel`, { token: buyer.token });
    expect(await mall.services.points.balance(buyer.id)).toBe(3000);
    await expectLedgerConsistent();
  });

  it('points pay at most half, and a points-mall item costs its points on top, shipping free', async () => {
    const category = await createCategory(mall, '积分商城-orders');
    const gift = await createProduct(mall, {
      title: '定制茶则',
      categoryId: category.id,
      skus: [{ specs: [], price: 0, pointsPrice: 2000, stock: 5 }],
    });
    const buyer = await shopper(mall);
    await giftPoints(buyer.id, 2500, 'points-mall');
    const order = await placeOrder(mall, buyer, [{ skuId: gift.skus[0]!.id, qty: 1 }]);
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'paid', amounts: { pointsCost: 2000, payable: 0, shippingFee: 0 } });
    expect(await mall.services.points.balance(buyer.id)).toBe(500);
    const again = await placeOrder(mall, buyer, [{ skuId: gift.skus[0]!.id, qty: 1 }]);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('insufficient_points');
    await expectLedgerConsistent();
  });
});

describe('tier benefits through the order', () => {
  it('a gold member’s preview shows the gold price and free shipping; completing credits growth and 1.5x points; refunding reverses both', async () => {
    const category = await createCategory(mall, '金卡-orders');
    const product = await createProduct(mall, {
      title: '武夷大红袍',
      categoryId: category.id,
      skus: [{ specs: [], price: 6800, stock: 10, memberPrices: { gold: 5900 } }],
    });
    const skuId = product.skus[0]!.id;
    const buyer = await shopper(mall);
    // Not this buyer's first order: a refunded first order would also take back the first-order reward.
    await tellCompleted(mall, {
      memberId: buyer.id,
      orderId: new Types.ObjectId().toString(),
      orderNo: 'EARLIER01',
      paidAmount: 0,
      pointsEarned: 0,
    });
    await setTier(buyer.id, 'gold');

    const preview = await mall.api('POST', '/api/orders/preview', {
      token: buyer.token,
      body: { items: [{ skuId, qty: 1 }] },
    });
    expect(preview.body.items[0]).toMatchObject({ listPrice: 6800, unitPrice: 5900, priceSource: 'member_price' });
    expect(preview.body.amounts).toMatchObject({
      memberSaving: 900,
      shippingFee: 0,
      payable: 5900,
      pointsEarned: Math.floor((59 * 150) / 100),
    });
    expect(preview.body.breakdown.map((line: any) => line.label)).toEqual([
      '商品原价',
      '会员优惠',
      '运费（包邮）',
      '实付款',
      '完成后可得 88 积分',
    ]);

    const order = await placeOrder(mall, buyer, [{ skuId, qty: 1 }]);
    const before = await mall.api('GET', '/api/me/membership', { token: buyer.token });
    const support = await payAndComplete(buyer, order.body.id);
    const after = await mall.api('GET', '/api/me/membership', { token: buyer.token });
    expect(after.body.growth - before.body.growth).toBe(59);
    const source = { type: 'order', id: order.body.id };
    expect((await mall.services.points.findEntry(buyer.id, 'earn', source))?.delta).toBe(88);
    const balanceAfterCompletion = await mall.services.points.balance(buyer.id);
    await expectLedgerConsistent();

    const refund = await mall.api('POST', `/api/admin/orders/${order.body.id}/refund`, {
      token: support,
      body: { reason: '质量问题' },
    });
    expect(refund.status).toBe(200);
    await mall.services.sandbox!.settled();
    expect((await mall.api('GET', `/api/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe(
      'refunded',
    );
    const reversed = await mall.api('GET', '/api/me/membership', { token: buyer.token });
    expect(reversed.body.growth).toBe(before.body.growth);
    expect((await mall.services.points.findEntry(buyer.id, 'reverse', source))?.delta).toBe(-88);
    expect(await mall.services.points.balance(buyer.id)).toBe(balanceAfterCompletion - 88);
    await expectLedgerConsistent();
  });

  it('completing orders past 500 growth upgrades a regular member to silver at once', async () => {
    const { skuId } = await productWithStock(mall, { stock: 10, price: 30000 });
    const buyer = await shopper(mall);
    for (let i = 0; i < 2; i++) {
      const order = await placeOrder(mall, buyer, [{ skuId, qty: 1 }]);
      await payAndComplete(buyer, order.body.id);
    }
    expect((await Member.findById(buyer.id).lean())?.tier).toBe('silver');
    const membership = await mall.api('GET', '/api/me/membership', { token: buyer.token });
    expect(membership.body.tier.code ?? membership.body.tier).toMatch(/silver/);
  });
});
