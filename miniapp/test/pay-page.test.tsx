import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import PayPage from '../src/packages/shop/pay/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { ids, order, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

// Generous waits: these tests also run while the storefront builds on the same two cores.
configure({ asyncUtilTimeout: 5000 });

const CONFIRM_URL = 'http://127.0.0.1:3100/sandbox/wechatpay/pay/wx_prepay_1/confirm';

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

describe('收银台 (H5 sandbox)', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/shop/pay/index' }]);
    setRouterParams({ id: ids.order });
  });

  it('confirm posts the sandbox URL without auth, then polls the order until it is paid', async () => {
    let confirmed = false;
    let readsAfterConfirm = 0;
    respondWith((request) => {
      if (request.url === CONFIRM_URL) {
        confirmed = true;
        return { statusCode: 200, data: { ok: true } };
      }
      if (request.url === `/api/orders/${ids.order}/pay`) {
        return {
          statusCode: 200,
          data: {
            orderNo: 'SY202611220001',
            payable: 24320,
            payParams: {
              timeStamp: '1',
              nonceStr: 'n',
              package: 'prepay_id=wx_prepay_1',
              signType: 'RSA',
              paySign: 's',
            },
            sandbox: { confirmUrl: CONFIRM_URL },
          },
        };
      }
      if (request.url === `/api/orders/${ids.order}`) {
        if (!confirmed) return { statusCode: 200, data: order() };
        readsAfterConfirm += 1;
        // The sandbox's notification lands a moment later: the first read still says 待付款.
        return readsAfterConfirm < 2
          ? { statusCode: 200, data: order() }
          : {
              statusCode: 200,
              data: order({ status: 'paid', statusText: '待发货', actions: [], paidAt: new Date().toISOString() }),
            };
      }
      return { statusCode: 404 };
    });

    const { container } = render(<PayPage />);
    await waitFor(() => expect(screen.getByText('微信支付（演示沙箱）')).toBeTruthy());
    expect(container.querySelector('.pay-head .sy-price__now')?.textContent).toBe('¥243.20');
    fireEvent.click(container.querySelector('.sandbox-pay-confirm') as HTMLElement);

    await waitFor(() => expect(screen.getByText('支付成功')).toBeTruthy(), { timeout: 5000 });
    expect(container.querySelector('.order-status')?.textContent).toBe('待发货');
    const confirm = sent().find((request) => request.url === CONFIRM_URL);
    expect(confirm?.method).toBe('POST');
    expect(confirm?.header?.Authorization).toBeUndefined();
    expect(readsAfterConfirm).toBeGreaterThanOrEqual(2);
    expect(Taro.requestPayment).not.toHaveBeenCalled();

    fireEvent.click(container.querySelector('.pay-view-order') as HTMLElement);
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/packages/shop/order/index?id=${ids.order}` });
  }, 10_000);

  it('a failed confirmation keeps the shopper on the cashier with 确认支付 to try again', async () => {
    respondWith((request) => {
      if (request.url === CONFIRM_URL) return { statusCode: 500, data: {} };
      if (request.url === `/api/orders/${ids.order}/pay`) {
        return {
          statusCode: 200,
          data: {
            orderNo: 'SY202611220001',
            payable: 24320,
            payParams: { timeStamp: '1', nonceStr: 'n', package: 'p', signType: 'RSA', paySign: 's' },
            sandbox: { confirmUrl: CONFIRM_URL },
          },
        };
      }
      return { statusCode: 200, data: order() };
    });
    const { container } = render(<PayPage />);
    await waitFor(() => expect(container.querySelector('.sandbox-pay-confirm')).toBeTruthy());
    fireEvent.click(container.querySelector('.sandbox-pay-confirm') as HTMLElement);
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '支付未完成，请重试' })),
    );
    expect(screen.queryByText('支付成功')).toBeNull();
    expect(container.querySelector('.sandbox-pay-confirm')).toBeTruthy();
  });

  it('an expired cashier offers no 确认支付: it says the time is up and leads to the order', async () => {
    respondWith(() => ({ statusCode: 200, data: order({ expiresAt: new Date(Date.now() - 60_000).toISOString() }) }));
    const { container } = render(<PayPage />);
    await waitFor(() => expect(container.querySelector('.pay-expired')).toBeTruthy());
    expect(container.querySelector('.sandbox-pay-confirm')).toBeNull();
    expect(screen.queryByText('确认支付')).toBeNull();
    fireEvent.click(container.querySelector('.pay-view-order') as HTMLElement);
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/packages/shop/order/index?id=${ids.order}` });
    expect(sent().some((request) => request.url.endsWith('/pay'))).toBe(false);
  });
});
