import type { StoreProductCard } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import PointsMallPage from '../src/packages/member/points-mall/index';
import { type FakeRequest, respondWith, setPages } from './fake-taro';
import { ok, pointsPage, routes, signIn } from './membership-fixtures';
import { resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

// jsdom has no IntersectionObserver, which H5's lazy-loading <Image> uses: every image counts as on screen.
class VisibleEverywhere {
  constructor(private readonly callback: (entries: Array<{ isIntersecting: boolean }>) => void) {}
  observe() {
    this.callback([{ isIntersecting: true }]);
  }
  unobserve() {}
  disconnect() {}
}
vi.stubGlobal('IntersectionObserver', VisibleEverywhere);

function product(overrides: Partial<StoreProductCard & { locked: false }>): StoreProductCard {
  return {
    id: 'p1',
    title: '积分兑换 · 龙井品鉴装',
    subtitle: '10g 体验装，积分免费兑',
    image: '/img/p1.png',
    categoryId: 'c1',
    tags: ['积分兑换'],
    visibility: 'public',
    minTier: null,
    listPrice: 0,
    locked: false,
    price: 0,
    memberPriceFrom: null,
    pointsPrice: 1500,
    sales: 57,
    soldOut: false,
    ...overrides,
  };
}

describe('积分商城', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/points-mall/index' }]);
    signIn();
  });

  it('shows points prices (plus cash when any) and opens the product page', async () => {
    respondWith(
      routes({
        'GET /api/products': ok({
          items: [product({}), product({ id: 'p2', title: '茶人帆布袋', pointsPrice: 2000, price: 1900 })],
          total: 2,
          page: 1,
          pageSize: 20,
        }),
        'GET /api/me/points': ok(pointsPage({ balance: 2600 })),
      }),
    );
    const { container } = render(<PointsMallPage />);
    expect(await screen.findByText('1500 积分')).toBeTruthy();
    const tiles = [...container.querySelectorAll('.mall-item')] as HTMLElement[];
    expect(tiles).toHaveLength(2);
    expect(tiles[0]!.querySelector('.mall-item__cash')).toBeNull();
    expect(tiles[1]!.textContent).toContain('2000 积分');
    expect(tiles[1]!.textContent).toContain('+¥19');
    expect(await screen.findByText('2600')).toBeTruthy();

    const productsCall = vi
      .mocked(Taro.request)
      .mock.calls.map(([options]) => options as FakeRequest)
      .find((request) => request.url.startsWith('/api/products'));
    expect(productsCall?.url).toContain('zone=points');

    fireEvent.click(tiles[1]!);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/shop/product/index?id=p2' });
  });

  it('says so when nothing can be redeemed yet', async () => {
    respondWith(
      routes({
        'GET /api/products': ok({ items: [], total: 0, page: 1, pageSize: 20 }),
        'GET /api/me/points': ok(pointsPage()),
      }),
    );
    render(<PointsMallPage />);
    expect(await screen.findByText('兑换好礼即将上架')).toBeTruthy();
  });

  it('marks what the balance cannot reach: 积分不足 and 还差 N 积分, nothing on what it can', async () => {
    respondWith(
      routes({
        'GET /api/products': ok({
          items: [product({}), product({ id: 'p2', title: '茶人帆布袋', pointsPrice: 3000 })],
          total: 2,
          page: 1,
          pageSize: 20,
        }),
        'GET /api/me/points': ok(pointsPage({ balance: 2600 })),
      }),
    );
    const { container } = render(<PointsMallPage />);
    expect(await screen.findByText('还差 400 积分')).toBeTruthy();
    const tiles = [...container.querySelectorAll('.mall-item')] as HTMLElement[];
    expect(tiles[0]!.querySelector('.mall-item__short')).toBeNull();
    expect(tiles[1]!.querySelector('.mall-item__short-tag')?.textContent).toBe('积分不足');
  });
});
