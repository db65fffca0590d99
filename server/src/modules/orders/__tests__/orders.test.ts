import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { createCategory, createProduct, setTier } from '../../catalog/__tests__/fixtures';
import { takeUnits } from '../../catalog/stock';
import { Order, SkuPurchase } from '../order.model';
import { placeOrder, productWithStock, shopper, stockOf } from './checkout-fixtures';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

describe('stock never oversells', () => {
  it('50 concurrent orders for a SKU with stock 10 → exactly 10 created, stock 0; cancelling all → stock 10 again', async () => {
    const { skuId } = await productWithStock(mall, { stock: 10 });
    const buyers = await Promise.all(Array.from({ length: 10 }, (_, i) => shopper(mall, `stock-buyer-${i}`)));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => placeOrder(mall, buyers[i % 10]!, [{ skuId, qty: 1 }])),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(10);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'out_of_stock')).toBe(true);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([]);
    expect(await stockOf(skuId)).toBe(0);

    for (const answer of created) {
      const buyer = buyers.find((b) => b.id === answer.body.memberId) ?? buyers[answers.indexOf(answer) % 10]!;
      const cancelled = await mall.api('POST', `/api/orders/${answer.body.id}/cancel`, { token: buyer.token });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
    }
    expect(await stockOf(skuId)).toBe(10);
  });

  it('a per-member limit of 2 holds when one member fires 10 concurrent orders, and comes back when an order is cancelled', async () => {
    const { skuId } = await productWithStock(mall, { stock: 100, limitPerMember: 2 });
    const buyer = await shopper(mall);
    const answers = await Promise.all(Array.from({ length: 10 }, () => placeOrder(mall, buyer, [{ skuId, qty: 1 }])));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(2);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(
      Array(8).fill('purchase_limit_exceeded'),
    );
    expect(await stockOf(skuId)).toBe(98);
    expect((await SkuPurchase.findById(`${buyer.id}:${skuId}`).lean())?.qty).toBe(2);

    await mall.api('POST', `/api/orders/${created[0]!.body.id}/cancel`, { token: buyer.token });
    expect((await placeOrder(mall, buyer, [{ skuId, qty: 1 }])).status).toBe(201);
    expect((await placeOrder(mall, buyer, [{ skuId, qty: 1 }])).status).toBe(409);
  });

  it('an order of several lines that fails on the last line gives back what it took', async () => {
    const plenty = await productWithStock(mall, { stock: 5 });
    const scarce = await productWithStock(mall, { stock: 1 });
    const buyer = await shopper(mall);
    const failed = await placeOrder(mall, buyer, [
      { skuId: plenty.skuId, qty: 2 },
      { skuId: scarce.skuId, qty: 2 },
    ]);
    expect(failed.status).toBe(409);
    expect(await stockOf(plenty.skuId)).toBe(5);
    expect(await stockOf(scarce.skuId)).toBe(1);
  });
});

