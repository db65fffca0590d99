import type { StorePointsEntry } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import PointsHistoryPage from '../src/packages/member/points-history/index';
import { type FakeRequest, respondWith, setPages } from './fake-taro';
import { pointsPage, routes, signIn } from './membership-fixtures';
import { reachPageBottom, resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

function entry(index: number, overrides: Partial<StorePointsEntry> = {}): StorePointsEntry {
  return {
    id: `e${index}`,
    delta: 5,
    balanceAfter: 1000 - index,
    kind: 'task',
    kindLabel: '任务奖励',
    note: '每日签到',
    expiresAt: '2027-12-31T15:59:59.999Z',
    createdAt: '2026-11-21T16:30:00.000Z',
    ...overrides,
  };
}

function pageOf(request: FakeRequest): number {
  return Number(/[?&]page=(\d+)/.exec(request.url)?.[1] ?? 1);
}

describe('积分明细', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/points-history/index' }]);
    signIn();
  });

  it('shows each entry’s kind label, a signed coloured delta, Shanghai time and the balance after', async () => {
    respondWith(
      routes({
        'GET /api/me/points': () => ({
          statusCode: 200,
          data: pointsPage({
            balance: 1180,
            total: 2,
            pageSize: 20,
            items: [
              entry(1, { delta: 20, balanceAfter: 1180, kind: 'earn', kindLabel: '购物奖励', note: '订单 SY2026' }),
              entry(2, {
                delta: -100,
                balanceAfter: 1160,
                kind: 'spend',
                kindLabel: '积分抵扣',
                note: '积分抵扣',
                createdAt: '2026-11-20T02:05:00.000Z',
              }),
            ],
          }),
        }),
      }),
    );
    const { container } = render(<PointsHistoryPage />);
    await screen.findByText('购物奖励');
    const items = [...container.querySelectorAll('.ledger-item')] as HTMLElement[];
    expect(items).toHaveLength(2);
    const plus = items[0]!.querySelector('.ledger-item__delta') as HTMLElement;
    expect(plus.textContent).toBe('+20');
    expect(plus.classList.contains('ledger-item__delta--plus')).toBe(true);
    const minus = items[1]!.querySelector('.ledger-item__delta') as HTMLElement;
    expect(minus.textContent).toBe('-100');
    expect(minus.classList.contains('ledger-item__delta--minus')).toBe(true);
    expect(items[1]!.textContent).toContain('积分抵扣');
    // 16:30 UTC on the 21st is 00:30 on the 22nd in Shanghai.
    expect(items[0]!.textContent).toContain('2026-11-22 00:30');
    expect(items[1]!.textContent).toContain('2026-11-20 10:05');
    expect(items[0]!.textContent).toContain('余额 1180');
    expect(items[0]!.textContent).toContain('订单 SY2026');
    expect(screen.getByText('没有更多了')).toBeTruthy();
  });

  it('loads the next page when the shopper scrolls to the bottom, and stops at the end', async () => {
    const all = Array.from({ length: 25 }, (_, index) => entry(index + 1));
    respondWith(
      routes({
        'GET /api/me/points': (request) => {
          const page = pageOf(request);
          return {
            statusCode: 200,
            data: pointsPage({ page, pageSize: 20, total: 25, items: all.slice((page - 1) * 20, page * 20) }),
          };
        },
      }),
    );
    const { container } = render(<PointsHistoryPage />);
    await waitFor(() => expect(container.querySelectorAll('.ledger-item')).toHaveLength(20));
    expect(screen.getByText('上滑加载更多')).toBeTruthy();
    reachPageBottom();
    await waitFor(() => expect(container.querySelectorAll('.ledger-item')).toHaveLength(25));
    expect(screen.getByText('没有更多了')).toBeTruthy();
    reachPageBottom();
    const pages = vi.mocked(Taro.request).mock.calls.map(([options]) => pageOf(options as FakeRequest));
    expect(pages).toEqual([1, 2]);
  });

  it('with no entries, says so and points to ways to earn', async () => {
    respondWith(routes({ 'GET /api/me/points': () => ({ statusCode: 200, data: pointsPage({ total: 0 }) }) }));
    render(<PointsHistoryPage />);
    expect(await screen.findByText('还没有积分记录')).toBeTruthy();
  });
});
