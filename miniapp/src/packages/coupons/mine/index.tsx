/** 我的优惠券: 可使用 / 已使用 / 已过期, 去使用 into the products a coupon is for, and 兑换码. */
import { formatShopTime, type StoreMemberCoupon, WALLET_TABS, type WalletTab } from '@siyu/shared';
import { Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { COUPON_PAGES, fetchWallet, redeemCode } from '../../../api/coupons';
import { isLoggedIn } from '../../../api/session';
import { Button, EmptyState, ErrorState, LoadingState } from '../../../components';
import { CouponTicket } from '../../../coupons/coupon-ticket';
import { goUseCoupon } from '../../../coupons/links';
import { useLoad } from '../../../hooks/use-load';
import { goToLogin } from '../../../navigation';
import '../../../shop/shop.scss';
import './index.scss';

const TAB_NAMES: Record<WalletTab, string> = { available: '可使用', used: '已使用', expired: '已过期' };

function RedeemBox({ onRedeemed }: { onRedeemed: () => void }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!code.trim() || busy) return;
    setBusy(true);
    try {
      await redeemCode(code.trim());
      setCode('');
      void Taro.showToast({ title: '兑换成功', icon: 'success' });
      onRedeemed();
    } catch {
      // 兑换码无效 / 已被使用 / 操作过于频繁: the client has said which.
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="shop-panel wallet-redeem">
      <Input
        className="wallet-redeem__input"
        value={code}
        maxlength={32}
        placeholder="输入兑换码"
        onInput={(event) => setCode(event.detail.value)}
      />
      <Button
        variant="outline"
        size="sm"
        loading={busy}
        className="wallet-redeem__submit"
        onClick={() => void submit()}
      >
        兑换
      </Button>
    </View>
  );
}

function stampOf(coupon: StoreMemberCoupon, tab: WalletTab): string | undefined {
  if (tab === 'used') return '已使用';
  if (tab === 'expired') return '已过期';
  return coupon.status === 'locked' ? '使用中' : undefined;
}

export default function MyCouponsPage() {
  const [tab, setTab] = useState<WalletTab>('available');
  const wallet = useLoad(() => fetchWallet(tab, { silent: true }), `wallet:${tab}`);
  useDidShow(() => {
    if (!isLoggedIn()) goToLogin();
    else if (wallet.data) void wallet.reload();
  });

  const counts = wallet.data?.counts;
  let body: JSX.Element;
  if (wallet.loading && !wallet.data) body = <LoadingState rows={3} />;
  else if (!wallet.data) {
    body = (
      <ErrorState message={wallet.error?.message} onRetry={() => void wallet.reload()} retrying={wallet.loading} />
    );
  } else if (wallet.data.items.length === 0) {
    body = (
      <EmptyState
        mark="券"
        title={tab === 'available' ? '还没有可用的优惠券' : `没有${TAB_NAMES[tab]}的优惠券`}
        description={tab === 'available' ? '去领券中心看看，下单前先领券。' : undefined}
        actionText={tab === 'available' ? '去领券中心' : undefined}
        onAction={tab === 'available' ? () => void Taro.navigateTo({ url: COUPON_PAGES.center }) : undefined}
      />
    );
  } else {
    body = (
      <View className="wallet-list">
        {wallet.data.items.map((coupon) => (
          <CouponTicket
            key={coupon.id}
            rule={coupon}
            name={coupon.name}
            scopeText={coupon.scopeText}
            validityText={
              tab === 'used' && coupon.usedAt ? `${formatShopTime(coupon.usedAt)} 已使用` : coupon.validityText
            }
            dimmed={tab !== 'available'}
            stamp={stampOf(coupon, tab)}
            action={
              tab === 'available' && coupon.status === 'available' ? (
                <Button variant="primary" size="sm" className="wallet-use" onClick={() => goUseCoupon(coupon)}>
                  去使用
                </Button>
              ) : undefined
            }
          />
        ))}
      </View>
    );
  }

  return (
    <View className="page wallet">
      <View className="wallet-tabs">
        {WALLET_TABS.map((name) => (
          <View
            key={name}
            className={`wallet-tab ${name === tab ? 'wallet-tab--active' : ''}`}
            onClick={() => setTab(name)}
          >
            <Text>{`${TAB_NAMES[name]}${counts ? ` ${counts[name]}` : ''}`}</Text>
          </View>
        ))}
      </View>
      {tab === 'available' ? <RedeemBox onRedeemed={() => void wallet.reload()} /> : null}
      {body}
      <Text className="wallet-center-link" onClick={() => void Taro.navigateTo({ url: COUPON_PAGES.center })}>
        去领券中心领更多 ›
      </Text>
    </View>
  );
}
