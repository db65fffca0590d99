import Taro from '@tarojs/taro';
import { render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import MePage from '../src/pages/me/index';
import { refreshBadges } from '../src/shop/badges';
import { resetFakeTaro, respondWith, setPages } from './fake-taro';
import { cart, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', async () => {
  const fake = await import('./fake-taro');
  const { vi: spy } = await import('vitest');
  Object.assign(fake.default, {
    setTabBarBadge: spy.fn(async () => ({ errMsg: 'setTabBarBadge:ok' })),
    removeTabBarBadge: spy.fn(async () => ({ errMsg: 'removeTabBarBadge:ok' })),
  });
  return fake;
});

type Spy = ReturnType<typeof vi.fn>;
const tabBar = Taro as unknown as { setTabBarBadge: Spy; removeTabBarBadge: Spy };

/** Two orders 待付款, none 待发货, one 待收货; the cart holds the fixture's lines. */
function answerCounts(): void {
  const totals: Record<string, number> = { pending_payment: 2, paid: 0, shipped: 1 };
  respondWith((request) => {
    if (request.url.startsWith('/api/orders')) {
      const status = /status=([a-z_]+)/.exec(request.url)?.[1] ?? '';
      return { statusCode: 200, data: { items: [], total: totals[status] ?? 0, page: 1, pageSize: 1 } };
    }
    if (request.url === '/api/cart') return { statusCode: 200, data: cart };
    return { statusCode: 404, data: null };
  });
}

describe('count badges on 我的 and the cart tab', () => {
  beforeEach(() => {
    resetFakeTaro();
    tabBar.setTabBarBadge.mockClear();
    tabBar.removeTabBarBadge.mockClear();
  });

  it('我的 shows each waiting status’s count on its shortcut and 待付款 + 待收货 on its tab', async () => {
    signIn();
    setPages([{ route: 'pages/me/index' }]);
    answerCounts();
    const { container } = render(<MePage />);
    await waitFor(() =>
      expect(container.querySelector('.me-orders__item--pending_payment .me-orders__badge')?.textContent).toBe('2'),
    );
    expect(container.querySelector('.me-orders__item--shipped .me-orders__badge')?.textContent).toBe('1');
    expect(container.querySelector('.me-orders__item--paid .me-orders__badge')).toBeNull();
    expect(tabBar.setTabBarBadge).toHaveBeenCalledWith({ index: 3, text: '3' });
  });

  it('首页 sets the cart tab to the pieces in the cart; a visitor gets no badges and no requests', async () => {
    signIn();
    answerCounts();
    await refreshBadges();
    const pieces = cart.items.reduce((n, line) => n + line.qty, 0);
    expect(tabBar.setTabBarBadge).toHaveBeenCalledWith({ index: 2, text: String(pieces) });

    resetFakeTaro();
    await refreshBadges();
    expect(Taro.request).not.toHaveBeenCalled();
    expect(tabBar.removeTabBarBadge).toHaveBeenCalledWith({ index: 2 });
    expect(tabBar.removeTabBarBadge).toHaveBeenCalledWith({ index: 3 });
    expect(screen.queryByText('3')).toBeNull();
  });
});
