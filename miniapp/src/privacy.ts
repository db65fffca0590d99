/**
 * WeChat's privacy authorization (weapp, `__usePrivacyCheck__` in app.config): before the first use of an API
 * that touches personal information (phone number, avatar, album, clipboard), WeChat asks the mini-program to
 * show its own consent popup via wx.onNeedPrivacyAuthorization, and waits until the member agrees (a button with
 * open-type="agreePrivacyAuthorization") or declines. Pages that use such APIs mount <PrivacyPopup />, which
 * opens whenever WeChat asks. H5 has no such flow (the login page's consent covers it).
 */
import { useEffect, useState } from 'react';

export const PRIVACY_AGREE_BUTTON_ID = 'privacy-agree';

type PrivacyResolve = (result: { event: 'agree' | 'disagree'; buttonId?: string }) => void;

interface WechatPrivacy {
  onNeedPrivacyAuthorization?: (listener: (resolve: PrivacyResolve, info?: { referrer?: string }) => void) => void;
  openPrivacyContract?: (options?: { fail?: () => void }) => void;
}

const wechat = (): WechatPrivacy | undefined =>
  process.env.TARO_ENV === 'weapp' ? (globalThis as { wx?: WechatPrivacy }).wx : undefined;

let pending: PrivacyResolve | null = null;
const listeners = new Set<(open: boolean) => void>();

function announce(open: boolean): void {
  for (const listener of listeners) listener(open);
}

/** Called once at launch (app.ts): WeChat's request for consent opens the popup on the current page. */
export function installPrivacyCheck(): void {
  wechat()?.onNeedPrivacyAuthorization?.((resolve) => {
    // A page without the popup cannot ask: decline rather than leave WeChat waiting for ever.
    if (listeners.size === 0) {
      resolve({ event: 'disagree' });
      return;
    }
    pending = resolve;
    announce(true);
  });
}

/** The member agreed (the 同意 button's agreePrivacyAuthorization event). */
export function agreePrivacy(): void {
  pending?.({ event: 'agree', buttonId: PRIVACY_AGREE_BUTTON_ID });
  pending = null;
  announce(false);
}

/** The member declined: the API that asked fails, and nothing is collected. */
export function declinePrivacy(): void {
  pending?.({ event: 'disagree' });
  pending = null;
  announce(false);
}

/** Whether WeChat is waiting for the member's consent right now. */
export function usePrivacyRequest(): boolean {
  const [open, setOpen] = useState(pending !== null);
  useEffect(() => {
    listeners.add(setOpen);
    return () => void listeners.delete(setOpen);
  }, []);
  return open;
}

/** Opens WeChat's own rendering of the 隐私保护指引 on weapp; false elsewhere (show ours instead). */
export function openWechatPrivacyContract(): boolean {
  const api = wechat();
  if (!api?.openPrivacyContract) return false;
  api.openPrivacyContract();
  return true;
}

/** For tests: WeChat asks for consent. */
export function simulatePrivacyRequest(resolve: PrivacyResolve): void {
  pending = resolve;
  announce(true);
}
