/**
 * Demo coupons: the new member's welcome pack (¥10 无门槛 + 满99减20, valid for the 3-day first-order
 * window), claim-center coupons (one for everyone, one for 绿茶, one gold-only), a redeem batch, and the
 * 9.9 尝鲜装 flagged for new members only. Keyed by `seedKey`, so a second run adds nothing.
 */
import type { Services } from '../app';
import { Category, Product, Sku } from '../modules/catalog/catalog.model';
import { CouponTemplate, NewMemberSku, RedeemBatch } from '../modules/coupons/coupon.model';
import type { AdminCouponCreate } from '../modules/coupons/coupons.schemas';

const TEMPLATES: { key: string; input: AdminCouponCreate; categoryKey?: string }[] = [
  {
    key: 'welcome-10',
    input: {
      name: '新人礼 · 无门槛券',
      description: '注册即得，首单可用',
      kind: 'amount',
      amountOff: 1000,
      validDays: 3,
      quantity: 1_000_000,
      perMemberLimit: 1,
      channels: ['welcome'],
      sort: 100,
    },
  },
  {
    key: 'welcome-99-20',
    input: {
      name: '新人礼 · 满减券',
      description: '注册即得，满 99 可用',
      kind: 'threshold',
      threshold: 9900,
      amountOff: 2000,
      validDays: 3,
      quantity: 1_000_000,
      perMemberLimit: 1,
      channels: ['welcome'],
      sort: 90,
    },
  },
  {
    key: 'claim-199-30',
    input: {
      name: '全场满减券',
      description: '全场通用，每人限领 1 张',
      kind: 'threshold',
      threshold: 19900,
      amountOff: 3000,
      validDays: 7,
      quantity: 5000,
      perMemberLimit: 1,
      claimable: true,
      sort: 80,
    },
  },
  {
    key: 'claim-green-90',
    categoryKey: 'green',
    input: {
      name: '名优绿茶 9 折券',
      description: '名优绿茶可用，最高减 30 元',
      kind: 'percent',
      percentOff: 10,
      maxOff: 3000,
      validDays: 7,
      quantity: 5000,
      perMemberLimit: 1,
      claimable: true,
      sort: 70,
    },
  },
  {
    key: 'claim-gold-299-50',
    input: {
      name: '金卡专享券',
      description: '金卡及以上会员可领',
      kind: 'threshold',
      threshold: 29900,
      amountOff: 5000,
      validDays: 15,
      quantity: 2000,
      perMemberLimit: 1,
      claimable: true,
      minTier: 'gold',
      sort: 60,
    },
  },
  {
    key: 'redeem-20',
    input: {
      name: '兑换码 · 无门槛 20 元',
      description: '门店与包裹卡兑换码',
      kind: 'amount',
      amountOff: 2000,
      validDays: 30,
      quantity: 1000,
      perMemberLimit: 3,
      channels: ['redeem'],
      sort: 0,
    },
  },
];

/** The seed catalog's ids are derived from its keys; found here by the rows' seed keys. */
async function categoryId(key: string): Promise<string | null> {
  const category = await Category.findOne({ seedKey: `category:${key}` }, { _id: 1 }).lean();
  return category ? category._id.toString() : null;
}

export async function seedCoupons(services: Services): Promise<string[]> {
  let added = 0;
  for (const template of TEMPLATES) {
    const seedKey = `coupon:${template.key}`;
    if (await CouponTemplate.exists({ seedKey })) continue;
    const input = { ...template.input };
    if (template.categoryKey) {
      const id = await categoryId(template.categoryKey);
      if (!id) continue;
      input.scope = { type: 'categories', productIds: [], categoryIds: [id], excludeProductIds: [] };
    }
    await services.coupons.createTemplate(input, seedKey);
    added += 1;
  }
  const reports: string[] = [];
  if (added) reports.push(`${added} coupon templates (welcome pack ¥10 + 满99减20, 3 in 领券中心, 1 redeem)`);

  const redeem = await CouponTemplate.findOne({ seedKey: 'coupon:redeem-20' }).lean();
  if (redeem && !(await RedeemBatch.exists({ seedKey: 'coupon:redeem-20:batch-1' }))) {
    const batch = await services.coupons.createRedeemBatch(redeem._id.toString(), { count: 20, name: '演示兑换码' });
    await RedeemBatch.updateOne({ _id: batch.id }, { $set: { seedKey: 'coupon:redeem-20:batch-1' } });
    reports.push('20 redeem codes (admin: GET /api/admin/coupons/:id/redeem-batches for the CSV)');
  }

  const trial = await Product.findOne({ seedKey: 'product:trial-pack' }, { _id: 1 }).lean();
  if (trial) {
    for (const sku of await Sku.find({ product: trial._id }, { _id: 1 }).lean()) {
      if (!(await NewMemberSku.exists({ _id: sku._id.toString() }))) {
        await services.coupons.setNewMemberSku(sku._id.toString(), true);
        reports.push('9.9 尝鲜装 for new members only');
      }
    }
  }
  return reports;
}
