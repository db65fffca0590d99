import type { StoreCart } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import CartPage from '../src/pages/cart/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages } from './fake-taro-shop';
import { cart, ids, preview, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

// Generous waits: these tests also run while the storefront builds on the same two cores.
configure({ asyncUtilTimeout: 5000 });

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

describe('购物车 page', () => {
  beforeEach(() => {
    resetFakeTaro();
    setPages([{ route: 'pages/cart/index' }]);
  });

  it('for a guest, offers login and calls no API', () => {
    render(<CartPage />);
    expect(screen.getByText('登录后查看购物车')).toBeTruthy();
    fireEvent.click(screen.getByText('登录'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/login/index?from=%2Fpages%2Fcart%2Findex' });
    expect(Taro.request).not.toHaveBeenCalled();
  });

  it('shows each line’s status badge and the summary exactly as the API computed it', async () => {
    signIn();
    respondWith(() => ({ statusCode: 200, data: cart }));
    const { container } = render(<CartPage />);
    await waitFor(() => expect(container.querySelectorAll('.cart-line')).toHaveLength(4));
    const badges = Array.from(container.querySelectorAll('.cart-badge')).map((badge) => badge.textContent);
    expect(badges).toEqual(['库存不足 仅剩 3 件', '已下架', '需升级金卡']);
    expect(container.querySelector('.cart-summary__items')?.textContent).toBe('¥243.20');
    expect(container.querySelector('.cart-summary__saving')?.textContent).toBe('-¥12.80');
    expect(container.querySelector('.cart-summary__shipping')?.textContent).toBe('包邮');
    expect(container.querySelector('.cart-summary__payable')?.textContent).toBe('¥243.20');
    expect(container.querySelector('.cart-bar .sy-price__now')?.textContent).toBe('¥243.20');
    // Only the orderable line is selected: checkout takes it alone, from the cart.
    fireEvent.click(container.querySelector('.cart-checkout') as HTMLElement);
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/packages/shop/checkout/index?items=${encodeURIComponent(`${ids.sku50}:2`)}&fromCart=1`,
    });
  });

  it('removes a line after asking, and shows the cart the server answers with', async () => {
    signIn();
    const after: StoreCart = { ...cart, items: cart.items.filter((line) => line.skuId !== ids.skuSoldOut) };
    respondWith((request) =>
      request.method === 'DELETE' ? { statusCode: 200, data: after } : { statusCode: 200, data: cart },
    );
    const { container } = render(<CartPage />);
    await waitFor(() => expect(container.querySelectorAll('.cart-line')).toHaveLength(4));
    const line = container.querySelector('.cart-line--unavailable') as HTMLElement;
    fireEvent.click(line.querySelector('.cart-remove') as HTMLElement);
    await waitFor(() => expect(container.querySelectorAll('.cart-line')).toHaveLength(3));
    expect(Taro.showModal).toHaveBeenCalledTimes(1);
    expect(sent().find((request) => request.method === 'DELETE')?.url).toBe(`/api/cart/items/${ids.skuSoldOut}`);
    expect(screen.queryByText('已下架')).toBeNull();
  });

  it('changes a quantity through PUT and shows the re-priced cart', async () => {
    signIn();
    const first = cart.items[0];
    if (!first) throw new Error('fixture');
    const after: StoreCart = {
      ...cart,
      items: [{ ...first, qty: 3, lineTotal: 36480 }, ...cart.items.slice(1)],
      summary: { ...cart.summary, count: 3, itemsTotal: 36480, payable: 36480 },
    };
    respondWith((request) =>
      request.method === 'PUT' ? { statusCode: 200, data: after } : { statusCode: 200, data: cart },
    );
    const { container } = render(<CartPage />);
    await waitFor(() => expect(container.querySelectorAll('.cart-line')).toHaveLength(4));
    fireEvent.click(container.querySelector('.cart-line--ok .qty-stepper__plus') as HTMLElement);
    await waitFor(() => expect(container.querySelector('.cart-summary__payable')?.textContent).toBe('¥364.80'));
    expect(sent().find((request) => request.method === 'PUT')).toMatchObject({
      url: `/api/cart/items/${ids.sku50}`,
      data: { qty: 3 },
    });
  });

  it('shows an error state with retry when the cart cannot load', async () => {
    signIn();
    respondWith(() => ({ statusCode: 503, data: { error: { code: 'unavailable', message: '服务繁忙，请稍后再试' } } }));
    render(<CartPage />);
    await waitFor(() => expect(screen.getByText('服务繁忙，请稍后再试')).toBeTruthy());
    expect(screen.getByText('重新加载')).toBeTruthy();
  });

  it('the summary card describes the ticked lines, like the bottom bar (not the whole cart)', async () => {
    signIn();
    const first = cart.items[0];
    if (!first) throw new Error('fixture');
    const second = {
      ...first,
      skuId: 'bbbbbbbbbbbbbbbbbbbbbbb9',
      title: '白毫银针',
      qty: 1,
      price: 15800,
      lineTotal: 15800,
    };
    const twoOk: StoreCart = {
      items: [first, second],
      summary: { ...cart.summary, count: 3, itemsTotal: 40120, payable: 40120 },
    };
    respondWith((request) =>
      request.url.endsWith('/orders/preview')
        ? { statusCode: 200, data: { ...preview, amounts: { ...preview.amounts, itemsTotal: 15800, payable: 15800 } } }
        : { statusCode: 200, data: twoOk },
    );
    const { container } = render(<CartPage />);
    await waitFor(() => expect(container.querySelectorAll('.cart-line')).toHaveLength(2));
    expect(container.querySelector('.cart-summary__payable')?.textContent).toBe('¥401.20');
    // Untick the first line: both the card and the bar now price only the second.
    fireEvent.click(container.querySelectorAll('.cart-line .cart-check')[0] as HTMLElement);
    await waitFor(() => expect(container.querySelector('.cart-summary__payable')?.textContent).toBe('¥158.00'));
    expect(container.querySelector('.cart-summary__items')?.textContent).toBe('¥158.00');
    expect(container.querySelector('.cart-bar .sy-price__now')?.textContent).toBe('¥158.00');
    expect(container.querySelector('.cart-summary__count')?.textContent).toContain('已选 1 件');
  });
});
