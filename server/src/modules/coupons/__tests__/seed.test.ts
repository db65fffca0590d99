/** The demo seed's coupons, on a fresh database (the seed catalog is only written into an empty one). */
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestMall, type TestMall } from '../../../../test/harness';
import { CouponTemplate, RedeemCode } from '../coupon.model';

let mall: TestMall;

beforeAll(async () => {
  mall = await startTestMall();
});

describe('the demo seed', () => {
  it('seeds the welcome pack, claim-center coupons, a redeem batch and the new-member trial once, however often it runs', async () => {
    const { seedCatalog } = await import('../../../seed/catalog');
    const { seedCoupons } = await import('../../../seed/coupons');
    await seedCatalog();
    const first = await seedCoupons(mall.services);
    expect(first.length).toBeGreaterThan(0);
    expect(await seedCoupons(mall.services)).toEqual([]);
    const seeded = await CouponTemplate.find({ seedKey: /^coupon:/ }).lean();
    expect(seeded.map((template) => template.seedKey).sort()).toEqual(
      ['claim-199-30', 'claim-gold-299-50', 'claim-green-90', 'redeem-20', 'welcome-10', 'welcome-99-20']
        .map((key) => `coupon:${key}`)
        .sort(),
    );
    expect(
      await RedeemCode.countDocuments({ template: seeded.find((t) => t.seedKey === 'coupon:redeem-20')!._id }),
    ).toBe(20);
    const member = await mall.loginMember();
    const welcome = await mall.api('GET', '/api/me/coupons/welcome', { token: member.token });
    expect(welcome.body).toMatchObject({ show: true, worth: 3000 });
    expect(welcome.body.coupons.map((coupon: { title: string }) => coupon.title).sort()).toEqual(
      ['满99减20', '无门槛减10'].sort(),
    );
    const { Product } = await import('../../catalog/catalog.model');
    const trial = await Product.findOne({ seedKey: 'product:trial-pack' }).lean();
    const center = await mall.api('GET', `/api/coupons?productId=${trial!._id.toString()}`, { token: member.token });
    expect(center.body.newMemberSkuIds).toHaveLength(1);
  });
});
