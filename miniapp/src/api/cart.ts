/** The member's cart. Every call answers with the whole cart, re-priced and summed by the server. */
import { type StoreCart, StoreCartSchema } from '@siyu/shared';
import { request } from './client';

export function fetchCart(options: { silent?: boolean } = {}): Promise<StoreCart> {
  return request({ path: '/cart', silent: options.silent }, StoreCartSchema);
}

/** Sets a line's quantity (0 removes it). */
export function setCartQty(skuId: string, qty: number): Promise<StoreCart> {
  return request({ method: 'PUT', path: `/cart/items/${encodeURIComponent(skuId)}`, body: { qty } }, StoreCartSchema);
}

export function removeCartLine(skuId: string): Promise<StoreCart> {
  return request({ method: 'DELETE', path: `/cart/items/${encodeURIComponent(skuId)}` }, StoreCartSchema);
}

/** Adds `qty` to whatever the cart already holds of this SKU. */
export async function addToCart(skuId: string, qty: number): Promise<StoreCart> {
  const cart = await fetchCart();
  const existing = cart.items.find((line) => line.skuId === skuId)?.qty ?? 0;
  return setCartQty(skuId, existing + qty);
}
