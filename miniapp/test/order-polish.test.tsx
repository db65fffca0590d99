import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import OrderPage from '../src/packages/shop/order/index';
import OrdersPage from '../src/packages/shop/orders/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { ids, order, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', async () => {
  const shop = await import('./fake-taro-shop');
  const { vi: spy } = await import('vitest');
  Object.assign(shop.default, { setClipboardData: spy.fn(async () => ({ errMsg: 'setClipboardData:ok' })) });
  return shop;
});

configure({ asyncUtilTimeout: 5000 });

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

const cancelledByTimeout = () =>
  order({
    status: 'cancelled',
    statusText: '已取消',
    expiresAt: null,
    cancelledAt: '2026-11-22T02:15:00.000Z',
    cancelReason: 'timeout',
    actions: [],
    deletable: true,
  });

describe('订单详情: what a cancelled or shipped order says', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/shop/order/index' }]);
    setRouterParams({ id: ids.order });
  });

  it('a cancelled unpaid order says why in words, calls its money 订单金额 (not 实付款) and promises no points', async () => {
    respondWith(() => ({ statusCode: 200, data: cancelledByTimeout() }));
    const { container } = render(<OrderPage />);
    await waitFor(() => expect(container.querySelector('.order-status')?.textContent).toBe('已取消'));
    const text = container.textContent ?? '';
    expect(container.querySelector('.order-head__hint')?.textContent).toBe('超时未支付，订单已自动取消');
    expect(text).not.toContain('timeout');
    expect(text).not.toContain('实付款');
    expect(text).toContain('订单金额');
    expect(text).not.toContain('可得');
  });

  it('查看物流 shows the carrier and copies the tracking number', async () => {
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
    await waitFor(() => expect(container.querySelector('.order-logistics')).toBeTruthy());
    fireEvent.click(container.querySelector('.order-logistics') as HTMLElement);
    expect(container.querySelector('.logistics-sheet__carrier')?.textContent).toBe('顺丰速运');
    fireEvent.click(container.querySelector('.logistics-copy') as HTMLElement);
    await waitFor(() =>
      expect((Taro as unknown as { setClipboardData: ReturnType<typeof vi.fn> }).setClipboardData).toHaveBeenCalledWith(
        { data: 'SF1234567890' },
      ),
    );
    // A paid order offers after-sales; it leads to the after-sales pages with the order's id.
    fireEvent.click(container.querySelector('.order-aftersales') as HTMLElement);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/aftersales/apply/index?orderId=${ids.order}` });
  });

  it('再次购买 on a finished order opens checkout with the same lines', async () => {
    respondWith(() => ({ statusCode: 200, data: cancelledByTimeout() }));
    const { container } = render(<OrderPage />);
    await waitFor(() => expect(container.querySelector('.order-rebuy')).toBeTruthy());
    fireEvent.click(container.querySelector('.order-rebuy') as HTMLElement);
    const lines = order()
      .items.map((line) => `${line.skuId}:${line.qty}`)
      .join(',');
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/packages/shop/checkout/index?items=${encodeURIComponent(lines)}`,
    });
  });

  it('a malformed id is told as a broken link without asking the server', async () => {
    setRouterParams({ id: 'not-an-id' });
    render(<OrderPage />);
    expect(screen.getByText('订单链接有误')).toBeTruthy();
    expect(Taro.request).not.toHaveBeenCalled();
  });
});

describe('我的订单 list', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/shop/orders/index' }]);
  });

  it('an order cancelled from the 待付款 tab leaves that tab; its card says 需付款, never 实付', async () => {
    setRouterParams({ status: 'pending_payment' });
    respondWith((request) =>
      request.url.endsWith('/cancel')
        ? { statusCode: 200, data: { ...cancelledByTimeout(), cancelReason: 'member' } }
        : { statusCode: 200, data: { items: [order()], total: 1, page: 1, pageSize: 10 } },
    );
    const { container } = render(<OrdersPage />);
    await waitFor(() => expect(container.querySelectorAll('.order-card')).toHaveLength(1));
    expect(container.querySelector('.order-card__payable')?.textContent).toMatch(/^需付款 /);
    fireEvent.click(container.querySelector('.order-cancel') as HTMLElement);
    await waitFor(() => expect(container.querySelectorAll('.order-card')).toHaveLength(0));
    expect(screen.getByText('还没有相关订单')).toBeTruthy();
  });

  it('删除订单 asks, sends DELETE and removes the card; a cancelled card says 订单金额', async () => {
    respondWith((request) =>
      request.method === 'DELETE'
        ? { statusCode: 204 }
        : { statusCode: 200, data: { items: [cancelledByTimeout()], total: 1, page: 1, pageSize: 10 } },
    );
    const { container } = render(<OrdersPage />);
    await waitFor(() => expect(container.querySelectorAll('.order-card')).toHaveLength(1));
    expect(container.querySelector('.order-card__payable')?.textContent).toMatch(/^订单金额 /);
    fireEvent.click(container.querySelector('.order-delete') as HTMLElement);
    await waitFor(() => expect(container.querySelectorAll('.order-card')).toHaveLength(0));
    expect(sent().find((request) => request.method === 'DELETE')?.url).toBe(`/api/orders/${ids.order}`);
  });
});
