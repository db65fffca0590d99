/**
 * A demo package-card batch so the numbers are not empty: 200 codes printed for Tmall parcels (coupon
 * 满59减10 + 50 points + 加企微 text), 24 of them redeemed by demo members (a 12% 引流率, inside the
 * 10–15% operators expect), and 9 of those members placed and paid a first order.
 *
 * Idempotent: the batch is found by its name and channel, redemptions repeat as no-ops (keyed by code),
 * orders use stable idempotency keys and paying twice is a no-op. Demo mode only (demo logins).
 */
import { createHash } from 'node:crypto';
import type { Services } from '../app';
import { trustedOperators } from '../db/connection';
import { Sku } from '../modules/catalog/catalog.model';
import { CouponTemplate } from '../modules/coupons/coupon.model';
import { PackageCardBatch, PackageCardCode } from '../modules/package-cards/package-cards.model';

export const SEED_PACKAGE_CARD_BATCH = '天猫 12 月包裹卡（演示）';
const REDEEMED = 24;
const ORDERED = 9;

export async function seedPackageCards(services: Services): Promise<string[]> {
  const reports: string[] = [];
  const templateKey = 'coupon:package-card-10';
  if (!(await CouponTemplate.exists({ seedKey: templateKey }))) {
    await services.coupons.createTemplate(
      {
        name: '包裹卡专享 满59减10',
        description: '天猫/京东包裹卡兑换所得，全场可用',
        kind: 'threshold',
        amountOff: 1000,
        threshold: 5900,
        validDays: 30,
        quantity: 100_000,
        perMemberLimit: 1,
        channels: ['package_card'],
      },
      templateKey,
    );
  }
  const template = await CouponTemplate.findOne({ seedKey: templateKey }, { _id: 1 }).lean();

  let batch = await PackageCardBatch.findOne({ name: SEED_PACKAGE_CARD_BATCH, channel: 'tmall' }).lean();
  if (!batch) {
    await services.packageCards.createBatch('seed', {
      name: SEED_PACKAGE_CARD_BATCH,
      channel: 'tmall',
      quantity: 200,
      benefit: {
        ...(template ? { couponTemplateId: template._id.toString() } : {}),
        points: 50,
        wecomText: '添加专属茶顾问企业微信「山茶集-小满」，回复「包裹卡」领取冲泡指南',
      },
    });
    batch = await PackageCardBatch.findOne({ name: SEED_PACKAGE_CARD_BATCH, channel: 'tmall' }).lean();
    reports.push('a Tmall package-card batch of 200 codes (admin: GET /api/admin/package-cards)');
  }
  if (!batch) return reports;
  if (batch.redeemedCount >= REDEEMED) return reports; // seeded before: nothing to repeat

  const codes = await PackageCardCode.find(
    { batch: batch._id, seq: trustedOperators({ $lt: REDEEMED }) },
    { _id: 1, seq: 1 },
  ).lean();
  codes.sort((a, b) => a.seq - b.seq);
  const sku = await Sku.findOne(
    { active: true, pointsPrice: null, stock: trustedOperators({ $gt: 20 }) },
    { _id: 1 },
  ).lean();
  let redeemed = 0;
  let ordered = 0;
  for (const [index, code] of codes.entries()) {
    let login: Awaited<ReturnType<Services['identity']['login']>>;
    try {
      login = await services.identity.login(`demo:包裹卡会员${String(index + 1).padStart(2, '0')}`);
    } catch {
      return reports; // not demo mode: no demo members
    }
    const member = login.member;
    try {
      await services.packageCards.redeem(member.id, code._id);
      redeemed++;
    } catch {
      continue; // e.g. the coupon ran out: leave this card unredeemed
    }
    if (index >= ORDERED || !sku) continue;
    const addresses = await services.addresses.list(member.id);
    const address =
      addresses[0] ??
      (await services.addresses.create(member.id, {
        name: member.nickname,
        phone: '13800138000',
        province: '浙江省',
        city: '杭州市',
        district: '余杭区',
        detail: '五常大道 8 号',
        isDefault: true,
      }));
    try {
      const placed = await services.orders.create(
        { id: member.id, tier: member.tier },
        { items: [{ skuId: sku._id.toString(), qty: 1 }], addressId: address.id },
        `seed-package-card-${code._id}`,
      );
      if (placed.status !== 'pending_payment') continue;
      const paid = await services.orders.markPaid(placed.orderNo, {
        transactionId: `SEEDPC${createHash('sha256').update(code._id).digest('hex').slice(0, 18)}`,
        amount: placed.amounts.payable,
      });
      if (paid.outcome === 'paid') ordered++;
    } catch {
      // a seed order that cannot be placed (stock, limits) is left out
    }
  }
  if (redeemed) reports.push(`${redeemed} package cards redeemed, ${ordered} first orders from them`);
  return reports;
}
