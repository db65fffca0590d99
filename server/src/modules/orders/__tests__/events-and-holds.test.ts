/**
 * Order events and holds: a crash between any two steps of order creation is repaired exactly; a
 * crash between a transition and its subscribers is repaired by the delivery job, once per subscriber
 * and event; other domains join with their own holds and subscribers without touching orders.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { AppError } from '../../../http/errors';
import { setTier } from '../../catalog/__tests__/fixtures';
import { Sku } from '../../catalog/catalog.model';
import { PointsEntry } from '../../points/points.model';
import { Order, SkuPurchase } from '../order.model';
import type { OrderHold } from '../order-extensions';
import { SimulatedCrash } from '../orders.service';
import { productWithStock, shopper, stockOf } from './checkout-fixtures';

let mall: TestMall;
let crashStep: string | null = null;
let skipDelivery = false;
/** What the test subscriber saw: `<event key>:<order id>` → times. */
const seen = new Map<string, number>();
/** The test hold's takes and give-backs per order id. */
const voucher = { taken: new Map<string, number>(), givenBack: new Map<string, number>() };

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

const voucherHold: OrderHold = {
  kind: 'test-voucher',
  appliesTo: (order) => order.remark.startsWith('voucher'),
  async take(order) {
    if (order.remark === 'voucher:refuse') throw new AppError('conflict', 'voucher_refused', '券已用完');
    bump(voucher.taken, order._id.toString());
  },
  async giveBack(order) {
    // Idempotent by its own record, as every hold must be.
    const id = order._id.toString();
    if ((voucher.taken.get(id) ?? 0) > (voucher.givenBack.get(id) ?? 0)) bump(voucher.givenBack, id);
  },
};

beforeAll(async () => {
  mall = await startTestMall(
    {},
    {
      orderFaults: { crashAt: (step) => step === crashStep, skipInlineDelivery: () => skipDelivery },
      wire: (services) => {
        services.orders.registerHold(voucherHold);
        services.orders.subscribe({
          name: 'test-counter',
          on: Object.fromEntries(
            ['created', 'paid', 'shipped', 'completed', 'cancelled', 'refunded', 'failed'].map((type) => [
              type,
              async (order: { _id: Types.ObjectId }, event: { key: string }) =>
                void bump(seen, `${event.key}:${order._id.toString()}`),
            ]),
          ),
        });
      },
    },
  );
});

async function giftPoints(memberId: string, delta: number) {
  await mall.services.points.apply({ memberId, delta, kind: 'adjust', source: { type: 'test', id: randomUUID() } });
}

async function limitCount(memberId: string, skuId: string) {
  return (await SkuPurchase.findById(`${memberId}:${skuId}`).lean())?.qty ?? 0;
}

const viewerOf = (buyer: { id: string }) => ({ id: buyer.id, tier: 'regular' as const });

describe('a crash during order creation', () => {
  const steps = ['after:intent', 'after:take:limits', 'after:take:stock', 'after:take:points'];

  it.each(steps)('stopped %s: recovery leaves stock, limits and points exactly as before', async (step) => {
    const { skuId } = await productWithStock(mall, { stock: 10, limitPerMember: 5, price: 10_000 });
    const buyer = await shopper(mall);
    await giftPoints(buyer.id, 5000);
    const before = {
      stock: await stockOf(skuId),
      limit: await limitCount(buyer.id, skuId),
      points: await mall.services.points.balance(buyer.id),
    };

    crashStep = step;
    try {
      await expect(
        mall.services.orders.create(
          viewerOf(buyer),
          { items: [{ skuId, qty: 2 }], addressId: buyer.addressId, pointsToUse: 1000 },
          `crash-${randomUUID()}`,
        ),
      ).rejects.toBeInstanceOf(SimulatedCrash);
    } finally {
      crashStep = null;
    }
    const stuck = await Order.findOne({ member: buyer.id }).lean();
    expect(stuck?.status).toBe('creating');

    const later = new Date(Date.now() + 5 * 60_000);
    expect(await mall.services.orders.recoverInterrupted(later)).toBe(1);
    expect(await mall.services.orders.recoverInterrupted(later)).toBe(0);
    expect(await mall.services.orders.deliverDue(new Date(Date.now() + 10 * 60_000))).toBeGreaterThanOrEqual(0);

    expect((await Order.findById(stuck!._id).lean())?.status).toBe('failed');
    expect(await stockOf(skuId)).toBe(before.stock);
    expect(await limitCount(buyer.id, skuId)).toBe(before.limit);
    expect(await mall.services.points.balance(buyer.id)).toBe(before.points);
    expect((await Sku.findById(skuId).lean())?.holders).toEqual([]);
    expect((await mall.services.points.checkConsistency()).mismatches).toEqual([]);
  });

  it('the same order placed again after a crash is refused as interrupted, and nothing is taken twice', async () => {
    const { skuId } = await productWithStock(mall, { stock: 3 });
    const buyer = await shopper(mall);
    const key = `retry-${randomUUID()}`;
    const input = { items: [{ skuId, qty: 1 }], addressId: buyer.addressId };
    crashStep = 'after:take:stock';
    await expect(mall.services.orders.create(viewerOf(buyer), input, key)).rejects.toBeInstanceOf(SimulatedCrash);
    crashStep = null;
    await mall.services.orders.recoverInterrupted(new Date(Date.now() + 5 * 60_000));
    await expect(mall.services.orders.create(viewerOf(buyer), input, key)).rejects.toMatchObject({
      code: 'order_interrupted',
    });
    expect(await stockOf(skuId)).toBe(3);
  });
});

