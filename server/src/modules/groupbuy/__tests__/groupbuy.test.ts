import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { trustedOperators } from '../../../db/connection';
import { placeOrder, stockOf } from '../../orders/__tests__/checkout-fixtures';
import { Order } from '../../orders/order.model';
import { Group, GroupBuyCampaign, GroupBuyQuota } from '../groupbuy.model';
import { campaign, joinGroup, openGroup, openPaidGroup, passDeadline, pay, shopper } from './groupbuy-fixtures';

let mall: TestMall;
beforeAll(async () => {
  mall = await startTestMall();
});

const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const groupBuy = () => mall.services.groupBuy;

describe('campaigns (operator)', () => {
  it('an operator creates, lists, pauses, resumes and ends a campaign; support may not; bad input writes nothing', async () => {
    const { id, operator } = await campaign(mall, { groupSize: 3, stock: 20 });
    const support = await mall.loginAdmin('support');
    const forbidden = await mall.api('GET', '/api/admin/group-buys', { token: support });
    expect(forbidden.status).toBe(403);

    const got = await mall.api('GET', `/api/admin/group-buys/${id}`, { token: operator });
    expect(got.body).toMatchObject({ id, groupSize: 3, stock: 20, stockLeft: 20, status: 'active' });
    expect(got.body.skus[0]).toMatchObject({ groupPrice: 4900, listPrice: 6800 });

    const bad = await mall.api('POST', '/api/admin/group-buys', {
      token: operator,
      body: { ...got.body, groupSize: 11 },
    });
    expect(bad.status).toBe(400);

    expect((await mall.api('POST', `/api/admin/group-buys/${id}/pause`, { token: operator })).body.status).toBe(
      'paused',
    );
    const store = await mall.api('GET', '/api/group-buys');
    expect(store.body.map((card: { id: string }) => card.id)).not.toContain(id);
    expect((await mall.api('POST', `/api/admin/group-buys/${id}/resume`, { token: operator })).body.status).toBe(
      'active',
    );
    expect((await mall.api('GET', '/api/group-buys')).body.map((card: { id: string }) => card.id)).toContain(id);
    expect((await mall.api('POST', `/api/admin/group-buys/${id}/end`, { token: operator })).body.status).toBe('ended');
    const resumed = await mall.api('POST', `/api/admin/group-buys/${id}/resume`, { token: operator });
    expect(resumed.status).toBe(409);
  });

  it('a group price must be below the list price', async () => {
    const { productId, skuId, operator } = await campaign(mall);
    const answer = await mall.api('POST', '/api/admin/group-buys', {
      token: operator,
      body: {
        productId,
        skus: [{ skuId, groupPrice: 6800 }],
        groupSize: 2,
        groupMinutes: 10,
        startsAt: new Date().toISOString(),
        endsAt: later(60).toISOString(),
        stock: 5,
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('campaign_price_invalid');
  });
});

describe('opening a group', () => {
  it("creates the leader's order at the group price, gated 待成团; the group opens (and its deadline starts) only when the leader pays", async () => {
    const { id, skuId } = await campaign(mall, { groupSize: 3, groupMinutes: 90 });
    const leader = await shopper(mall, 'leader-open');
    const opened = await openGroup(mall, leader, id, skuId, 'open-key-0001');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.order).toMatchObject({ status: 'pending_payment' });
    expect(opened.body.order.items[0]).toMatchObject({ unitPrice: 4900, priceSource: 'group', listPrice: 6800 });
    expect(opened.body.group).toMatchObject({ status: 'awaiting_leader', deadline: null, seatsLeft: 2 });

    // The same request again is the same group and the same order.
    const again = await openGroup(mall, leader, id, skuId, 'open-key-0001');
    expect(again.status).toBe(201);
    expect(again.body.group.id).toBe(opened.body.group.id);
    expect(again.body.order.id).toBe(opened.body.order.id);

    const early = await shopper(mall);
    const tooEarly = await joinGroup(mall, early, opened.body.group.id, skuId);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.code).toBe('groupbuy_leader_unpaid');

    const before = Date.now();
    await pay(mall, leader, opened.body.order.id);
    const landing = await mall.api('GET', `/api/groups/${opened.body.group.id}`);
    expect(landing.status).toBe(200);
    expect(landing.body).toMatchObject({
      status: 'open',
      seatsLeft: 2,
      paidCount: 1,
      groupPrice: 4900,
      listPrice: 6800,
    });
    const deadline = new Date(landing.body.deadline).getTime();
    expect(deadline).toBeGreaterThanOrEqual(before + 90 * 60_000 - 5000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 90 * 60_000 + 5000);
    // The share landing is public and shows a member's face only: nickname and avatar.
    expect(landing.body.members).toEqual([
      { nickname: 'leader-open', avatar: expect.any(String), leader: true, paid: true },
    ]);
    expect(JSON.stringify(landing.body)).not.toContain(leader.id);
    expect(landing.body.viewer).toMatchObject({ role: 'visitor', actions: ['join'] });

    const order = await mall.api('GET', `/api/orders/${opened.body.order.id}`, { token: leader.token });
    expect(order.body.statusText).toBe('待成团');
    const mine = await mall.api('GET', `/api/groups/${opened.body.group.id}`, { token: leader.token });
    expect(mine.body.viewer).toMatchObject({ role: 'leader', actions: ['invite', 'view_order'] });
  });

  it('a try refused before any order existed (an unknown address) can be repeated with the same key', async () => {
    const { id, skuId } = await campaign(mall);
    const leader = await shopper(mall);
    const refused = await mall.api('POST', `/api/group-buys/${id}/groups`, {
      token: leader.token,
      headers: { 'Idempotency-Key': 'open-retry-0001' },
      body: { skuId, addressId: 'ffffffffffffffffffffffff' },
    });
    expect(refused.status).toBe(404);
    const retried = await openGroup(mall, leader, id, skuId, 'open-retry-0001');
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.body.group.status).toBe('awaiting_leader');
    expect(await Group.countDocuments({ leaderId: leader.id })).toBe(1);
  });

  it('a member cannot hold two running groups of one campaign', async () => {
    const { id, skuId } = await campaign(mall);
    const leader = await shopper(mall);
    expect((await openGroup(mall, leader, id, skuId)).status).toBe(201);
    const second = await openGroup(mall, leader, id, skuId);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('groupbuy_one_open_group');

    const other = await openPaidGroup(mall, id, skuId);
    const joinAnother = await joinGroup(mall, leader, other.groupId, skuId);
    expect(joinAnother.status).toBe(409);
    expect(joinAnother.body.error.code).toBe('groupbuy_one_open_group');
  });

  it('one member opening four groups of a campaign at once gets exactly one; the others 409 groupbuy_one_open_group', async () => {
    const { id, skuId } = await campaign(mall, { stock: 10 });
    const leader = await shopper(mall);
    const answers = await Promise.all(Array.from({ length: 4 }, () => openGroup(mall, leader, id, skuId)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body.error.code])).toEqual(
      Array(3).fill([409, 'groupbuy_one_open_group']),
    );
    expect((await GroupBuyCampaign.findById(id).lean())!.stockLeft).toBe(9);
  });
});

