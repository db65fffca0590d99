import type { OrderPreview, StoreMemberCoupon } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import MyCouponsPage from '../src/packages/coupons/mine/index';
import CheckoutPage from '../src/packages/shop/checkout/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { address, ids, order, preview, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));
// Generous waits: these run while other builds share the two cores.
configure({ asyncUtilTimeout: 10_000 });

const sent = () => vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
const previews = () => sent().filter((request) => request.url === '/api/orders/preview');

const TEN = 'c0000000000000000000000a';
const FULL = 'c0000000000000000000000b';

function withCoupon(couponId: string | null): OrderPreview {
  const discount = couponId === TEN ? 1000 : 0;
  return {
    ...preview,
    amounts: { ...preview.amounts, couponDiscount: discount, payable: preview.amounts.payable - discount },
    couponId,
    coupons: [
      {
        couponId: TEN,
        name: '新人礼 · 无门槛券',
        title: '无门槛减10',
        validUntil: '2026-12-04T02:00:00.000Z',
        usable: true,
        saving: 1000,
        reason: null,
        reasonText: null,
      },
      {
        couponId: FULL,
        name: '全场满减券',
        title: '满399减50',
        validUntil: '2026-12-08T02:00:00.000Z',
        usable: false,
        saving: 0,
        reason: 'coupon_below_threshold',
        reasonText: '门槛未满：适用商品满¥399可用，还差¥155.80',
      },
    ],
  };
}

describe('结算: the coupon picker', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/shop/checkout/index' }]);
    setRouterParams({ items: encodeURIComponent(`${ids.sku50}:2`) });
  });

  it('shows the best coupon the preview applied, lists usable and unusable ones with why, and orders with the one chosen', async () => {
    respondWith((request) => {
      if (request.url === '/api/addresses') return { statusCode: 200, data: [address] };
      if (request.url === '/api/orders/preview') {
        const body = request.data as { couponId?: string | null };
        return { statusCode: 200, data: withCoupon(body.couponId === undefined ? TEN : body.couponId) };
      }
      if (request.url === '/api/orders' && request.method === 'POST') return { statusCode: 201, data: order() };
      return { statusCode: 404 };
    });
    const { container } = render(<CheckoutPage />);
    await waitFor(() =>
      expect(container.querySelector('.checkout-coupon .coupon-row__value')?.textContent).toBe('-¥10.00'),
    );
    expect(previews()[0]!.data).not.toHaveProperty('couponId');

    // The row opens once the preview has settled (it is disabled while one is running).
    const settled = () => waitFor(() => expect(container.querySelector('.checkout-breakdown--stale')).toBeNull());
    await settled();
    fireEvent.click(container.querySelector('.checkout-coupon') as HTMLElement);
    await waitFor(() => expect(screen.getByText('选择优惠券')).toBeTruthy());
    expect(screen.getByText('本单可省 ¥10.00')).toBeTruthy();
    expect(screen.getByText('门槛未满：适用商品满¥399可用，还差¥155.80')).toBeTruthy();
    // The unusable one cannot be picked; 不使用优惠券 asks for a preview without one.
    const before = previews().length;
    fireEvent.click(container.querySelector('.coupon-option--unusable') as HTMLElement);
    expect(previews()).toHaveLength(before);
    fireEvent.click(container.querySelector('.coupon-sheet__none') as HTMLElement);
    await waitFor(() => expect(previews().at(-1)!.data).toMatchObject({ couponId: null }));
    await waitFor(() =>
      expect(container.querySelector('.checkout-coupon .coupon-row__value')?.textContent).toBe('1 张可用'),
    );

    // Back to the ¥10 coupon, then order: the order names it.
    await settled();
    fireEvent.click(container.querySelector('.checkout-coupon') as HTMLElement);
    await waitFor(() => expect(container.querySelector('.coupon-option--usable')).toBeTruthy());
    fireEvent.click(container.querySelector('.coupon-option--usable') as HTMLElement);
    await waitFor(() => expect(previews().at(-1)!.data).toMatchObject({ couponId: TEN }));
    await waitFor(() =>
      expect(container.querySelector('.checkout-coupon .coupon-row__value')?.textContent).toBe('-¥10.00'),
    );
    await settled();
    fireEvent.click(container.querySelector('.checkout-submit') as HTMLElement);
    await waitFor(() =>
      expect(sent().find((request) => request.url === '/api/orders' && request.method === 'POST')?.data).toMatchObject({
        couponId: TEN,
      }),
    );
  }, 45_000);
});

describe('我的优惠券', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/coupons/mine/index' }]);
    setRouterParams({});
  });

  const coupon = (over: Partial<StoreMemberCoupon>): StoreMemberCoupon => ({
    id: 'c0000000000000000000000c',
    templateId: 't0000000000000000000000c',
    name: '茶器专享券',
    kind: 'amount',
    title: '无门槛减10',
    amountOff: 1000,
    threshold: 0,
    percentOff: 0,
    maxOff: 0,
    scope: { type: 'products', productIds: [ids.product], categoryIds: [], excludeProductIds: [] },
    scopeText: '指定商品可用',
    minTier: null,
    newMembersOnly: false,
    stackWithMemberPrice: true,
    channel: 'claim',
    status: 'available',
    validFrom: '2026-12-01T02:00:00.000Z',
    validUntil: '2026-12-08T02:00:00.000Z',
    validityText: '2026.12.08 10:00 到期',
    usedAt: null,
    usedOrderId: null,
    createdAt: '2026-12-01T02:00:00.000Z',
    ...over,
  });

  it('shows each tab with its count, and 去使用 opens the product the coupon is for', async () => {
    respondWith((request) => {
      if (request.url.startsWith('/api/me/coupons?')) {
        const tab = request.url.includes('status=used') ? 'used' : 'available';
        return {
          statusCode: 200,
          data: {
            items:
              tab === 'used'
                ? [coupon({ id: 'c0000000000000000000000d', status: 'used', usedAt: '2026-12-02T02:00:00.000Z' })]
                : [coupon({})],
            counts: { available: 1, used: 1, expired: 0 },
          },
        };
      }
      return { statusCode: 404 };
    });
    const { container } = render(<MyCouponsPage />);
    await waitFor(() => expect(screen.getByText('茶器专享券')).toBeTruthy());
    expect(Array.from(container.querySelectorAll('.wallet-tab')).map((tab) => tab.textContent)).toEqual([
      '可使用 1',
      '已使用 1',
      '已过期 0',
    ]);
    fireEvent.click(container.querySelector('.wallet-use') as HTMLElement);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/shop/product/index?id=${ids.product}` });
  });
});
