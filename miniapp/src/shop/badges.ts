/**
 * Count badges: the cart tab shows how many pieces are in the cart, 我的 how many orders wait for the member
 * (待付款 + 待收货), and 我的's order shortcuts their own counts. Counts come from what the API already answers
 * (`/cart`, and the `total` of `/orders?status=…&pageSize=1`); badges are cleared for a visitor.
 */
import type { StoreCart, VisibleOrderStatus } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { fetchCart } from '../api/cart';
import { fetchOrders } from '../api/orders';
import { isLoggedIn } from '../api/session';

export const CART_TAB_INDEX = 2;
export const ME_TAB_INDEX = 3;

export const COUNTED_STATUSES = ['pending_payment', 'paid', 'shipped'] as const satisfies readonly VisibleOrderStatus[];
export type OrderCounts = Record<(typeof COUNTED_STATUSES)[number], number>;

/** A badge shows at most 99+; 0 removes it. */
export function badgeText(count: number): string {
  return count > 99 ? '99+' : String(count);
}

function setTabBadge(index: number, count: number): void {
  // The tab bar exists only while a tab page is up; elsewhere these calls fail, which is fine.
  const call =
    count > 0 ? Taro.setTabBarBadge?.({ index, text: badgeText(count) }) : Taro.removeTabBarBadge?.({ index });
  void Promise.resolve(call).catch(() => undefined);
}

let latest: OrderCounts | null = null;
const listeners = new Set<(counts: OrderCounts | null) => void>();

export async function fetchOrderCounts(): Promise<OrderCounts> {
  const totals = await Promise.all(
    COUNTED_STATUSES.map((status) =>
      fetchOrders({ status, page: 1, pageSize: 1 }, { silent: true }).then((p) => p.total),
    ),
  );
  return { pending_payment: totals[0] ?? 0, paid: totals[1] ?? 0, shipped: totals[2] ?? 0 };
}

/** The cart tab's badge from a cart the page already has (the cart page, 加入购物车). */
export function showCartBadge(cart: StoreCart | null): void {
  setTabBadge(CART_TAB_INDEX, cart ? cart.items.reduce((n, line) => n + line.qty, 0) : 0);
}

function clearCounts(): void {
  latest = null;
  for (const listener of listeners) listener(null);
  setTabBadge(ME_TAB_INDEX, 0);
}

/** Reads the order counts again: 我的's tab badge (待付款 + 待收货) and its order shortcuts. */
export async function refreshOrderCounts(): Promise<void> {
  if (!isLoggedIn()) {
    clearCounts();
    return;
  }
  try {
    latest = await fetchOrderCounts();
  } catch {
    return; // Badges are a convenience: keep what is shown.
  }
  for (const listener of listeners) listener(latest);
  setTabBadge(ME_TAB_INDEX, latest.pending_payment + latest.shipped);
}

/** Both tab badges, from 首页's show. */
export async function refreshBadges(): Promise<void> {
  if (!isLoggedIn()) {
    clearCounts();
    showCartBadge(null);
    return;
  }
  await Promise.all([fetchCart({ silent: true }).then(showCartBadge, () => undefined), refreshOrderCounts()]);
}

/** The latest order counts, for 我的's order shortcuts. */
export function useOrderCounts(): OrderCounts | null {
  const [counts, setCounts] = useState<OrderCounts | null>(latest);
  useEffect(() => {
    listeners.add(setCounts);
    return () => void listeners.delete(setCounts);
  }, []);
  return counts;
}