describe('joining', () => {
  it('refuses, each with its own code: own group, the same group twice, a full group, a group past its deadline', async () => {
    const { id, skuId } = await campaign(mall, { groupSize: 2 });
    const { leader, groupId } = await openPaidGroup(mall, id, skuId);
    const own = await joinGroup(mall, leader, groupId, skuId);
    expect([own.status, own.body.error.code]).toEqual([409, 'groupbuy_own_group']);

    const friend = await shopper(mall);
    const joined = await joinGroup(mall, friend, groupId, skuId, 'join-key-0001');
    expect(joined.status).toBe(201);
    // Repeating the same request answers the same order; another request is "twice".
    const repeat = await joinGroup(mall, friend, groupId, skuId, 'join-key-0001');
    expect(repeat.status).toBe(201);
    expect(repeat.body.order.id).toBe(joined.body.order.id);
    const twice = await joinGroup(mall, friend, groupId, skuId);
    expect([twice.status, twice.body.error.code]).toEqual([409, 'groupbuy_already_joined']);

    const third = await shopper(mall);
    const full = await joinGroup(mall, third, groupId, skuId);
    expect([full.status, full.body.error.code]).toEqual([409, 'groupbuy_full']);

    const late = await openPaidGroup(mall, id, skuId);
    await passDeadline(late.groupId);
    const expired = await joinGroup(mall, third, late.groupId, skuId);
    expect([expired.status, expired.body.error.code]).toEqual([409, 'groupbuy_expired']);
  });

  it('10 concurrent joins for the last seat of a group of 3: exactly one gets it, the others 409 groupbuy_full', async () => {
    const { id, skuId } = await campaign(mall, { groupSize: 3, stock: 30 });
    const { groupId } = await openPaidGroup(mall, id, skuId);
    const first = await shopper(mall);
    expect((await joinGroup(mall, first, groupId, skuId)).status).toBe(201);
    const racers = await Promise.all(Array.from({ length: 10 }, (_, i) => shopper(mall, `racer-${i}`)));
    const answers = await Promise.all(racers.map((racer) => joinGroup(mall, racer, groupId, skuId)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => [a.status, a.body.error.code])).toEqual(Array(9).fill([409, 'groupbuy_full']));
    const group = (await Group.findById(groupId).lean())!;
    expect(group.seatCount).toBe(3);
    expect(group.orderIds).toHaveLength(3);
    // Three seats hold three units of the campaign's allotment: nothing leaked by the nine refusals.
    const stored = (await GroupBuyCampaign.findById(id).lean())!;
    expect(stored.stockLeft).toBe(27);
    expect(stored.stockHolders.sort()).toEqual([...group.orderIds].sort());
  });

  it('a joiner who cancels gives the seat back, once, and another member can take it', async () => {
    const { id, skuId, productId: _ } = await campaign(mall, { groupSize: 2, stock: 10 });
    const { groupId } = await openPaidGroup(mall, id, skuId);
    const quitter = await shopper(mall);
    const joined = await joinGroup(mall, quitter, groupId, skuId);
    expect(joined.status).toBe(201);
    const cancel = await mall.api('POST', `/api/orders/${joined.body.order.id}/cancel`, { token: quitter.token });
    expect(cancel.status).toBe(200);
    await mall.api('POST', `/api/orders/${joined.body.order.id}/cancel`, { token: quitter.token });
    const group = (await Group.findById(groupId).lean())!;
    expect(group.seatCount).toBe(1);
    expect((await GroupBuyCampaign.findById(id).lean())!.stockLeft).toBe(9);
    expect((await GroupBuyQuota.findById(`${id}:${quitter.id}`).lean())!.count).toBe(0);
    const next = await shopper(mall);
    expect((await joinGroup(mall, next, groupId, skuId)).status).toBe(201);
  });

  it('newMembersOnly refuses a member with an earlier paid order and takes a member without one', async () => {
    const { id, skuId } = await campaign(mall, { groupSize: 3, newMembersOnly: true });
    const { groupId } = await openPaidGroup(mall, id, skuId);
    const regular = await shopper(mall);
    const earlier = await placeOrder(mall, regular, [{ skuId, qty: 1 }]);
    await pay(mall, regular, earlier.body.id);
    const refused = await joinGroup(mall, regular, groupId, skuId);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'groupbuy_new_members_only']);
    const newcomer = await shopper(mall);
    expect((await joinGroup(mall, newcomer, groupId, skuId)).status).toBe(201);
  });

  it('limitPerMember counts a member’s seats across groups of the campaign', async () => {
    const { id, skuId } = await campaign(mall, { groupSize: 2, limitPerMember: 1 });
    const member = await shopper(mall);
    const { groupId } = await openPaidGroup(mall, id, skuId);
    const joined = await joinGroup(mall, member, groupId, skuId);
    await pay(mall, member, joined.body.order.id); // the group of 2 succeeds
    expect((await Group.findById(groupId).lean())!.state).toBe('succeeded');
    const another = await openPaidGroup(mall, id, skuId);
    const over = await joinGroup(mall, member, another.groupId, skuId);
    expect([over.status, over.body.error.code]).toEqual([409, 'groupbuy_limit_reached']);
  });
});

