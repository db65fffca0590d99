/** 新人礼 on 首页: the welcome coupons a new member got at registration, shown once (the server remembers). */
import type { StoreWelcome } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { COUPON_PAGES, fetchWelcome, markWelcomeSeen } from '../api/coupons';
import { Button } from '../components';
import { stubText } from './coupon-ticket';
import './coupons.scss';

export function WelcomeGift({ loggedIn }: { loggedIn: boolean }) {
  const [welcome, setWelcome] = useState<StoreWelcome | null>(null);

  useEffect(() => {
    if (!loggedIn) {
      setWelcome(null);
      return;
    }
    let live = true;
    fetchWelcome({ silent: true })
      .then((answer) => {
        if (!live || !answer.show) return;
        setWelcome(answer);
        // Shown once: seen as soon as it is on screen, whatever the member does next.
        void markWelcomeSeen().catch(() => undefined);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [loggedIn]);

  if (!welcome) return null;
  const close = () => setWelcome(null);
  return (
    <View className="welcome-gift" role="dialog" aria-label="新人礼">
      <View className="welcome-gift__head">
        <View>
          <Text className="welcome-gift__kicker">新人礼</Text>
          <Text className="welcome-gift__title">{`¥${welcome.worth / 100} 优惠券已到账`}</Text>
        </View>
        <Text className="welcome-gift__close" aria-label="关闭" onClick={close}>
          ×
        </Text>
      </View>
      <View className="welcome-gift__coupons">
        {welcome.coupons.map((coupon) => {
          const stub = stubText(coupon);
          return (
            <View key={coupon.id} className="welcome-gift__coupon">
              <Text className="welcome-gift__amount">{stub.unit === '¥' ? `¥${stub.value}` : `${stub.value}折`}</Text>
              <Text className="welcome-gift__condition">{stub.condition}</Text>
            </View>
          );
        })}
      </View>
      <Text className="welcome-gift__hint">{`首单可用 · ${welcome.coupons[0]?.validityText ?? ''}`}</Text>
      <Button
        variant="gold"
        block
        className="welcome-gift__go"
        onClick={() => {
          close();
          void Taro.navigateTo({ url: COUPON_PAGES.mine });
        }}
      >
        查看我的优惠券
      </Button>
    </View>
  );
}
