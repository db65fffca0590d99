/**
 * The admin side of the catalog: categories, products and their SKUs, and audited stock adjustments.
 * Every write ends with `afterWrite()`, which bumps the catalog version so every API instance's read
 * cache drops what the write changed (this one at once, the others within a second).
 */
import { specsText, type TierCode } from '@siyu/shared';
import { Types } from 'mongoose';
import type { z } from 'zod';
import { trustedOperators } from '../../db/connection';
import { badRequest, conflict, isDuplicateKey, notFound } from '../../http/errors';
import { recordAudit } from '../audit/audit.service';
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
import { memberPricesOf, objectIdOrNull, productNotFound, searchFilter, skuNotFound, specsOf } from './catalog-views';

type AdminCategoryCreate = z.infer<typeof AdminCategoryCreateSchema>;
type AdminCategoryPatch = z.infer<typeof AdminCategoryPatchSchema>;
type AdminSkuCreate = z.infer<typeof AdminSkuCreateSchema>;
type AdminProductListQuery = z.infer<typeof AdminProductListQuerySchema>;

export function createCatalogAdmin(deps: { afterWrite: () => Promise<void> }) {
  const { afterWrite } = deps;

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
    await recordAudit({
      admin: adminId,
      action,
      target: { type: action.split('.')[0] ?? action, id: targetId },
      reason,
      changes,
    });
  }

  return {
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
      await afterWrite();
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
      await afterWrite();
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
      await afterWrite();
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
      await afterWrite();
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
      await afterWrite();
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
      await afterWrite();
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
      await afterWrite();
      await audit(adminId, 'sku.stock_adjust', id.toString(), { delta, stockAfter: after.stock }, reason);
      return { skuId: id.toString(), delta, stock: after.stock, sold: after.sold ?? 0 };
    },
  };
}

export type CatalogAdmin = ReturnType<typeof createCatalogAdmin>;
