/**
 * After-sales over real HTTP: requests per line and quantity, support decisions, partial refunds through
 * the WeChat Pay sandbox with their own refund numbers, and what comes back (money, stock, limits,
 * points) and what is taken back (growth, earned points), exactly.
 */
import { randomUUID } from 'node:crypto';
import { prorateRefund } from '@siyu/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { GrowthEntry } from '../../membership/membership.model';
import { placeOrder, productWithStock, shopper, stockOf } from '../../orders/__tests__/checkout-fixtures';
import { Order, type OrderDoc, SkuPurchase } from '../../orders/order.model';
import { PointsEntry } from '../../points/points.model';
import { AfterSaleOrder } from '../after-sales.model';

let mall: TestMall;
let support: string;
/** What WeChat Pay was asked to refund, by out_refund_no (asking again under one number refunds once). */
const bank = new Map<string, { orderNo: string; amount: number; asked: number }>();
/** WeChat Pay answers the next refund request with an error (a network failure, a 500). */
let refundOutages = 0;

beforeAll(async () => {
  mall = await startTestMall(
    {},
    {
      wire: (services) => {
        const refund = services.wechatPay.refund.bind(services.wechatPay);
        services.wechatPay.refund = async (input) => {
          if (refundOutages > 0) {
            refundOutages--;
            throw new Error('wechat pay unreachable');
          }
          const known = bank.get(input.outRefundNo);
          bank.set(input.outRefundNo, {
            orderNo: input.outTradeNo,
            amount: input.refundFen,
            asked: (known?.asked ?? 0) + 1,
          });
          return refund(input);
        };
      },
    },
  );
  support = await mall.loginAdmin('support');
});

type Buyer = Awaited<ReturnType<typeof shopper>>;

async function paidOrder(
  buyer: Buyer,
  items: { skuId: string; qty: number }[],
  options: { pointsToUse?: number } = {},
) {
  const placed = await placeOrder(mall, buyer, items, options);
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const pay = await mall.api('POST', `/api/orders/${placed.body.id}/pay`, { token: buyer.token });
  expect(pay.status, JSON.stringify(pay.body)).toBe(200);
  expect((await fetch(pay.body.sandbox.confirmUrl, { method: 'POST' })).status).toBe(200);
  return (await Order.findById(placed.body.id).lean<OrderDoc>())!;
}

