/**
 * WeChat's Channels (视频号) live APIs, callback style only (no Promise form), wrapped as promises.
 * Two pitfalls handled here: Taro's typings call the notice id `nonceId` where WeChat says `noticeId` (we
 * read either), and an API missing from an old base library (reserve/notice need 2.19.0, live info and
 * open need 2.15.0) is reported as `unsupported` instead of failing silently.
 */
import Taro from '@tarojs/taro';

type Callbacks<T> = { success?: (result: T) => void; fail?: (error: { errMsg?: string; errCode?: number }) => void };

export interface NoticeInfo {
  noticeId: string;
  /** 0 usable, 1 cancelled, 2 used. */
  status: number;
  startTime: number | null;
  reservable: boolean;
}

export interface ChannelsLiveInfo {
  feedId: string;
  nonceId: string;
  /** 1 none, 2 live, 3 ended, 4 preparing. */
  status: number;
}

interface ChannelsApi {
  getChannelsLiveNoticeInfo?: (options: { finderUserName: string } & Callbacks<Record<string, unknown>>) => void;
  reserveChannelsLive?: (options: { noticeId: string } & Callbacks<{ state?: number }>) => void;
  getChannelsLiveInfo?: (options: { finderUserName: string } & Callbacks<Record<string, unknown>>) => void;
  openChannelsLive?: (
    options: { finderUserName: string; feedId?: string; nonceId?: string } & Callbacks<unknown>,
  ) => void;
  canIUse?: (schema: string) => boolean;
}

export type ChannelsApiName =
  | 'getChannelsLiveNoticeInfo'
  | 'reserveChannelsLive'
  | 'getChannelsLiveInfo'
  | 'openChannelsLive';

export class ChannelsError extends Error {
  constructor(
    readonly reason: 'unsupported' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'ChannelsError';
  }
}

function api(): ChannelsApi {
  return Taro as unknown as ChannelsApi;
}

/** Whether this base library has the API (Taro may stub what `wx` lacks, so canIUse has the last word). */
export function supports(name: ChannelsApiName): boolean {
  const fn = api()[name];
  if (typeof fn !== 'function') return false;
  const canIUse = api().canIUse;
  if (typeof canIUse !== 'function') return true;
  try {
    return canIUse(name) !== false;
  } catch {
    return true;
  }
}

export function canReserve(): boolean {
  return supports('getChannelsLiveNoticeInfo') && supports('reserveChannelsLive');
}

export function canWatch(): boolean {
  return supports('openChannelsLive');
}

function call<T>(name: ChannelsApiName, options: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fn = api()[name] as ((options: Record<string, unknown> & Callbacks<T>) => void) | undefined;
    if (!supports(name) || !fn) {
      reject(new ChannelsError('unsupported', '当前微信版本过低，请升级微信后重试'));
      return;
    }
    try {
      fn({
        ...options,
        success: (result: T) => resolve(result),
        fail: (error) => reject(new ChannelsError('failed', error?.errMsg ?? `${name}:fail`)),
      });
    } catch (error) {
      reject(new ChannelsError('failed', error instanceof Error ? error.message : `${name}:fail`));
    }
  });
}

/** The next reservable notice of this Channels account; rejects when there is none. */
export async function getNoticeInfo(finderUserName: string): Promise<NoticeInfo> {
  const result = await call<Record<string, unknown>>('getChannelsLiveNoticeInfo', { finderUserName });
  const noticeId = String(result.noticeId ?? result.nonceId ?? '');
  if (!noticeId) throw new ChannelsError('failed', 'no notice');
  return {
    noticeId,
    status: Number(result.status ?? 0),
    startTime: result.startTime === undefined ? null : Number(result.startTime),
    reservable: result.reservable !== false,
  };
}

/** Opens WeChat's reservation popup; resolves with the `state` it reports (6 reserved, 7 cancelled, …). */
export async function reserveLive(noticeId: string): Promise<number> {
  const result = await call<{ state?: number }>('reserveChannelsLive', { noticeId });
  return Number(result?.state ?? 0);
}

export async function getLiveInfo(finderUserName: string): Promise<ChannelsLiveInfo> {
  const result = await call<Record<string, unknown>>('getChannelsLiveInfo', { finderUserName });
  return {
    feedId: String(result.feedId ?? ''),
    nonceId: String(result.nonceId ?? ''),
    status: Number(result.status ?? 1),
  };
}

/** Must run inside a tap: WeChat shows its own confirm popup, then opens the live. */
export async function openLive(target: { finderUserName: string; feedId?: string; nonceId?: string }): Promise<void> {
  const options: Record<string, string> = { finderUserName: target.finderUserName };
  if (target.feedId) options.feedId = target.feedId;
  if (target.nonceId) options.nonceId = target.nonceId;
  await call('openChannelsLive', options);
}

/** What a `reserveChannelsLive` state means to the shopper (null: nothing worth saying, e.g. they closed it). */
export function stateMessage(state: number): string | null {
  switch (state) {
    case 6:
      return '预约成功，开播时微信会通知你';
    case 7:
      return '已取消预约';
    case 3:
      return '这场直播的预告已取消';
    case 4:
      return '这场直播已结束';
    case 10:
      return '预约已过期';
    default:
      return null;
  }
}
