/**
 * Last-touch attribution for live sales: tapping a product in a live's lineup remembers that live for the
 * attribution window; an order placed within it is sent with `from: 'live:<id>'`.
 */
import { liveSource } from '@siyu/shared';
import Taro from '@tarojs/taro';

const TOUCH_KEY = 'siyu.live.touch';
const VISITOR_KEY = 'siyu.visitor';
/** The shop's attribution window as the last live page said (LIVE_ATTRIBUTION_HOURS); 24 h until then. */
const WINDOW_KEY = 'siyu.live.window';
const DEFAULT_WINDOW_HOURS = 24;

interface LiveTouch {
  source: string;
  at: number;
  until: number;
}

export function rememberLiveTouch(liveId: string, hours?: number, now = Date.now()): void {
  try {
    if (hours !== undefined) Taro.setStorageSync(WINDOW_KEY, hours);
    const stored = Number(Taro.getStorageSync(WINDOW_KEY));
    const window = hours ?? (stored > 0 ? stored : DEFAULT_WINDOW_HOURS);
    const touch: LiveTouch = { source: liveSource(liveId), at: now, until: now + window * 3_600_000 };
    Taro.setStorageSync(TOUCH_KEY, touch);
  } catch {
    // storage full or unavailable: the order simply goes unattributed
  }
}

/** A product page opened from a live's link (`from=live:<id>`, e.g. a product card inside the Channels live). */
export function rememberLinkSource(from: string | undefined, now = Date.now()): void {
  const match = from ? /^live:([0-9a-f]{24})$/.exec(from) : null;
  if (match?.[1]) rememberLiveTouch(match[1], undefined, now);
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
