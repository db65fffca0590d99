/**
 * What shoppers read: categories, list pages, product details and product cards, served from the
 * in-process read cache (catalog-cache.ts), and the uncached reads that must be exact: the cart's SKU
 * contexts and the SKUs an order is placed for (stock and access read at that moment).
 *
 * The cache holds stored documents, keyed by the viewer's tier (which decides visibility), the query
 * and the page; the viewer's prices are computed per request from the tier's current benefits, so a
 * tier-benefit change needs no invalidation.
 */
import {
  productAccess,
  type StoreCategory,
  type StoreProductCard,
  type StoreProductDetail,
  type StoreProductPage,
  specsText,
  type TierBenefits,
  type TierCode,
  unlockText,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, badRequest } from '../../http/errors';
import { Category, type CategoryDoc, Product, type ProductDoc, Sku, type SkuDoc } from './catalog.model';
import { type CatalogVersion, ReadCache } from './catalog-cache';
import {
  type BenefitsFor,
  CARD_FIELDS,
  type CatalogViewer,
  commonFields,
  DETAIL_FIELDS,
  type ListQuery,
  lockedFields,
  memberPricesOf,
  type OrderableLine,
  objectIdOrNull,
  openCard,
  productNotFound,
  SKU_FIELDS,
  type SkuContext,
  SORTS,
  searchFilter,
  skuNotFound,
  specsOf,
  storeBase,
  storeSku,
  visibleTo,
} from './catalog-views';

/** Entries showing stock: never older than a second; reloaded in the background after half a second. */
const STOCK_FRESH = { maxAgeMs: 1000, refreshAfterMs: 500 };
/** Category counts change only with catalog writes (which bump the version); a minute caps direct database edits. */
const VERSIONED = { maxAgeMs: 60_000, refreshAfterMs: 50_000 };

interface ListEntry {
  products: ProductDoc[];
  total: number;
  skus: Map<string, SkuDoc[]>;
  /** The page as rendered for a tier's benefits (keyed by them: a tier edit changes the key). */
  rendered: Map<string, StoreProductPage>;
}
interface DetailEntry {
  product: ProductDoc;
  skus: SkuDoc[];
  rendered: Map<string, StoreProductDetail>;
}

const benefitsKey = (benefits: TierBenefits | null) => (benefits ? JSON.stringify(benefits) : 'anonymous');

/** Cached renderings are shared by every reader of an entry: callers treat answers as read-only. */
function renderedFor<T>(rendered: Map<string, T>, key: string, render: () => T): T {
  let value = rendered.get(key);
  if (value === undefined) {
    value = render();
    rendered.set(key, value);
  }
  return value;
}

const viewerKey = (viewer: CatalogViewer | undefined) => viewer?.tier ?? '-';

