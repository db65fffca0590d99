import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { seedCatalog } from '../../../seed/catalog';
import { SEEDED_LIVES, seedLivestreams } from '../../../seed/livestream';
import { seedMembership } from '../../../seed/membership';
import { placeOrder, productWithStock, shopper } from '../../orders/__tests__/checkout-fixtures';

let mall: TestMall;
let operator: string;

beforeAll(async () => {
  mall = await startTestMall();
  operator = await mall.loginAdmin('operator');
  await seedCatalog();
  await seedMembership(mall.services);
});

async function pay(buyer: { token: string }, orderId: string) {
  const prepay = await mall.api('POST', `/api/orders/${orderId}/pay`, { token: buyer.token });
  expect(prepay.status).toBe(200);
  const confirmed = await fetch(prepay.body.sandbox.confirmUrl, { method: 'POST' });
  expect(confirmed.status).toBeLessThan(300);
  await mall.services.sandbox!.settled();
}

async function stats(liveId: string) {
  const response = await mall.api('GET', `/api/admin/livestreams/${liveId}/stats`, { token: operator });
  expect(response.status).toBe(200);
  return response.body;
}

describe('the seeded lives', () => {
  it('seeds one upcoming and one ended live; the ended one’s numbers add up to the hand-computed answer, twice', async () => {
    const first = await seedLivestreams(mall.services);
    expect(first).toEqual(['2 livestreams', '3 live-attributed orders']);
    // 观众小林 15600 + 19800, 观众阿杰 8800 + 800 shipping (see seed/livestream.ts).
    const expected = {
      reservations: 2,
      remindersSent: 0,
      clickThroughs: 2,
      orders: 3,
      payingMembers: 2,
      gmv: 15600 + 19800 + 9600,
      refundedOrders: 0,
    };
    expect(await stats(SEEDED_LIVES.ended.toString())).toMatchObject(expected);
    expect(await seedLivestreams(mall.services)).toEqual([]);
    expect(await stats(SEEDED_LIVES.ended.toString())).toMatchObject(expected);

    const upcoming = await mall.api('GET', '/api/livestreams');
    expect(upcoming.status, JSON.stringify(upcoming.body)).toBe(200);
    expect(upcoming.body.map((live: { id: string }) => live.id)).toContain(SEEDED_LIVES.upcoming.toString());
    expect(upcoming.body.map((live: { id: string }) => live.id)).not.toContain(SEEDED_LIVES.ended.toString());
    const lineup = await mall.api('GET', `/api/livestreams/${SEEDED_LIVES.upcoming.toString()}`);
    expect(lineup.body.lineup.map((item: { roleLabel: string }) => item.roleLabel)).toEqual([
      '福利品',
      '引流品',
      '畅销品',
    ]);
  });
});

describe('orders through a live link', () => {
  it('carry the attribution and count once when paid; unpaid, unattributed and unknown-live orders do not count', async () => {
    const { productId, skuId } = await productWithStock(mall, { stock: 20, price: 12000 });
    const created = await mall.api('POST', '/api/admin/livestreams', {
      token: operator,
      body: {
        title: '归因测试',
        finderUserName: 'sphAttr01',
        startsAt: new Date(Date.now() + 3_600_000).toISOString(),
        products: [{ productId, role: 'bestseller' }],
      },
    });
    const liveId = created.body.id as string;
    const from = `live:${liveId}`;
    const [ana, bo] = [await shopper(mall), await shopper(mall)];

    const viaLive = await mall.api('POST', '/api/orders', {
      token: ana.token,
      headers: { 'Idempotency-Key': `live-attr-${liveId}-1` },
      body: { items: [{ skuId, qty: 1 }], addressId: ana.addressId, from },
    });
    expect(viaLive.status).toBe(201);
    expect(viaLive.body.attribution).toMatchObject({ type: 'live', id: liveId });
    await pay(ana, viaLive.body.id);

    const second = await mall.api('POST', '/api/orders', {
      token: bo.token,
      headers: { 'Idempotency-Key': `live-attr-${liveId}-2` },
      body: { items: [{ skuId, qty: 2 }], addressId: bo.addressId, from },
    });
    await pay(bo, second.body.id);
    // Unpaid: not a sale yet.
    await mall.api('POST', '/api/orders', {
      token: bo.token,
      headers: { 'Idempotency-Key': `live-attr-${liveId}-3` },
      body: { items: [{ skuId, qty: 1 }], addressId: bo.addressId, from },
    });
    // No live link, and a live that does not exist.
    const plain = await placeOrder(mall, ana, [{ skuId, qty: 1 }]);
    await pay(ana, plain.body.id);
    const unknown = await mall.api('POST', '/api/orders', {
      token: ana.token,
      headers: { 'Idempotency-Key': `live-attr-${liveId}-4` },
      body: { items: [{ skuId, qty: 1 }], addressId: ana.addressId, from: 'live:0123456789abcdef01234567' },
    });
    await pay(ana, unknown.body.id);

    // 12000 (free shipping) + 2 × 12000
    expect(await stats(liveId)).toMatchObject({ orders: 2, payingMembers: 2, gmv: 36000, refundedOrders: 0 });

    // Redelivering the events changes nothing (keyed by the order).
    await mall.services.orders.deliverDue(new Date(Date.now() + 60_000));
    expect(await stats(liveId)).toMatchObject({ orders: 2, gmv: 36000 });

    // A full refund takes the order out of the live's sales, once.
    const support = await mall.loginAdmin('support');
    const refund = await mall.api('POST', `/api/admin/orders/${second.body.id}/refund`, {
      token: support,
      body: { reason: '不想要了' },
    });
    expect(refund.status).toBe(200);
    await mall.services.sandbox!.settled();
    await mall.services.orders.deliverDue(new Date(Date.now() + 60_000));
    expect(await stats(liveId)).toMatchObject({ orders: 1, payingMembers: 1, gmv: 12000, refundedOrders: 1 });
  });
});
