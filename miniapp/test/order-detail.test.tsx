import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import OrderPage from '../src/packages/shop/order/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { ids, order, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

// Generous waits: these tests also run while the storefront builds on the same two cores.
configure({ asyncUtilTimeout: 5000 });

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

const buttons = (container: HTMLElement) =>
  Array.from(container.querySelectorAll('.order-actions .sy-button')).map((button) => button.textContent);

describe('订单详情 page', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/shop/order/index' }]);
    setRouterParams({ id: ids.order });
  });

  it('待付款 with actions [pay, cancel]: a countdown, 取消订单 and 去支付, no 确认收货', async () => {
    respondWith(() => ({ statusCode: 200, data: order() }));
    const { container } = render(<OrderPage />);
    await waitFor(() => expect(container.querySelector('.order-status')?.textContent).toBe('待付款'));
    expect(container.querySelector('.order-head__countdown')?.textContent).toMatch(/剩余支付时间 1[45]:\d\d/);
    expect(buttons(container)).toEqual(['取消订单', '去支付']);
    fireEvent.click(container.querySelector('.order-pay') as HTMLElement);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/shop/pay/index?id=${ids.order}` });
  });

  it('待收货 with actions [confirm]: the shipment and only 确认收货', async () => {
    respondWith(() => ({
      statusCode: 200,
      data: order({
        status: 'shipped',
        statusText: '待收货',
        expiresAt: null,
        paidAt: '2026-11-22T02:05:00.000Z',
        shipment: { carrier: '顺丰速运', trackingNo: 'SF1234567890', shippedAt: '2026-11-22T08:00:00.000Z' },
        actions: ['confirm'],
      }),
    }));
    const { container } = render(<OrderPage />);
    await waitFor(() => expect(container.querySelector('.order-status')?.textContent).toBe('待收货'));
    expect(screen.getByText('顺丰速运')).toBeTruthy();
    expect(screen.getByText('SF1234567890')).toBeTruthy();
    expect(buttons(container)).toEqual(['确认收货']);
  });

  it('no actions: no action bar at all', async () => {
    respondWith(() => ({
      statusCode: 200,
      data: order({ status: 'completed', statusText: '已完成', expiresAt: null, actions: [] }),
    }));
    const { container } = render(<OrderPage />);
    await waitFor(() => expect(container.querySelector('.order-status')?.textContent).toBe('已完成'));
    expect(container.querySelector('.order-actions')).toBeNull();
  });

  it('取消订单 asks first, posts the cancel and shows the order the server answers with', async () => {
    respondWith((request) =>
      request.url.endsWith('/cancel')
        ? {
            statusCode: 200,
            data: order({ status: 'cancelled', statusText: '已取消', actions: [], cancelReason: '你已取消订单' }),
          }
        : { statusCode: 200, data: order() },
    );
    const { container } = render(<OrderPage />);
    await waitFor(() => expect(container.querySelector('.order-cancel')).toBeTruthy());
    fireEvent.click(container.querySelector('.order-cancel') as HTMLElement);
    await waitFor(() => expect(container.querySelector('.order-status')?.textContent).toBe('已取消'));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '取消订单' }));
    expect(sent().find((request) => request.url.endsWith('/cancel'))).toMatchObject({
      url: `/api/orders/${ids.order}/cancel`,
      method: 'POST',
    });
    expect(container.querySelector('.order-actions')).toBeNull();
  });

  it('does nothing when the shopper declines the confirm modal', async () => {
    respondWith(() => ({ statusCode: 200, data: order() }));
    vi.mocked(Taro.showModal).mockResolvedValueOnce({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    const { container } = render(<OrderPage />);
    await waitFor(() => expect(container.querySelector('.order-cancel')).toBeTruthy());
    fireEvent.click(container.querySelector('.order-cancel') as HTMLElement);
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(1));
    expect(sent().some((request) => request.url.endsWith('/cancel'))).toBe(false);
  });
});
