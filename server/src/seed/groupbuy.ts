/**
 * Demo group-buy: one running campaign on a popular tea (黄山毛峰), groups of 3 with 24 hours each,
 * 100g at ¥49 and the 200g tin at ¥98, 200 units allotted, one group per member at a time. No group is
 * seeded: every group is opened by a real member, and nobody fills one but real paying members.
 * Idempotent: the campaign is upserted by a stable id with `$setOnInsert`.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Services } from '../app';
import { GroupBuyCampaign } from '../modules/groupbuy/groupbuy.model';

/** The catalog seed's id scheme (seed/catalog.ts). */
function seedId(key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`siyu-seed:${key}`).digest('hex').slice(0, 24));
}

export const SEEDED_CAMPAIGN_ID = seedId('groupbuy:maofeng');

const GROUP_PRICES: Record<string, number> = { '100g': 4900, '200g 罐装': 9800 };

export async function seedGroupBuy(services: Services, now = new Date()): Promise<string[]> {
  const productId = seedId('product:maofeng').toString();
  const product = await services.catalog.adminGetProduct(productId).catch(() => null);
  if (!product) return [];
  const skus = product.skus
    .filter((sku) => sku.active && GROUP_PRICES[sku.specsText] !== undefined)
    .map((sku) => ({
      skuId: sku.id,
      groupPrice: GROUP_PRICES[sku.specsText]!,
      listPrice: sku.price,
      specsText: sku.specsText,
    }));
  if (skus.length === 0) return [];
  const result = await GroupBuyCampaign.updateOne(
    { _id: SEEDED_CAMPAIGN_ID },
    {
      $setOnInsert: {
        productId,
        title: product.title,
        image: product.images[0] ?? '',
        skus,
        groupSize: 3,
        groupMinutes: 24 * 60,
        startsAt: new Date(now.getTime() - 3_600_000),
        endsAt: new Date(now.getTime() + 30 * 86_400_000),
        stock: 200,
        stockLeft: 200,
        stockHolders: [],
        limitPerMember: 0,
        newMembersOnly: false,
        status: 'active',
        createdBy: null,
        endedAt: null,
        createdAt: now,
        updatedAt: now,
      },
    },
    { upsert: true, timestamps: false },
  );
  return result.upsertedCount ? ['group-buy campaign 黄山毛峰 (3 人团, 24 小时)'] : [];
}
