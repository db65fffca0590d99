/** After-sales (售后): what an order allows, asking for a refund of some lines, and the progress of each request. */
import {
  type AfterSaleEligibility,
  AfterSaleEligibilitySchema,
  AfterSaleListSchema,
  type AfterSaleView,
  AfterSaleViewSchema,
  type StoreAfterSaleCreate,
} from '@siyu/shared';
import { type Quiet, request } from './client';

/** Where the after-sales pages live (sub-package `packages/aftersales`). */
export const AFTERSALES_PAGES = {
  apply: '/packages/aftersales/apply/index',
  list: '/packages/aftersales/list/index',
  detail: '/packages/aftersales/detail/index',
} as const;

export function fetchEligibility(orderId: string, options: Quiet = {}): Promise<AfterSaleEligibility> {
  return request({ path: `/after-sales/orders/${orderId}`, silent: options.silent }, AfterSaleEligibilitySchema);
}

/**
 * 提交售后申请. `idempotencyKey` belongs to one filled-in form: send it again on a second tap or after a network
 * error, so the server answers the same request instead of refusing the units as already asked for.
 */
export function createAfterSale(input: StoreAfterSaleCreate, idempotencyKey: string): Promise<AfterSaleView> {
  return request(
    {
      method: 'POST',
      path: '/after-sales',
      body: { ...input },
      headers: { 'Idempotency-Key': idempotencyKey },
    },
    AfterSaleViewSchema,
  );
}

export function fetchAfterSales(
  query: { page: number; pageSize: number; orderId?: string },
  options: Quiet = {},
): Promise<{ items: AfterSaleView[]; total: number; page: number; pageSize: number }> {
  return request({ path: '/after-sales', query, silent: options.silent }, AfterSaleListSchema);
}

export function fetchAfterSale(id: string, options: Quiet = {}): Promise<AfterSaleView> {
  return request({ path: `/after-sales/${id}`, silent: options.silent }, AfterSaleViewSchema);
}

export function withdrawAfterSale(id: string): Promise<AfterSaleView> {
  return request({ method: 'POST', path: `/after-sales/${id}/withdraw` }, AfterSaleViewSchema);
}

/** A fresh key for one filled-in form: letters, digits and `-`, as the server requires (8–128). */
export function newAfterSaleKey(): string {
  const random = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  return `as-${Date.now().toString(36)}-${random()}${random()}`;
}
