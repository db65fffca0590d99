/**
 * fake-taro plus WeChat's Channels live APIs and subscribe messages, callback style as WeChat has them.
 * `channels` scripts what they answer; `removeChannelsApis()` stands for an old base library that lacks them.
 * Use with `vi.mock('@tarojs/taro', () => import('./fake-taro-live'))`.
 */
import { vi } from 'vitest';
import fake from './fake-taro';

export * from './fake-taro';

type Callbacks = { success?: (result: unknown) => void; fail?: (error: { errMsg: string }) => void };

export const channels = {
  /** What getChannelsLiveNoticeInfo answers; null makes it fail (no reservable notice). */
  notice: { nonceId: 'notice-from-taro-typing', status: 0, reservable: true, startTime: 1_800_000_000 } as Record<
    string,
    unknown
  > | null,
  /** The `state` reserveChannelsLive reports; null makes it fail. */
  reserveState: 6 as number | null,
  liveInfo: { feedId: 'feed-1', nonceId: 'nonce-1', status: 2 } as Record<string, unknown> | null,
  subscribeAnswer: 'accept' as string,
};

const apis = {
  getChannelsLiveNoticeInfo: vi.fn((options: { finderUserName: string } & Callbacks) => {
    if (channels.notice) options.success?.({ ...channels.notice, errMsg: 'getChannelsLiveNoticeInfo:ok' });
    else options.fail?.({ errMsg: 'getChannelsLiveNoticeInfo:fail no notice' });
  }),
  reserveChannelsLive: vi.fn((options: { noticeId: string } & Callbacks) => {
    if (channels.reserveState === null) options.fail?.({ errMsg: 'reserveChannelsLive:fail' });
    else options.success?.({ state: channels.reserveState, errMsg: 'reserveChannelsLive:ok' });
  }),
  getChannelsLiveInfo: vi.fn((options: { finderUserName: string } & Callbacks) => {
    if (channels.liveInfo) options.success?.({ ...channels.liveInfo, errMsg: 'getChannelsLiveInfo:ok' });
    else options.fail?.({ errMsg: 'getChannelsLiveInfo:fail' });
  }),
  openChannelsLive: vi.fn((options: { finderUserName: string } & Callbacks) => {
    options.success?.({ errMsg: 'openChannelsLive:ok' });
  }),
  requestSubscribeMessage: vi.fn((options: { tmplIds: string[] } & Callbacks) => {
    const answer: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
    for (const id of options.tmplIds) answer[id] = channels.subscribeAnswer;
    options.success?.(answer);
  }),
  stopPullDownRefresh: vi.fn(async () => ({ errMsg: 'stopPullDownRefresh:ok' })),
};

export function installChannelsApis(): void {
  Object.assign(fake, apis);
  for (const spy of Object.values(apis)) spy.mockClear();
  fake.canIUse.mockImplementation(() => true);
  channels.notice = { nonceId: 'notice-from-taro-typing', status: 0, reservable: true, startTime: 1_800_000_000 };
  channels.reserveState = 6;
  channels.liveInfo = { feedId: 'feed-1', nonceId: 'nonce-1', status: 2 };
  channels.subscribeAnswer = 'accept';
}

/** An old base library: the Channels APIs are simply not there. */
export function removeChannelsApis(): void {
  const target = fake as unknown as Record<string, unknown>;
  for (const name of ['getChannelsLiveNoticeInfo', 'reserveChannelsLive', 'getChannelsLiveInfo', 'openChannelsLive']) {
    delete target[name];
  }
}

export default fake as typeof fake & typeof apis;

export function usePullDownRefresh(_callback: () => void): void {}
export function useReachBottom(_callback: () => void): void {}
