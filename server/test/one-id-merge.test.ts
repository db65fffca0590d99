/**
 * One-ID merge: when two member records turn out to share a unionid, the retired record's points
 * ledger, growth (and tier), orders, addresses and cart move to the surviving member, exactly once,
 * and a merge a crash interrupted is finished by the merge job without moving anything twice.
 * Coupons take part through `services.coupons.moveMember` (its own test is in the coupons module).
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Address } from '../src/modules/addresses/address.model';
import { Cart } from '../src/modules/cart/cart.model';
import { Member } from '../src/modules/identity/member.model';
import { MemberMerge } from '../src/modules/identity/member-merge.model';
import { GrowthEntry } from '../src/modules/membership/membership.model';
import { placeOrder, productWithStock } from '../src/modules/orders/__tests__/checkout-fixtures';
import { Order } from '../src/modules/orders/order.model';
import { type FakeWechat, startFakeWechat } from './fakes/wechat';
import { startTestMall, type TestMall } from './harness';
import { tellCompleted } from './order-events';

let mall: TestMall;
let wechat: FakeWechat;
let skuId: string;

beforeAll(async () => {
  wechat = await startFakeWechat();
  mall = await startTestMall({
    WECHAT_APPID: wechat.appid,
    WECHAT_SECRET: wechat.secret,
    WECHAT_API_BASE: wechat.baseUrl,
  });
  skuId = (await productWithStock(mall, { stock: 100 })).skuId;
});
afterAll(() => wechat.close());

const login = async (openid: string, unionid?: string) => {
  const answer = await mall.api('POST', '/api/auth/wechat-login', {
    body: { code: wechat.issueLoginCode({ openid, ...(unionid ? { unionid } : {}) }) },
  });
  expect(answer.status).toBe(200);
  return { token: answer.body.accessToken as string, id: answer.body.member.id as string };
};

/** A member with some of everything: points earned and spent, growth (to 银卡), an order, an address, a cart line. */
async function furnish(member: { token: string; id: string }, tag: string) {
  const { points } = mall.services;
  await points.apply({ memberId: member.id, delta: 300, kind: 'task', source: { type: 'test', id: `${tag}-1` } });
  await points.apply({ memberId: member.id, delta: -120, kind: 'spend', source: { type: 'test', id: `${tag}-2` } });
  await tellCompleted(mall, {
    memberId: member.id,
    orderId: new Types.ObjectId().toString(),
    orderNo: `T${tag}`,
    paidAmount: 60_000,
    pointsEarned: 0,
  });
  const address = await mall.api('POST', '/api/addresses', {
    token: member.token,
    body: {
      name: '林小满',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: `龙井路 ${tag} 号`,
      isDefault: true,
    },
  });
  const order = await placeOrder(mall, { token: member.token, addressId: address.body.id }, [{ skuId, qty: 1 }]);
  expect(order.status).toBe(201);
  await mall.api('PUT', `/api/cart/items/${skuId}`, { token: member.token, body: { qty: 2 } });
  return { orderId: order.body.id as string, addressId: address.body.id as string };
}

const balanceOf = async (id: string) => (await Member.findById(id).lean())!;

describe('One-ID merge', () => {
  it('moves the retired record’s points, growth and tier, orders, addresses and cart to the survivor, once', async () => {
    const older = await login('o-merge-old');
    const newer = await login('o-merge-new', 'u-merge-1');
    const { orderId, addressId } = await furnish(newer, 'n1');
    const before = await balanceOf(newer.id);
    const olderBefore = await balanceOf(older.id);
    expect(before.pointsBalance).toBeGreaterThanOrEqual(180);
    expect(before.growth).toBe(600);
    expect(before.tier).toBe('silver');
    expect(olderBefore.tier).toBe('regular');

    // The first app learns the unionid: both records are one person; the older survives.
    const merged = await login('o-merge-old', 'u-merge-1');
    expect(merged.id).toBe(older.id);

    const survivor = await balanceOf(older.id);
    const retired = await balanceOf(newer.id);
    expect(retired.status).toBe('merged');
    expect(survivor.pointsBalance).toBe(olderBefore.pointsBalance + before.pointsBalance);
    expect(retired.pointsBalance).toBe(0);
    expect(survivor.growth).toBe(600);
    expect(survivor.tier).toBe('silver');
    expect((await Order.findById(orderId).lean())!.member.toString()).toBe(older.id);
    expect((await Address.findById(addressId).lean())!.member.toString()).toBe(older.id);
    expect(Object.keys((await Cart.findById(older.id).lean<any>())?.items ?? {})).toEqual([skuId]);
    expect(await Cart.exists({ _id: newer.id })).toBeNull();
    expect(await MemberMerge.findById(newer.id).lean()).toMatchObject({ status: 'done' });
    // Growth keeps its dates, so the 12-month window sees the same history.
    const copied = await GrowthEntry.findOne({ member: older.id, 'source.type': 'member-merge' }).lean();
    const original = await GrowthEntry.findOne({ member: newer.id, kind: 'earn' }).lean();
    expect(copied!.createdAt.getTime()).toBe(original!.createdAt.getTime());
    // The survivor sees the moved order and can act on it.
    const orders = await mall.api('GET', '/api/orders', { token: merged.token });
    expect(orders.body.items.map((o: { id: string }) => o.id)).toContain(orderId);
    expect((await mall.services.points.checkConsistency()).ok).toBe(true);

    // Running it again (the job, a second instance, a repeated login) moves nothing twice.
    await mall.services.identity.mergeMembers(older.id, newer.id);
    await MemberMerge.updateOne({ _id: newer.id }, { $set: { status: 'pending', steps: {} } });
    expect(await mall.services.identity.finishMerges()).toBe(1);
    const again = await balanceOf(older.id);
    expect(again.pointsBalance).toBe(survivor.pointsBalance);
    expect(again.growth).toBe(600);
  });

  it('a merge cut short (a module failed, or the process died) is finished by the merge job, exactly once', async () => {
    const survivor = await login('o-crash-old');
    const retired = await login('o-crash-new');
    await furnish(survivor, 's2');
    const { orderId } = await furnish(retired, 'r2');
    const expected = (await balanceOf(survivor.id)).pointsBalance + (await balanceOf(retired.id)).pointsBalance;
    // A crash right after the intent was recorded and the points step ran, before it was marked done.
    await MemberMerge.create({
      _id: retired.id,
      into: survivor.id,
      status: 'pending',
      steps: {},
      createdAt: new Date(),
    });
    const { movePointsMember } = await import('../src/modules/points/points.merge');
    await movePointsMember(mall.services.points, retired.id, survivor.id);
    // And a module that fails once: the merge stays pending and says why.
    let failures = 1;
    mall.services.identity.registerMergeParticipant('flaky-test-module', async () => {
      if (failures-- > 0) throw new Error('engine went away');
    });
    expect(await mall.services.identity.finishMerges()).toBe(0);
    const stuck = await MemberMerge.findById(retired.id).lean();
    expect(stuck).toMatchObject({ status: 'pending', lastError: expect.stringContaining('flaky-test-module') });
    expect(await mall.services.identity.finishMerges()).toBe(1);

    const after = await balanceOf(survivor.id);
    expect(after.pointsBalance).toBe(expected);
    expect(after.growth).toBe(1200);
    expect((await balanceOf(retired.id)).pointsBalance).toBe(0);
    expect((await balanceOf(retired.id)).status).toBe('merged');
    expect((await Order.findById(orderId).lean())!.member.toString()).toBe(survivor.id);
    expect((await mall.services.points.checkConsistency()).ok).toBe(true);
  });
});
