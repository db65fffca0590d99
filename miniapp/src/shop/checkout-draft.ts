/**
 * What the shopper set on the checkout page (积分抵扣 and 备注) survives a reload or a trip to the address book:
 * kept per checkout (its `items`) on the device until the order is placed.
 */
import Taro from '@tarojs/taro';

const KEY = 'siyu.checkout.draft';

export interface CheckoutDraft {
  usePoints: boolean;
  remark: string;
}

export function readCheckoutDraft(items: string | undefined): CheckoutDraft | null {
  try {
    const stored = Taro.getStorageSync(KEY) as (CheckoutDraft & { items?: string }) | '';
    if (!stored || typeof stored !== 'object' || stored.items !== (items ?? '')) return null;
    return { usePoints: stored.usePoints === true, remark: typeof stored.remark === 'string' ? stored.remark : '' };
  } catch {
    return null;
  }
}

export function saveCheckoutDraft(items: string | undefined, draft: CheckoutDraft): void {
  try {
    Taro.setStorageSync(KEY, { items: items ?? '', ...draft });
  } catch {
    // Storage full: the page still works, only a reload forgets.
  }
}

export function clearCheckoutDraft(): void {
  try {
    Taro.removeStorageSync(KEY);
  } catch {
    // Nothing to forget.
  }
}
