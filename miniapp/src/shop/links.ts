/** Where the shopping pages lead, in one place: product, checkout, pay, orders, addresses. */
import Taro from '@tarojs/taro';
import { PAGES } from '../brand';

/** The membership card page (built alongside the shopping pages). */
export const MEMBERSHIP_PAGE = '/packages/member/membership/index';

/** 申请售后 (built in the after-sales sub-package): takes `orderId`. */
export const AFTERSALES_PAGE = '/packages/aftersales/apply/index';

export interface CheckoutLine {
  skuId: string;
  qty: number;
}

/** `a1:2,b2:1` — the checkout page's `items` parameter. */
export function encodeCheckoutItems(lines: readonly CheckoutLine[]): string {
  return lines.map((line) => `${line.skuId}:${line.qty}`).join(',');
}

export function decodeCheckoutItems(value: string | undefined): CheckoutLine[] {
  if (!value) return [];
  const lines: CheckoutLine[] = [];
  for (const part of value.split(',')) {
    const [skuId, qtyText] = part.split(':');
    const qty = Number(qtyText);
    if (skuId && /^[0-9a-f]{24}$/i.test(skuId) && Number.isInteger(qty) && qty > 0) lines.push({ skuId, qty });
  }
  return lines;
}

/** Ids in links are the server's 24-hex ids; anything else is a broken link, told as such (never sent on). */
export function isEntityId(value: string | undefined): value is string {
  return !!value && /^[0-9a-f]{24}$/i.test(value);
}

export function productUrl(id: string): string {
  return `${PAGES.product}?id=${encodeURIComponent(id)}`;
}

/**
 * The path a product's share card opens: the product, the sharer's invite code (so a friend who joins from it is
 * their invitee) and `from=share:<member id>` (the order's attribution); `members=1` marks a members-only tea so a
 * logged-out friend is invited to log in instead of being told it is gone.
 */
export function productShareUrl(
  id: string,
  sharer: { id: string; inviteCode: string } | null,
  membersOnly: boolean,
): string {
  let url = productUrl(id);
  if (sharer)
    url += `&invite=${encodeURIComponent(sharer.inviteCode)}&from=${encodeURIComponent(`share:${sharer.id}`)}`;
  if (membersOnly) url += '&members=1';
  return url;
}

export function checkoutUrl(lines: readonly CheckoutLine[], fromCart = false): string {
  const items = encodeURIComponent(encodeCheckoutItems(lines));
  return `${PAGES.checkout}?items=${items}${fromCart ? '&fromCart=1' : ''}`;
}

export function orderUrl(id: string): string {
  return `${PAGES.order}?id=${encodeURIComponent(id)}`;
}

export function payUrl(id: string): string {
  return `${PAGES.pay}?id=${encodeURIComponent(id)}`;
}

export function openProduct(id: string): void {
  void Taro.navigateTo({ url: productUrl(id) }).catch(() => undefined);
}

/** Opens the membership card page; says so when it is not there yet instead of failing silently. */
export function openMembership(): void {
  void Taro.navigateTo({ url: MEMBERSHIP_PAGE }).catch(() => {
    void Taro.showToast({ title: '会员卡页面即将开放', icon: 'none' });
  });
}

/** The address the shopper picked on the address page in select mode, handed back to checkout. */
const PICKED_ADDRESS_KEY = 'siyu.checkout.pickedAddress';

export function handBackAddress(id: string): void {
  Taro.setStorageSync(PICKED_ADDRESS_KEY, { id });
}

export function takePickedAddress(): string | null {
  try {
    const value = Taro.getStorageSync(PICKED_ADDRESS_KEY) as { id?: string } | '';
    if (!value || typeof value !== 'object' || !value.id) return null;
    Taro.removeStorageSync(PICKED_ADDRESS_KEY);
    return value.id;
  } catch {
    return null;
  }
}

/** mm:ss (or h:mm:ss) left until `until`; '00:00' once it has passed. */
export function countdownText(until: string | null, now: number): string {
  if (!until) return '';
  const left = Math.max(0, Math.floor((new Date(until).getTime() - now) / 1000));
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const seconds = left % 60;
  const pad = (n: number) => n.toString().padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}
