import type { StoreLive, StoreLiveDetail } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { placeOrder } from '../src/api/orders';
import { HomeLiveEntry } from '../src/live/home-live-entry';
import { ReminderButton } from '../src/live/reminder-button';
import { liveOrderSource, rememberLinkSource, rememberLiveTouch } from '../src/live/touch';
import { WatchButton } from '../src/live/watch-button';
import LiveDetailPage from '../src/packages/live/detail/index';
import {
  type FakeRequest,
  installChannelsApis,
  resetFakeTaro,
  respondWith,
  setPages,
  setRouterParams,
} from './fake-taro-live';
import { lockedCard, openCard, signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-live'));

configure({ asyncUtilTimeout: 5000 });

const LIVE_ID = '0123456789abcdef01234567';
const HOUR = 3_600_000;

function live(overrides: Partial<StoreLive> = {}): StoreLive {
  return {
    id: LIVE_ID,
    title: '冬日岩茶品鉴',
    cover: '',
    description: '三款岩茶一次喝懂',
    finderUserName: 'sphTeaHouse01',
    noticeId: null,
    startsAt: new Date(Date.now() + 26 * HOUR).toISOString(),
    endsAt: new Date(Date.now() + 30 * HOUR).toISOString(),
    status: 'scheduled',
    statusText: '预告',
    productCount: 2,
    reservationRewardPoints: 0,
    reserved: false,
    reminder: null,
    ...overrides,
  };
}

function detail(overrides: Partial<StoreLiveDetail> = {}): StoreLiveDetail {
  return {
    ...live(),
    lineup: [
      { role: 'gift', roleLabel: '福利品', product: openCard },
      { role: 'bestseller', roleLabel: '畅销品', product: lockedCard },
    ],
    attributionHours: 24,
    reminderMinutes: 15,
    ...overrides,
  };
}

function requests(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

beforeEach(() => {
  resetFakeTaro();
  installChannelsApis();
});

describe('首页直播入口', () => {
  it('shows the live on now before any upcoming one', async () => {
    respondWith((request) =>
      request.url.startsWith('/api/livestreams')
        ? {
            statusCode: 200,
            data: [
              live({ id: 'a'.repeat(24), title: '下周预告' }),
              live({ title: '正在直播', status: 'live', statusText: '直播中' }),
            ],
          }
        : { statusCode: 404 },
    );
    render(<HomeLiveEntry />);
    await waitFor(() => expect(screen.getByText('正在直播')).toBeTruthy());
    expect(screen.getByText('视频号直播进行中，点击进入')).toBeTruthy();
  });

  it('shows the next live with a countdown, and opens its page', async () => {
    respondWith(() => ({ statusCode: 200, data: [live()] }));
    render(<HomeLiveEntry />);
    await waitFor(() => expect(screen.getByText(/^距开播 1天 \d\d:\d\d:\d\d$/)).toBeTruthy());
    fireEvent.click(screen.getByText('冬日岩茶品鉴'));
    expect(vi.mocked(Taro.navigateTo).mock.calls[0]![0].url).toBe(`/packages/live/detail/index?id=${LIVE_ID}`);
  });

  it('shows nothing when no live is planned or the schedule fails to load', async () => {
    respondWith(() => ({ statusCode: 500, data: null }));
    const { container } = render(<HomeLiveEntry />);
    await waitFor(() => expect(Taro.request).toHaveBeenCalled());
    expect(container.textContent).toBe('');
  });
});

describe('直播详情 (H5 build)', () => {
  beforeEach(() => {
    setRouterParams({ id: LIVE_ID });
    setPages([{ route: 'packages/live/detail/index', options: { id: LIVE_ID } }]);
  });

  it('shows the lineup with roles; on H5 explains that reservations happen in WeChat', async () => {
    respondWith((request) =>
      request.url.startsWith(`/api/livestreams/${LIVE_ID}`)
        ? { statusCode: 200, data: detail() }
        : request.url.startsWith('/api/notices/templates')
          ? { statusCode: 200, data: { templates: { live_reminder: 'demo_live_reminder' }, demo: true } }
          : { statusCode: 404 },
    );
    render(<LiveDetailPage />);
    await waitFor(() => expect(screen.getByText('福利品')).toBeTruthy());
    expect(screen.getByText('畅销品')).toBeTruthy();
    expect(screen.getByText('直播预约需在微信中完成')).toBeTruthy();
  });

  it('a tap on a lineup product remembers the live, counts the click-through and links with from=live:<id>', async () => {
    respondWith((request) =>
      request.url.startsWith(`/api/livestreams/${LIVE_ID}`) && request.method !== 'POST'
        ? { statusCode: 200, data: detail() }
        : { statusCode: 204 },
    );
    const { container } = render(<LiveDetailPage />);
    await waitFor(() => expect(container.querySelector('.product-card')).toBeTruthy());
    fireEvent.click(container.querySelector('.product-card')!);
    expect(vi.mocked(Taro.navigateTo).mock.calls[0]![0].url).toBe(
      `/packages/shop/product/index?id=${openCard.id}&from=${encodeURIComponent(`live:${LIVE_ID}`)}`,
    );
    expect(liveOrderSource()).toBe(`live:${LIVE_ID}`);
    await waitFor(() =>
      expect(requests().some((r) => r.url.endsWith(`/livestreams/${LIVE_ID}/clicks`) && r.method === 'POST')).toBe(
        true,
      ),
    );
  });

  it('says when the live does not exist, with a way to the other lives', async () => {
    respondWith(() => ({
      statusCode: 404,
      data: { error: { code: 'live_not_found', message: '直播不存在或已下线' } },
    }));
    render(<LiveDetailPage />);
    await waitFor(() => expect(screen.getByText('直播不存在或已下线')).toBeTruthy());
    fireEvent.click(screen.getByText('看看其他直播'));
    expect(vi.mocked(Taro.redirectTo).mock.calls[0]![0].url).toBe('/packages/live/list/index');
  });
});

describe('attribution window', () => {
  it('an order within the window carries the live; after it, none', () => {
    const now = Date.now();
    rememberLiveTouch(LIVE_ID, 24, now);
    expect(liveOrderSource(now + 23 * HOUR)).toBe(`live:${LIVE_ID}`);
    expect(liveOrderSource(now + 25 * HOUR)).toBeUndefined();
  });

  it('a product link from a live (from=live:<id>) starts the window the last live page announced; other sources do not', () => {
    const now = Date.now();
    rememberLiveTouch('b'.repeat(24), 48, now - 1000);
    rememberLinkSource(`live:${LIVE_ID}`, now);
    expect(liveOrderSource(now + 47 * HOUR)).toBe(`live:${LIVE_ID}`);
    expect(liveOrderSource(now + 49 * HOUR)).toBeUndefined();
    rememberLinkSource('share:abc', now);
    rememberLinkSource(undefined, now);
    expect(liveOrderSource(now)).toBeUndefined();
  });

  it('placing an order within the window sends from=live:<id> with the order request', async () => {
    signIn();
    respondWith(() => ({ statusCode: 500, data: null }));
    rememberLiveTouch(LIVE_ID, 24);
    await placeOrder({ items: [{ skuId: openCard.id, qty: 1 }], addressId: 'b'.repeat(24) }, 'key-12345678').catch(
      () => undefined,
    );
    const sent = requests().find((r) => r.url === '/api/orders');
    expect(sent?.data).toMatchObject({ from: `live:${LIVE_ID}` });
  });
});

describe('开播提醒 and 进入直播间 on WeChat', () => {
  it('asks requestSubscribeMessage for the live reminder template on the tap and stores the accept', async () => {
    signIn();
    respondWith((request) => {
      if (request.url.startsWith('/api/notices/templates')) {
        return { statusCode: 200, data: { templates: { live_reminder: 'TPL_LIVE' }, demo: false } };
      }
      if (request.url.endsWith('/reminders')) {
        return {
          statusCode: 200,
          data: {
            reminder: {
              templateKey: 'live_reminder',
              topic: `live:${LIVE_ID}`,
              state: 'pending',
              acceptedAt: new Date().toISOString(),
              sentAt: null,
            },
          },
        };
      }
      return { statusCode: 404 };
    });
    render(<ReminderButton live={live()} reminderMinutes={15} loggedIn platform="weapp" />);
    await waitFor(() => expect(requests().some((r) => r.url.startsWith('/api/notices/templates'))).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    fireEvent.click(screen.getByText('开播提醒'));
    await waitFor(() => expect(screen.getByText('已设置提醒')).toBeTruthy());
    expect(vi.mocked(Taro.requestSubscribeMessage).mock.calls[0]![0]).toMatchObject({ tmplIds: ['TPL_LIVE'] });
    const saved = requests().find((r) => r.url.endsWith('/reminders'));
    expect(saved?.data).toEqual({ result: 'accept' });
    expect(screen.getByText('已设置：开播前 15 分钟提醒你')).toBeTruthy();
  });

  it('while live, the tap opens the Channels live with the feed fetched beforehand', async () => {
    render(<WatchButton live={live({ status: 'live' })} platform="weapp" />);
    await waitFor(() => expect(Taro.getChannelsLiveInfo).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 20));
    fireEvent.click(screen.getByText('进入直播间'));
    expect(vi.mocked(Taro.openChannelsLive).mock.calls[0]![0]).toMatchObject({
      finderUserName: 'sphTeaHouse01',
      feedId: 'feed-1',
      nonceId: 'nonce-1',
    });
  });
});
