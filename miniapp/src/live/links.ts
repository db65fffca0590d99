import { liveSource } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { PAGES } from '../brand';

export const LIVE_PAGES = {
  list: '/packages/live/list/index',
  detail: '/packages/live/detail/index',
} as const;

export function liveUrl(id: string): string {
  return `${LIVE_PAGES.detail}?id=${encodeURIComponent(id)}`;
}

/** A product link from a live's lineup: it carries the live as its source (`from=live:<id>`). */
export function liveProductUrl(productId: string, liveId: string): string {
  return `${PAGES.product}?id=${encodeURIComponent(productId)}&from=${encodeURIComponent(liveSource(liveId))}`;
}

export function openLive(id: string): void {
  void Taro.navigateTo({ url: liveUrl(id) }).catch(() => undefined);
}

export function openLiveList(): void {
  void Taro.navigateTo({ url: LIVE_PAGES.list }).catch(() => undefined);
}

/** '2天 03:12:45', '03:12:45', or '' once it has started. */
export function startsInText(startsAt: string, now: number): string {
  const left = Math.max(0, Math.floor((new Date(startsAt).getTime() - now) / 1000));
  if (left === 0) return '';
  const days = Math.floor(left / 86_400);
  const pad = (n: number) => n.toString().padStart(2, '0');
  const clock = `${pad(Math.floor((left % 86_400) / 3600))}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
  return days > 0 ? `${days}天 ${clock}` : clock;
}
