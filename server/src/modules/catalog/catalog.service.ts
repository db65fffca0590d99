/**
 * The catalog: who may see which product (private-only SKUs decided per member), what each viewer pays
 * (the one shared pricing function with the viewer's tier benefits), and stock, which only ever moves
 * through single-document conditional updates on a SKU.
 */
import {
  type Fen,
  MEMBER_PRICE_TIERS,
  type PricingSku,
  type ProductSort,
  productAccess,
  type StoreCategory,
  type StoreProductCard,
  type StoreProductDetail,
  type StoreProductPage,
  type StoreSku,
  specsText,
  type TierBenefits,
  type TierCode,
  tiersUpTo,
  unitPriceFor,
  unlockText,
} from '@siyu/shared';
import { Types } from 'mongoose';
import type { z } from 'zod';
import { containsPattern, trustedOperators } from '../../db/connection';
import { AppError, badRequest, conflict, isDuplicateKey, notFound } from '../../http/errors';
import { AdminAudit } from '../admins/admin.model';
import { Category, type CategoryDoc, Product, type ProductDoc, Sku, type SkuDoc, specsKeyOf } from './catalog.model';
import type {
  AdminCategoryCreateSchema,
  AdminCategoryPatchSchema,
  AdminProduct,
  AdminProductCreate,
  AdminProductListQuerySchema,
  AdminProductPatch,
  AdminSkuCreateSchema,
} from './catalog.schemas';

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

type ListQuery = {
  category?: string | undefined;
  q?: string | undefined;
  sort: ProductSort;
  page: number;
  pageSize: number;
  zone?: 'members' | 'points' | undefined;
};
type AdminCategoryCreate = z.infer<typeof AdminCategoryCreateSchema>;
type AdminCategoryPatch = z.infer<typeof AdminCategoryPatchSchema>;
type AdminSkuCreate = z.infer<typeof AdminSkuCreateSchema>;
type AdminProductListQuery = z.infer<typeof AdminProductListQuerySchema>;

