/** Coupons through the order flow: the preview's choice, the hold under concurrency, use on payment, return on cancel. */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { createCategory, createProduct, setTier } from '../../catalog/__tests__/fixtures';
import { productWithStock, shopper, stockOf } from '../../orders/__tests__/checkout-fixtures';
import { CouponMember, MemberCoupon } from '../coupon.model';
import { createTemplate, operator, over99minus20, tenOff } from './fixtures';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

type Buyer = Awaited<ReturnType<typeof shopper>>;

async function claimOne(buyer: { token: string }, rule: Record<string, unknown>) {
  const template = await createTemplate(mall, rule);
  const claimed = await mall.api('POST', `/api/coupons/${template.id}/claim`, { token: buyer.token });
  if (claimed.status !== 201) throw new Error(`claim: ${claimed.status} ${JSON.stringify(claimed.body)}`);
  return claimed.body.id as string;
}

function preview(buyer: Buyer, items: { skuId: string; qty: number }[], couponId?: string | null) {
  return mall.api('POST', '/api/orders/preview', {
    token: buyer.token,
    body: { items, ...(couponId !== undefined ? { couponId } : {}) },
  });
}

function order(buyer: Buyer, items: { skuId: string; qty: number }[], couponId?: string | null) {
  return mall.api('POST', '/api/orders', {
    token: buyer.token,
    headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    body: { items, addressId: buyer.addressId, ...(couponId !== undefined ? { couponId } : {}) },
  });
}

async function pay(buyer: Buyer, orderId: string) {
  const started = await mall.api('POST', `/api/orders/${orderId}/pay`, { token: buyer.token });
  expect(started.status).toBe(200);
  await fetch(started.body.sandbox.confirmUrl, { method: 'POST' });
  const view = await mall.api('GET', `/api/orders/${orderId}`, { token: buyer.token });
  expect(view.body.status).toBe('paid');
}

const couponState = async (id: string) => (await MemberCoupon.findById(id).lean())!;

describe('the preview', () => {
  it('lists every coupon with its saving or its reason, picks the best by default; null means none; an id means that one', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 20, price: 6800 });
    const ten = await claimOne(buyer, tenOff);
    const full = await claimOne(buyer, over99minus20);
    const gold = await claimOne(buyer, { ...tenOff, amountOff: 3000 });
    await MemberCoupon.updateOne({ _id: gold }, { $set: { minTier: 'gold' } });

    const best = await preview(buyer, [{ skuId, qty: 1 }]);
    expect(best.status).toBe(200);
    expect(best.body.couponId).toBe(ten);
    expect(best.body.amounts).toMatchObject({
      itemsTotal: 6800,
      couponDiscount: 1000,
      shippingFee: 800,
      payable: 6600,
    });
    expect(best.body.breakdown).toContainEqual({ label: '优惠券（无门槛减10）', amount: -1000, kind: 'discount' });
    const byId = Object.fromEntries(best.body.coupons.map((option: { couponId: string }) => [option.couponId, option]));
    expect(byId[ten]).toMatchObject({ usable: true, saving: 1000 });
    expect(byId[full]).toMatchObject({ usable: false, reason: 'coupon_below_threshold' });
    expect(byId[full].reasonText).toContain('还差¥31.00');
    expect(byId[gold]).toMatchObject({ usable: false, reason: 'coupon_tier_too_low' });

    // Two units reach 满99: 满99减20 now saves more than ¥10.
    expect((await preview(buyer, [{ skuId, qty: 2 }])).body).toMatchObject({
      couponId: full,
      amounts: { couponDiscount: 2000, shippingFee: 0, payable: 13600 - 2000 },
    });
    expect((await preview(buyer, [{ skuId, qty: 1 }], null)).body).toMatchObject({
      couponId: null,
      amounts: { couponDiscount: 0, payable: 7600 },
    });
    expect((await preview(buyer, [{ skuId, qty: 2 }], ten)).body).toMatchObject({
      couponId: ten,
      amounts: { couponDiscount: 1000, payable: 12600 },
    });
  });

  it('refuses a coupon outside its products, tier, threshold or dates with a clear code, and someone else’s as not found', async () => {
    const buyer = await shopper(mall);
    const category = await createCategory(mall, `券-${randomUUID().slice(0, 6)}`);
    const product = await createProduct(mall, {
      title: '券外商品',
      categoryId: category.id,
      skus: [{ specs: [{ name: '规格', value: '50g' }], price: 5000, stock: 10 }],
    });
    const skuId = product.skus[0]!.id;
    const items = [{ skuId, qty: 1 }];
    const otherProducts = await claimOne(buyer, {
      ...tenOff,
      scope: { type: 'products', productIds: ['0123456789abcdef01234567'] },
    });
    // Claimed while gold, used after falling back to regular (a tier can drop at the yearly review).
    await setTier(buyer.id, 'gold');
    const goldOnly = await claimOne(buyer, { ...tenOff, minTier: 'gold' });
    await setTier(buyer.id, 'regular');
    const threshold = await claimOne(buyer, over99minus20);
    const expired = await claimOne(buyer, tenOff);
    await MemberCoupon.updateOne({ _id: expired }, { $set: { validUntil: new Date(Date.now() - 1000) } });
    const notYet = await claimOne(buyer, tenOff);
    await MemberCoupon.updateOne({ _id: notYet }, { $set: { validFrom: new Date(Date.now() + 86_400_000) } });

    const expectations: [string, string][] = [
      [otherProducts, 'coupon_not_applicable'],
      [goldOnly, 'coupon_tier_too_low'],
      [threshold, 'coupon_below_threshold'],
      [expired, 'coupon_expired'],
      [notYet, 'coupon_not_started'],
    ];
    for (const [couponId, code] of expectations) {
      const previewed = await preview(buyer, items, couponId);
      expect([previewed.status, previewed.body.error?.code]).toEqual([409, code]);
      const placed = await order(buyer, items, couponId);
      expect([placed.status, placed.body.error?.code]).toEqual([409, code]);
    }
    expect(await stockOf(skuId)).toBe(10);
    const stranger = await shopper(mall);
    const theirs = await claimOne(stranger, tenOff);
    expect((await order(buyer, items, theirs)).body.error.code).toBe('coupon_not_found');
    // The tier coupon becomes usable once the member is gold.
    await setTier(buyer.id, 'gold');
    expect((await preview(buyer, items, goldOnly)).status).toBe(200);
  });
});