async function shipAndComplete(buyer: Buyer, orderId: string) {
  const shipped = await mall.api('POST', `/api/admin/orders/${orderId}/ship`, {
    token: support,
    body: { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
  });
  expect(shipped.status).toBe(200);
  const confirmed = await mall.api('POST', `/api/orders/${orderId}/confirm`, { token: buyer.token });
  expect(confirmed.body.status).toBe('completed');
}

function requestRefund(
  buyer: Buyer,
  orderId: string,
  kind: 'refund_only' | 'return',
  lines: { index: number; qty: number }[],
  key = `as-${randomUUID()}`,
) {
  return mall.api('POST', '/api/after-sales', {
    token: buyer.token,
    headers: { 'Idempotency-Key': key },
    body: { orderId, kind, lines, reason: kind === 'return' ? '商品破损' : '不想要了', photos: [] },
  });
}

async function approve(id: string) {
  const approved = await mall.api('POST', `/api/admin/after-sales/${id}/approve`, {
    token: support,
    body: { note: '已核实，同意退款' },
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await mall.services.sandbox!.settled();
  return approved;
}

async function giftPoints(memberId: string, amount: number) {
  await mall.services.points.apply({
    memberId,
    delta: amount,
    kind: 'task',
    source: { type: 'test-gift', id: randomUUID() },
  });
}

async function expectLedgersExact() {
  expect((await mall.services.points.checkConsistency()).mismatches).toEqual([]);
  expect((await mall.services.membership.checkGrowthConsistency()).mismatches).toEqual([]);
}

describe('仅退款 of some units of a paid order', () => {
  it('refunds the prorated share under R<orderNo>-1, gives back those units, and the member sees 退款成功', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 3333 });
    const order = await paidOrder(buyer, [{ skuId, qty: 3 }]);
    expect(await stockOf(skuId)).toBe(7);

    const requested = await requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]);
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body.statusText).toBe('待审核');

    const approved = await approve(requested.body.id);
    const expected = prorateRefund(
      {
        lines: [{ qty: 3, lineTotal: order.items[0]!.lineTotal, pointsCost: 0, couponDiscount: 0 }],
        couponDiscount: 0,
        shippingFee: order.amounts.shippingFee,
        pointsUsed: 0,
        paid: order.payment.paidAmount!,
      },
      { qty: [0], amount: 0, points: 0 },
      [{ index: 0, qty: 1 }],
    );
    expect(approved.body.refund.outRefundNo).toBe(`R${order.orderNo}-1`);
    expect(approved.body.refund.amount).toBe(expected.amount);
    expect(bank.get(`R${order.orderNo}-1`)?.amount).toBe(expected.amount);

    const seen = await mall.api('GET', `/api/after-sales/${requested.body.id}`, { token: buyer.token });
    expect(seen.body.status).toBe('refunded');
    expect(seen.body.statusText).toBe('退款成功');
    expect(seen.body.timeline.at(-1).text).toContain('退款成功');
    expect(await stockOf(skuId)).toBe(8);

    const after = (await Order.findById(order._id).lean<OrderDoc>())!;
    expect(after.status).toBe('paid');
    expect(after.events.map((event) => event.key)).toEqual([
      'created',
      'paid',
      `partially_refunded:${requested.body.id}`,
    ]);
    expect(after.delivered).toContain(`after-sales:partially_refunded:${requested.body.id}`);

    // The rest of the order cannot go through a whole refund on top (it would pay back the refunded unit again).
    const whole = await mall.api('POST', `/api/admin/orders/${order._id}/refund`, {
      token: support,
      body: { reason: '整单退款' },
    });
    expect(whole.status).toBe(409);
  });

  it('when two requests race for the last unit, one is accepted and one gets 409', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10 });
    const order = await paidOrder(buyer, [{ skuId, qty: 2 }]);
    const first = await requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]);
    expect(first.status).toBe(201);

    const racing = await Promise.all(
      Array.from({ length: 4 }, () =>
        requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]),
      ),
    );
    expect(racing.map((response) => response.status).sort()).toEqual([201, 409, 409, 409]);
    expect(racing.find((response) => response.status === 409)!.body.error.code).toBe('after_sale_qty_exceeded');
    const counter = await AfterSaleOrder.findById(order._id.toString()).lean();
    expect(counter?.requested).toEqual({ l0: 2 });
    expect(counter?.requests).toHaveLength(2);

    // The same Idempotency-Key again answers the same request, counting nothing more.
    const key = `as-${randomUUID()}`;
    const other = await paidOrder(buyer, [{ skuId, qty: 1 }]);
    const once = await requestRefund(buyer, other._id.toString(), 'refund_only', [{ index: 0, qty: 1 }], key);
    const twice = await requestRefund(buyer, other._id.toString(), 'refund_only', [{ index: 0, qty: 1 }], key);
    expect([once.status, twice.status]).toEqual([201, 201]);
    expect(twice.body.id).toBe(once.body.id);
    // …and the same key for a different request is refused.
    const reused = await requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }], key);
    expect(reused.status).toBe(422);
  });

  it('approving twice at once refunds once, under one number', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 5000 });
    const order = await paidOrder(buyer, [{ skuId, qty: 2 }]);
    const requested = await requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        mall.api('POST', `/api/admin/after-sales/${requested.body.id}/approve`, { token: support, body: { note: '' } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await mall.services.sandbox!.settled();
    const again = await approve(requested.body.id);
    expect(again.body.status).toBe('refunded');

    const numbers = [...bank.entries()].filter(([, refund]) => refund.orderNo === order.orderNo);
    expect(numbers.map(([number]) => number)).toEqual([`R${order.orderNo}-1`]);
    const after = (await Order.findById(order._id).lean<OrderDoc>())!;
    expect(after.partialRefunds).toHaveLength(1);
    expect(after.partialRefundsDone).toHaveLength(1);
    expect(after.events.filter((event) => event.type === 'partially_refunded')).toHaveLength(1);
    expect(await stockOf(skuId)).toBe(9);
  });
});

