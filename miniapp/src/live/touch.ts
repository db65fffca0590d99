/**
 * Last-touch attribution for live sales: tapping a product in a live's lineup remembers that live for the
 * attribution window; an order placed within it is sent with `from: 'live:<id>'`.
 */
import { liveSource } from '@siyu/shared';
import Taro from '@tarojs/taro';

const TOUCH_KEY = 'siyu.live.touch';
const VISITOR_KEY = 'siyu.visitor';

interface LiveTouch {
  source: string;
  at: number;
  until: number;
}

export function rememberLiveTouch(liveId: string, hours: number, now = Date.now()): void {
  const touch: LiveTouch = { source: liveSource(liveId), at: now, until: now + hours * 3_600_000 };
  try {
    Taro.setStorageSync(TOUCH_KEY, touch);
  } catch {
    // storage full or unavailable: the order simply goes unattributed
  }
}

/** `live:<id>` while the last live touch is within its window; undefined otherwise. */
export function liveOrderSource(now = Date.now()): string | undefined {
  try {
    const touch = Taro.getStorageSync(TOUCH_KEY) as LiveTouch | '';
    if (!touch || typeof touch !== 'object' || typeof touch.source !== 'string') return undefined;
    if (touch.until > now && /^live:[0-9a-f]{24}$/.test(touch.source)) return touch.source;
    Taro.removeStorageSync(TOUCH_KEY);
  } catch {
    // unreadable: no attribution
  }
  return undefined;
}

/** A random id for counting a visitor's click-throughs once a day before they log in. */
export function visitorId(): string {
  try {
    const existing = Taro.getStorageSync(VISITOR_KEY) as string;
    if (typeof existing === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
    const id = `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    Taro.setStorageSync(VISITOR_KEY, id);
    return id;
  } catch {
    return `v${Date.now().toString(36)}`;
  }
}
