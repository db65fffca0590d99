import type { LoginResponse } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureInvite, captureInviteFromUrl, pendingInvite } from '../src/api/identity';
import App from '../src/app';
import InvitePage from '../src/packages/member/invite/index';
import LoginPage from '../src/pages/login/index';
import { type FakeRequest, respondWith, setPages } from './fake-taro';
import { invite, member, ok, routes, signIn } from './membership-fixtures';
import { resetMembershipTaro, sharedMessage } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

const loginResponse: LoginResponse = {
  accessToken: 'access-1',
  refreshToken: 'refresh-1-0123456789abc',
  expiresIn: 900,
  member,
};

function loginRequests(): FakeRequest[] {
  return vi
    .mocked(Taro.request)
    .mock.calls.map(([options]) => options as FakeRequest)
    .filter((request) => request.url === '/api/auth/wechat-login');
}

function loginAs(container: HTMLElement, nickname: string) {
  fireEvent.input(container.querySelector('input.login-nickname') as HTMLInputElement, {
    target: { value: nickname },
  });
  fireEvent.click(container.querySelector('.login-consent__box') as HTMLElement);
  fireEvent.click(container.querySelector('.login-submit') as HTMLElement);
}

describe('invite code from the landing link to the first login', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'pages/login/index' }]);
    respondWith(routes({ 'POST /api/auth/wechat-login': ok(loginResponse) }));
  });

  afterEach(() => {
    window.history.replaceState(null, '', '/');
  });

  it('captures ?invite=CODE when the app opens on the landing URL and sends it as inviteCode at login', async () => {
    window.history.replaceState(null, '', '/pages/home/index?invite=ZEG7T9UP');
    render(
      <App>
        <div />
      </App>,
    );
    expect(pendingInvite()).toBe('ZEG7T9UP');

    const { container } = render(<LoginPage />);
    loginAs(container, '小满');
    await waitFor(() => expect(loginRequests()).toHaveLength(1));
    expect(loginRequests()[0]?.data).toEqual({ code: 'demo:小满', inviteCode: 'ZEG7T9UP' });
    // Used once: forgotten after the login succeeded.
    await waitFor(() => expect(pendingInvite()).toBeNull());
  });

  it('reads the code from a shared path, ignores junk, and sends no inviteCode when there is none', async () => {
    captureInviteFromUrl('/pages/home/index?from=card&invite=AB12CD34');
    expect(pendingInvite()).toBe('AB12CD34');
    captureInvite('<script>');
    expect(pendingInvite()).toBe('AB12CD34');

    resetMembershipTaro();
    respondWith(routes({ 'POST /api/auth/wechat-login': ok(loginResponse) }));
    const { container } = render(<LoginPage />);
    loginAs(container, '阿满');
    await waitFor(() => expect(loginRequests()).toHaveLength(1));
    expect(loginRequests()[0]?.data).toEqual({ code: 'demo:阿满' });
  });

  it('does not remember an invite for a member who is already signed in', () => {
    signIn();
    captureInviteFromUrl('?invite=AB12CD34');
    expect(pendingInvite()).toBeNull();
  });
});

describe('邀请好友', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/invite/index' }]);
    signIn();
    respondWith(routes({ 'GET /api/me/invite': ok(invite) }));
  });

  it('shows the code, link, counts and rules, copies the link and shares the invite path', async () => {
    const { container } = render(<InvitePage />);
    expect(await screen.findByText('ZEG7T9UP')).toBeTruthy();
    const link = `${window.location.origin}/pages/home/index?invite=ZEG7T9UP`;
    expect(screen.getByText(link)).toBeTruthy();
    expect(container.querySelector('.invite-stats')?.textContent).toContain('3已邀请好友');
    expect(container.querySelector('.invite-stats')?.textContent).toContain('1已获奖励次数');
    expect(container.textContent).toContain('好友完成首笔订单（确认收货）后，你获得 100 积分');
    expect(container.textContent).toContain('每月最多获得 10 次邀请奖励');

    fireEvent.click(container.querySelector('.invite-copy-link') as HTMLElement);
    await waitFor(() => expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: link }));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '邀请链接已复制' }));
    fireEvent.click(container.querySelector('.invite-copy-code') as HTMLElement);
    await waitFor(() => expect(Taro.setClipboardData).toHaveBeenLastCalledWith({ data: 'ZEG7T9UP' }));

    expect(sharedMessage()?.path).toBe('/pages/home/index?invite=ZEG7T9UP');
  });
});