describe('a crash between a transition and its subscribers', () => {
  it('the delivery job delivers each event to each subscriber exactly once, even when two runs overlap', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5, price: 20_000 });
    const buyer = await shopper(mall);
    await setTier(buyer.id, 'regular');
    skipDelivery = true;
    let orderId: string;
    try {
      const order = await mall.services.orders.create(
        viewerOf(buyer),
        { items: [{ skuId, qty: 1 }], addressId: buyer.addressId },
        `deliver-${randomUUID()}`,
      );
      orderId = order.id;
      await mall.services.orders.markPaid(order.orderNo, {
        transactionId: `tx-${randomUUID()}`,
        amount: order.amounts.payable,
      });
      await mall.services.orders.ship(order.id, { carrier: '顺丰', trackingNo: 'SF1234567890' });
      await mall.services.orders.complete({ _id: order.id }, 'member');
    } finally {
      skipDelivery = false;
    }
    // The process "stopped" after each transition: nothing has reacted yet.
    for (const key of ['created', 'paid', 'shipped', 'completed'])
      expect(seen.get(`${key}:${orderId}`)).toBeUndefined();
    expect(await PointsEntry.countDocuments({ member: buyer.id, kind: 'earn' })).toBe(0);
    expect((await Sku.findById(skuId).lean())?.holders).toEqual([orderId]);

    // Not due before its grace period; due after it. Two overlapping job runs deliver once.
    expect(await mall.services.orders.deliverDue(new Date(Date.now() - 60_000))).toBe(0);
    const later = new Date(Date.now() + 60_000);
    await Promise.all([mall.services.orders.deliverDue(later), mall.services.orders.deliverDue(later)]);
    await mall.services.orders.deliverDue(new Date(Date.now() + 10 * 60_000));

    for (const key of ['created', 'paid', 'shipped', 'completed']) expect(seen.get(`${key}:${orderId}`)).toBe(1);
    const order = await Order.findById(orderId).lean();
    expect(order?.deliverAfter).toBeNull();
    expect(order?.delivered).toEqual(
      expect.arrayContaining([
        'test-counter:completed',
        'membership:completed',
        'points:completed',
        'tasks:completed',
        'stock:shipped',
      ]),
    );
    // Each reaction happened once: growth and points earned for ¥200, the shipped stock forgotten.
    expect(await PointsEntry.countDocuments({ member: buyer.id, kind: 'earn' })).toBe(1);
    const membership = await mall.api('GET', '/api/me/membership', { token: buyer.token });
    expect(membership.body.growth).toBe(200);
    expect((await Sku.findById(skuId).lean())?.holders).toEqual([]);
    expect((await mall.services.points.checkConsistency()).mismatches).toEqual([]);
  });

  it('a failing subscriber is retried by the job and the others are not held up', async () => {
    let failures = 1;
    const mallWithFlaky = await startTestMall(
      {},
      {
        wire: (services) =>
          services.orders.subscribe({
            name: 'flaky',
            on: {
              async cancelled() {
                if (failures-- > 0) throw new Error('flaky subscriber');
              },
            },
          }),
      },
    );
    const { skuId } = await productWithStock(mallWithFlaky, { stock: 2 });
    const buyer = await shopper(mallWithFlaky);
    const order = await mallWithFlaky.services.orders.create(
      viewerOf(buyer),
      { items: [{ skuId, qty: 1 }], addressId: buyer.addressId },
      `flaky-${randomUUID()}`,
    );
    await mallWithFlaky.services.orders.cancel({ _id: new Types.ObjectId(order.id) }, 'member');
    expect(await stockOf(skuId)).toBe(2); // the holds subscriber was not held up
    const pending = await Order.findById(order.id).lean();
    expect(pending?.deliverAfter).not.toBeNull();
    expect(pending?.delivered).not.toContain('flaky:cancelled');
    await mallWithFlaky.services.orders.deliverDue(new Date(Date.now() + 60_000));
    const settled = await Order.findById(order.id).lean();
    expect(settled?.delivered).toContain('flaky:cancelled');
    expect(settled?.deliverAfter).toBeNull();
    expect(await stockOf(skuId)).toBe(2);
  });
});

