import type { MemberView, TokenPair } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NETWORK_MESSAGE, request, wireMethod } from '../src/api/client';
import { fetchMe, updateProfile } from '../src/api/identity';
import { readTokens, saveTokens } from '../src/api/session';
import { type FakeRequest, resetFakeTaro, respondWith, setPages } from './fake-taro';

vi.mock('@tarojs/taro', () => import('./fake-taro'));

const member: MemberView = {
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
};

const oldPair: TokenPair = { accessToken: 'access-old', refreshToken: 'refresh-old-0123456789', expiresIn: 900 };
const newPair: TokenPair = { accessToken: 'access-new', refreshToken: 'refresh-new-0123456789', expiresIn: 900 };

function bearer(request: FakeRequest): string | undefined {
  return request.header?.Authorization;
}

function calls(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

describe('API client', () => {
  beforeEach(() => {
    resetFakeTaro();
    setPages([{ route: 'pages/me/index' }]);
  });

  it('sends the access token as a bearer token to /api', async () => {
    saveTokens(oldPair);
    respondWith(() => ({ statusCode: 200, data: member }));
    await expect(fetchMe()).resolves.toEqual(member);
    expect(calls()[0]?.url).toBe('/api/me');
    expect(bearer(calls()[0]!)).toBe('Bearer access-old');
  });

  it('when two requests meet an expired token at once, it refreshes exactly once and retries each once', async () => {
    saveTokens(oldPair);
    respondWith((sent) => {
      if (sent.url === '/api/auth/refresh') return { statusCode: 200, data: newPair };
      if (bearer(sent) === 'Bearer access-new') return { statusCode: 200, data: member };
      return { statusCode: 401, data: { error: { code: 'token_expired', message: '登录已过期' } } };
    });

    const [first, second] = await Promise.all([fetchMe(), request({ path: '/me' })]);
    expect(first).toEqual(member);
    expect(second).toEqual(member);

    const refreshes = calls().filter((sent) => sent.url === '/api/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.method).toBe('POST');
    expect(refreshes[0]?.data).toEqual({ refreshToken: 'refresh-old-0123456789' });
    expect(refreshes[0]?.header?.Authorization).toBeUndefined();

    const toMe = calls().filter((sent) => sent.url === '/api/me');
    expect(toMe.map(bearer)).toEqual([
      'Bearer access-old',
      'Bearer access-old',
      'Bearer access-new',
      'Bearer access-new',
    ]);
    expect(readTokens()).toMatchObject({ accessToken: 'access-new', refreshToken: 'refresh-new-0123456789' });
    expect(Taro.showToast).not.toHaveBeenCalled();
  });

  it('when the refresh is refused, it clears the session and sends the shopper to login', async () => {
    saveTokens(oldPair);
    respondWith((sent) =>
      sent.url === '/api/auth/refresh'
        ? { statusCode: 401, data: { error: { code: 'refresh_invalid', message: '请重新登录' } } }
        : { statusCode: 401, data: { error: { code: 'token_expired', message: '登录已过期' } } },
    );

    const failure = await fetchMe().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('session_expired');
    expect(calls().filter((sent) => sent.url === '/api/me')).toHaveLength(1);
    expect(calls().filter((sent) => sent.url === '/api/auth/refresh')).toHaveLength(1);
    expect(readTokens()).toBeNull();
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/login/index?from=%2Fpages%2Fme%2Findex' });
  });

  it('does not refresh forever: a retry that is still refused ends the session', async () => {
    saveTokens(oldPair);
    respondWith((sent) =>
      sent.url === '/api/auth/refresh' ? { statusCode: 200, data: newPair } : { statusCode: 401, data: null },
    );
    await expect(fetchMe()).rejects.toMatchObject({ code: 'session_expired' });
    expect(calls().filter((sent) => sent.url === '/api/auth/refresh')).toHaveLength(1);
    expect(calls().filter((sent) => sent.url === '/api/me')).toHaveLength(2);
    expect(readTokens()).toBeNull();
  });

  it('keeps the session when the refresh itself cannot reach the server', async () => {
    saveTokens(oldPair);
    respondWith((sent) =>
      sent.url === '/api/auth/refresh'
        ? Promise.reject(new Error('request:fail'))
        : { statusCode: 401, data: { error: { code: 'token_expired', message: '登录已过期' } } },
    );
    await expect(fetchMe()).rejects.toMatchObject({ code: 'network', message: NETWORK_MESSAGE });
    expect(readTokens()?.accessToken).toBe('access-old');
    expect(Taro.navigateTo).not.toHaveBeenCalled();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: NETWORK_MESSAGE }));
  });

  it('shows the server’s own message for a failure, in plain words', async () => {
    saveTokens(oldPair);
    respondWith(() => ({
      statusCode: 422,
      data: { error: { code: 'nickname_taken', message: '昵称已被使用', details: { field: 'nickname' } } },
    }));
    const failure = await updateProfile({ nickname: '小满' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'nickname_taken', message: '昵称已被使用', status: 422 });
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '昵称已被使用', icon: 'none' }));
  });

  it('says 网络不给力 when the request never reaches the server', async () => {
    respondWith(() => Promise.reject(new Error('request:fail timeout')));
    await expect(request({ path: '/me', auth: false })).rejects.toMatchObject({ code: 'network' });
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: NETWORK_MESSAGE }));
  });

  it('rejects a success body that is not the shape the shared schema promises', async () => {
    saveTokens(oldPair);
    respondWith(() => ({ statusCode: 200, data: { id: 'm1' } }));
    await expect(fetchMe()).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('sends PATCH as a real PATCH on H5, with only the changed fields', async () => {
    saveTokens(oldPair);
    respondWith(() => ({ statusCode: 200, data: { ...member, nickname: '阿满' } }));
    await updateProfile({ nickname: '阿满' });
    expect(calls()[0]).toMatchObject({ url: '/api/me', method: 'PATCH', data: { nickname: '阿满' } });
  });

  it('tunnels PATCH through POST on weapp, whose wx.request has no PATCH, and leaves other methods alone', () => {
    expect(wireMethod('PATCH', 'weapp')).toEqual({ method: 'POST', override: 'PATCH' });
    expect(wireMethod('PATCH', 'h5')).toEqual({ method: 'PATCH' });
    expect(wireMethod('POST', 'weapp')).toEqual({ method: 'POST' });
    expect(wireMethod('GET', 'weapp')).toEqual({ method: 'GET' });
  });
});
