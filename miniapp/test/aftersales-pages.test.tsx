import type { AfterSaleEligibility, AfterSaleView } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ApplyPage from '../src/packages/aftersales/apply/index';
import DetailPage from '../src/packages/aftersales/detail/index';
import { type FakeRequest, respondWith, setPages, setRouterParams } from './fake-taro';
import { error, ok, routes, signIn } from './membership-fixtures';
import { resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

const ORDER = 'a'.repeat(24);
const REQUEST = 'b'.repeat(24);

const eligibility = (overrides: Partial<AfterSaleEligibility> = {}): AfterSaleEligibility => ({
  orderId: ORDER,
  orderNo: '202612010123456789',
  kind: 'refund_only',
  reason: null,
  lines: [
    { index: 0, skuId: 's1', title: '明前龙井', specsText: '50g', image: '', qty: 3, unitPrice: 6800, available: 3 },
    { index: 1, skuId: 's2', title: '白瓷盖碗', specsText: '一只', image: '', qty: 1, unitPrice: 3900, available: 0 },
  ],
  reasons: ['不想要了', '拍错/多拍'],
  ...overrides,
});

const view = (overrides: Partial<AfterSaleView> = {}): AfterSaleView => ({
  id: REQUEST,
  orderId: ORDER,
  orderNo: '202612010123456789',
  kind: 'refund_only',
  kindText: '仅退款（未发货）',
  status: 'pending',
  statusText: '待审核',
  lines: [{ index: 0, skuId: 's1', title: '明前龙井', specsText: '50g', image: '', qty: 1, unitPrice: 6800 }],
  reason: '不想要了',
  description: '',
  photos: [],
  note: '',
  refund: null,
  timeline: [{ text: '提交申请，等待客服审核', at: '2026-12-01T03:00:00.000Z' }],
  createdAt: '2026-12-01T03:00:00.000Z',
  canWithdraw: true,
  ...overrides,
});

function sent(method: string, path: string): FakeRequest[] {
  return vi
    .mocked(Taro.request)
    .mock.calls.map(([options]) => options as FakeRequest)
    .filter((request) => request.method === method && request.url.split('?')[0] === path);
}

describe('申请售后', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/aftersales/apply/index' }]);
    setRouterParams({ orderId: ORDER });
    signIn();
  });

  it('shows each line with what can still be asked for, says on the field what is missing, and sends lines, reason and photos', async () => {
    let fail = true;
    respondWith(
      routes({
        [`GET /api/after-sales/orders/${ORDER}`]: ok(eligibility()),
        'POST /api/after-sales': () => {
          // The first try is lost on the way back: the retry must carry the same key.
          if (fail) {
            fail = false;
            return error(503, 'database_unavailable', '服务暂时不可用');
          }
          return { statusCode: 201, data: view() };
        },
      }),
    );
    const { container } = render(<ApplyPage />);
    await screen.findByText('明前龙井');
    expect(container.textContent).toContain('可申请 3 件');
    expect(container.textContent).toContain('已申请售后');

    fireEvent.click(screen.getByText('提交申请'));
    expect(await screen.findByText('请选择售后原因')).toBeTruthy();
    expect(sent('POST', '/api/after-sales')).toHaveLength(0);

    fireEvent.click(screen.getByText('拍错/多拍'));
    fireEvent.click(container.querySelector('.aftersales-photo--add') as HTMLElement);
    await waitFor(() => expect(Taro.uploadFile).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(container.querySelectorAll('.aftersales-photo__image')).toHaveLength(1));
    fireEvent.click(container.querySelector('.qty-stepper__minus') as HTMLElement);

    fireEvent.click(screen.getByText('提交申请'));
    await waitFor(() => expect(sent('POST', '/api/after-sales')).toHaveLength(1));
    fireEvent.click(screen.getByText('提交申请'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());

    const [first, second] = sent('POST', '/api/after-sales');
    expect(first!.data).toEqual({
      orderId: ORDER,
      kind: 'refund_only',
      lines: [{ index: 0, qty: 2 }],
      reason: '拍错/多拍',
      description: '',
      photos: ['/api/uploads/a1b2c3.png'],
    });
    expect(second!.header?.['Idempotency-Key']).toBe(first!.header?.['Idempotency-Key']);
    expect(vi.mocked(Taro.redirectTo).mock.calls[0]?.[0]).toEqual({
      url: `/packages/aftersales/detail/index?id=${REQUEST}`,
    });
  });

  it('explains why an order cannot be asked about, with a way on', async () => {
    respondWith(
      routes({ [`GET /api/after-sales/orders/${ORDER}`]: ok(eligibility({ kind: null, reason: '订单已取消' })) }),
    );
    render(<ApplyPage />);
    expect(await screen.findByText('暂不能申请售后')).toBeTruthy();
    expect(screen.getByText('订单已取消')).toBeTruthy();
    expect(screen.getByText('查看售后进度')).toBeTruthy();
  });

  it('a link without an order id has a way back', async () => {
    setRouterParams({});
    render(<ApplyPage />);
    expect(await screen.findByText('链接有误')).toBeTruthy();
    fireEvent.click(screen.getByText('查看全部订单'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/shop/orders/index' });
  });
});

describe('售后详情', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/aftersales/detail/index' }]);
    setRouterParams({ id: REQUEST });
    signIn();
  });

  it('shows 退款成功 with the money, the points and the refund number', async () => {
    respondWith(
      routes({
        [`GET /api/after-sales/${REQUEST}`]: ok(
          view({
            status: 'refunded',
            statusText: '退款成功',
            canWithdraw: false,
            refund: {
              outRefundNo: 'R202612010123456789-1',
              amount: 6533,
              points: 120,
              refundedAt: '2026-12-01T04:00:00.000Z',
            },
          }),
        ),
      }),
    );
    const { container } = render(<DetailPage />);
    expect(await screen.findByText('退款成功')).toBeTruthy();
    expect(container.textContent).toContain('¥65.33');
    expect(container.textContent).toContain('120 积分');
    expect(container.textContent).toContain('R202612010123456789-1');
    expect(screen.queryByText('撤销申请')).toBeNull();
  });

  it('a pending request can be withdrawn; another member’s request is not found', async () => {
    respondWith(
      routes({
        [`GET /api/after-sales/${REQUEST}`]: ok(view()),
        [`POST /api/after-sales/${REQUEST}/withdraw`]: ok(
          view({ status: 'withdrawn', statusText: '已撤销', canWithdraw: false }),
        ),
      }),
    );
    render(<DetailPage />);
    fireEvent.click(await screen.findByText('撤销申请'));
    expect(await screen.findByText('已撤销')).toBeTruthy();

    respondWith(routes({}));
    setRouterParams({ id: 'c'.repeat(24) });
    render(<DetailPage />);
    expect(await screen.findByText('售后申请不存在')).toBeTruthy();
  });
});