describe('refunding an order line by line', () => {
  it('gives each request a new number; the last takes the remainder; money, stock, limits and points come back exactly', async () => {
    const buyer = await shopper(mall);
    await giftPoints(buyer.id, 1000);
    const before = await mall.services.points.balance(buyer.id);
    const tea = await productWithStock(mall, { stock: 10, price: 3999, limitPerMember: 5 });
    const cup = await productWithStock(mall, { stock: 10, price: 1250 });
    const order = await paidOrder(
      buyer,
      [
        { skuId: tea.skuId, qty: 3 },
        { skuId: cup.skuId, qty: 1 },
      ],
      { pointsToUse: 700 },
    );
    const spent = order.amounts.pointsUsed;
    expect(spent).toBeGreaterThan(0);
    expect(await mall.services.points.balance(buyer.id)).toBe(before - spent);
    const orderId = order._id.toString();

    const ids: string[] = [];
    for (const lines of [[{ index: 0, qty: 1 }], [{ index: 1, qty: 1 }], [{ index: 0, qty: 2 }]]) {
      const requested = await requestRefund(buyer, orderId, 'refund_only', lines);
      expect(requested.status, JSON.stringify(requested.body)).toBe(201);
      ids.push(requested.body.id);
      await approve(requested.body.id);
    }

    const numbers = [...bank.entries()].filter(([, refund]) => refund.orderNo === order.orderNo);
    expect(numbers.map(([number]) => number)).toEqual([1, 2, 3].map((n) => `R${order.orderNo}-${n}`));
    const refunded = numbers.reduce((total, [, refund]) => total + refund.amount, 0);
    expect(refunded).toBe(order.payment.paidAmount);

    const after = (await Order.findById(order._id).lean<OrderDoc>())!;
    expect(after.status).toBe('refunded');
    expect(after.events.filter((event) => event.type === 'partially_refunded').map((event) => event.ref)).toEqual(ids);
    expect(await stockOf(tea.skuId)).toBe(10);
    expect(await stockOf(cup.skuId)).toBe(10);
    expect((await SkuPurchase.findById(`${buyer.id}:${tea.skuId}`).lean())?.qty).toBe(0);
    expect(await mall.services.points.balance(buyer.id)).toBe(before);

    const list = await mall.api('GET', `/api/after-sales?orderId=${orderId}`, { token: buyer.token });
    expect(list.body.items.map((item: { statusText: string }) => item.statusText)).toEqual([
      '退款成功',
      '退款成功',
      '退款成功',
    ]);
    await expectLedgersExact();
  });

  it('a return after completion takes back the growth and earned points of those lines, and all of them by the last', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 10000 });
    const order = await paidOrder(buyer, [{ skuId, qty: 3 }]);
    await shipAndComplete(buyer, order._id.toString());
    const growthOf = async () =>
      GrowthEntry.find({ member: buyer.id }).sort({ seq: 1 }).lean<{ delta: number; kind: string }[]>();
    const earnedGrowth = (await growthOf()).find((entry) => entry.kind === 'earn')!.delta;
    const earnedPoints = (await mall.services.points.findEntry(buyer.id, 'earn', {
      type: 'order',
      id: order._id.toString(),
    }))!.delta;
    expect(earnedGrowth).toBeGreaterThan(0);
    expect(earnedPoints).toBeGreaterThan(0);

    const one = await requestRefund(buyer, order._id.toString(), 'return', [{ index: 0, qty: 1 }]);
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    await approve(one.body.id);
    const growthAfterOne = (await growthOf()).reduce((total, entry) => total + entry.delta, 0);
    expect(growthAfterOne).toBe(earnedGrowth - Math.floor(earnedGrowth / 3));
    // Shipped goods are not restocked by the refund itself.
    expect(await stockOf(skuId)).toBe(7);

    const rest = await requestRefund(buyer, order._id.toString(), 'return', [{ index: 0, qty: 2 }]);
    await approve(rest.body.id);
    expect((await growthOf()).reduce((total, entry) => total + entry.delta, 0)).toBe(0);
    const orderPoints = (
      await PointsEntry.find({ member: buyer.id }).lean<{ delta: number; source: { id: string } }[]>()
    ).filter((entry) => entry.source.id.startsWith(order._id.toString()));
    expect(orderPoints.length).toBeGreaterThanOrEqual(3);
    expect(orderPoints.reduce((total, entry) => total + entry.delta, 0)).toBe(0);
    expect((await Order.findById(order._id).lean<OrderDoc>())!.status).toBe('refunded');
    await expectLedgersExact();
  });
});

