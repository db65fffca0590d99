/** Coupons: 领券中心, claiming, 我的优惠券, redeem codes and the 新人礼. Amounts come from the server. */
import {
  type StoreCouponCenter,
  StoreCouponCenterSchema,
  type StoreMemberCoupon,
  StoreMemberCouponSchema,
  type StoreWallet,
  StoreWalletSchema,
  type StoreWelcome,
  StoreWelcomeSchema,
  type WalletTab,
} from '@siyu/shared';
import { type Quiet, request } from './client';

export const COUPON_PAGES = {
  center: '/packages/coupons/center/index',
  mine: '/packages/coupons/mine/index',
} as const;

/** 领券中心; with `productId`, only the coupons for that product (the 领券 row on a product page). */
export function fetchCouponCenter(query: { productId?: string } = {}, options: Quiet = {}): Promise<StoreCouponCenter> {
  return request(
    { path: '/coupons', query: { productId: query.productId }, silent: options.silent },
    StoreCouponCenterSchema,
  );
}

export function claimCoupon(templateId: string): Promise<StoreMemberCoupon> {
  return request({ method: 'POST', path: `/coupons/${encodeURIComponent(templateId)}/claim` }, StoreMemberCouponSchema);
}

export function fetchWallet(status: WalletTab, options: Quiet = {}): Promise<StoreWallet> {
  return request({ path: '/me/coupons', query: { status }, silent: options.silent }, StoreWalletSchema);
}

export function redeemCode(code: string): Promise<StoreMemberCoupon> {
  return request({ method: 'POST', path: '/me/coupons/redeem', body: { code } }, StoreMemberCouponSchema);
}

export function fetchWelcome(options: Quiet = {}): Promise<StoreWelcome> {
  return request({ path: '/me/coupons/welcome', silent: options.silent }, StoreWelcomeSchema);
}

export function markWelcomeSeen(): Promise<void> {
  return request({ method: 'POST', path: '/me/coupons/welcome/seen', silent: true });
}
