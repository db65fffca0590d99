import type { StoreLive } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ReserveButton } from '../src/live/reserve-button';
import {
  channels,
  type FakeRequest,
  installChannelsApis,
  removeChannelsApis,
  resetFakeTaro,
  respondWith,
  setPages,
} from './fake-taro-live';
import { signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-live'));

configure({ asyncUtilTimeout: 5000 });

const LIVE_ID = '0123456789abcdef01234567';

function live(overrides: Partial<StoreLive> = {}): StoreLive {
  return {
    id: LIVE_ID,
    title: '冬日岩茶品鉴',
    cover: '',
    description: '',
    finderUserName: 'sphTeaHouse01',
    noticeId: null,
    startsAt: '2026-12-02T12:00:00.000Z',
    endsAt: '2026-12-02T16:00:00.000Z',
    status: 'scheduled',
    statusText: '预告',
    productCount: 3,
    reservationRewardPoints: 0,
    reserved: false,
    reminder: null,
    ...overrides,
  };
}

/** The server's answer to a reported state: only 6 reserves and 7 cancels (as the API does). */
function serverAnswers(reservedBefore: boolean, points = 0) {
  const reports: number[] = [];
  respondWith((request: FakeRequest) => {
    if (request.url.endsWith(`/livestreams/${LIVE_ID}/reservations`) && request.method === 'POST') {
      const { state } = request.data as { state: number };
      reports.push(state);
      const outcome = state === 6 ? 'reserved' : state === 7 ? 'cancelled' : 'dismissed';
      const reserved = state === 6 ? true : state === 7 ? false : reservedBefore;
      return { statusCode: 200, data: { outcome, reserved, pointsCredited: state === 6 ? points : 0 } };
    }
    return { statusCode: 404 };
  });
  return reports;
}

function toasts(): string[] {
  return vi.mocked(Taro.showToast).mock.calls.map(([options]) => (options as { title: string }).title);
}

function tap(label: string) {
  fireEvent.click(screen.getByText(label));
}

describe('预约直播 button on WeChat (fake Taro with the Channels APIs)', () => {
  beforeEach(() => {
    resetFakeTaro();
    installChannelsApis();
    setPages([{ route: 'packages/live/detail/index', options: { id: LIVE_ID } }]);
    signIn();
  });

  it('asks for the notice first, then reserves with its id (read from `nonceId`, as Taro types it) and reports state 6', async () => {
    const reports = serverAnswers(false);
    render(<ReserveButton live={live()} loggedIn platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(screen.getByText('已预约')).toBeTruthy());
    expect(vi.mocked(Taro.getChannelsLiveNoticeInfo).mock.calls[0]![0]).toMatchObject({
      finderUserName: 'sphTeaHouse01',
    });
    expect(vi.mocked(Taro.reserveChannelsLive).mock.calls[0]![0]).toMatchObject({
      noticeId: 'notice-from-taro-typing',
    });
    expect(reports).toEqual([6]);
    expect(toasts()).toContain('预约成功，开播时微信会通知你');
  });

  it('reads WeChat’s own `noticeId` field too, and says when points were credited', async () => {
    channels.notice = { noticeId: 'real-notice-id', status: 0, reservable: true };
    serverAnswers(false, 50);
    render(<ReserveButton live={live({ reservationRewardPoints: 50 })} loggedIn platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(screen.getByText('已预约')).toBeTruthy());
    expect(vi.mocked(Taro.reserveChannelsLive).mock.calls[0]![0]).toMatchObject({ noticeId: 'real-notice-id' });
    expect(toasts()).toContain('预约成功，开播时微信会通知你，获得 50 积分');
  });

  it('our own record decides the button: reserved shows 已预约 although WeChat still says reservable', async () => {
    serverAnswers(true);
    channels.notice = { nonceId: 'n', status: 0, reservable: true };
    render(<ReserveButton live={live({ reserved: true })} loggedIn platform="weapp" />);
    expect(screen.getByText('已预约')).toBeTruthy();
    channels.reserveState = 7;
    tap('已预约');
    await waitFor(() => expect(screen.getByText('预约直播')).toBeTruthy());
    expect(toasts()).toContain('已取消预约');
  });

  const otherStates: [number, string | null][] = [
    [1, null],
    [2, null],
    [3, '这场直播的预告已取消'],
    [4, '这场直播已结束'],
    [5, null],
    [8, null],
    [9, null],
    [10, '预约已过期'],
  ];
  it.each(otherStates)('state %i is reported, changes nothing, and says %s', async (state, message) => {
    const reports = serverAnswers(false);
    channels.reserveState = state;
    render(<ReserveButton live={live()} loggedIn platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(reports).toEqual([state]));
    await waitFor(() => expect(vi.mocked(Taro.showToast).mock.calls.length).toBe(message ? 1 : 0));
    expect(screen.getByText('预约直播')).toBeTruthy();
    if (message) expect(toasts()).toEqual([message]);
    else expect(toasts()).toEqual([]);
  });

  it('a dismissal after reserving keeps the reservation (state 8 on a reserved live)', async () => {
    const reports = serverAnswers(true);
    channels.reserveState = 8;
    render(<ReserveButton live={live({ reserved: true })} loggedIn platform="weapp" />);
    tap('已预约');
    await waitFor(() => expect(reports).toEqual([8]));
    expect(screen.getByText('已预约')).toBeTruthy();
  });

  it('a cancelled notice (status 1) is said as such and WeChat’s popup is not opened', async () => {
    const reports = serverAnswers(false);
    channels.notice = { nonceId: 'n', status: 1 };
    render(<ReserveButton live={live()} loggedIn platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(toasts()).toEqual(['这场直播的预告已取消']));
    expect(Taro.reserveChannelsLive).not.toHaveBeenCalled();
    expect(reports).toEqual([]);
  });

  it('without a reservable notice: uses the notice id the operator entered, or says there is none', async () => {
    channels.notice = null;
    const reports = serverAnswers(false);
    const { unmount } = render(<ReserveButton live={live()} loggedIn platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(toasts()).toEqual(['暂时没有可预约的直播预告，请稍后再试']));
    expect(Taro.reserveChannelsLive).not.toHaveBeenCalled();
    unmount();

    render(<ReserveButton live={live({ noticeId: 'operator-notice' })} loggedIn platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(reports).toEqual([6]));
    expect(vi.mocked(Taro.reserveChannelsLive).mock.calls[0]![0]).toMatchObject({ noticeId: 'operator-notice' });
  });

  it('when WeChat’s popup fails, nothing is reported and the shopper is told', async () => {
    const reports = serverAnswers(false);
    channels.reserveState = null;
    render(<ReserveButton live={live()} loggedIn platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(toasts()).toEqual(['预约未完成，请稍后重试']));
    expect(reports).toEqual([]);
  });

  it('a visitor is sent to log in first; WeChat is not asked', async () => {
    serverAnswers(false);
    render(<ReserveButton live={live()} loggedIn={false} platform="weapp" />);
    tap('预约直播');
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalled());
    expect(String(vi.mocked(Taro.navigateTo).mock.calls[0]![0].url)).toContain('/pages/login/index');
    expect(Taro.getChannelsLiveNoticeInfo).not.toHaveBeenCalled();
  });

  it('an old base library without the APIs says so and offers no working button', async () => {
    removeChannelsApis();
    const reports = serverAnswers(false);
    render(<ReserveButton live={live()} loggedIn platform="weapp" />);
    expect(screen.getByText('当前微信版本过低，暂不支持预约视频号直播，请升级微信后再试。')).toBeTruthy();
    tap('预约直播');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reports).toEqual([]);
    expect(Taro.request).not.toHaveBeenCalled();
  });

  it('an API that Taro stubs but canIUse denies counts as missing', () => {
    vi.mocked(Taro.canIUse).mockImplementation((name: string) => name !== 'reserveChannelsLive');
    serverAnswers(false);
    render(<ReserveButton live={live()} loggedIn platform="weapp" />);
    expect(screen.getByText('当前微信版本过低，暂不支持预约视频号直播，请升级微信后再试。')).toBeTruthy();
  });
});

describe('预约直播 elsewhere', () => {
  beforeEach(() => {
    resetFakeTaro();
    installChannelsApis();
  });

  it('on H5 it explains that reservations happen in WeChat', () => {
    render(<ReserveButton live={live()} loggedIn platform="h5" />);
    expect(screen.getByText('直播预约需在微信中完成')).toBeTruthy();
    expect(screen.queryByText('预约直播')).toBeNull();
  });

  it('shows nothing once the live is on or over (watching takes over)', () => {
    const { container } = render(<ReserveButton live={live({ status: 'live' })} loggedIn platform="weapp" />);
    expect(container.textContent).toBe('');
  });
});
