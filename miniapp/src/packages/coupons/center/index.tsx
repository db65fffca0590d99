/** 领券中心: every coupon open for claiming, what is left of it, and whether this member can take one. */
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { COUPON_PAGES, fetchCouponCenter } from '../../../api/coupons';
import { isLoggedIn } from '../../../api/session';
import { PAGES } from '../../../brand';
import { Button, EmptyState, ErrorState, LoadingState } from '../../../components';
import { CouponTicket } from '../../../coupons/coupon-ticket';
import { ClaimButton } from '../../../coupons/product-coupons';
import { useLoad } from '../../../hooks/use-load';
import { goToLogin } from '../../../navigation';
import '../../../shop/shop.scss';
import './index.scss';

export default function CouponCenterPage() {
  const center = useLoad(() => fetchCouponCenter({}, { silent: true }), 'center', { auto: false });
  useDidShow(() => void center.reload());
  usePullDownRefresh(() => void center.reload().finally(() => void Taro.stopPullDownRefresh()));

  if (center.loading && !center.data) return <LoadingState />;
  if (!center.data) {
    return (
      <ErrorState message={center.error?.message} onRetry={() => void center.reload()} retrying={center.loading} />
    );
  }
  const items = center.data.items;
  return (
    <View className="page coupon-center">
      <View className="coupon-center__hero">
        <Text className="coupon-center__title">领券中心</Text>
        <Text className="coupon-center__sub">先领券，再下单 · 结算时自动选用最优惠的一张</Text>
        {isLoggedIn() ? (
          <Text className="coupon-center__mine" onClick={() => void Taro.navigateTo({ url: COUPON_PAGES.mine })}>
            我的优惠券 ›
          </Text>
        ) : (
          <Button variant="gold" size="sm" className="coupon-center__login" onClick={() => goToLogin()}>
            登录领券
          </Button>
        )}
      </View>
      {items.length === 0 ? (
        <EmptyState
          mark="券"
          title="暂时没有可领的券"
          description="新的优惠券上线后会出现在这里。"
          actionText="去首页逛逛"
          onAction={() => void Taro.switchTab({ url: PAGES.home })}
        />
      ) : (
        <View className="coupon-center__list">
          {items.map((template) => (
            <CouponTicket
              key={template.id}
              rule={template}
              name={template.name}
              scopeText={template.scopeText}
              validityText={template.validityText}
              note={template.remaining <= 50 && template.remaining > 0 ? `仅剩 ${template.remaining} 张` : undefined}
              dimmed={template.claimBlockedBy === 'sold_out'}
              action={
                <ClaimButton
                  template={template}
                  onClaimed={() => {
                    void Taro.showToast({ title: '领取成功', icon: 'success' });
                    void center.reload();
                  }}
                />
              }
            />
          ))}
        </View>
      )}
    </View>
  );
}
