import type { MemberView } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readTokens, saveMember, saveTokens } from '../src/api/session';
import MePage from '../src/pages/me/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages } from './fake-taro';

vi.mock('@tarojs/taro', () => import('./fake-taro'));

/** 我的 also reads its order counts (待付款 / 待发货 / 待收货) for the badges: one `total` per status. */
const ORDER_COUNTS = ['/api/orders', '/api/orders', '/api/orders'];

const member: MemberView = {
  id: 'm1',
  memberNo: 'SY00000007',
  nickname: '小满',
  avatarUrl: '',
  birthday: null,
  gender: 'unknown',
  phone: null,
  tier: 'silver',
  inviteCode: 'INVITE07',
  marketplaces: [],
  createdAt: '2026-11-22T01:00:00.000Z',
};

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

describe('我的 page (H5)', () => {
  beforeEach(() => {
    resetFakeTaro();
    setPages([{ route: 'pages/me/index' }]);
  });

  it('for a guest, offers 登录 and calls no API', () => {
    render(<MePage />);
    fireEvent.click(screen.getByText('登录'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/login/index?from=%2Fpages%2Fme%2Findex' });
    expect(Taro.request).not.toHaveBeenCalled();
  });

  it('for a member, shows number, tier and joining day; phone binding is not offered on H5', async () => {
    saveTokens({ accessToken: 'access-1', refreshToken: 'refresh-1-0123456789abc', expiresIn: 900 });
    saveMember(member);
    respondWith(() => ({ statusCode: 200, data: member }));
    render(<MePage />);
    expect(screen.getByText('会员号 SY00000007')).toBeTruthy();
    expect(screen.getByText('银卡')).toBeTruthy();
    expect(screen.getByText('2026年11月22日')).toBeTruthy();
    expect(screen.getByText('未绑定')).toBeTruthy();
    expect(screen.queryByText('绑定手机号')).toBeNull();
    // The member refresh, plus the membership summary (membership and points balance) beside the card.
    await waitFor(() =>
      expect(
        sent()
          .map((request) => request.url.split('?')[0])
          .sort(),
      ).toEqual(['/api/me', '/api/me/membership', '/api/me/points', ...ORDER_COUNTS]),
    );
  });

  it('退出登录 asks first, tells the server, forgets the session and shows the guest card', async () => {
    saveTokens({ accessToken: 'access-1', refreshToken: 'refresh-1-0123456789abc', expiresIn: 900 });
    saveMember({ ...member, phone: '138****5678' });
    respondWith((request) =>
      request.url === '/api/auth/logout' ? { statusCode: 204 } : { statusCode: 200, data: member },
    );
    render(<MePage />);
    expect(screen.getByText('138****5678')).toBeTruthy();
    fireEvent.click(screen.getByText('退出登录'));
    await waitFor(() => expect(screen.getByText('你好，茶友')).toBeTruthy());
    expect(Taro.showModal).toHaveBeenCalledTimes(1);
    expect(sent().find((request) => request.url === '/api/auth/logout')).toMatchObject({
      method: 'POST',
      data: { refreshToken: 'refresh-1-0123456789abc' },
    });
    expect(readTokens()).toBeNull();
  });
});