describe('who may see and decide', () => {
  it("a member cannot see or act on another member's request or order (404)", async () => {
    const owner = await shopper(mall);
    const stranger = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const order = await paidOrder(owner, [{ skuId, qty: 1 }]);
    const requested = await requestRefund(owner, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]);
    const id = requested.body.id;
    expect((await mall.api('GET', `/api/after-sales/${id}`, { token: stranger.token })).status).toBe(404);
    expect((await mall.api('POST', `/api/after-sales/${id}/withdraw`, { token: stranger.token })).status).toBe(404);
    expect((await mall.api('GET', `/api/after-sales/orders/${order._id}`, { token: stranger.token })).status).toBe(404);
    expect((await requestRefund(stranger, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }])).status).toBe(
      404,
    );
    expect((await mall.api('GET', '/api/after-sales', { token: stranger.token })).body.total).toBe(0);
  });

  it('approving needs the support role: a member token gets 403, an operator 403', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const order = await paidOrder(buyer, [{ skuId, qty: 1 }]);
    const requested = await requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]);
    const path = `/api/admin/after-sales/${requested.body.id}/approve`;
    expect((await mall.api('POST', path, { token: buyer.token, body: { note: '' } })).status).toBe(403);
    const operator = await mall.loginAdmin('operator');
    expect((await mall.api('POST', path, { token: operator, body: { note: '' } })).status).toBe(403);
    expect((await mall.api('GET', `/api/after-sales/${requested.body.id}`, { token: buyer.token })).body.status).toBe(
      'pending',
    );
  });

  it('a rejected or withdrawn request frees its units; the wrong kind for the order is refused', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const order = await paidOrder(buyer, [{ skuId, qty: 1 }]);
    const orderId = order._id.toString();
    expect((await requestRefund(buyer, orderId, 'return', [{ index: 0, qty: 1 }])).body.error.code).toBe(
      'after_sale_kind_mismatch',
    );
    const first = await requestRefund(buyer, orderId, 'refund_only', [{ index: 0, qty: 1 }]);
    const rejected = await mall.api('POST', `/api/admin/after-sales/${first.body.id}/reject`, {
      token: support,
      body: { note: '请联系客服说明原因' },
    });
    expect(rejected.body.statusText).toBe('已拒绝');
    const second = await requestRefund(buyer, orderId, 'refund_only', [{ index: 0, qty: 1 }]);
    expect(second.status).toBe(201);
    const withdrawn = await mall.api('POST', `/api/after-sales/${second.body.id}/withdraw`, { token: buyer.token });
    expect(withdrawn.body.statusText).toBe('已撤销');
    const eligibility = await mall.api('GET', `/api/after-sales/orders/${orderId}`, { token: buyer.token });
    expect(eligibility.body.kind).toBe('refund_only');
    expect(eligibility.body.lines[0].available).toBe(1);
    // A decided request cannot be approved afterwards.
    expect(
      (
        await mall.api('POST', `/api/admin/after-sales/${first.body.id}/approve`, {
          token: support,
          body: { note: '' },
        })
      ).status,
    ).toBe(409);
  });
});