describe('a coupon is an order hold', () => {
  it('one coupon on two concurrent orders: one order gets it, the other is refused and takes no stock', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 6800 });
    const coupon = await claimOne(buyer, tenOff);
    const answers = await Promise.all(Array.from({ length: 2 }, () => order(buyer, [{ skuId, qty: 1 }], coupon)));
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    expect(won[0]!.body.amounts).toMatchObject({ couponDiscount: 1000, payable: 6800 - 1000 + 800 });
    const lost = answers.find((a) => a.status !== 201)!;
    expect([lost.status, lost.body.error.code]).toEqual([409, 'coupon_locked']);
    expect(await stockOf(skuId)).toBe(9);
    expect(await couponState(coupon)).toMatchObject({ status: 'locked', lockedBy: won[0]!.body.id });
  });

  it('cancelling returns the coupon once, also when the cancel and the timeout job race; it can then pay another order', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 6800 });
    const coupon = await claimOne(buyer, tenOff);
    const first = await order(buyer, [{ skuId, qty: 1 }], coupon);
    expect(first.status).toBe(201);
    const later = new Date(new Date(first.body.expiresAt).getTime() + 1000);
    await Promise.all([
      mall.api('POST', `/api/orders/${first.body.id}/cancel`, { token: buyer.token }),
      mall.services.payments.cancelExpired(later),
      mall.services.payments.cancelExpired(later),
    ]);
    await mall.services.orders.deliverDue(new Date(Date.now() + 60_000));
    expect(await couponState(coupon)).toMatchObject({ status: 'available', lockedBy: null });
    expect(await stockOf(skuId)).toBe(10);

    const second = await order(buyer, [{ skuId, qty: 1 }], coupon);
    expect(second.status).toBe(201);
    // A late give-back for the first order (a redelivery) must not free the coupon the second one holds.
    await mall.services.coupons.hold.giveBack({ _id: first.body.id, couponId: coupon } as never, 'cancelled');
    expect(await couponState(coupon)).toMatchObject({ status: 'locked', lockedBy: second.body.id });
  });

  it('paying uses it (我的优惠券 → 已使用 with the order); a full refund keeps it used (the documented default)', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 12000 });
    const coupon = await claimOne(buyer, over99minus20);
    const placed = await order(buyer, [{ skuId, qty: 1 }], coupon);
    expect(placed.body.amounts).toMatchObject({ couponDiscount: 2000, shippingFee: 0, payable: 10000 });
    await pay(buyer, placed.body.id);
    expect(await couponState(coupon)).toMatchObject({ status: 'used', usedBy: placed.body.id });
    const used = await mall.api('GET', '/api/me/coupons?status=used', { token: buyer.token });
    expect(used.body.items.map((c: { id: string; usedOrderId: string }) => [c.id, c.usedOrderId])).toEqual([
      [coupon, placed.body.id],
    ]);
    const support = await mall.loginAdmin('support');
    const refund = await mall.api('POST', `/api/admin/orders/${placed.body.id}/refund`, {
      token: support,
      body: { reason: '顾客不想要了' },
    });
    expect(refund.status).toBe(200);
    await mall.services.sandbox!.settled();
    await mall.services.orders.deliverDue(new Date(Date.now() + 60_000));
    expect((await mall.api('GET', `/api/orders/${placed.body.id}`, { token: buyer.token })).body.status).toBe(
      'refunded',
    );
    expect((await couponState(coupon)).status).toBe('used');
    expect((await preview(buyer, [{ skuId, qty: 1 }], coupon)).body.error.code).toBe('coupon_used');
  });

  it('totals never go below zero: ¥10 无门槛 on a ¥9.90 item leaves only shipping to pay', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 990 });
    const coupon = await claimOne(buyer, tenOff);
    const placed = await order(buyer, [{ skuId, qty: 1 }], coupon);
    expect(placed.body.amounts).toMatchObject({ itemsTotal: 990, couponDiscount: 990, shippingFee: 800, payable: 800 });
    expect(placed.body.items[0].lineTotal).toBe(990);
  });
});

