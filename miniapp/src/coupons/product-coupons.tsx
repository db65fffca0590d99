/** The product page's 领券 row: coupons that apply to this product, claimable in a sheet; 新人专享 SKUs. */
import type { StoreCouponCenter, StoreCouponTemplate } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { claimCoupon, fetchCouponCenter } from '../api/coupons';
import { isLoggedIn } from '../api/session';
import { BottomSheet, Button } from '../components';
import { goToLogin } from '../navigation';
import { CouponTicket } from './coupon-ticket';
import { claimBlockedText } from './links';
import './coupons.scss';

export function ClaimButton({
  template,
  onClaimed,
}: {
  template: StoreCouponTemplate;
  onClaimed: (template: StoreCouponTemplate) => void;
}) {
  const [claiming, setClaiming] = useState(false);
  const blocked = claimBlockedText(template.claimBlockedBy, template.perMemberLimit);
  if (blocked) {
    return (
      <Button variant="outline" size="sm" disabled className="coupon-claim coupon-claim--done">
        {blocked}
      </Button>
    );
  }
  const claim = async () => {
    if (!isLoggedIn()) {
      goToLogin();
      return;
    }
    setClaiming(true);
    try {
      await claimCoupon(template.id);
      onClaimed(template);
    } catch {
      // The client has said why (已领完, 已领满…).
    } finally {
      setClaiming(false);
    }
  };
  return (
    <Button variant="primary" size="sm" loading={claiming} className="coupon-claim" onClick={() => void claim()}>
      领取
    </Button>
  );
}

export function ProductCoupons({ productId, skuId }: { productId: string; skuId?: string | undefined }) {
  const [center, setCenter] = useState<StoreCouponCenter | null>(null);
  const [open, setOpen] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks again after a claim.
  useEffect(() => {
    let live = true;
    fetchCouponCenter({ productId }, { silent: true })
      .then((answer) => live && setCenter(answer))
      .catch(() => live && setCenter(null));
    return () => {
      live = false;
    };
  }, [productId, reloadKey]);

  if (!center) return null;
  const trial = skuId ? center.newMemberSkuIds.includes(skuId) : center.newMemberSkuIds.length > 0;
  if (center.items.length === 0 && !trial) return null;
  return (
    <>
      {trial ? (
        <View className="shop-panel coupon-row product-trial">
          <Text className="coupon-row__label">新人专享</Text>
          <Text className="shop-muted">首单新会员可购，每人限一份</Text>
        </View>
      ) : null}
      {center.items.length > 0 ? (
        <View className="shop-panel coupon-row product-coupons" onClick={() => setOpen(true)}>
          <Text className="coupon-row__label">领券</Text>
          <View className="coupon-row__chips">
            {center.items.slice(0, 3).map((template) => (
              <Text key={template.id} className="coupon-row__chip">
                {template.title}
              </Text>
            ))}
          </View>
          <View className="sy-cell__arrow" />
        </View>
      ) : null}
      <BottomSheet open={open} title="领取优惠券" onClose={() => setOpen(false)} className="coupon-sheet">
        {center.items.map((template) => (
          <CouponTicket
            key={template.id}
            rule={template}
            name={template.name}
            scopeText={template.scopeText}
            validityText={template.validityText}
            action={<ClaimButton template={template} onClaimed={() => setReloadKey((key) => key + 1)} />}
          />
        ))}
      </BottomSheet>
    </>
  );
}
