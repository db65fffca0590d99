/**
 * The operator's numbers on a fixture whose answers are computed by hand: real members, real orders
 * paid and refunded through the sandbox, invitations through the login flow.
 */
import { randomUUID } from 'node:crypto';
import { shopDay } from '@siyu/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { trustedOperators } from '../../../db/connection';
import { productWithStock } from '../../orders/__tests__/checkout-fixtures';
import { Order, type OrderDoc } from '../../orders/order.model';

let mall: TestMall;
let operator: string;
const today = shopDay(new Date());
const range = `from=${today}&to=${today}`;

async function member(nickname: string, inviteCode?: string) {
  const login = await mall.api('POST', '/api/auth/wechat-login', {
    body: { code: `demo:${nickname}${randomUUID().slice(0, 6)}`, ...(inviteCode ? { inviteCode } : {}) },
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.accessToken as string;
  const address = await mall.api('POST', '/api/addresses', {
    token,
    body: {
      name: '顾客',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
      isDefault: true,
    },
  });
  const invite = await mall.api('GET', '/api/me/invite', { token });
  return { id: login.body.member.id as string, token, addressId: address.body.id as string, code: invite.body.code };
}

async function paidOrder(buyer: { token: string; addressId: string }, price: number) {
  const { skuId } = await productWithStock(mall, { stock: 5, price });
  const order = await mall.api('POST', '/api/orders', {
    token: buyer.token,
    headers: { 'Idempotency-Key': `a-${randomUUID()}` },
    body: { items: [{ skuId, qty: 1 }], addressId: buyer.addressId },
  });
  expect(order.status).toBe(201);
  expect(order.body.amounts.payable).toBe(price); // ≥ ¥99: free shipping, regular members pay list price
  const pay = await mall.api('POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token });
  await fetch(pay.body.sandbox.confirmUrl, { method: 'POST', headers: { authorization: `Bearer ${buyer.token}` } });
  await mall.services.sandbox!.settled();
  return order.body.id as string;
}

beforeAll(async () => {
  mall = await startTestMall();
  operator = await mall.loginAdmin('operator');
  // A: two paid orders (¥100 + ¥120); B: one of ¥150, refunded; C: one of ¥99; D: none.
  const a = await member('alice');
  const b = await member('bob');
  const c = await member('carol');
  await member('dave');
  await paidOrder(a, 10_000);
  await paidOrder(a, 12_000);
  const refunded = await paidOrder(b, 15_000);
  await paidOrder(c, 9_900);
  await mall.services.payments.refund(refunded, '测试退款');
  await mall.services.sandbox!.settled();
  expect((await Order.findById(refunded).lean())?.status).toBe('refunded');
  // Invitations: A brings E and F, B brings G.
  await member('erin', a.code);
  await member('frank', a.code);
  await member('grace', b.code);
}, 120_000);

const expectedOverview = {
  paidAmount: 46_900,
  refundedAmount: 15_000,
  gmv: 31_900,
  orders: 4,
  payingMembers: 3,
  averageOrderValue: Math.floor(31_900 / 4),
  repurchaseRate: { numerator: 1, denominator: 3, text: '33.3%' },
  newMembers: 7,
  firstOrderWithin3Days: { numerator: 3, denominator: 7, text: '42.9%' },
  couponCost: 0,
};

describe('the measures match a hand-computed fixture', () => {
  it('overview: GMV nets out refunds; repurchase, new members and first orders within 3 days', async () => {
    const overview = await mall.api('GET', `/api/admin/analytics/overview?${range}`, { token: operator });
    expect(overview.status).toBe(200);
    expect(overview.body).toMatchObject(expectedOverview);
  });

  it('invitations: inviters, registrations and the K-factor', async () => {
    const invitations = await mall.api('GET', `/api/admin/analytics/invitations?${range}`, { token: operator });
    expect(invitations.body).toMatchObject({ inviters: 2, registrations: 3, firstOrders: 0, kFactor: '1.5' });
  });

  it('cohorts: this week registered 7, 3 ordered once, 1 twice', async () => {
    const cohorts = await mall.api('GET', `/api/admin/analytics/cohorts?${range}`, { token: operator });
    expect(cohorts.body.rows).toEqual([
      expect.objectContaining({
        registered: 7,
        firstOrder: 3,
        secondOrder: 1,
        firstOrderRate: { numerator: 3, denominator: 7, text: '42.9%' },
      }),
    ]);
  });

  it('tiers: every member is regular and holds the whole GMV', async () => {
    const tiers = await mall.api('GET', `/api/admin/analytics/tiers?${range}`, { token: operator });
    expect(tiers.body.rows[0]).toEqual({
      tier: 'regular',
      members: 7,
      gmv: 31_900,
      gmvShare: { numerator: 31_900, denominator: 31_900, text: '100.0%' },
    });
  });

  it('daily: one day with the GMV and orders of the overview', async () => {
    const daily = await mall.api('GET', `/api/admin/analytics/daily?${range}`, { token: operator });
    expect(daily.body.days).toEqual([{ day: today, gmv: 31_900, orders: 4, newMembers: 7 }]);
  });

  it('channels: the four who came by themselves bought everything; the three invitees came by invite', async () => {
    const channels = await mall.api('GET', `/api/admin/analytics/channels?${range}`, { token: operator });
    const row = (key: string) => channels.body.rows.find((candidate: { key: string }) => candidate.key === key);
    expect(row('organic')).toMatchObject({
      kind: 'channel',
      members: 4,
      firstOrdersWithin3Days: 3,
      repurchaseRate: { numerator: 1, denominator: 3, text: '33.3%' },
      gmv: 31_900,
      printed: null,
    });
    expect(row('invite')).toMatchObject({ members: 3, firstOrdersWithin3Days: 0, gmv: 0 });
  });
});

describe('rollups are exact and repeatable', () => {
  it('replaying every paid and refunded event changes nothing, and a rebuild from the sources agrees', async () => {
    const orders = await Order.find({ 'payment.paidAt': trustedOperators({ $ne: null }) }).lean<OrderDoc[]>();
    for (const order of orders) {
      await mall.services.analytics.onOrderPaid(order);
      if (order.status === 'refunded') await mall.services.analytics.onOrderRefunded(order, order.refund!.refundedAt!);
    }
    const replayed = await mall.api('GET', `/api/admin/analytics/overview?${range}`, { token: operator });
    expect(replayed.body).toMatchObject(expectedOverview);

    const rebuilt = await mall.services.analytics.rebuild();
    expect(rebuilt).toMatchObject({ orders: 4, members: 7 });
    const after = await mall.api('GET', `/api/admin/analytics/overview?${range}`, { token: operator });
    expect(after.body).toEqual(replayed.body);
  });
});

describe('CSV and access', () => {
  it('the CSV twin carries the same figures as the JSON', async () => {
    const json = await mall.api('GET', `/api/admin/analytics/overview?${range}`, { token: operator });
    const csv = await mall.api('GET', `/api/admin/analytics/overview?${range}&format=csv`, { token: operator });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const [header, values] = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const row = Object.fromEntries(header!.split(',').map((column, index) => [column, values!.split(',')[index]]));
    expect(Number(row.gmv)).toBe(json.body.gmv);
    expect(Number(row.orders)).toBe(json.body.orders);
    expect(row.repurchaseRate).toBe(json.body.repurchaseRate.text);

    const cohorts = await mall.api('GET', `/api/admin/analytics/cohorts?${range}&format=csv`, { token: operator });
    expect(String(cohorts.body).trim().split('\n')).toHaveLength(2);
  });

  it('a member or support token gets 403; a bad range is a 400 that says why', async () => {
    const shopper = await mall.loginMember();
    const support = await mall.loginAdmin('support');
    expect((await mall.api('GET', `/api/admin/analytics/overview?${range}`, { token: shopper.token })).status).toBe(
      403,
    );
    expect((await mall.api('GET', `/api/admin/analytics/overview?${range}`, { token: support })).status).toBe(403);
    const backwards = await mall.api('GET', '/api/admin/analytics/overview?from=2026-12-02&to=2026-12-01', {
      token: operator,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('invalid_query');
  });
});