const CARD_FIELDS = {
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
const DETAIL_FIELDS = { ...CARD_FIELDS, description: 1 } as const;
const SKU_FIELDS = {
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

const SORTS: Record<ProductSort, Record<string, 1 | -1>> = {
  default: { sort: -1, createdAt: -1, _id: -1 },
  sales: { sales: -1, _id: -1 },
  price_asc: { minPrice: 1, _id: 1 },
  price_desc: { minPrice: -1, _id: -1 },
  newest: { createdAt: -1, _id: -1 },
};

const skuNotFound = () => notFound('sku_not_found', '商品规格不存在或已下架');
const productNotFound = () => notFound('product_not_found', '商品不存在或已下架');

export function objectIdOrNull(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null;
}

/**
 * A SKU without specs can be stored without the field at all (an upserted empty array does not
 * always survive on FerretDB), so reads treat a missing list as "no specs".
 */
function specsOf(sku: Pick<SkuDoc, 'specs'>): SkuDoc['specs'] {
  return sku.specs ?? [];
}

/** Member prices without empty tiers, in the shape the pricing function takes. */
function memberPricesOf(sku: Pick<SkuDoc, 'memberPrices'>): Partial<Record<TierCode, Fen>> {
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

function lowestMemberPrice(sku: Pick<SkuDoc, 'memberPrices' | 'price'>): { tier: TierCode; price: Fen } | null {
  let best: { tier: TierCode; price: Fen } | null = null;
  for (const [tier, price] of Object.entries(memberPricesOf(sku)) as [TierCode, Fen][]) {
    if (price < sku.price && (!best || price < best.price)) best = { tier, price };
  }
  return best;
}

/** Products the store shows at all: on sale, not deleted, with at least one active SKU. */
function storeBase(): Record<string, unknown> {
  return { status: 'on_sale', deletedAt: null, minPrice: trustedOperators({ $ne: null }) };
}

/** The query form of `productAccess`: everything that is `open` or `locked` for this viewer. */
function visibleTo(viewer: CatalogViewer | undefined): Record<string, unknown> {
  if (!viewer) return { visibility: 'public' };
  return {
    $or: [
      { visibility: trustedOperators({ $in: ['public', 'members'] }) },
      { visibility: 'tier', minTier: trustedOperators({ $in: tiersUpTo(viewer.tier) }) },
      { visibility: 'tier', teaser: true },
    ],
  };
}

function searchFilter(q: string): Record<string, unknown> {
  const pattern = containsPattern(q);
  return { $or: [{ title: pattern }, { subtitle: pattern }, { tags: pattern }] };
}

export function createCatalogService(deps: { benefitsFor: BenefitsFor }) {
  const benefitsOf = (viewer: CatalogViewer | undefined) =>
    viewer ? deps.benefitsFor(viewer.tier) : Promise.resolve(null);

  function storeFilter(viewer: CatalogViewer | undefined, query: Omit<ListQuery, 'sort' | 'page' | 'pageSize'>) {
    const filter: Record<string, unknown> = storeBase();
    const and: Record<string, unknown>[] = [visibleTo(viewer)];
    if (query.category) filter.categoryId = query.category;
    if (query.zone === 'members') and.push({ visibility: trustedOperators({ $in: ['members', 'tier'] }) });
    if (query.zone === 'points') filter.pointsMall = true;
    if (query.q) and.push(searchFilter(query.q));
    filter.$and = and;
    return filter;
  }

  function lockedFields(product: ProductDoc) {
    const tier = product.minTier ?? 'black';
    return { locked: true as const, unlockTier: tier, unlockText: unlockText(tier) };
  }

  function commonFields(product: ProductDoc, skus: readonly SkuDoc[]) {
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

  function openCard(product: ProductDoc, skus: readonly SkuDoc[], benefits: TierBenefits | null) {
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

  function storeSku(sku: SkuDoc, benefits: TierBenefits | null): StoreSku {
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

  async function activeSkusOf(productIds: readonly Types.ObjectId[]): Promise<Map<string, SkuDoc[]>> {
    const skus = productIds.length
      ? await Sku.find({ product: trustedOperators({ $in: productIds }), active: true }, SKU_FIELDS)
          .sort({ sort: 1, _id: 1 })
          .lean<SkuDoc[]>()
      : [];
    const byProduct = new Map<string, SkuDoc[]>();
    for (const sku of skus) {
      const key = sku.product.toString();
      byProduct.set(key, [...(byProduct.get(key) ?? []), sku]);
    }
    return byProduct;
  }

  /** Loads SKUs and their products and says what the viewer may do with each; unknown ids are left out. */
  async function skuContexts(viewer: CatalogViewer | undefined, skuIds: readonly string[]) {
    const ids = skuIds.map(objectIdOrNull).filter((id): id is Types.ObjectId => id !== null);
    const skus = ids.length
      ? await Sku.find({ _id: trustedOperators({ $in: ids }) }, { ...SKU_FIELDS, specs: 1 }).lean<SkuDoc[]>()
      : [];
    const productIds = [...new Set(skus.map((sku) => sku.product.toString()))].map((id) => new Types.ObjectId(id));
    const products = productIds.length
      ? await Product.find(
          { _id: trustedOperators({ $in: productIds }) },
          { ...CARD_FIELDS, status: 1, deletedAt: 1 },
        ).lean<ProductDoc[]>()
      : [];
    const productById = new Map(products.map((product) => [product._id.toString(), product]));
    const contexts = new Map<string, SkuContext>();
    for (const sku of skus) {
      const product = productById.get(sku.product.toString());
      let state: SkuContext['state'];
      if (!product || !sku.active || product.deletedAt || product.status !== 'on_sale') state = 'unavailable';
      else state = productAccess(viewer?.tier ?? null, product);
      contexts.set(sku._id.toString(), { sku, product, state });
    }
    return contexts;
  }

  /** The SKU if this member may buy it: 404 when it does not exist for them, 403 when it is a locked teaser. */
  function purchasable(context: SkuContext | undefined): { sku: SkuDoc; product: ProductDoc } {
    if (!context?.product || context.state === 'unavailable' || context.state === 'hidden') {
      throw skuNotFound();
    }
    if (context.state === 'locked') {
      const tier = context.product.minTier ?? 'black';
      throw new AppError('forbidden', 'tier_required', `该商品为会员专享，${unlockText(tier)}`, { unlockTier: tier });
    }
    return { sku: context.sku, product: context.product };
  }

  /** Recomputes what a product shows from its active SKUs (lowest list price, points mall). */
  async function refreshProductSummary(productId: Types.ObjectId): Promise<void> {
    const skus = await Sku.find({ product: productId, active: true }, { price: 1, pointsPrice: 1 }).lean<SkuDoc[]>();
    await Product.updateOne(
      { _id: productId },
      {
        $set: {
          minPrice: skus.length ? Math.min(...skus.map((sku) => sku.price)) : null,
          pointsMall: skus.some((sku) => (sku.pointsPrice ?? 0) > 0),
        },
      },
    );
  }

  async function requireCategory(categoryId: string): Promise<void> {
    if (!(await Category.exists({ _id: categoryId }))) {
      throw badRequest('category_not_found', '所选分类不存在');
    }
  }

  function checkSkuPrices(sku: { price: number; memberPrices?: Partial<Record<string, number | null>> }): void {
    for (const [tier, price] of Object.entries(sku.memberPrices ?? {})) {
      if (typeof price === 'number' && price > sku.price) {
        throw badRequest('member_price_above_list', `会员价（${tier}）不能高于售价`);
      }
    }
  }

  function checkAudience(audience: {
    visibility: ProductDoc['visibility'];
    minTier?: TierCode | null | undefined;
    teaser?: boolean | undefined;
  }) {
    if (audience.visibility === 'tier' && !audience.minTier) {
      throw badRequest('min_tier_required', '等级专享商品须指定最低会员等级');
    }
    if (audience.visibility !== 'tier' && audience.teaser) {
      throw badRequest('teaser_needs_tier', '只有等级专享商品可以设为预告');
    }
  }

  function newSkuDoc(productId: Types.ObjectId, sku: AdminSkuCreate, sort: number) {
    return {
      product: productId,
      specs: sku.specs,
      specsKey: specsKeyOf(sku.specs),
      price: sku.price,
      memberPrices: sku.memberPrices ?? {},
      pointsPrice: sku.pointsPrice ?? null,
      stock: sku.stock,
      sold: 0,
      limitPerMember: sku.limitPerMember ?? 0,
      active: sku.active ?? true,
      sort,
    };
  }

  function adminSkuView(sku: SkuDoc) {
    return {
      id: sku._id.toString(),
      specs: specsOf(sku).map(({ name, value }) => ({ name, value })),
      specsText: specsText(specsOf(sku)),
      price: sku.price,
      memberPrices: memberPricesOf(sku),
      pointsPrice: sku.pointsPrice ?? null,
      stock: sku.stock,
      sold: sku.sold ?? 0,
      limitPerMember: sku.limitPerMember ?? 0,
      active: sku.active,
    };
  }

  function adminProductFields(product: ProductDoc) {
    return {
      id: product._id.toString(),
      title: product.title,
      subtitle: product.subtitle ?? '',
      categoryId: product.categoryId.toString(),
      status: product.status,
      visibility: product.visibility,
      minTier: product.minTier ?? null,
      teaser: product.teaser ?? false,
      tags: product.tags ?? [],
      minPrice: product.minPrice ?? null,
      pointsMall: product.pointsMall ?? false,
      sales: product.sales ?? 0,
      sort: product.sort ?? 0,
      deletedAt: product.deletedAt ? new Date(product.deletedAt).toISOString() : null,
      createdAt: new Date(product.createdAt).toISOString(),
      updatedAt: new Date(product.updatedAt).toISOString(),
    };
  }

  async function adminProduct(productId: Types.ObjectId): Promise<AdminProduct> {
    const product = await Product.findById(productId).lean<ProductDoc>();
    if (!product) throw productNotFound();
    const skus = await Sku.find({ product: productId }).sort({ sort: 1, _id: 1 }).lean<SkuDoc[]>();
    return {
      ...adminProductFields(product),
      images: product.images ?? [],
      description: product.description ?? [],
      skus: skus.map(adminSkuView),
    };
  }

  async function audit(adminId: string, action: string, targetId: string, changes: unknown, reason = '') {
    await AdminAudit.create({
      admin: adminId,
      action,
      target: { type: action.split('.')[0], id: targetId },
      reason,
      changes,
    });
  }

  return {
    benefitsFor: deps.benefitsFor,

    // ---------- store ----------

    async listCategories(viewer: CatalogViewer | undefined): Promise<StoreCategory[]> {
      const [categories, counts] = await Promise.all([
        Category.find({ active: true }, { name: 1, icon: 1, sort: 1 }).sort({ sort: -1, _id: 1 }).lean<CategoryDoc[]>(),
        Product.aggregate<{ _id: Types.ObjectId; count: number }>([
          { $match: storeFilter(viewer, {}) },
          { $group: { _id: '$categoryId', count: { $sum: 1 } } },
        ]),
      ]);
      const countById = new Map(counts.map((row) => [row._id.toString(), row.count]));
      return categories.map((category) => ({
        id: category._id.toString(),
        name: category.name,
        icon: category.icon ?? '',
        productCount: countById.get(category._id.toString()) ?? 0,
      }));
    },

    async listProducts(viewer: CatalogViewer | undefined, query: ListQuery): Promise<StoreProductPage> {
      if (query.zone === 'members' && !viewer)
        return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
      const [products, total, benefits] = await Promise.all([
        Product.find(storeFilter(viewer, query), CARD_FIELDS)
          .sort(SORTS[query.sort])
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<ProductDoc[]>(),
        Product.countDocuments(storeFilter(viewer, query)),
        benefitsOf(viewer),
      ]);
      const access = products.map((product) => productAccess(viewer?.tier ?? null, product));
      const skus = await activeSkusOf(products.filter((_, index) => access[index] === 'open').map((p) => p._id));
      const items: StoreProductCard[] = [];
      products.forEach((product, index) => {
        const productSkus = skus.get(product._id.toString()) ?? [];
        if (access[index] === 'open') items.push(openCard(product, productSkus, benefits));
        else if (access[index] === 'locked') items.push({ ...commonFields(product, []), ...lockedFields(product) });
      });
      return { items, total, page: query.page, pageSize: query.pageSize };
    },

    async getProduct(viewer: CatalogViewer | undefined, productId: string): Promise<StoreProductDetail> {
      const id = objectIdOrNull(productId);
      const product = id ? await Product.findOne({ ...storeBase(), _id: id }, DETAIL_FIELDS).lean<ProductDoc>() : null;
      const access = product ? productAccess(viewer?.tier ?? null, product) : 'hidden';
      if (!product || access === 'hidden') throw productNotFound();
      const detail = { images: product.images ?? [], description: product.description ?? [] };
      if (access === 'locked') return { ...commonFields(product, []), ...lockedFields(product), ...detail };
      const [skus, benefits] = await Promise.all([activeSkusOf([product._id]), benefitsOf(viewer)]);
      const productSkus = skus.get(product._id.toString()) ?? [];
      return {
        ...openCard(product, productSkus, benefits),
        ...detail,
        skus: productSkus.map((sku) => storeSku(sku, benefits)),
      };
    },

    /** SKUs with their products and the viewer's access, for the cart (which shows lines it cannot sell). */
    skuContexts,

    /** The SKU if `viewer` may put it in a cart or order; 404 `sku_not_found` / 403 `tier_required` otherwise. */
    async purchasableSku(viewer: CatalogViewer, skuId: string) {
      return purchasable((await skuContexts(viewer, [skuId])).get(skuId));
    },

    // ---------- for orders ----------

    /**
     * The SKUs of an order as this member may buy them, in the order given. Throws 400 for duplicate
     * SKUs or a quantity below 1, 404 `sku_not_found` for unknown, inactive, off-shelf, deleted or
     * invisible SKUs, 403 `tier_required` for a teaser the member's tier does not unlock.
     */
    async resolveForOrder(
      viewer: { id: string; tier: TierCode },
      lines: { skuId: string; qty: number }[],
    ): Promise<OrderableLine[]> {
      if (lines.length === 0) throw badRequest('no_lines', '请选择要购买的商品');
      const seen = new Set<string>();
      for (const line of lines) {
        if (!Number.isInteger(line.qty) || line.qty < 1) throw badRequest('invalid_qty', '购买数量至少为 1');
        if (seen.has(line.skuId)) throw badRequest('duplicate_sku', '同一规格请合并为一行');
        seen.add(line.skuId);
      }
      const contexts = await skuContexts(
        viewer,
        lines.map((line) => line.skuId),
      );
      return lines.map((line) => {
        const { sku, product } = purchasable(contexts.get(line.skuId));
        return {
          skuId: sku._id.toString(),
          productId: product._id.toString(),
          title: product.title,
          specsText: specsText(specsOf(sku)),
          image: product.images?.[0] ?? '',
          price: sku.price,
          memberPrices: memberPricesOf(sku),
          pointsPrice: sku.pointsPrice ?? undefined,
          limitPerMember: sku.limitPerMember ?? 0,
          stock: sku.stock,
        };
      });
    },

    /**
     * Takes `qty` units of an active SKU: one conditional atomic update, so N units are sold exactly N
     * times however many buyers race for them. False when the SKU has fewer than `qty` (or is gone).
     */
    async takeStock(skuId: string, qty: number): Promise<boolean> {
      if (!Number.isInteger(qty) || qty < 1) throw new RangeError(`qty must be a positive whole number, got ${qty}`);
      const id = objectIdOrNull(skuId);
      if (!id) return false;
      // No projection: FerretDB 1.x does not implement `fields` on findAndModify.
      const taken = await Sku.findOneAndUpdate(
        { _id: id, active: true, stock: trustedOperators({ $gte: qty }) },
        { $inc: { stock: -qty, sold: qty } },
        { lean: true },
      );
      if (!taken) return false;
      // Sales shown on cards follow in a second step; if it is lost (crash), recountSales() repairs it.
      await Product.updateOne({ _id: taken.product }, { $inc: { sales: qty } }).catch(() => undefined);
      return true;
    },

    /** Puts back units taken by `takeStock` (cancelled or refunded orders; callers guarantee exactly once). */
    async returnStock(skuId: string, qty: number): Promise<void> {
      if (!Number.isInteger(qty) || qty < 1) throw new RangeError(`qty must be a positive whole number, got ${qty}`);
      const id = objectIdOrNull(skuId);
      if (!id) throw skuNotFound();
      const returned = await Sku.findOneAndUpdate({ _id: id }, { $inc: { stock: qty, sold: -qty } }, { lean: true });
      if (!returned) throw skuNotFound();
      await Product.updateOne({ _id: returned.product }, { $inc: { sales: -qty } }).catch(() => undefined);
    },

    /** Sets every product's `sales` to the sum of its SKUs' `sold` (repairs drift; safe to run any time). */
    async recountSales(): Promise<number> {
      const sums = await Sku.aggregate<{ _id: Types.ObjectId; sold: number }>([
        { $group: { _id: '$product', sold: { $sum: '$sold' } } },
      ]);
      let changed = 0;
      for (const row of sums) {
        const result = await Product.updateOne(
          { _id: row._id, sales: trustedOperators({ $ne: row.sold }) },
          { $set: { sales: row.sold } },
        );
        changed += result.modifiedCount;
      }
      return changed;
    },

    // ---------- admin ----------

    async adminListCategories() {
      const [categories, counts] = await Promise.all([
        Category.find({}).sort({ sort: -1, _id: 1 }).lean<CategoryDoc[]>(),
        Product.aggregate<{ _id: Types.ObjectId; count: number }>([
          { $match: { deletedAt: null } },
          { $group: { _id: '$categoryId', count: { $sum: 1 } } },
        ]),
      ]);
      const countById = new Map(counts.map((row) => [row._id.toString(), row.count]));
      return categories.map((category) => ({
        id: category._id.toString(),
        name: category.name,
        icon: category.icon ?? '',
        sort: category.sort ?? 0,
        active: category.active,
        productCount: countById.get(category._id.toString()) ?? 0,
      }));
    },

    async createCategory(input: AdminCategoryCreate) {
      const category = await Category.create({
        name: input.name,
        icon: input.icon ?? '',
        sort: input.sort ?? 0,
        active: input.active ?? true,
      });
      return {
        id: category._id.toString(),
        name: category.name,
        icon: category.icon,
        sort: category.sort,
        active: category.active,
        productCount: 0,
      };
    },

    async updateCategory(categoryId: string, patch: AdminCategoryPatch) {
      const category = await Category.findOneAndUpdate(
        { _id: categoryId },
        { $set: patch },
        { new: true },
      ).lean<CategoryDoc>();
      if (!category) throw notFound('category_not_found', '分类不存在');
      const productCount = await Product.countDocuments({ categoryId: category._id, deletedAt: null });
      return {
        id: category._id.toString(),
        name: category.name,
        icon: category.icon ?? '',
        sort: category.sort ?? 0,
        active: category.active,
        productCount,
      };
    },

    async deleteCategory(categoryId: string): Promise<void> {
      if (await Product.exists({ categoryId, deletedAt: null })) {
        throw conflict('category_in_use', '该分类下还有商品，请先移走或删除商品（也可以停用分类）');
      }
      const result = await Category.deleteOne({ _id: categoryId });
      if (result.deletedCount === 0) throw notFound('category_not_found', '分类不存在');
    },

    /**
     * Creates a product with its SKUs. Everything is validated before the first write. The SKUs are
     * written first under a fresh product id and the product document last: that insert makes the
     * product exist. A crash in between leaves SKUs whose product does not exist, which every read and
     * `resolveForOrder` treat as not found.
     */
    async createProduct(adminId: string, input: AdminProductCreate): Promise<AdminProduct> {
      checkAudience(input);
      await requireCategory(input.categoryId);
      const keys = new Set<string>();
      for (const sku of input.skus) {
        checkSkuPrices(sku);
        const key = specsKeyOf(sku.specs);
        if (keys.has(key)) throw badRequest('duplicate_specs', `规格重复：${specsText(sku.specs) || '默认规格'}`);
        keys.add(key);
      }
      const productId = new Types.ObjectId();
      const skuDocs = input.skus.map((sku, index) => newSkuDoc(productId, sku, index));
      await Sku.insertMany(skuDocs);
      const active = skuDocs.filter((sku) => sku.active);
      await Product.create({
        _id: productId,
        title: input.title,
        subtitle: input.subtitle ?? '',
        categoryId: input.categoryId,
        images: input.images ?? [],
        description: input.description ?? [],
        status: input.status,
        visibility: input.visibility,
        minTier: input.visibility === 'tier' ? input.minTier : null,
        teaser: input.visibility === 'tier' ? (input.teaser ?? false) : false,
        tags: input.tags ?? [],
        sort: input.sort ?? 0,
        minPrice: active.length ? Math.min(...active.map((sku) => sku.price)) : null,
        pointsMall: active.some((sku) => (sku.pointsPrice ?? 0) > 0),
      });
      await audit(adminId, 'product.create', productId.toString(), {
        title: input.title,
        status: input.status,
        visibility: input.visibility,
        skus: skuDocs.length,
      });
      return adminProduct(productId);
    },

    /**
     * Updates a product and adds or updates its SKUs (never their stock: that is the audited
     * adjustment). Validated in full first; then each SKU is one single-document write and the product
     * one more, each safe to repeat, so a retried request finishes what a crashed one started.
     */
    async updateProduct(adminId: string, productId: string, patch: AdminProductPatch): Promise<AdminProduct> {
      const id = objectIdOrNull(productId);
      const product = id ? await Product.findOne({ _id: id, deletedAt: null }).lean<ProductDoc>() : null;
      if (!product) throw productNotFound();
      const { skus: skuPatches = [], ...fields } = patch;
      if (fields.categoryId) await requireCategory(fields.categoryId);

      const visibility = fields.visibility ?? product.visibility;
      if (visibility !== 'tier' && fields.minTier) {
        throw badRequest('min_tier_needs_tier', '只有等级专享商品可以指定最低等级');
      }
      const minTier = visibility === 'tier' ? (fields.minTier ?? product.minTier) : null;
      const teaser = visibility === 'tier' ? (fields.teaser ?? product.teaser) : fields.teaser;
      checkAudience({ visibility, minTier, teaser });

      const existing = await Sku.find({ product: product._id }).lean<SkuDoc[]>();
      const existingById = new Map(existing.map((sku) => [sku._id.toString(), sku]));
      const finalKeys = new Map(existing.map((sku) => [sku._id.toString(), sku.specsKey]));
      const updates: { id: Types.ObjectId; set: Record<string, unknown> }[] = [];
      const additions: AdminSkuCreate[] = [];
      for (const skuPatch of skuPatches) {
        if ('id' in skuPatch) {
          const current = existingById.get(skuPatch.id);
          if (!current) throw badRequest('unknown_sku', '该规格不属于此商品');
          const { id: _id, ...set } = skuPatch;
          checkSkuPrices({
            price: set.price ?? current.price,
            memberPrices: set.memberPrices ?? memberPricesOf(current),
          });
          if (set.specs) finalKeys.set(skuPatch.id, specsKeyOf(set.specs));
          updates.push({
            id: current._id,
            set: { ...set, ...(set.specs ? { specsKey: specsKeyOf(set.specs) } : {}) },
          });
        } else {
          checkSkuPrices(skuPatch);
          finalKeys.set(`new:${additions.length}`, specsKeyOf(skuPatch.specs));
          additions.push(skuPatch);
        }
      }
      const keys = [...finalKeys.values()];
      if (new Set(keys).size !== keys.length) throw badRequest('duplicate_specs', '同一商品的规格不能重复');

      try {
        for (const update of updates) {
          await Sku.updateOne({ _id: update.id, product: product._id }, { $set: update.set });
        }
        if (additions.length) {
          await Sku.insertMany(additions.map((sku, index) => newSkuDoc(product._id, sku, existing.length + index)));
        }
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict('duplicate_specs', '同一商品的规格不能重复');
        throw error;
      }
      const set: Record<string, unknown> = { ...fields, minTier, teaser: visibility === 'tier' ? teaser : false };
      await Product.updateOne({ _id: product._id }, { $set: set });
      await refreshProductSummary(product._id);
      await audit(adminId, 'product.update', product._id.toString(), {
        fields: Object.keys(fields),
        skusUpdated: updates.length,
        skusAdded: additions.length,
      });
      return adminProduct(product._id);
    },

    /** Soft delete: the product disappears from the store and from new orders; old orders keep pointing at it. */
    async deleteProduct(adminId: string, productId: string): Promise<void> {
      const result = await Product.updateOne({ _id: productId, deletedAt: null }, { $set: { deletedAt: new Date() } });
      if (result.matchedCount === 0) throw productNotFound();
      await audit(adminId, 'product.delete', productId, {});
    },

    async adminGetProduct(productId: string): Promise<AdminProduct> {
      const id = objectIdOrNull(productId);
      if (!id) throw productNotFound();
      return adminProduct(id);
    },

    async adminListProducts(query: AdminProductListQuery) {
      const filter = (): Record<string, unknown> => ({
        deletedAt: query.deleted === 'true' ? trustedOperators({ $ne: null }) : null,
        ...(query.status ? { status: query.status } : {}),
        ...(query.category ? { categoryId: query.category } : {}),
        ...(query.q ? searchFilter(query.q) : {}),
      });
      const [products, total] = await Promise.all([
        Product.find(filter(), { description: 0 })
          .sort({ updatedAt: -1, _id: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<ProductDoc[]>(),
        Product.countDocuments(filter()),
      ]);
      const skus = products.length
        ? await Sku.find(
            { product: trustedOperators({ $in: products.map((p) => p._id) }) },
            { product: 1, stock: 1, active: 1 },
          ).lean<SkuDoc[]>()
        : [];
      return {
        items: products.map((product) => {
          const own = skus.filter((sku) => sku.product.equals(product._id));
          return {
            ...adminProductFields(product),
            image: product.images?.[0] ?? '',
            skuCount: own.length,
            stock: own.filter((sku) => sku.active).reduce((sum, sku) => sum + sku.stock, 0),
          };
        }),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },

    /**
     * Adds or removes stock by hand. One conditional update (a removal needs that much in stock, so
     * stock never goes negative), then the audit row. The stock update is what counts; if the process
     * dies before the audit row is written, the SKU's `updatedAt` still shows the change.
     */
    async adjustStock(adminId: string, skuId: string, delta: number, reason: string) {
      const id = objectIdOrNull(skuId);
      if (!id) throw skuNotFound();
      const after = await Sku.findOneAndUpdate(
        delta < 0 ? { _id: id, stock: trustedOperators({ $gte: -delta }) } : { _id: id },
        { $inc: { stock: delta } },
        { new: true, lean: true },
      );
      if (!after) {
        const current = await Sku.findById(id, { stock: 1 }).lean<SkuDoc>();
        if (!current) throw skuNotFound();
        throw conflict('stock_would_go_negative', `库存只有 ${current.stock} 件，不能减少 ${-delta} 件`, {
          stock: current.stock,
        });
      }
      await audit(adminId, 'sku.stock_adjust', id.toString(), { delta, stockAfter: after.stock }, reason);
      return { skuId: id.toString(), delta, stock: after.stock, sold: after.sold ?? 0 };
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
