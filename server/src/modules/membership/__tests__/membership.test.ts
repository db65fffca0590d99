import { Types } from 'mongoose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { tellCompleted, tellRefunded } from '../../../../test/order-events';
import { Member } from '../../identity/member.model';
import { PointsEntry } from '../../points/points.model';
import { GrowthEntry } from '../membership.model';

let mall: TestMall;
const membership = () => mall.services.membership;

beforeAll(async () => {
  mall = await startTestMall();
  await membership().ensureDefaults();
});

afterEach(async () => {
  expect((await mall.services.points.checkConsistency()).mismatches).toEqual([]);
  expect((await membership().checkGrowthConsistency()).mismatches).toEqual([]);
});

const shanghai = (text: string) => new Date(`${text}+08:00`);

function order(memberId: string, paidAmount: number, pointsEarned = 0) {
  const orderId = new Types.ObjectId().toString();
  return { memberId, orderId, orderNo: `SO${orderId.slice(-10)}`, paidAmount, pointsEarned };
}

const memberDoc = (id: string) => Member.findById(id).lean();

describe('tiers and pricing for orders', () => {
  it('answers the seeded benefits and shop rules', async () => {
    expect(await membership().benefitsFor('regular')).toEqual({
      code: 'regular',
      discountPercent: 100,
      freeShippingThreshold: null,
      pointsMultiplierPercent: 100,
    });
    expect(await membership().benefitsFor('silver')).toMatchObject({
      discountPercent: 98,
      freeShippingThreshold: 6900,
      pointsMultiplierPercent: 120,
    });
    expect(await membership().benefitsFor('gold')).toMatchObject({ discountPercent: 95, freeShippingThreshold: 0 });
    expect(await membership().benefitsFor('black')).toMatchObject({
      discountPercent: 90,
      pointsMultiplierPercent: 200,
    });
    expect(await membership().pricingRules()).toEqual({
      shippingFee: 800,
      freeShippingThreshold: 9900,
      pointsPerYuan: 1,
      pointsPerYuanRedeemed: 100,
      maxPointsPercent: 50,
    });
  });

  it('operators edit tiers; thresholds must rise with rank; a change applies at once', async () => {
    const operator = await mall.loginAdmin('operator');
    const support = await mall.loginAdmin('support');
    expect((await mall.api('GET', '/api/admin/tiers', { token: support })).status).toBe(403);
    const list = await mall.api('GET', '/api/admin/tiers', { token: operator });
    expect(list.body.map((tier: any) => [tier.code, tier.name, tier.growthThreshold])).toEqual([
      ['regular', '普通会员', 0],
      ['silver', '银卡', 500],
      ['gold', '金卡', 2000],
      ['black', '黑金', 8000],
    ]);
    const gold = list.body[2];
    const tooLow = await mall.api('PUT', '/api/admin/tiers/gold', {
      token: operator,
      body: { name: gold.name, growthThreshold: 400, benefits: gold.benefits },
    });
    expect(tooLow.status).toBe(400);
    expect(tooLow.body.error.code).toBe('tier_threshold_order');
    const regularNotZero = await mall.api('PUT', '/api/admin/tiers/regular', {
      token: operator,
      body: { name: '普通会员', growthThreshold: 10, benefits: list.body[0].benefits },
    });
    expect(regularNotZero.status).toBe(400);

    const changed = await mall.api('PUT', '/api/admin/tiers/gold', {
      token: operator,
      body: { name: '金卡', growthThreshold: 2000, benefits: { ...gold.benefits, discountPercent: 93 } },
    });
    expect(changed.status).toBe(200);
    expect((await membership().benefitsFor('gold')).discountPercent).toBe(93);
    await mall.api('PUT', '/api/admin/tiers/gold', {
      token: operator,
      body: { name: '金卡', growthThreshold: 2000, benefits: gold.benefits },
    });
  });

  it('operators edit the shop pricing rules, including growth per yuan', async () => {
    const operator = await mall.loginAdmin('operator');
    const current = await mall.api('GET', '/api/admin/settings/pricing', { token: operator });
    expect(current.body).toMatchObject({ growthPerYuan: 1, shippingFee: 800 });
    const updated = await mall.api('PUT', '/api/admin/settings/pricing', {
      token: operator,
      body: { ...current.body, shippingFee: 600 },
    });
    expect(updated.body.shippingFee).toBe(600);
    expect((await membership().pricingRules()).shippingFee).toBe(600);
    const invalid = await mall.api('PUT', '/api/admin/settings/pricing', {
      token: operator,
      body: { ...current.body, maxPointsPercent: 150 },
    });
    expect(invalid.status).toBe(400);
    await mall.api('PUT', '/api/admin/settings/pricing', { token: operator, body: current.body });
  });
});

