/** What the group-buy pages do on a tap: find the address to ship to, pay a group order, build the share link. */
import { groupSharePath } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { fetchAddresses } from '../api/addresses';
import type { ApiError } from '../api/client';
import { groupNoticeTemplate, saveGroupNotice } from '../api/groupbuy';
import { confirmSandboxPayment, startPayment, waitForPaid } from '../api/orders';
import { PAGES } from '../brand';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/** The default address (or the first one); none → the shopper is sent to add one and null is returned. */
export async function shippingAddressId(): Promise<string | null> {
  const addresses = await fetchAddresses();
  const chosen = addresses.find((address) => address.isDefault) ?? addresses[0];
  if (chosen) return chosen.id;
  void Taro.showToast({ title: '请先添加收货地址', icon: 'none' });
  void Taro.navigateTo({ url: PAGES.addressEdit }).catch(() => undefined);
  return null;
}

/**
 * Pays a group order: WeChat's payment sheet in the mini-program, the sandbox cashier on H5 (demo mode). Resolves
 * true once the server has the payment, false when the shopper cancelled or it is not confirmed yet.
 */
export async function payGroupOrder(orderId: string): Promise<boolean> {
  const pay = await startPayment(orderId);
  try {
    if (IS_WEAPP) await Taro.requestPayment({ ...pay.payParams });
    else if (pay.sandbox) await confirmSandboxPayment(pay.sandbox.confirmUrl);
    else {
      void Taro.showToast({ title: '请在微信小程序中完成支付', icon: 'none' });
      return false;
    }
  } catch (caught) {
    const message = (caught as { errMsg?: string }).errMsg ?? (caught as ApiError).message ?? '';
    void Taro.showToast({ title: /cancel/i.test(message) ? '支付已取消' : '支付未完成，请重试', icon: 'none' });
    return false;
  }
  const order = await waitForPaid(orderId, { attempts: 15, intervalMs: 800 });
  if (order.status === 'pending_payment') {
    void Taro.showToast({ title: '暂未收到支付结果，请稍后刷新', icon: 'none' });
    return false;
  }
  return true;
}

/** The invite link on H5: the same page and query the mini-program share carries, on this site. */
export function h5InviteLink(groupId: string, inviterId?: string): string {
  const origin = typeof window !== 'undefined' ? window.location.origin : '';
  return `${origin}${groupSharePath(groupId, inviterId)}`;
}

/** A fresh key for one open/join tap (8–128 letters, digits, `-`). */
export function newGroupKey(prefix: 'open' | 'join'): string {
  const random = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  return `gb-${prefix}-${Date.now().toString(36)}-${random()}${random()}`;
}

/**
 * Inside a tap (WeChat allows the prompt only then): asks once whether the member wants to hear how the group
 * ends, and stores the answer. Mini-program only; never blocks paying.
 */
export async function askOutcomeNotice(groupId: string): Promise<void> {
  if (!IS_WEAPP) return;
  try {
    const templateId = await groupNoticeTemplate();
    if (!templateId) return;
    const answer = (await Taro.requestSubscribeMessage({
      tmplIds: [templateId],
      entityIds: [],
    } as never)) as unknown as Record<string, string>;
    const result = answer[templateId];
    if (result) await saveGroupNotice(groupId, result);
  } catch {
    // declined or unavailable: the group goes on without a notice
  }
}
