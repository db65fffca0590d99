/**
 * What the catalog shows, as pure functions over stored documents: which fields are read, who may
 * see what (the query form of `productAccess`), and the cards, details and SKUs a viewer gets with
 * the one shared pricing function. Shared by the storefront reads, the admin and the order path.
 */
import {
  type Fen,
  MEMBER_PRICE_TIERS,
  type PricingSku,
  type ProductSort,
  type StoreSku,
  specsText,
  type TierBenefits,
  type TierCode,
  tiersUpTo,
  unitPriceFor,
  unlockText,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { containsPattern, trustedOperators } from '../../db/connection';
import { notFound } from '../../http/errors';
import type { ProductDoc, SkuDoc } from './catalog.model';

/** Who is looking: a logged-in member, or nobody (anonymous visitor). */
export interface CatalogViewer {
  id: string;
  tier: TierCode;
}

export type BenefitsFor = (tier: TierCode) => Promise<TierBenefits>;

/** A SKU as orders need it: everything to price it (`PricingSku`-compatible) and check limits and stock. */
export interface OrderableLine {
  skuId: string;
  productId: string;
  /** The product's category (coupon scopes by category need it). */
  categoryId: string;
  title: string;
  /** '原味 / 500g' */
  specsText: string;
  image: string;
  /** List price (fen); the member's price is `unitPriceFor(line, benefits)` / `priceOrder`. */
  price: Fen;
  memberPrices: Partial<Record<TierCode, Fen>>;
  /** Points per unit for points-mall SKUs; undefined for cash-only SKUs. */
  pointsPrice: number | undefined;
  /** 0 = no limit. */
  limitPerMember: number;
  stock: number;
}

/** A SKU with its product and what the viewer may do with it; used by the cart. */
export interface SkuContext {
  sku: SkuDoc;
  product: ProductDoc | undefined;
  /** `unavailable`: SKU inactive, or product deleted / not on sale / missing. */
  state: 'open' | 'locked' | 'hidden' | 'unavailable';
}

export type ListQuery = {
  category?: string | undefined;
  q?: string | undefined;
  sort: ProductSort;
  page: number;
  pageSize: number;
  zone?: 'members' | 'points' | undefined;
};
export const CARD_FIELDS = {
  title: 1,
  subtitle: 1,
  images: 1,
  categoryId: 1,
  tags: 1,
  visibility: 1,
  minTier: 1,
  teaser: 1,
  minPrice: 1,
  sales: 1,
} as const;
export const DETAIL_FIELDS = { ...CARD_FIELDS, description: 1 } as const;
export const SKU_FIELDS = {
  product: 1,
  specs: 1,
  price: 1,
  memberPrices: 1,
  pointsPrice: 1,
  stock: 1,
  limitPerMember: 1,
  sort: 1,
  active: 1,
} as const;

export const SORTS: Record<ProductSort, Record<string, 1 | -1>> = {
  default: { sort: -1, createdAt: -1, _id: -1 },
  sales: { sales: -1, _id: -1 },
  price_asc: { minPrice: 1, _id: 1 },
  price_desc: { minPrice: -1, _id: -1 },
  newest: { createdAt: -1, _id: -1 },
};

export const skuNotFound = () => notFound('sku_not_found', '商品规格不存在或已下架');
export const productNotFound = () => notFound('product_not_found', '商品不存在或已下架');

export function objectIdOrNull(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null;
}

/**
 * A SKU without specs can be stored without the field at all (an upserted empty array does not
 * always survive on FerretDB), so reads treat a missing list as "no specs".
 */
export function specsOf(sku: Pick<SkuDoc, 'specs'>): SkuDoc['specs'] {
  return sku.specs ?? [];
}

/** Member prices without empty tiers, in the shape the pricing function takes. */
export function memberPricesOf(sku: Pick<SkuDoc, 'memberPrices'>): Partial<Record<TierCode, Fen>> {
  const prices: Partial<Record<TierCode, Fen>> = {};
  for (const tier of MEMBER_PRICE_TIERS) {
    const price = sku.memberPrices?.[tier];
    if (typeof price === 'number') prices[tier] = price;
  }
  return prices;
}

export function pricingSkuOf(sku: Pick<SkuDoc, '_id' | 'price' | 'memberPrices' | 'pointsPrice'>): PricingSku {
  return {
    skuId: sku._id.toString(),
    price: sku.price,
    memberPrices: memberPricesOf(sku),
    ...(sku.pointsPrice ? { pointsPrice: sku.pointsPrice } : {}),
  };
}

export function lowestMemberPrice(sku: Pick<SkuDoc, 'memberPrices' | 'price'>): { tier: TierCode; price: Fen } | null {
  let best: { tier: TierCode; price: Fen } | null = null;
  for (const [tier, price] of Object.entries(memberPricesOf(sku)) as [TierCode, Fen][]) {
    if (price < sku.price && (!best || price < best.price)) best = { tier, price };
  }
  return best;
}

/** Products the store shows at all: on sale, not deleted, with at least one active SKU. */
export function storeBase(): Record<string, unknown> {
  return { status: 'on_sale', deletedAt: null, minPrice: trustedOperators({ $ne: null }) };
}

/** The query form of `productAccess`: everything that is `open` or `locked` for this viewer. */
export function visibleTo(viewer: CatalogViewer | undefined): Record<string, unknown> {
  if (!viewer) return { visibility: 'public' };
  return {
    $or: [
      { visibility: trustedOperators({ $in: ['public', 'members'] }) },
      { visibility: 'tier', minTier: trustedOperators({ $in: tiersUpTo(viewer.tier) }) },
      { visibility: 'tier', teaser: true },
    ],
  };
}

export function searchFilter(q: string): Record<string, unknown> {
  const pattern = containsPattern(q);
  return { $or: [{ title: pattern }, { subtitle: pattern }, { tags: pattern }] };
}

export function lockedFields(product: ProductDoc) {
  const tier = product.minTier ?? 'black';
  return { locked: true as const, unlockTier: tier, unlockText: unlockText(tier) };
}

export function commonFields(product: ProductDoc, skus: readonly SkuDoc[]) {
  const listPrices = skus.map((sku) => sku.price);
  return {
    id: product._id.toString(),
    title: product.title,
    subtitle: product.subtitle ?? '',
    image: product.images?.[0] ?? '',
    categoryId: product.categoryId.toString(),
    tags: product.tags ?? [],
    visibility: product.visibility,
    minTier: product.visibility === 'tier' ? product.minTier : null,
    listPrice: listPrices.length ? Math.min(...listPrices) : (product.minPrice ?? 0),
  };
}

export function openCard(product: ProductDoc, skus: readonly SkuDoc[], benefits: TierBenefits | null) {
  const viewerPrices = skus.map((sku) => unitPriceFor(pricingSkuOf(sku), benefits).unitPrice);
  const memberFrom = skus
    .map(lowestMemberPrice)
    .reduce<{ tier: TierCode; price: Fen } | null>(
      (best, next) => (next && (!best || next.price < best.price) ? next : best),
      null,
    );
  const points = skus.map((sku) => sku.pointsPrice ?? 0).filter((points) => points > 0);
  const common = commonFields(product, skus);
  return {
    ...common,
    locked: false as const,
    price: viewerPrices.length ? Math.min(...viewerPrices) : common.listPrice,
    memberPriceFrom: memberFrom,
    pointsPrice: points.length ? Math.min(...points) : null,
    sales: product.sales ?? 0,
    soldOut: skus.every((sku) => sku.stock <= 0),
  };
}

export function storeSku(sku: SkuDoc, benefits: TierBenefits | null): StoreSku {
  const pricing = pricingSkuOf(sku);
  const { unitPrice, priceSource } = unitPriceFor(pricing, benefits);
  return {
    id: sku._id.toString(),
    specs: specsOf(sku).map(({ name, value }) => ({ name, value })),
    specsText: specsText(specsOf(sku)),
    price: unitPrice,
    listPrice: sku.price,
    memberPrice: priceSource === 'member_price' ? unitPrice : null,
    memberPriceFrom: lowestMemberPrice(sku),
    stock: Math.max(0, sku.stock),
    limitPerMember: sku.limitPerMember ?? 0,
    pointsPrice: sku.pointsPrice ?? null,
  };
}