describe('onOrderCompleted / onOrderRefunded', () => {
  it('credits growth and points once however often it is told, and upgrades at the threshold', async () => {
    const member = await mall.loginMember();
    const almost = order(member.id, 49_999, 49); // ¥499.99 → 499 growth
    await tellCompleted(mall, almost);
    await tellCompleted(mall, almost);
    // Points: 49 earned + 100 for the first-order task.
    expect(await memberDoc(member.id)).toMatchObject({ growth: 499, pointsBalance: 149, tier: 'regular' });

    const crossing = order(member.id, 100, 1); // ¥1 → 500 growth: silver
    await Promise.all([tellCompleted(mall, crossing), tellCompleted(mall, crossing)]);
    const upgraded = await memberDoc(member.id);
    expect(upgraded).toMatchObject({ growth: 500, pointsBalance: 150, tier: 'silver' });
    expect(upgraded?.tierReviewAt).toBeInstanceOf(Date);
    expect(await GrowthEntry.countDocuments({ member: member.id })).toBe(2);
    const earned = await PointsEntry.find({ member: member.id, kind: 'earn' }).lean();
    expect(earned.map((entry) => entry.source.id).sort()).toEqual([almost.orderId, crossing.orderId].sort());

    const view = await mall.api('GET', '/api/me/membership', { token: member.token });
    expect(view.body).toMatchObject({
      tier: { code: 'silver', name: '银卡' },
      growth: 500,
      next: { code: 'gold', name: '金卡', growthThreshold: 2000, growthNeeded: 1500 },
      benefits: {
        now: ['全场 98 折', '满 ¥69 包邮', '积分 1.2 倍', '生日礼 100 积分'],
        next: ['全场 95 折', '全场包邮', '积分 1.5 倍', '生日礼 200 积分'],
      },
    });
    expect(view.body.privateProductsNote).toContain('银卡');
  });

  it('a refund takes back that order’s growth and points once, without lowering the tier', async () => {
    const member = await mall.loginMember();
    const big = order(member.id, 60_000, 600); // 600 growth → silver
    await tellCompleted(mall, big);
    await tellRefunded(mall, big);
    await tellRefunded(mall, big);
    // The first-order task reward (100) stays; the order's own 600 points go.
    expect(await memberDoc(member.id)).toMatchObject({ growth: 0, pointsBalance: 100, tier: 'silver' });
    expect(await PointsEntry.countDocuments({ member: member.id, kind: 'reverse' })).toBe(1);
    expect(await GrowthEntry.countDocuments({ member: member.id, kind: 'reverse' })).toBe(1);
    // Told "completed" again after the refund (a late retry): nothing comes back.
    await tellCompleted(mall, big);
    expect(await memberDoc(member.id)).toMatchObject({ growth: 0, pointsBalance: 100 });
  });

  it('points already spent leave the balance at 0 and the rest is recorded as a shortfall', async () => {
    const member = await mall.loginMember();
    const paid = order(member.id, 20_000, 200);
    await tellCompleted(mall, paid); // 200 earned + 100 first-order
    await mall.services.points.apply({
      memberId: member.id,
      delta: -250,
      kind: 'spend',
      source: { type: 'order', id: 'spent-elsewhere' },
    });
    await tellRefunded(mall, paid);
    const reverse = await PointsEntry.findOne({ member: member.id, kind: 'reverse' }).lean();
    expect(reverse).toMatchObject({ delta: -50, balanceAfter: 0, shortfall: 150 });
    expect(await mall.services.points.balance(member.id)).toBe(0);
  });

  it('an order refunded before it completed never credits anything', async () => {
    const member = await mall.loginMember();
    const early = order(member.id, 30_000, 300);
    await tellRefunded(mall, early);
    await tellCompleted(mall, early);
    expect(await memberDoc(member.id)).toMatchObject({ growth: 0, pointsBalance: 0, tier: 'regular' });
    const view = await mall.api('GET', '/api/me/points', { token: member.token });
    expect(view.body.items).toEqual([]); // bookkeeping zero entries are not shown
  });
});

