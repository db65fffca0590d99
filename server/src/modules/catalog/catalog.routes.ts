import {
  StoreCategorySchema,
  StoreProductDetailSchema,
  StoreProductListQuerySchema,
  StoreProductPageSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import {
  AdminCategoryCreateSchema,
  AdminCategoryPatchSchema,
  AdminCategorySchema,
  AdminProductCreateSchema,
  AdminProductListQuerySchema,
  AdminProductPageSchema,
  AdminProductPatchSchema,
  AdminProductSchema,
  AdminStockAdjustResultSchema,
  AdminStockAdjustSchema,
  IdParamsSchema,
} from './catalog.schemas';
import type { CatalogService } from './catalog.service';

const OPERATOR = { admin: ['operator'] } as const;

/** Mounted under /api. A logged-in member gets their prices and their private products; anonymous visitors the public catalog. */
export function catalogStoreRoutes(catalog: CatalogService) {
  return [
    defineRoute({
      method: 'get',
      path: '/categories',
      summary: '商品分类（含当前访客可见的商品数）',
      tags: ['catalog'],
      auth: 'optional-member',
      response: z.array(StoreCategorySchema),
      sharedAnswers: true,
      handler: async ({ caller }) => catalog.listCategories(caller.member),
    }),
    defineRoute({
      method: 'get',
      path: '/products',
      summary:
        '商品列表：分类、搜索（标题/副标题/标签）、排序、分页；zone=members 只看会员专享，zone=points 只看积分商城',
      description:
        '价格为当前访客实付单价（会员按其等级计算）。等级不足的预告商品以 locked 卡片出现，不含规格与库存；未登录访客只看到公开商品。',
      tags: ['catalog'],
      auth: 'optional-member',
      query: StoreProductListQuerySchema,
      response: StoreProductPageSchema,
      sharedAnswers: true,
      handler: async ({ query, caller }) => catalog.listProducts(caller.member, query),
    }),
    defineRoute({
      method: 'get',
      path: '/products/:id',
      summary: '商品详情（含规格、当前访客的价格与会员价）',
      tags: ['catalog'],
      auth: 'optional-member',
      params: IdParams,
      response: StoreProductDetailSchema,
      errors: { 404: '商品不存在、已下架或对当前访客不可见' },
      sharedAnswers: true,
      handler: async ({ params, caller }) => catalog.getProduct(caller.member, params.id),
    }),
  ];
}

/** Mounted under /api/admin: operators (and the owner) manage the catalog. */
export function catalogAdminRoutes(catalog: CatalogService) {
  return [
    defineRoute({
      method: 'get',
      path: '/categories',
      summary: '分类列表（含停用的分类）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      response: z.array(AdminCategorySchema),
      handler: async () => catalog.adminListCategories(),
    }),
    defineRoute({
      method: 'post',
      path: '/categories',
      summary: '新建分类',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      body: AdminCategoryCreateSchema,
      response: AdminCategorySchema,
      status: 201,
      handler: async ({ body }) => catalog.createCategory(body),
    }),
    defineRoute({
      method: 'patch',
      path: '/categories/:id',
      summary: '修改分类（名称、图标、排序、启用）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminCategoryPatchSchema,
      response: AdminCategorySchema,
      errors: { 404: '分类不存在' },
      handler: async ({ params, body }) => catalog.updateCategory(params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/categories/:id',
      summary: '删除分类（分类下还有商品时 409）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      params: IdParamsSchema,
      status: 204,
      errors: { 404: '分类不存在', 409: '分类下还有商品' },
      handler: async ({ params }) => {
        await catalog.deleteCategory(params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/products',
      summary: '商品列表（状态、分类、搜索、已删除）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      query: AdminProductListQuerySchema,
      response: AdminProductPageSchema,
      handler: async ({ query }) => catalog.adminListProducts(query),
    }),
    defineRoute({
      method: 'get',
      path: '/products/:id',
      summary: '商品详情（含全部规格，含停售的）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      params: IdParamsSchema,
      response: AdminProductSchema,
      errors: { 404: '商品不存在' },
      handler: async ({ params }) => catalog.adminGetProduct(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/products',
      summary: '新建商品及其规格（SKU）',
      description:
        'visibility=tier 须指定 minTier；teaser=true 仅用于等级专享商品（等级不足的会员看到锁定卡片）。会员价不得高于售价；同一商品规格不得重复。',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      body: AdminProductCreateSchema,
      response: AdminProductSchema,
      status: 201,
      handler: async ({ body, caller }) => catalog.createProduct(caller.admin!.id, body),
    }),
    defineRoute({
      method: 'patch',
      path: '/products/:id',
      summary: '修改商品：字段、可见范围、上下架；按 id 修改规格，不带 id 的为新增规格（库存请用库存调整）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminProductPatchSchema,
      response: AdminProductSchema,
      errors: { 404: '商品不存在', 409: '规格重复' },
      handler: async ({ params, body, caller }) => catalog.updateProduct(caller.admin!.id, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/products/:id',
      summary: '删除商品（软删除：从商城与新订单中消失，历史订单不受影响）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      params: IdParamsSchema,
      status: 204,
      errors: { 404: '商品不存在' },
      handler: async ({ params, caller }) => {
        await catalog.deleteProduct(caller.admin!.id, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/skus/:id/stock',
      summary: '调整库存（delta 可正可负，须填写原因；库存不会变为负数；记入操作审计）',
      tags: ['admin: catalog'],
      auth: OPERATOR,
      params: IdParamsSchema,
      body: AdminStockAdjustSchema,
      response: AdminStockAdjustResultSchema,
      errors: { 404: '规格不存在', 409: '库存不足以扣减' },
      handler: async ({ params, body, caller }) =>
        catalog.adjustStock(caller.admin!.id, params.id, body.delta, body.reason),
    }),
  ];
}