export function createStorefrontReads(deps: { benefitsFor: BenefitsFor; version: CatalogVersion }) {
  const lists = new ReadCache<ListEntry>(deps.version, { ...STOCK_FRESH, maxEntries: 2000 });
  const details = new ReadCache<DetailEntry | null>(deps.version, { ...STOCK_FRESH, maxEntries: 5000 });
  const categoryCounts = new ReadCache<StoreCategory[]>(deps.version, { ...VERSIONED, maxEntries: 50 });

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

  /** A product as the store shows it (on sale, not deleted) with its active SKUs; null when there is none. */
  function loadDetail(productId: string): Promise<DetailEntry | null> {
    const id = objectIdOrNull(productId);
    if (!id) return Promise.resolve(null);
    return details.get(id.toString(), async () => {
      const product = await Product.findOne({ ...storeBase(), _id: id }, DETAIL_FIELDS).lean<ProductDoc>();
      if (!product) return null;
      const skus = await activeSkusOf([product._id]);
      return { product, skus: skus.get(product._id.toString()) ?? [], rendered: new Map() };
    });
  }

  /** The card a viewer sees for a product, or null when it is hidden from them. */
  function cardFor(
    viewer: CatalogViewer | undefined,
    entry: DetailEntry | ListEntry['products'][number],
    skus: readonly SkuDoc[],
    benefits: TierBenefits | null,
  ): StoreProductCard | null {
    const product = 'product' in entry ? entry.product : entry;
    const access = productAccess(viewer?.tier ?? null, product);
    if (access === 'open') return openCard(product, skus, benefits);
    if (access === 'locked') return { ...commonFields(product, []), ...lockedFields(product) };
    return null;
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

  return {
    /** After a catalog write in this process (the version bump tells the other instances). */
    forget() {
      lists.clear();
      details.clear();
      categoryCounts.clear();
    },

    /** Loads run by the read caches so far (tests and benchmarks). */
    cacheLoads() {
      return { lists: lists.loads, details: details.loads, categories: categoryCounts.loads };
    },

    async listCategories(viewer: CatalogViewer | undefined): Promise<StoreCategory[]> {
      const categories = await categoryCounts.get(viewerKey(viewer), async () => {
        const [rows, counts] = await Promise.all([
          Category.find({ active: true }, { name: 1, icon: 1, sort: 1 })
            .sort({ sort: -1, _id: 1 })
            .lean<CategoryDoc[]>(),
          Product.aggregate<{ _id: Types.ObjectId; count: number }>([
            { $match: storeFilter(viewer, {}) },
            { $group: { _id: '$categoryId', count: { $sum: 1 } } },
          ]),
        ]);
        const countById = new Map(counts.map((row) => [row._id.toString(), row.count]));
        return rows.map((category) => ({
          id: category._id.toString(),
          name: category.name,
          icon: category.icon ?? '',
          productCount: countById.get(category._id.toString()) ?? 0,
        }));
      });
      return categories;
    },

    async listProducts(viewer: CatalogViewer | undefined, query: ListQuery): Promise<StoreProductPage> {
      if (query.zone === 'members' && !viewer)
        return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
      const key = JSON.stringify([
        viewerKey(viewer),
        query.category ?? '',
        query.q ?? '',
        query.zone ?? '',
        query.sort,
        query.page,
        query.pageSize,
      ]);
      const [entry, benefits] = await Promise.all([
        lists.get(key, async () => {
          const [products, total] = await Promise.all([
            Product.find(storeFilter(viewer, query), CARD_FIELDS)
              .sort(SORTS[query.sort])
              .skip((query.page - 1) * query.pageSize)
              .limit(query.pageSize)
              .lean<ProductDoc[]>(),
            Product.countDocuments(storeFilter(viewer, query)),
          ]);
          const open = products.filter((product) => productAccess(viewer?.tier ?? null, product) === 'open');
          const skus = await activeSkusOf(open.map((product) => product._id));
          return { products, total, skus, rendered: new Map() };
        }),
        benefitsOf(viewer),
      ]);
      // The whole page object is shared while the entry lasts (page and size are part of the key), so
      // the route sends bytes serialized once (`sharedAnswers`).
      return renderedFor(entry.rendered, benefitsKey(benefits), () => {
        const items: StoreProductCard[] = [];
        for (const product of entry.products) {
          const card = cardFor(viewer, product, entry.skus.get(product._id.toString()) ?? [], benefits);
          if (card) items.push(card);
        }
        return { items, total: entry.total, page: query.page, pageSize: query.pageSize };
      });
    },

    async getProduct(viewer: CatalogViewer | undefined, productId: string): Promise<StoreProductDetail> {
      const [entry, benefits] = await Promise.all([loadDetail(productId), benefitsOf(viewer)]);
      const access = entry ? productAccess(viewer?.tier ?? null, entry.product) : 'hidden';
      if (!entry || access === 'hidden') throw productNotFound();
      const { product, skus } = entry;
      return renderedFor(entry.rendered, access === 'locked' ? 'locked' : benefitsKey(benefits), () => {
        const detail = { images: product.images ?? [], description: product.description ?? [] };
        if (access === 'locked') return { ...commonFields(product, []), ...lockedFields(product), ...detail };
        return {
          ...openCard(product, skus, benefits),
          ...detail,
          skus: skus.map((sku) => storeSku(sku, benefits)),
        };
      });
    },

    /**
     * Product cards by id as this viewer sees them (for live lineups and group-buys), from the same
     * cache as product details; ids that are unknown, off the shelf or hidden from the viewer are absent.
     */
    async productCards(viewer: CatalogViewer | undefined, productIds: readonly string[]) {
      const [entries, benefits] = await Promise.all([Promise.all(productIds.map(loadDetail)), benefitsOf(viewer)]);
      const cards = new Map<string, StoreProductCard>();
      entries.forEach((entry, index) => {
        const card = entry ? cardFor(viewer, entry, entry.skus, benefits) : null;
        if (card) cards.set(productIds[index]!, card);
      });
      return cards;
    },

    /** SKUs with their products and the viewer's access, for the cart (which shows lines it cannot sell). */
    skuContexts,

    /** The SKU if `viewer` may put it in a cart or order; 404 `sku_not_found` / 403 `tier_required` otherwise. */
    async purchasableSku(viewer: CatalogViewer, skuId: string) {
      return purchasable((await skuContexts(viewer, [skuId])).get(skuId));
    },

    /**
     * The SKUs of an order as this member may buy them, in the order given, read from the database
     * (never the cache). Throws 400 for duplicate SKUs or a quantity below 1, 404 `sku_not_found` for
     * unknown, inactive, off-shelf, deleted or invisible SKUs, 403 `tier_required` for a teaser the
     * member's tier does not unlock.
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
          categoryId: product.categoryId.toString(),
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
  };
}

export type StorefrontReads = ReturnType<typeof createStorefrontReads>;
