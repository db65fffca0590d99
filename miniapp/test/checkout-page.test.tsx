import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import CheckoutPage from '../src/packages/shop/checkout/index';
import {
  type FakeRequest,
  resetFakeTaro,
  respondWith,
  setPages,
  setRouterParams,
  storedValue,
  storeValue,
} from './fake-taro-shop';
import { address, ids, order, preview, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

// Generous waits: these tests also run while the storefront builds on the same two cores.
configure({ asyncUtilTimeout: 5000 });

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

const orderPosts = () => sent().filter((request) => request.url === '/api/orders' && request.method === 'POST');

describe('结算 page', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/shop/checkout/index' }]);
    setRouterParams({ items: encodeURIComponent(`${ids.sku50}:2`), fromCart: '1' });
  });

  it('renders the breakdown lines exactly as the API gave them, and the default address', async () => {
    respondWith((request) => {
      if (request.url === '/api/addresses') return { statusCode: 200, data: [address] };
      if (request.url === '/api/orders/preview') return { statusCode: 200, data: preview };
      return { statusCode: 404 };
    });
    const { container } = render(<CheckoutPage />);
    await waitFor(() => expect(container.querySelectorAll('.checkout-breakdown__row')).toHaveLength(5));
    const rows = Array.from(container.querySelectorAll('.checkout-breakdown__row')).map((row) => [
      row.querySelector('.checkout-breakdown__label')?.textContent,
      row.querySelector('.checkout-breakdown__amount')?.textContent ?? null,
    ]);
    expect(rows).toEqual([
      ['商品原价', '¥256.00'],
      ['会员优惠', '-¥12.80'],
      ['运费（包邮）', '¥0.00'],
      ['实付款', '¥243.20'],
      ['完成后可得 243 积分', null],
    ]);
    await waitFor(() => expect(screen.getByText('张三')).toBeTruthy());
    expect(screen.getByText('浙江省 杭州市 西湖区 龙井路 1 号')).toBeTruthy();
    expect(sent().find((request) => request.url === '/api/orders/preview')?.data).toMatchObject({
      items: [{ skuId: ids.sku50, qty: 2 }],
    });
  });

  it('sends the same Idempotency-Key when the shopper retries after a network error', async () => {
    let attempts = 0;
    respondWith((request) => {
      if (request.url === '/api/addresses') return { statusCode: 200, data: [address] };
      if (request.url === '/api/orders/preview') return { statusCode: 200, data: preview };
      if (request.url === '/api/orders' && request.method === 'POST') {
        attempts += 1;
        if (attempts === 1) throw new Error('request:fail timeout');
        return { statusCode: 201, data: order() };
      }
      return { statusCode: 404 };
    });
    const { container } = render(<CheckoutPage />);
    await waitFor(() => expect(screen.getByText('张三')).toBeTruthy());
    await waitFor(() => expect(container.querySelector('.checkout-breakdown')).toBeTruthy());
    const submit = () => fireEvent.click(container.querySelector('.checkout-submit') as HTMLElement);

    submit();
    await waitFor(() => expect(orderPosts()).toHaveLength(1));
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络不给力，请稍后重试' })),
    );
    await waitFor(() =>
      expect(container.querySelector('.checkout-submit')?.getAttribute('aria-disabled')).toBe('false'),
    );
    submit();
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/packages/shop/pay/index?id=${ids.order}` }),
    );

    const [first, second] = orderPosts();
    const key = first?.header?.['Idempotency-Key'];
    expect(key).toMatch(/^[A-Za-z0-9_.:-]{8,128}$/);
    expect(second?.header?.['Idempotency-Key']).toBe(key);
    expect(second?.data).toEqual({ items: [{ skuId: ids.sku50, qty: 2 }], addressId: ids.address, fromCart: true });
  });

  it('shows the server’s 409 message and starts a new attempt with a new key', async () => {
    let attempts = 0;
    respondWith((request) => {
      if (request.url === '/api/addresses') return { statusCode: 200, data: [address] };
      if (request.url === '/api/orders/preview') return { statusCode: 200, data: preview };
      if (request.url === '/api/orders' && request.method === 'POST') {
        attempts += 1;
        return attempts === 1
          ? { statusCode: 409, data: { error: { code: 'out_of_stock', message: '库存不足：西湖龙井 仅剩 1 件' } } }
          : { statusCode: 201, data: order() };
      }
      return { statusCode: 404 };
    });
    const { container } = render(<CheckoutPage />);
    await waitFor(() => expect(screen.getByText('张三')).toBeTruthy());
    fireEvent.click(container.querySelector('.checkout-submit') as HTMLElement);
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '库存不足：西湖龙井 仅剩 1 件' })),
    );
    expect(Taro.redirectTo).not.toHaveBeenCalled();
    await waitFor(() =>
      expect(container.querySelector('.checkout-submit')?.getAttribute('aria-disabled')).toBe('false'),
    );
    fireEvent.click(container.querySelector('.checkout-submit') as HTMLElement);
    await waitFor(() => expect(orderPosts()).toHaveLength(2));
    const [first, second] = orderPosts();
    expect(second?.header?.['Idempotency-Key']).not.toBe(first?.header?.['Idempotency-Key']);
  });

  it('积分抵扣 and 备注 survive a reload: the page comes back with both and previews with the points', async () => {
    respondWith((request) => {
      if (request.url === '/api/addresses') return { statusCode: 200, data: [address] };
      if (request.url === '/api/orders/preview') return { statusCode: 200, data: preview };
      return { statusCode: 404 };
    });
    const first = render(<CheckoutPage />);
    await waitFor(() => expect(first.container.querySelector('.checkout-remark__input')).toBeTruthy());
    const remark = first.container.querySelector('.checkout-remark__input input, input.checkout-remark__input');
    fireEvent.input(remark as HTMLInputElement, { target: { value: '周末送达' } });
    await waitFor(() => expect(storedValue('siyu.checkout.draft')).toMatchObject({ remark: '周末送达' }));
    first.unmount();

    // The same checkout, reloaded, with 积分抵扣 switched on before the reload.
    storeValue('siyu.checkout.draft', {
      items: `${ids.sku50}:2`,
      usePoints: true,
      remark: '周末送达',
    });
    vi.mocked(Taro.request).mockClear();
    const { container } = render(<CheckoutPage />);
    await waitFor(() =>
      expect(
        (container.querySelector('.checkout-remark__input input, input.checkout-remark__input') as HTMLInputElement)
          ?.value,
      ).toBe('周末送达'),
    );
    await waitFor(() =>
      expect(
        sent()
          .filter((request) => request.url === '/api/orders/preview')
          .some((request) => (request.data as { pointsToUse?: number }).pointsToUse === preview.maxPointsUsable),
      ).toBe(true),
    );
  });
});