describe('the new member’s first order', () => {
  it('a 9.9 new-member SKU is refused to a member with a paid order, and open to a new member', async () => {
    const { skuId } = await productWithStock(mall, { stock: 10, price: 990, limitPerMember: 1 });
    const flagged = await mall.api('PUT', `/api/admin/coupons/new-member-skus/${skuId}`, {
      token: await operator(mall),
      body: { newMembersOnly: true },
    });
    expect(flagged.body).toEqual({ skuId, newMembersOnly: true });
    const { skuId: other } = await productWithStock(mall, { stock: 10, price: 5000 });

    const veteran = await shopper(mall);
    const earlier = await order(veteran, [{ skuId: other, qty: 1 }]);
    await pay(veteran, earlier.body.id);
    const refused = await order(veteran, [{ skuId, qty: 1 }]);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'new_members_only_sku']);
    expect((await preview(veteran, [{ skuId, qty: 1 }])).body.error.code).toBe('new_members_only_sku');

    const newbie = await shopper(mall);
    const trial = await order(newbie, [{ skuId, qty: 1 }]);
    expect(trial.status).toBe(201);
    expect(await stockOf(skuId)).toBe(9);
  });

  it('a new-members-only coupon is refused once the member has paid an order', async () => {
    const buyer = await shopper(mall);
    const { skuId } = await productWithStock(mall, { stock: 10, price: 5000 });
    const coupon = await claimOne(buyer, { ...tenOff, newMembersOnly: true });
    const first = await order(buyer, [{ skuId, qty: 1 }], coupon);
    expect(first.status).toBe(201);
    await pay(buyer, first.body.id);
    const again = await claimOne(buyer, { ...tenOff, newMembersOnly: true }).catch((error: Error) => error.message);
    expect(String(again)).toContain('coupon_new_members_only');
  });

  it('counts a first order paid within 3 days of registering as a first-order conversion, a later one not', async () => {
    const { skuId } = await productWithStock(mall, { stock: 10, price: 5000 });
    const since = new Date(Date.now() - 10 * 86_400_000);
    const before = await mall.services.coupons.firstOrderConversion(since, new Date(Date.now() + 60_000));
    const quick = await shopper(mall);
    const slow = await shopper(mall);
    await CouponMember.updateOne(
      { _id: slow.id },
      { $set: { welcomeIssuedAt: new Date(Date.now() - 5 * 86_400_000) } },
    );
    for (const buyer of [quick, slow]) {
      const placed = await order(buyer, [{ skuId, qty: 1 }]);
      await pay(buyer, placed.body.id);
    }
    const after = await mall.services.coupons.firstOrderConversion(since, new Date(Date.now() + 60_000));
    expect(after.registered - before.registered).toBe(2);
    expect(after.converted - before.converted).toBe(1);
    expect((await CouponMember.findById(quick.id).lean())?.convertedInWindow).toBe(true);
  });
});
