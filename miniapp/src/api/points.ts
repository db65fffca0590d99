/** Points: the member's ledger and balance, and the points mall (products bought with points). */
import {
  type StorePointsPage,
  StorePointsPageSchema,
  type StoreProductPage,
  StoreProductPageSchema,
} from '@siyu/shared';
import { type Quiet, request } from './client';

export function fetchPoints(page = 1, pageSize = 20, options: Quiet = {}): Promise<StorePointsPage> {
  return request({ path: '/me/points', query: { page, pageSize }, silent: options.silent }, StorePointsPageSchema);
}

/** The points mall: products that can be bought with points. */
export function fetchPointsProducts(page = 1, pageSize = 20, options: Quiet = {}): Promise<StoreProductPage> {
  return request(
    { path: '/products', query: { zone: 'points', page, pageSize }, silent: options.silent },
    StoreProductPageSchema,
  );
}