describe('success', () => {
  it('a paid order in an open group cannot ship; when the group fills and pays it succeeds and every order can ship', async () => {
    const { id, skuId } = await campaign(mall, { groupSize: 2 });
    const { leader, groupId, orderId } = await openPaidGroup(mall, id, skuId);
    const support = await mall.loginAdmin('support');
    const ship = (order: string) =>
      mall.api('POST', `/api/admin/orders/${order}/ship`, {
        token: support,
        body: { carrier: '顺丰', trackingNo: `SF${Date.now()}` },
      });
    const gated = await ship(orderId);
    expect([gated.status, gated.body.error.code]).toEqual([409, 'order_gated']);

    // The leader accepted the result notice (requestSubscribeMessage → accept); the friend did not.
    const accepted = await mall.api('POST', `/api/groups/${groupId}/notices`, {
      token: leader.token,
      body: { result: 'accept' },
    });
    expect(accepted.body).toEqual({ accepted: true });
    const friend = await shopper(mall);
    const outsider = await mall.api('POST', `/api/groups/${groupId}/notices`, {
      token: friend.token,
      body: { result: 'accept' },
    });
    expect(outsider.status).toBe(403);
    const joined = await joinGroup(mall, friend, groupId, skuId);
    expect((await Order.findById(joined.body.order.id).lean())!.attribution).toMatchObject({
      type: 'group',
      id: groupId,
    });
    await pay(mall, friend, joined.body.order.id);
    const topic = `group:${groupId}`;
    expect(await mall.services.notices.grantOf(leader.id, 'groupbuy_result', topic)).toMatchObject({ state: 'sent' });
    expect(await mall.services.notices.grantOf(friend.id, 'groupbuy_result', topic)).toBeNull();
    const landing = await mall.api('GET', `/api/groups/${groupId}`, { token: friend.token });
    expect(landing.body).toMatchObject({ status: 'succeeded', statusText: '拼团成功', seatsLeft: 0, paidCount: 2 });
    expect(landing.body.viewer).toMatchObject({ role: 'member', actions: ['view_order'] });
    expect((await mall.api('GET', `/api/orders/${orderId}`, { token: leader.token })).body.statusText).toBe('待发货');
    expect((await ship(orderId)).status).toBe(200);
    expect((await ship(joined.body.order.id)).status).toBe(200);

    const mine = await mall.api('GET', '/api/me/groups', { token: friend.token });
    expect(mine.body.items[0]).toMatchObject({ id: groupId, status: 'succeeded', role: 'member' });
  });
});

