/** Checkout, orders and payment. Every amount comes from the server; the storefront only shows it. */
import {
  type OrderPreview,
  OrderPreviewSchema,
  type OrderView,
  OrderViewSchema,
  type PayParams,
  PayParamsSchema,
  type VisibleOrderStatus,
} from '@siyu/shared';
import Taro from '@tarojs/taro';
import { liveOrderSource } from '../live/touch';
import { ApiError, NETWORK_MESSAGE, request, type Shape } from './client';

export interface OrderLineInput {
  skuId: string;
  qty: number;
}

export interface OrderPage {
  items: OrderView[];
  total: number;
  page: number;
  pageSize: number;
}

const OrderListShape = OrderViewSchema.array();

/** `{ items: OrderView[], total, page, pageSize }`, each order checked against the shared schema. */
const OrderPageShape: Shape<OrderPage> = {
  safeParse(value: unknown) {
    if (!value || typeof value !== 'object') return { success: false };
    const body = value as Record<string, unknown>;
    const items = OrderListShape.safeParse(body.items);
    const numbers = [body.total, body.page, body.pageSize].every((n) => typeof n === 'number');
    if (!items.success || !numbers) return { success: false };
    return {
      success: true,
      data: {
        items: items.data,
        total: body.total as number,
        page: body.page as number,
        pageSize: body.pageSize as number,
      },
    };
  },
};

export function previewOrder(
  /** couponId: a member coupon, null for none, absent for the best one (the preview says which in `couponId`). */
  input: { items: OrderLineInput[]; addressId?: string; pointsToUse?: number; couponId?: string | null },
  options: { silent?: boolean } = {},
): Promise<OrderPreview> {
  const body: Record<string, unknown> = { items: input.items };
  if (input.addressId) body.addressId = input.addressId;
  if (input.pointsToUse) body.pointsToUse = input.pointsToUse;
  if (input.couponId !== undefined) body.couponId = input.couponId;
  return request({ method: 'POST', path: '/orders/preview', body, silent: options.silent }, OrderPreviewSchema);
}

export interface PlaceOrderInput {
  items: OrderLineInput[];
  addressId: string;
  remark?: string;
  pointsToUse?: number;
  fromCart?: boolean;
  /** The coupon the preview applied; an order uses only the coupon it names. */
  couponId?: string | null;
  /** Where the order came from (`live:<id>`, `group:<id>`); defaults to the last live touch within its window. */
  from?: string;
}

/**
 * Places the order. `idempotencyKey` belongs to one checkout attempt: send the same key again when the shopper
 * taps again or retries after a network error, so the server answers with the same order instead of a second one.
 */
export function placeOrder(input: PlaceOrderInput, idempotencyKey: string): Promise<OrderView> {
  const body: Record<string, unknown> = { items: input.items, addressId: input.addressId };
  if (input.remark?.trim()) body.remark = input.remark.trim();
  if (input.pointsToUse) body.pointsToUse = input.pointsToUse;
  if (input.fromCart) body.fromCart = true;
  if (input.couponId) body.couponId = input.couponId;
  const from = input.from ?? liveOrderSource();
  if (from) body.from = from;
  return request(
    { method: 'POST', path: '/orders', body, headers: { 'Idempotency-Key': idempotencyKey } },
    OrderViewSchema,
  );
}

/** A fresh key for one checkout attempt: letters, digits and `-`, as the server requires (8–128). */
export function newIdempotencyKey(): string {
  const random = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  return `co-${Date.now().toString(36)}-${random()}${random()}`;
}

export function fetchOrders(
  query: { status?: VisibleOrderStatus; page?: number; pageSize?: number },
  options: { silent?: boolean } = {},
): Promise<OrderPage> {
  return request(
    {
      path: '/orders',
      query: { status: query.status, page: query.page, pageSize: query.pageSize },
      silent: options.silent,
    },
    OrderPageShape,
  );
}

export function fetchOrder(id: string, options: { silent?: boolean } = {}): Promise<OrderView> {
  return request({ path: `/orders/${encodeURIComponent(id)}`, silent: options.silent }, OrderViewSchema);
}

export function cancelOrder(id: string): Promise<OrderView> {
  return request({ method: 'POST', path: `/orders/${encodeURIComponent(id)}/cancel` }, OrderViewSchema);
}

export function confirmReceipt(id: string): Promise<OrderView> {
  return request({ method: 'POST', path: `/orders/${encodeURIComponent(id)}/confirm` }, OrderViewSchema);
}

/** 删除订单: hides a finished order from the member's own list (the shop keeps it). */
export function deleteOrder(id: string): Promise<void> {
  return request({ method: 'DELETE', path: `/orders/${encodeURIComponent(id)}` });
}

export function startPayment(id: string, options: { silent?: boolean } = {}): Promise<PayParams> {
  return request(
    { method: 'POST', path: `/orders/${encodeURIComponent(id)}/pay`, silent: options.silent },
    PayParamsSchema,
  );
}

/**
 * Demo mode's stand-in for WeChat's payment sheet: the sandbox cashier's confirm URL (absolute, no auth). The
 * order turns paid once the sandbox has notified the API, so callers poll the order afterwards.
 */
export async function confirmSandboxPayment(confirmUrl: string): Promise<void> {
  let response: { statusCode: number };
  try {
    response = await Taro.request({
      url: confirmUrl,
      method: 'POST',
      header: { Accept: 'application/json' },
      data: {},
    });
  } catch {
    throw new ApiError('network', NETWORK_MESSAGE, 0);
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new ApiError('sandbox_failed', '支付未完成，请重试', response.statusCode);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the order until it has left 待付款 (or `attempts` run out); resolves with the last order seen. */
export async function waitForPaid(
  id: string,
  options: { attempts?: number; intervalMs?: number } = {},
): Promise<OrderView> {
  const attempts = options.attempts ?? 20;
  const interval = options.intervalMs ?? 1000;
  let last: OrderView | null = null;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      last = await fetchOrder(id, { silent: true });
      if (last.status !== 'pending_payment') return last;
    } catch {
      // A blip while polling is not a failed payment: keep asking.
    }
    await sleep(interval);
  }
  if (last) return last;
  throw new ApiError('network', NETWORK_MESSAGE, 0);
}
