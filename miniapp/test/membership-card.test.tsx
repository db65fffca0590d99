import Taro from '@tarojs/taro';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { growthProgress } from '../src/membership/growth';
import MembershipPage from '../src/packages/member/membership/index';
import MePage from '../src/pages/me/index';
import { type FakeRequest, respondWith, setPages } from './fake-taro';
import { blackMembership, member, ok, pointsPage, routes, signIn, silverMembership } from './membership-fixtures';
import { resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

/** 我的 also reads its order counts (待付款 / 待发货 / 待收货) for the badges: one `total` per status. */
const ORDER_COUNTS = ['/api/orders', '/api/orders', '/api/orders'];

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

describe('会员卡', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/membership/index' }]);
    signIn();
  });

  it('shows the tier card and the growth still needed exactly as the API says it', async () => {
    respondWith(routes({ 'GET /api/me/membership': ok(silverMembership) }));
    const { container } = render(<MembershipPage />);
    const card = (await waitFor(() => {
      const found = container.querySelector('.membership-card');
      expect(found).toBeTruthy();
      return found;
    })) as HTMLElement;
    expect(card.classList.contains('membership-card--silver')).toBe(true);
    expect(card.textContent).toContain('银卡');
    expect(card.textContent).toContain('小满');
    expect(card.textContent).toContain('NO. SY00000007');

    const progress = container.querySelector('.growth-progress') as HTMLElement;
    // 760 of the 2000 the next tier needs: 38%.
    expect(progress.getAttribute('data-percent')).toBe('38');
    expect((progress.firstElementChild as HTMLElement).style.width).toBe('38%');
    expect(screen.getByText('再获得 1240 成长值升级金卡')).toBeTruthy();
    expect(container.textContent).toContain('760 / 2000');
  });

  it('lists benefits now and next, and explains how growth is earned and reviewed', async () => {
    respondWith(routes({ 'GET /api/me/membership': ok(silverMembership) }));
    const { container } = render(<MembershipPage />);
    await screen.findByText('当前 · 银卡');
    const [now, next] = [...container.querySelectorAll('.benefits__column')] as HTMLElement[];
    expect([...now!.querySelectorAll('.benefits__line')].map((line) => line.textContent)).toEqual(
      silverMembership.benefits.now,
    );
    expect(next!.textContent).toContain('升级 · 金卡');
    expect([...next!.querySelectorAll('.benefits__line')].map((line) => line.textContent)).toEqual(
      silverMembership.benefits.next,
    );
    expect(container.textContent).toContain('每实付 1 元获得 1 成长值');
    expect(container.textContent).toContain('当前等级有效至 2027-03-01');
  });

  it('at the top tier, shows a full bar and no next tier', async () => {
    respondWith(routes({ 'GET /api/me/membership': ok(blackMembership) }));
    const { container } = render(<MembershipPage />);
    await screen.findByText('已是最高等级黑金');
    expect(container.querySelector('.membership-card--black')).toBeTruthy();
    expect(container.querySelector('.growth-progress')?.getAttribute('data-percent')).toBe('100');
    expect(container.querySelectorAll('.benefits__column')).toHaveLength(1);
  });

  it('shows an error with retry, then the card', async () => {
    let fail = true;
    respondWith(
      routes({
        'GET /api/me/membership': () =>
          fail
            ? { statusCode: 503, data: { error: { code: 'unavailable', message: '服务开小差了，请稍后重试' } } }
            : ok(silverMembership)(),
      }),
    );
    const { container } = render(<MembershipPage />);
    await screen.findByText('服务开小差了，请稍后重试');
    fail = false;
    fireEvent.click(screen.getByText('重新加载'));
    await waitFor(() => expect(container.querySelector('.membership-card')).toBeTruthy());
  });

  it('growth percentage is display arithmetic only, clamped to 0–100', () => {
    expect(growthProgress(silverMembership)).toEqual({ percent: 38, text: '再获得 1240 成长值升级金卡' });
    expect(
      growthProgress({
        ...silverMembership,
        growth: 2400,
        next: { code: 'gold', name: '金卡', growthThreshold: 2000, growthNeeded: 0 },
      }).percent,
    ).toBe(100);
  });
});

describe('我的: membership summary and entries', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'pages/me/index' }]);
    signIn();
    respondWith(
      routes({
        'GET /api/me': ok(member),
        'GET /api/me/membership': ok(silverMembership),
        'GET /api/me/points': ok(pointsPage({ balance: 1280 })),
      }),
    );
  });

  it('shows tier, growth to next and the points balance, linking to 会员卡 and 积分中心', async () => {
    render(<MePage />);
    await screen.findByText('再获得 1240 成长值升级金卡');
    expect(await screen.findByText('1280')).toBeTruthy();
    fireEvent.click(screen.getByText('再获得 1240 成长值升级金卡'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/member/membership/index' });
    fireEvent.click(screen.getByText('1280'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/member/points/index' });
    expect(
      sent()
        .map((request) => request.url.split('?')[0])
        .sort(),
    ).toEqual(['/api/me', '/api/me/membership', '/api/me/points', ...ORDER_COUNTS]);
  });

  it('has entries for 积分明细, 积分商城, 邀请好友 and 晒单评价', async () => {
    render(<MePage />);
    const entries: Array<[string, string]> = [
      ['积分明细', '/packages/member/points-history/index'],
      ['积分商城', '/packages/member/points-mall/index'],
      ['邀请好友', '/packages/member/invite/index'],
      ['晒单评价', '/packages/member/review-task/index'],
    ];
    for (const [title, url] of entries) {
      fireEvent.click(screen.getByText(title));
      expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url });
    }
    await waitFor(() => expect(sent().length).toBe(3 + ORDER_COUNTS.length));
  });
});
