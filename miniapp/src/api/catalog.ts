/** The catalog: categories, product pages (feed, category, search, zones) and product detail. */
import {
  type ProductSort,
  type StoreCategory,
  StoreCategorySchema,
  type StoreProductDetail,
  StoreProductDetailSchema,
  type StoreProductPage,
  StoreProductPageSchema,
} from '@siyu/shared';
import { request } from './client';

const CategoryListShape = StoreCategorySchema.array();

/** Categories this viewer can see, with how many products each holds for them. */
export function fetchCategories(options: { silent?: boolean } = {}): Promise<StoreCategory[]> {
  return request({ path: '/categories', silent: options.silent }, CategoryListShape);
}

export interface ProductQuery {
  category?: string;
  q?: string;
  sort?: ProductSort;
  page?: number;
  pageSize?: number;
  zone?: 'members' | 'points';
}

/** A page of product cards, priced by the server for this viewer. */
export function fetchProducts(query: ProductQuery, options: { silent?: boolean } = {}): Promise<StoreProductPage> {
  return request(
    {
      path: '/products',
      query: {
        category: query.category,
        q: query.q?.trim() || undefined,
        sort: query.sort,
        page: query.page,
        pageSize: query.pageSize,
        zone: query.zone,
      },
      silent: options.silent,
    },
    StoreProductPageSchema,
  );
}

export function fetchProduct(id: string, options: { silent?: boolean } = {}): Promise<StoreProductDetail> {
  return request({ path: `/products/${encodeURIComponent(id)}`, silent: options.silent }, StoreProductDetailSchema);
}