describe('other domains join through their own holds and subscribers', () => {
  it('a registered hold is taken at creation and given back once on cancel', async () => {
    const { skuId } = await productWithStock(mall, { stock: 2 });
    const buyer = await shopper(mall);
    const order = await mall.services.orders.create(
      viewerOf(buyer),
      { items: [{ skuId, qty: 1 }], addressId: buyer.addressId, remark: 'voucher' },
      `voucher-${randomUUID()}`,
    );
    expect(voucher.taken.get(order.id)).toBe(1);
    expect((await Order.findById(order.id).lean())?.holdsTaken).toEqual(
      expect.arrayContaining(['stock', 'test-voucher']),
    );
    await mall.services.orders.cancel({ _id: new Types.ObjectId(order.id) }, 'member');
    await mall.services.orders.cancel({ _id: new Types.ObjectId(order.id) }, 'member');
    await mall.services.orders.deliverDue(new Date(Date.now() + 60_000));
    expect(voucher.givenBack.get(order.id)).toBe(1);
    expect(seen.get(`cancelled:${order.id}`)).toBe(1);
  });

  it('a hold that refuses fails the order with its own code, and what was taken before it comes back', async () => {
    const { skuId } = await productWithStock(mall, { stock: 2 });
    const buyer = await shopper(mall);
    const placed = await mall.api('POST', '/api/orders', {
      token: buyer.token,
      headers: { 'Idempotency-Key': `refuse-${randomUUID()}` },
      body: { items: [{ skuId, qty: 1 }], addressId: buyer.addressId, remark: 'voucher:refuse' },
    });
    expect(placed.status).toBe(409);
    expect(placed.body.error.code).toBe('voucher_refused');
    expect(await stockOf(skuId)).toBe(2);
    const failed = await Order.findOne({ member: buyer.id }).lean();
    expect(failed?.status).toBe('failed');
    expect(seen.get(`failed:${failed!._id.toString()}`)).toBe(1);
  });
});

describe('a refunded first order', () => {
  it('takes back its first-order reward and the inviter’s reward, each once', async () => {
    const inviter = await mall.loginMember();
    const invite = await mall.api('GET', '/api/me/invite', { token: inviter.token });
    const login = await mall.api('POST', '/api/auth/wechat-login', {
      body: { code: `demo:refunded${Date.now().toString(36)}`, inviteCode: invite.body.code },
    });
    const invitee = { id: login.body.member.id as string, token: login.body.accessToken as string };
    const address = await mall.api('POST', '/api/addresses', {
      token: invitee.token,
      body: {
        name: '周小舟',
        phone: '13900139000',
        province: '浙江省',
        city: '杭州市',
        district: '西湖区',
        detail: '北山街 2 号',
        isDefault: true,
      },
    });
    const { skuId } = await productWithStock(mall, { stock: 5, price: 5000 });
    const order = await mall.services.orders.create(
      viewerOf(invitee),
      { items: [{ skuId, qty: 1 }], addressId: address.body.id },
      `first-${randomUUID()}`,
    );
    // Paid through the sandbox cashier, so that the refund goes through WeChat Pay's contract too.
    const pay = await mall.api('POST', `/api/orders/${order.id}/pay`, { token: invitee.token });
    await fetch(pay.body.sandbox.confirmUrl, { method: 'POST', headers: { authorization: `Bearer ${invitee.token}` } });
    await mall.services.sandbox!.settled();
    await mall.services.orders.ship(order.id, { carrier: '顺丰', trackingNo: 'SF0987654321' });
    await mall.services.orders.complete({ _id: order.id }, 'member');
    const rewards = (memberId: string, type: string) =>
      PointsEntry.find({ member: memberId, 'source.type': type }).sort({ seq: 1 }).lean();
    expect((await rewards(invitee.id, 'task:first-order')).map((entry) => entry.delta)).toEqual([100]);
    expect((await rewards(inviter.id, 'task:invite-friend')).map((entry) => entry.delta)).toEqual([100]);

    await mall.services.payments.refund(order.id, '不想要了');
    await mall.services.sandbox!.settled();
    expect((await Order.findById(order.id).lean())?.status).toBe('refunded');
    // Delivered again by the job: still taken back once.
    await Order.updateOne(
      { _id: order.id },
      { $set: { deliverAfter: new Date(0) }, $pull: { delivered: 'tasks:refunded' } },
    );
    await mall.services.orders.deliverDue(new Date());

    expect((await rewards(invitee.id, 'task:first-order')).map((entry) => [entry.kind, entry.delta])).toEqual([
      ['task', 100],
      ['reverse', -100],
    ]);
    expect((await rewards(inviter.id, 'task:invite-friend')).map((entry) => [entry.kind, entry.delta])).toEqual([
      ['task', 100],
      ['reverse', -100],
    ]);
    expect((await mall.services.points.checkConsistency()).mismatches).toEqual([]);
  });
});
