import type { LoginResponse } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readMember, readTokens } from '../src/api/session';
import LoginPage from '../src/pages/login/index';
import { type FakeRequest, resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro';

vi.mock('@tarojs/taro', () => import('./fake-taro'));

const loginResponse: LoginResponse = {
  accessToken: 'access-1',
  refreshToken: 'refresh-1-0123456789abc',
  expiresIn: 900,
  member: {
    id: 'm1',
    memberNo: 'SY00000001',
    nickname: '小满',
    avatarUrl: '',
    birthday: null,
    gender: 'unknown',
    phone: null,
    tier: 'regular',
    inviteCode: 'INVITE01',
    marketplaces: [],
    createdAt: '2026-11-22T01:00:00.000Z',
  },
};

function typeNickname(container: HTMLElement, nickname: string) {
  const input = container.querySelector('input.login-nickname') as HTMLInputElement;
  expect(input).toBeTruthy();
  fireEvent.input(input, { target: { value: nickname } });
}

/** Ticks 我已阅读并同意《用户协议》和《隐私保护指引》 (required before any login), then taps 登录. */
function submit(container: HTMLElement) {
  const consent = container.querySelector('.login-consent__box') as HTMLElement;
  if (consent.getAttribute('aria-checked') !== 'true') fireEvent.click(consent);
  const button = container.querySelector('.login-submit') as HTMLElement;
  expect(button.textContent).toContain('登录');
  fireEvent.click(button);
}

describe('login page (H5 demo login)', () => {
  beforeEach(() => {
    resetFakeTaro();
    setPages([{ route: 'pages/login/index' }]);
    respondWith(() => ({ statusCode: 200, data: loginResponse }));
  });

  it('posts demo:<nickname> as the login code, keeps the session and returns to 我的', async () => {
    const { container } = render(<LoginPage />);
    typeNickname(container, '小满');
    submit(container);

    await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/me/index' }));
    const sent = vi.mocked(Taro.request).mock.calls[0]?.[0] as FakeRequest;
    expect(sent).toMatchObject({ url: '/api/auth/wechat-login', method: 'POST', data: { code: 'demo:小满' } });
    expect(sent.header?.Authorization).toBeUndefined();
    expect(readTokens()?.accessToken).toBe('access-1');
    expect(readMember()?.memberNo).toBe('SY00000001');
    expect(Taro.login).not.toHaveBeenCalled();
  });

  it('returns to the page the shopper came from', async () => {
    setPages([
      { route: 'pages/home/index' },
      { route: 'packages/member/profile/index' },
      { route: 'pages/login/index' },
    ]);
    setRouterParams({ from: encodeURIComponent('/packages/member/profile/index') });
    const { container } = render(<LoginPage />);
    typeNickname(container, '小满');
    submit(container);
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalledTimes(1));
    expect(Taro.switchTab).not.toHaveBeenCalled();
  });

  it('asks for a nickname instead of posting an empty one', () => {
    const { container } = render(<LoginPage />);
    submit(container);
    expect(Taro.request).not.toHaveBeenCalled();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请输入昵称' }));
  });

  it('stays on the page and shows the server’s reason when login is refused', async () => {
    respondWith(() => ({
      statusCode: 400,
      data: { error: { code: 'invalid_code', message: '登录凭证无效，请重试' } },
    }));
    const { container } = render(<LoginPage />);
    typeNickname(container, '小满');
    submit(container);
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '登录凭证无效，请重试' })),
    );
    expect(readTokens()).toBeNull();
    expect(Taro.switchTab).not.toHaveBeenCalled();
    expect(screen.getByText('登录')).toBeTruthy();
  });

  it('asks for consent to 用户协议 and 隐私保护指引 first: without it nothing is sent', async () => {
    const { container } = render(<LoginPage />);
    typeNickname(container, '小满');
    fireEvent.click(container.querySelector('.login-submit') as HTMLElement);
    expect(Taro.request).not.toHaveBeenCalled();
    expect(Taro.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '请先阅读并同意用户协议和隐私保护指引' }),
    );
    expect(container.querySelector('.login-consent--hint')).toBeTruthy();
    fireEvent.click(screen.getByText('《用户协议》'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/member/agreement/index?doc=terms' });
    fireEvent.click(screen.getByText('《隐私保护指引》'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/member/agreement/index?doc=privacy' });
  });
});
