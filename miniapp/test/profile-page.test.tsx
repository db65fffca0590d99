import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ProfilePage from '../src/packages/member/profile/index';
import { type FakeRequest, respondWith, setPages } from './fake-taro';
import { member, ok, routes, signIn } from './membership-fixtures';
import { resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

configure({ asyncUtilTimeout: 5000 });

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

describe('编辑资料 (H5): 完善资料 can be completed', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/profile/index' }]);
    signIn();
  });

  it('binds a pasted +86 phone number on H5 (demo code), and refuses a wrong one on the field', async () => {
    respondWith(routes({ 'POST /api/me/phone': ok({ ...member, phone: '13800138000' }) }));
    const { container } = render(<ProfilePage />);
    const input = container.querySelector('.profile-phone-input input, input.profile-phone-input') as HTMLInputElement;
    fireEvent.input(input, { target: { value: '12800138000' } });
    fireEvent.click(container.querySelector('.profile-bind-phone') as HTMLElement);
    expect(screen.getByText('请输入正确的手机号')).toBeTruthy();
    expect(sent()).toEqual([]);

    fireEvent.input(input, { target: { value: '+86 138-0013-8000' } });
    fireEvent.click(container.querySelector('.profile-bind-phone') as HTMLElement);
    await waitFor(() => expect(screen.getByText('138****8000')).toBeTruthy());
    expect(sent().find((request) => request.url === '/api/me/phone')?.data).toEqual({ code: 'demo:13800138000' });
  });

  it('更换头像 picks a picture, uploads it, and saves its URL (no free-text "https://" field)', async () => {
    const uploaded = '/api/uploads/0123456789abcdef0123456789abcdef.png';
    vi.mocked(Taro.uploadFile).mockResolvedValueOnce({
      statusCode: 201,
      data: JSON.stringify({ url: uploaded }),
      errMsg: 'uploadFile:ok',
    });
    respondWith(routes({ 'PATCH /api/me': ok({ ...member, avatarUrl: uploaded }) }));
    const { container } = render(<ProfilePage />);
    expect(container.querySelector('.profile-avatar-url')).toBeNull();
    fireEvent.click(container.querySelector('.profile-choose-avatar') as HTMLElement);
    await waitFor(() => expect(Taro.uploadFile).toHaveBeenCalled());
    await waitFor(() =>
      expect(container.querySelector('.profile-choose-avatar')?.getAttribute('aria-disabled')).toBe('false'),
    );
    fireEvent.click(container.querySelector('.profile-save') as HTMLElement);
    await waitFor(() => expect(sent().some((request) => request.url === '/api/me')).toBe(true));
    expect(sent().find((request) => request.url === '/api/me')?.data).toMatchObject({ avatarUrl: uploaded });
  });

  it('on 我的 (H5) the unbound 手机号 row leads to 编辑资料, where it can be bound', async () => {
    const { default: MePage } = await import('../src/pages/me/index');
    setPages([{ route: 'pages/me/index' }]);
    respondWith(routes({ 'GET /api/me': ok(member) }));
    const { container } = render(<MePage />);
    fireEvent.click(container.querySelector('.me-phone-cell') as HTMLElement);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/member/profile/index' });
  });
});
