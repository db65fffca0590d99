/** Where 去使用 leads: the one product a coupon is for, the category it is for, or the home feed. */
import type { StoreMemberCoupon } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { PAGES } from '../brand';

/** Read by the category tab to open on a category (tab pages take no query); the home page uses the same key. */
const CATEGORY_HANDOFF_KEY = 'siyu.category.open';

export function goUseCoupon(coupon: Pick<StoreMemberCoupon, 'scope'>): void {
  const { scope } = coupon;
  if (scope.type === 'products' && scope.productIds[0]) {
    void Taro.navigateTo({ url: `${PAGES.product}?id=${encodeURIComponent(scope.productIds[0])}` });
    return;
  }
  if (scope.type === 'categories' && scope.categoryIds[0]) {
    Taro.setStorageSync(CATEGORY_HANDOFF_KEY, { id: scope.categoryIds[0] });
    void Taro.switchTab({ url: PAGES.category });
    return;
  }
  void Taro.switchTab({ url: PAGES.home });
}

/** Why a template cannot be claimed now, in the shopper's words (null: it can). */
export function claimBlockedText(blocked: string | null, perMemberLimit: number): string | null {
  switch (blocked) {
    case 'sold_out':
      return '已领完';
    case 'limit_reached':
      return perMemberLimit > 1 ? `已领 ${perMemberLimit} 张` : '已领取';
    case 'tier_too_low':
      return '等级不足';
    case 'new_members_only':
      return '仅限新会员';
    case 'login':
      return null;
    default:
      return null;
  }
}
