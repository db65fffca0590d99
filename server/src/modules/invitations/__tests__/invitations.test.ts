import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { productWithStock } from '../../orders/__tests__/checkout-fixtures';
import { PointsEntry } from '../../points/points.model';
import { Invitation } from '../invitations.model';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

async function inviterAndFriend() {
  const inviter = await mall.loginMember();
  const me = await mall.api('GET', '/api/me', { token: inviter.token });
  const login = await mall.api('POST', '/api/auth/wechat-login', {
    body: { code: `demo:f${randomUUID().slice(0, 8)}`, inviteCode: me.body.inviteCode },
  });
  expect(login.status).toBe(200);
  const friend = { id: login.body.member.id as string, token: login.body.accessToken as string };
  const address = await mall.api('POST', '/api/addresses', {
    token: friend.token,
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
  return { inviter, friend: { ...friend, addressId: address.body.id as string } };
}

async function paidOrder(buyer: { id: string; token: string; addressId: string }, skuId: string) {
  const order = await mall.api('POST', '/api/orders', {
    token: buyer.token,
    headers: { 'Idempotency-Key': `inv-${randomUUID()}` },
    body: { items: [{ skuId, qty: 1 }], addressId: buyer.addressId },
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const pay = await mall.api('POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token });
  await fetch(pay.body.sandbox.confirmUrl, { method: 'POST', headers: { authorization: `Bearer ${buyer.token}` } });
  await mall.services.sandbox!.settled();
  return order.body.id as string;
}

const inviteRewards = (inviterId: string) =>
  PointsEntry.find({ member: inviterId, 'source.type': 'task:invite-friend' }).sort({ seq: 1 }).lean();

describe('invitations follow the friend’s orders', () => {
  it("a friend's first paid order refunded before completion gives the inviter nothing; the next completed order does, once", async () => {
    const { inviter, friend } = await inviterAndFriend();
    const { skuId } = await productWithStock(mall, { stock: 10, price: 5000 });

    const first = await paidOrder(friend, skuId);
    let invitation = await Invitation.findById(friend.id).lean();
    expect(invitation).toMatchObject({ status: 'ordered', qualifyingOrder: first });
    let summary = await mall.api('GET', '/api/me/invitations', { token: inviter.token });
    expect(summary.body.records).toMatchObject([{ status: 'ordered', rewardPoints: 0 }]);

    await mall.services.payments.refund(first, '不想要了');
    await mall.services.sandbox!.settled();
    invitation = await Invitation.findById(friend.id).lean();
    expect(invitation).toMatchObject({ status: 'joined', qualifyingOrder: null });
    expect(await inviteRewards(inviter.id)).toEqual([]);

    const second = await paidOrder(friend, skuId);
    await mall.services.orders.ship(second, { carrier: '顺丰', trackingNo: 'SF1122334455' });
    await mall.services.orders.complete({ _id: second }, 'member');
    expect((await inviteRewards(inviter.id)).map((entry) => [entry.kind, entry.delta])).toEqual([['task', 100]]);
    // A redelivered completion (the job after a crash) pays nothing more.
    await mall.services.invitations.onOrderCompleted({ memberId: friend.id, orderId: second });
    expect(await inviteRewards(inviter.id)).toHaveLength(1);

    summary = await mall.api('GET', '/api/me/invitations', { token: inviter.token });
    expect(summary.body).toMatchObject({
      invitedCount: 1,
      orderedCount: 1,
      rewardedCount: 1,
      records: [{ status: 'rewarded', rewardPoints: 100 }],
    });
  });

  it('past the monthly cap a friend is recorded as capped and pays nothing, now or later', async () => {
    const owner = await mall.loginAdmin('owner');
    const tasks = await mall.api('GET', '/api/admin/tasks', { token: owner });
    const invite = tasks.body.find((task: any) => task.code === 'invite-friend');
    await mall.api('PUT', '/api/admin/tasks/invite-friend', {
      token: owner,
      body: { title: invite.title, description: invite.description, points: 100, monthlyCap: 1, enabled: true },
    });
    try {
      const inviter = await mall.loginMember();
      const me = await mall.api('GET', '/api/me', { token: inviter.token });
      const friends: string[] = [];
      for (let i = 0; i < 2; i++) {
        const login = await mall.api('POST', '/api/auth/wechat-login', {
          body: { code: `demo:c${randomUUID().slice(0, 8)}`, inviteCode: me.body.inviteCode },
        });
        friends.push(login.body.member.id);
      }
      for (const friend of friends) {
        const orderId = new Types.ObjectId().toString();
        await mall.services.invitations.onOrderPaid({ memberId: friend, orderId });
        await mall.services.invitations.onOrderCompleted({ memberId: friend, orderId });
      }
      expect((await inviteRewards(inviter.id)).map((entry) => entry.delta).sort()).toEqual([0, 100]);
      const summary = await mall.api('GET', '/api/me/invitations', { token: inviter.token });
      expect(summary.body.records.map((record: any) => record.status).sort()).toEqual(['capped', 'rewarded']);
      expect(summary.body).toMatchObject({ rewardedThisMonth: 1, monthlyCap: 1 });
    } finally {
      await mall.api('PUT', '/api/admin/tasks/invite-friend', {
        token: owner,
        body: { title: invite.title, description: invite.description, points: 100, monthlyCap: 10, enabled: true },
      });
    }
  });

  it("gives the poster's share path, a scene of at most 32 characters and the mini-program code image", async () => {
    const member = await mall.loginMember();
    const summary = await mall.api('GET', '/api/me/invitations', { token: member.token });
    expect(summary.status).toBe(200);
    expect(summary.body.path).toBe(`/pages/home/index?invite=${summary.body.code}`);
    expect(summary.body.page).toBe('packages/growth/join/index');
    expect(summary.body.scene).toBe(`inv=${summary.body.code}`);
    expect(summary.body.scene.length).toBeLessThanOrEqual(32);
    expect(summary.body.records).toEqual([]);
    const image = await fetch(`${mall.baseUrl}/api/me/invitations/code.png`, {
      headers: { authorization: `Bearer ${member.token}` },
    });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await fetch(`${mall.baseUrl}/api/me/invitations/code.png`)).status).toBe(401);
  });
});