describe('failure at the deadline', () => {
  async function failingGroup(paidJoiners: number, unpaidJoiners: number, groupSize = 5) {
    const setup = await campaign(mall, { groupSize, stock: 20, skuStock: 50 });
    const { leader, groupId, orderId } = await openPaidGroup(mall, setup.id, setup.skuId);
    const paidOrders = [orderId];
    for (let i = 0; i < paidJoiners; i++) {
      const member = await shopper(mall);
      const joined = await joinGroup(mall, member, groupId, setup.skuId);
      await pay(mall, member, joined.body.order.id);
      paidOrders.push(joined.body.order.id);
    }
    const unpaidOrders: string[] = [];
    for (let i = 0; i < unpaidJoiners; i++) {
      const member = await shopper(mall);
      unpaidOrders.push((await joinGroup(mall, member, groupId, setup.skuId)).body.order.id);
    }
    return { ...setup, leader, groupId, paidOrders, unpaidOrders };
  }

  async function expectRefundedOnce(paidOrders: string[]) {
    await mall.services.sandbox!.settled();
    const refundNumbers: string[] = [];
    for (const id of paidOrders) {
      const order = (await Order.findById(id).lean())!;
      expect(order.status).toBe('refunded');
      const trade = mall.services.sandbox!.trade(order.orderNo)!;
      expect([...trade.refunds.keys()]).toEqual([`R${order.orderNo}`]);
      refundNumbers.push(order.refund!.outRefundNo!);
    }
    expect(new Set(refundNumbers).size).toBe(paidOrders.length);
  }

  it('two overlapping job runs fail the group once and refund each paid member exactly once; unpaid orders are cancelled; stock and seats come back', async () => {
    const { id, skuId, leader, groupId, paidOrders, unpaidOrders } = await failingGroup(2, 1);
    expect(await stockOf(skuId)).toBe(46);
    await mall.api('POST', `/api/groups/${groupId}/notices`, { token: leader.token, body: { result: 'accept' } });
    await passDeadline(groupId);
    await Promise.all([groupBuy().outcomes.runDue(), groupBuy().outcomes.runDue()]);
    await expectRefundedOnce(paidOrders);
    expect((await Order.findById(unpaidOrders[0]!).lean())!.status).toBe('cancelled');
    const failedAt = (await Group.findById(groupId).lean())!.failedAt;
    // A third run (a redelivery, another instance) changes nothing.
    await groupBuy().outcomes.runDue();
    await expectRefundedOnce(paidOrders);

    const group = (await Group.findById(groupId).lean())!;
    expect(group).toMatchObject({ state: 'failed', failReason: 'timeout', failedAt });
    expect(group.settledAt).not.toBeNull();
    expect([...group.refundsRequested].sort()).toEqual([...paidOrders].sort());
    const stored = (await GroupBuyCampaign.findById(id).lean())!;
    expect(stored.stockLeft).toBe(20);
    expect(stored.stockHolders).toEqual([]);
    expect(await stockOf(skuId)).toBe(50);
    // Members still see the failed group and why.
    const landing = await mall.api('GET', `/api/groups/${groupId}`);
    expect(landing.body).toMatchObject({ status: 'failed', failReason: expect.stringContaining('退款') });
    expect(landing.body.members).toHaveLength(4);
    const paidCount = landing.body.members.filter((member: { paid: boolean }) => member.paid).length;
    expect(paidCount).toBe(3);
    // The leader, who accepted the result notice, was told once.
    const grant = await mall.services.notices.grantOf(leader.id, 'groupbuy_result', `group:${groupId}`);
    expect(grant).toMatchObject({ state: 'sent' });
  });

  it('a run stopped between two refunds is finished by the next run: each member refunded once, with their own refund number', async () => {
    const { groupId, paidOrders } = await failingGroup(2, 0);
    await passDeadline(groupId);
    await groupBuy().outcomes.runDue(new Date(), { budget: 1 });
    const touched = async () =>
      (await Order.find({ _id: trustedOperators({ $in: paidOrders }) }).lean()).filter(
        (order) => order.status !== 'paid',
      ).length;
    expect(await touched()).toBe(1);
    expect((await Group.findById(groupId).lean())!.settledAt).toBeNull();
    await groupBuy().outcomes.runDue();
    await expectRefundedOnce(paidOrders);
    expect((await Group.findById(groupId).lean())!.settledAt).not.toBeNull();
  });

  it('ending a campaign fails its running groups and refunds their paid members', async () => {
    const { id, operator, groupId, paidOrders } = await failingGroup(1, 0);
    const ended = await mall.api('POST', `/api/admin/group-buys/${id}/end`, { token: operator });
    expect(ended.status).toBe(200);
    await expectRefundedOnce(paidOrders);
    expect((await Group.findById(groupId).lean())!).toMatchObject({ state: 'failed', failReason: 'campaign_ended' });
  });
});
