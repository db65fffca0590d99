import type { StoreProductDetail } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ProductPage from '../src/packages/shop/product/index';
import { resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { ids, openCard, signIn, sku } from './shop-fixtures';

let share: (() => { title?: string; path?: string; imageUrl?: string }) | null = null;

vi.mock('@tarojs/taro', async () => {
  const shop = await import('./fake-taro-shop');
  const { vi: spy } = await import('vitest');
  Object.assign(shop.default, {
    previewImage: spy.fn(async () => ({ errMsg: 'previewImage:ok' })),
    setTabBarBadge: spy.fn(async () => ({ errMsg: 'setTabBarBadge:ok' })),
  });
  return {
    ...shop,
    useShareAppMessage: (callback: () => { title?: string; path?: string }) => {
      share = callback;
    },
  };
});

configure({ asyncUtilTimeout: 5000 });

const images = ['https://img.example.com/a.png', 'https://img.example.com/b.png', 'https://img.example.com/c.png'];

function detail(overrides: Partial<Extract<StoreProductDetail, { locked: false }>> = {}): StoreProductDetail {
  return {
    ...openCard,
    images,
    description: [],
    skus: [sku(), sku({ id: ids.sku100, specs: [{ name: '规格', value: '100g' }], specsText: '100g' })],
    ...overrides,
  };
}

describe('商品详情', () => {
  beforeEach(() => {
    resetFakeTaro();
    share = null;
    setPages([{ route: 'packages/shop/product/index' }]);
    setRouterParams({ id: ids.product });
  });

  it('the gallery says 1/N and a tap opens the full-screen preview of that image', async () => {
    respondWith(() => ({ statusCode: 200, data: detail() }));
    const { container } = render(<ProductPage />);
    await waitFor(() => expect(container.querySelector('.product-gallery__count')?.textContent).toBe('1/3'));
    fireEvent.click(container.querySelectorAll('.product-gallery__image')[0] as HTMLElement);
    expect((Taro as unknown as { previewImage: ReturnType<typeof vi.fn> }).previewImage).toHaveBeenCalledWith({
      current: images[0],
      urls: images,
    });
  });

  it('规格 lives in a bottom sheet: 加入购物车 opens it, a spec is chosen there, and 确认 adds to the cart', async () => {
    signIn();
    respondWith((request) => {
      if (request.url === '/api/cart') return { statusCode: 200, data: { items: [], summary: emptySummary } };
      if (request.method === 'PUT') return { statusCode: 200, data: { items: [], summary: emptySummary } };
      return { statusCode: 200, data: detail() };
    });
    const { container } = render(<ProductPage />);
    await waitFor(() => expect(container.querySelector('.product-spec__value')?.textContent).toBe('已选 50g × 1'));
    expect(container.querySelector('.spec-sheet')).toBeNull();
    fireEvent.click(container.querySelector('.add-to-cart') as HTMLElement);
    const options = container.querySelectorAll('.spec-sheet .sku-option');
    expect(options).toHaveLength(2);
    fireEvent.click(options[1] as HTMLElement);
    fireEvent.click(container.querySelector('.spec-confirm') as HTMLElement);
    await waitFor(() => expect(container.querySelector('.spec-sheet')).toBeNull());
    const put = vi
      .mocked(Taro.request)
      .mock.calls.map(([options]) => options as { url: string; method?: string })
      .find((request) => request.method === 'PUT');
    expect(put?.url).toBe(`/api/cart/items/${ids.sku100}`);
  });

  it('a share card carries the sharer (invite code and from=share:<member>) and the product', async () => {
    signIn();
    respondWith(() => ({ statusCode: 200, data: detail({ visibility: 'members' }) }));
    render(<ProductPage />);
    await screen.findByText('西湖龙井 · 明前特级');
    expect(share?.()).toMatchObject({
      path: `/packages/shop/product/index?id=${ids.product}&invite=INVITE01&from=${encodeURIComponent('share:m1')}&members=1`,
      imageUrl: openCard.image,
    });
  });

  it('a members-only tea shared to a logged-out friend invites a login instead of saying 已下架', async () => {
    setRouterParams({ id: ids.product, members: '1' });
    respondWith(() => ({
      statusCode: 404,
      data: { error: { code: 'product_not_found', message: '商品不存在或已下架' } },
    }));
    render(<ProductPage />);
    expect(await screen.findByText('会员专享茶品')).toBeTruthy();
    expect(screen.queryByText('商品已下架或不存在')).toBeNull();
    fireEvent.click(screen.getByText('登录查看'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: expect.stringMatching(/^\/pages\/login\/index\?from=/) });
  });

  it('a link without a valid id says so and leads home, without asking the server', () => {
    setRouterParams({ id: 'oops' });
    render(<ProductPage />);
    expect(screen.getByText('商品链接有误')).toBeTruthy();
    fireEvent.click(screen.getByText('去首页'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
    expect(Taro.request).not.toHaveBeenCalled();
  });

  it('a points item the balance cannot reach says 还差 N 积分 and leads to earning, not to a dead end', async () => {
    signIn();
    const pointsSku = sku({ pointsPrice: 3000, price: 0, listPrice: 0 });
    respondWith((request) =>
      request.url.startsWith('/api/me/points')
        ? { statusCode: 200, data: { items: [], total: 0, page: 1, pageSize: 1, balance: 2600, expiringSoon: null } }
        : { statusCode: 200, data: detail({ pointsPrice: 3000, price: 0, listPrice: 0, skus: [pointsSku] }) },
    );
    const { container } = render(<ProductPage />);
    await waitFor(() => expect(container.querySelector('.points-short')?.textContent).toBe('还差 400 积分'));
    fireEvent.click(container.querySelector('.earn-points') as HTMLElement);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/member/points/index' });
  });
});

const emptySummary = {
  count: 0,
  listTotal: 0,
  itemsTotal: 0,
  memberSaving: 0,
  shippingFee: 0,
  freeShippingThreshold: 9900,
  pointsCost: 0,
  payable: 0,
};