describe('idempotency', () => {
  it('the same key twice → one order; same key with another body → 422; ten concurrent same-key requests → one order', async () => {
    const { skuId } = await productWithStock(mall, { stock: 50 });
    const buyer = await shopper(mall);
    const first = await placeOrder(mall, buyer, [{ skuId, qty: 1 }], { key: 'same-key-0001' });
    const again = await placeOrder(mall, buyer, [{ skuId, qty: 1 }], { key: 'same-key-0001' });
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await placeOrder(mall, buyer, [{ skuId, qty: 2 }], { key: 'same-key-0001' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');

    const racing = await Promise.all(
      Array.from({ length: 10 }, () => placeOrder(mall, buyer, [{ skuId, qty: 1 }], { key: 'racing-key-0001' })),
    );
    expect(racing.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect(await Order.countDocuments({ member: buyer.id, idempotencyKey: 'racing-key-0001' })).toBe(1);
    expect(await stockOf(skuId)).toBe(48);
  });

  it('requires an Idempotency-Key', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const buyer = await shopper(mall);
    const response = await mall.api('POST', '/api/orders', {
      token: buyer.token,
      body: { items: [{ skuId, qty: 1 }], addressId: buyer.addressId },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('idempotency_key_required');
  });

  it('ignores nothing silently: a client-sent price is refused, and the server price is charged', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5, price: 6800 });
    const buyer = await shopper(mall);
    const sneaky = await mall.api('POST', '/api/orders', {
      token: buyer.token,
      headers: { 'Idempotency-Key': 'price-trick-01' },
      body: { items: [{ skuId, qty: 1, price: 1 }], addressId: buyer.addressId },
    });
    expect(sneaky.status).toBe(400);
    const honest = await placeOrder(mall, buyer, [{ skuId, qty: 1 }]);
    expect(honest.body.amounts).toMatchObject({ itemsTotal: 6800, shippingFee: 800, payable: 7600 });
  });
});

describe('who may see and touch an order', () => {
  it('member A cannot read, pay or cancel member B’s order (404), and cannot see it listed', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const a = await shopper(mall);
    const b = await shopper(mall);
    const order = await placeOrder(mall, b, [{ skuId, qty: 1 }]);
    for (const [method, path] of [
      ['GET', `/api/orders/${order.body.id}`],
      ['POST', `/api/orders/${order.body.id}/pay`],
      ['POST', `/api/orders/${order.body.id}/cancel`],
      ['POST', `/api/orders/${order.body.id}/confirm`],
    ] as const) {
      const response = await mall.api(method, path, { token: a.token });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const list = await mall.api('GET', '/api/orders', { token: a.token });
    expect(list.body.items.map((o: any) => o.id)).not.toContain(order.body.id);
    expect((await mall.api('GET', `/api/orders/${order.body.id}`, { token: b.token })).body.status).toBe(
      'pending_payment',
    );
  });

  it('another member’s address cannot be used', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const a = await shopper(mall);
    const b = await shopper(mall);
    const response = await placeOrder(mall, { token: a.token, addressId: b.addressId }, [{ skuId, qty: 1 }]);
    expect(response.status).toBe(404);
  });

  it('private products: a regular member cannot order a gold product (404), nor a gold teaser (403); a gold member can', async () => {
    const category = await createCategory(mall, '私享-orders');
    const hidden = await createProduct(mall, {
      title: '金卡私藏',
      categoryId: category.id,
      visibility: 'tier',
      minTier: 'gold',
      skus: [{ specs: [], price: 36800, stock: 5 }],
    });
    const teaser = await createProduct(mall, {
      title: '金卡预告',
      categoryId: category.id,
      visibility: 'tier',
      minTier: 'gold',
      teaser: true,
      skus: [{ specs: [], price: 26800, stock: 5 }],
    });
    const regular = await shopper(mall);
    expect((await placeOrder(mall, regular, [{ skuId: hidden.skus[0]!.id, qty: 1 }])).status).toBe(404);
    const locked = await placeOrder(mall, regular, [{ skuId: teaser.skus[0]!.id, qty: 1 }]);
    expect(locked.status).toBe(403);
    expect(locked.body.error.code).toBe('tier_required');
    const preview = await mall.api('POST', '/api/orders/preview', {
      token: regular.token,
      body: { items: [{ skuId: hidden.skus[0]!.id, qty: 1 }] },
    });
    expect(preview.status).toBe(404);
    expect(
      (await mall.api('POST', '/api/orders/preview', { body: { items: [{ skuId: hidden.skus[0]!.id, qty: 1 }] } }))
        .status,
    ).toBe(401);

    const gold = await shopper(mall);
    await setTier(gold.id, 'gold');
    expect((await placeOrder(mall, gold, [{ skuId: hidden.skus[0]!.id, qty: 1 }])).status).toBe(201);
  });
});