describe('what a crash or an outage leaves behind is finished exactly once', () => {
  it('a refund settled before completion lowers what completion credits: those units never earn', async () => {
    const { skuId } = await productWithStock(mall, { stock: 10, price: 10000 });
    const plain = await shopper(mall);
    const plainOrder = await paidOrder(plain, [{ skuId, qty: 2 }]);
    await shipAndComplete(plain, plainOrder._id.toString());
    const buyer = await shopper(mall);
    const order = await paidOrder(buyer, [{ skuId, qty: 2 }]);
    const requested = await requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]);
    await approve(requested.body.id);
    await shipAndComplete(buyer, order._id.toString());

    const earned = async (memberId: string) =>
      (await GrowthEntry.findOne({ member: memberId, kind: 'earn' }).lean<{ delta: number }>())!.delta;
    expect((await earned(buyer.id)) * 2).toBe(await earned(plain.id));
    const points = await mall.services.points.findEntry(buyer.id, 'earn', { type: 'order', id: order._id.toString() });
    expect(points!.delta).toBe(Math.floor(order.amounts.pointsEarned / 2));
    await expectLedgersExact();
  });

  it('a partial refund delivered again (after a crash) gives and takes back nothing more', async () => {
    const buyer = await shopper(mall);
    await giftPoints(buyer.id, 800);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 8800 });
    const order = await paidOrder(buyer, [{ skuId, qty: 2 }], { pointsToUse: 600 });
    await shipAndComplete(buyer, order._id.toString());
    const requested = await requestRefund(buyer, order._id.toString(), 'return', [{ index: 0, qty: 1 }]);
    await approve(requested.body.id);
    const snapshot = async () => ({
      stock: await stockOf(skuId),
      points: await mall.services.points.balance(buyer.id),
      growth: (await GrowthEntry.find({ member: buyer.id }).lean<{ delta: number }[]>()).reduce(
        (t, e) => t + e.delta,
        0,
      ),
    });
    const before = await snapshot();
    const key = `partially_refunded:${requested.body.id}`;
    await Order.updateOne(
      { _id: order._id },
      {
        $set: { deliverAfter: new Date(0) },
        $pullAll: { delivered: [`after-sales:${key}`, `membership:${key}`, `points:${key}`] },
      },
    );
    await mall.services.orders.deliverDue(new Date());
    const after = (await Order.findById(order._id).lean<OrderDoc>())!;
    expect(after.delivered).toEqual(
      expect.arrayContaining([`after-sales:${key}`, `membership:${key}`, `points:${key}`]),
    );
    expect(await snapshot()).toEqual(before);
    await expectLedgersExact();
  });

  it('when WeChat Pay is unreachable at approval, the repair job asks again under the same number until it settles', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 4200 });
    const order = await paidOrder(buyer, [{ skuId, qty: 2 }]);
    const requested = await requestRefund(buyer, order._id.toString(), 'refund_only', [{ index: 0, qty: 1 }]);
    refundOutages = 1;
    const approved = await mall.api('POST', `/api/admin/after-sales/${requested.body.id}/approve`, {
      token: support,
      body: { note: '' },
    });
    expect(approved.body.statusText).toBe('已同意，退款中');
    expect(bank.has(`R${order.orderNo}-1`)).toBe(false);

    await mall.services.afterSales.repairDue(new Date(Date.now() + 5 * 60_000));
    await mall.services.sandbox!.settled();
    const seen = await mall.api('GET', `/api/after-sales/${requested.body.id}`, { token: buyer.token });
    expect(seen.body.statusText).toBe('退款成功');
    expect(bank.get(`R${order.orderNo}-1`)?.asked).toBe(1);
    expect(await stockOf(skuId)).toBe(9);
    // Nothing left to repair: running again asks WeChat Pay nothing more.
    await mall.services.afterSales.repairDue(new Date(Date.now() + 10 * 60_000));
    expect(bank.get(`R${order.orderNo}-1`)?.asked).toBe(1);
  });
});