describe('yearly tier review', () => {
  it('on the anniversary the tier follows the last 12 months of growth; running twice reviews once', async () => {
    const member = await mall.loginMember();
    await tellCompleted(mall, order(member.id, 250_000), shanghai('2020-05-01T10:00:00')); // 2500: gold
    await tellCompleted(mall, order(member.id, 60_000), shanghai('2020-09-01T10:00:00')); // +600
    const gold = await memberDoc(member.id);
    expect(gold?.tier).toBe('gold');
    expect(gold?.tierReviewAt?.toISOString()).toBe(shanghai('2021-05-01T10:00:00').toISOString());

    // Before the anniversary nothing happens.
    expect((await membership().reviewTiers(shanghai('2021-04-30T10:00:00'))).reviewed).toBe(0);
    // On it: only the 600 of the last 12 months count → silver, next review a year on.
    const at = shanghai('2021-05-01T11:00:00');
    const first = await membership().reviewTiers(at);
    const second = await membership().reviewTiers(at);
    expect(first.reviewed).toBeGreaterThanOrEqual(1);
    expect(second).toEqual({ reviewed: 0, downgraded: 0 });
    const reviewed = await memberDoc(member.id);
    expect(reviewed?.tier).toBe('silver');
    expect(reviewed?.tierReviewAt?.toISOString()).toBe(shanghai('2022-05-01T10:00:00').toISOString());

    // A year without orders: down to the base tier, which has no review.
    await membership().reviewTiers(shanghai('2022-05-02T00:00:00'));
    expect(await memberDoc(member.id)).toMatchObject({ tier: 'regular', tierReviewAt: null });
  });
});

describe('birthday points', () => {
  it("credits the tier's birthday points once per year on the Shanghai birthday", async () => {
    const member = await mall.loginMember();
    await mall.api('PATCH', '/api/me', { token: member.token, body: { birthday: '1990-07-15' } });
    const otherDay = await mall.loginMember();
    await mall.api('PATCH', '/api/me', { token: otherDay.token, body: { birthday: '1990-07-16' } });

    // 16:30 UTC on the 14th is already the 15th in Shanghai.
    const birthday = new Date('2031-07-14T16:30:00Z');
    await membership().creditBirthdays(birthday);
    await membership().creditBirthdays(birthday);
    await membership().creditBirthdays(shanghai('2031-07-15T20:00:00'));
    expect(await mall.services.points.balance(member.id)).toBe(50);
    expect(await mall.services.points.balance(otherDay.id)).toBe(0);
    const entries = await PointsEntry.find({ member: member.id, kind: 'birthday' }).lean();
    expect(entries.map((entry) => entry.source)).toEqual([{ type: 'birthday', id: '2031' }]);

    await membership().creditBirthdays(shanghai('2032-07-15T09:00:00'));
    expect(await mall.services.points.balance(member.id)).toBe(100);
  });

  it('members born on 29 February celebrate on 28 February in common years', async () => {
    const member = await mall.loginMember();
    await mall.api('PATCH', '/api/me', { token: member.token, body: { birthday: '1996-02-29' } });
    await membership().creditBirthdays(shanghai('2033-02-28T09:00:00'));
    expect(await mall.services.points.balance(member.id)).toBe(50);
  });
});

describe('GET /api/me/membership', () => {
  it('shows a new member the base tier and what the next one brings', async () => {
    const member = await mall.loginMember();
    const response = await mall.api('GET', '/api/me/membership', { token: member.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      tier: { code: 'regular', name: '普通会员' },
      growth: 0,
      lifetimeGrowth: 0,
      reviewAt: null,
      next: { code: 'silver', growthNeeded: 500 },
      benefits: { now: ['生日礼 50 积分'], next: ['全场 98 折', '满 ¥69 包邮', '积分 1.2 倍', '生日礼 100 积分'] },
    });
    expect(response.body.tierSince).not.toBeNull();
  });
});