describe('states and timed transitions', () => {
  it('preview writes nothing and shows the breakdown line by line', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5, price: 4500 });
    const buyer = await shopper(mall);
    const before = await Order.countDocuments();
    const preview = await mall.api('POST', '/api/orders/preview', {
      token: buyer.token,
      body: { items: [{ skuId, qty: 2 }] },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.amounts).toMatchObject({ listTotal: 9000, itemsTotal: 9000, shippingFee: 800, payable: 9800 });
    expect(preview.body.breakdown.map((line: any) => line.kind)).toEqual(['items', 'shipping', 'payable', 'earn']);
    expect(await Order.countDocuments()).toBe(before);
    expect(await stockOf(skuId)).toBe(5);
  });

  it('an unpaid order is cancelled by the job after 15 minutes, stock returns exactly once even if the job runs twice', async () => {
    const { skuId } = await productWithStock(mall, { stock: 3 });
    const buyer = await shopper(mall);
    const order = await placeOrder(mall, buyer, [{ skuId, qty: 2 }]);
    expect(await stockOf(skuId)).toBe(1);
    const expiresAt = new Date(order.body.expiresAt);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    await mall.services.payments.cancelExpired(new Date(expiresAt.getTime() - 1000));
    expect((await Order.findById(order.body.id).lean())?.status).toBe('pending_payment');
    const later = new Date(expiresAt.getTime() + 1000);
    await Promise.all([mall.services.payments.cancelExpired(later), mall.services.payments.cancelExpired(later)]);
    expect(await stockOf(skuId)).toBe(3);
    const view = await mall.api('GET', `/api/orders/${order.body.id}`, { token: buyer.token });
    expect(view.body).toMatchObject({ status: 'cancelled', cancelReason: 'timeout', actions: [] });
  });

  it('an illegal transition is a 409: confirming an unpaid order, cancelling a cancelled one is harmless', async () => {
    const { skuId } = await productWithStock(mall, { stock: 3 });
    const buyer = await shopper(mall);
    const order = await placeOrder(mall, buyer, [{ skuId, qty: 1 }]);
    const confirm = await mall.api('POST', `/api/orders/${order.body.id}/confirm`, { token: buyer.token });
    expect(confirm.status).toBe(409);
    expect(confirm.body.error.code).toBe('illegal_transition');
    await mall.api('POST', `/api/orders/${order.body.id}/cancel`, { token: buyer.token });
    const again = await mall.api('POST', `/api/orders/${order.body.id}/cancel`, { token: buyer.token });
    expect(again.status).toBe(200);
    expect(await stockOf(skuId)).toBe(3);
  });

  it('an order interrupted mid-creation (a crash) is failed by the recovery job and its stock given back', async () => {
    const { skuId } = await productWithStock(mall, { stock: 4 });
    const buyer = await shopper(mall);
    // Simulate a crash after step 2: the intent exists and stock was taken, nothing else happened.
    const _id = new Types.ObjectId();
    expect(await takeUnits(skuId, 3, _id.toString())).toBe(true);
    const stuck = await Order.create({
      _id,
      orderNo: 'CRASH0001',
      member: buyer.id,
      idempotencyKey: 'crash-key-0001',
      requestHash: 'x',
      status: 'creating',
      items: [
        { skuId, productId: 'p', title: 't', qty: 3, listPrice: 1, unitPrice: 1, priceSource: 'list', lineTotal: 3 },
      ],
      amounts: {
        listTotal: 3,
        itemsTotal: 3,
        memberSaving: 0,
        shippingFee: 0,
        freeShippingThreshold: 0,
        pointsCost: 0,
        pointsUsed: 0,
        pointsDeduction: 0,
        payable: 3,
        pointsEarned: 0,
      },
      tier: 'regular',
      address: { name: 'a', phone: '13800138000', province: 'p', city: 'c', district: 'd', detail: 'x' },
    });
    expect(await stockOf(skuId)).toBe(1);
    const later = new Date(Date.now() + 5 * 60_000);
    expect(await mall.services.orders.recoverInterrupted(later)).toBe(1);
    expect(await mall.services.orders.recoverInterrupted(later)).toBe(0);
    expect(await stockOf(skuId)).toBe(4);
    expect((await Order.findById(stuck._id).lean())?.status).toBe('failed');
  });

  it('shipped orders complete automatically after 10 days unless the member confirms first', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const buyer = await shopper(mall);
    const support = await mall.loginAdmin('support');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const order = await placeOrder(mall, buyer, [{ skuId, qty: 1 }]);
      await Order.updateOne(
        { _id: order.body.id },
        { $set: { status: 'paid', 'payment.paidAmount': order.body.amounts.payable } },
      );
      const shipped = await mall.api('POST', `/api/admin/orders/${order.body.id}/ship`, {
        token: support,
        body: { carrier: '顺丰速运', trackingNo: `SF${1000000 + i}` },
      });
      expect(shipped.status).toBe(200);
      expect(shipped.body.status).toBe('shipped');
      ids.push(order.body.id);
    }
    const confirmed = await mall.api('POST', `/api/orders/${ids[0]}/confirm`, { token: buyer.token });
    expect(confirmed.body.status).toBe('completed');
    expect(await mall.services.orders.autoComplete(new Date(Date.now() + 9 * 86_400_000))).toBe(0);
    expect(await mall.services.orders.autoComplete(new Date(Date.now() + 10 * 86_400_000 + 60_000))).toBe(1);
    expect((await mall.api('GET', `/api/orders/${ids[1]}`, { token: buyer.token })).body.status).toBe('completed');
    // Shipping twice is an illegal transition.
    const twice = await mall.api('POST', `/api/admin/orders/${ids[1]}/ship`, {
      token: support,
      body: { carrier: '顺丰速运', trackingNo: 'SF9999999' },
    });
    expect(twice.status).toBe(409);
  });

  it('admin order list filters by status and searches by order number; operators may not see orders', async () => {
    const { skuId } = await productWithStock(mall, { stock: 5 });
    const buyer = await shopper(mall);
    const order = await placeOrder(mall, buyer, [{ skuId, qty: 1 }]);
    const support = await mall.loginAdmin('support');
    const found = await mall.api('GET', `/api/admin/orders?q=${order.body.orderNo}`, { token: support });
    expect(found.body.items.map((o: any) => o.id)).toEqual([order.body.id]);
    const pending = await mall.api('GET', '/api/admin/orders?status=pending_payment&pageSize=100', { token: support });
    expect(pending.body.items.every((o: any) => o.status === 'pending_payment')).toBe(true);
    const operator = await mall.loginAdmin('operator');
    expect((await mall.api('GET', '/api/admin/orders', { token: operator })).status).toBe(403);
    expect((await mall.api('GET', '/api/admin/orders', { token: buyer.token })).status).toBe(403);
  });
});
