import { Text, View } from '@tarojs/components';
import Taro, { useLoad as useTaroLoad } from '@tarojs/taro';
import { useState } from 'react';
import { captureInvite } from '../../../api/identity';
import { BRAND } from '../../../brand';
import { Button } from '../../../components';
import './index.scss';

/** `scene` of the poster's mini-program code: `inv=<invite code>` (still percent-encoded on weapp). */
export function inviteFromScene(scene: string | undefined): string | null {
  if (!scene) return null;
  let text = scene;
  try {
    text = decodeURIComponent(scene);
  } catch {
    // keep it as it is
  }
  const match = /^inv=([A-Za-z0-9]{4,16})$/.exec(text);
  return match ? match[1]! : null;
}

/** Where a poster's code lands: the invite is remembered for the first login, then the shop opens. */
export default function JoinPage() {
  const [invite, setInvite] = useState<string | null>(null);
  useTaroLoad((options: Record<string, string | undefined>) => {
    const code = inviteFromScene(options.scene) ?? options.invite ?? null;
    if (code) captureInvite(code);
    setInvite(code);
  });
  const goHome = () => void Taro.switchTab({ url: '/pages/home/index' }).catch(() => undefined);
  return (
    <View className="page join">
      <Text className="join__title">{`欢迎来到${BRAND.name}`}</Text>
      <Text className="join__text">
        {invite ? '好友邀请你成为会员：登录即可注册，会员价、积分和新人礼都在等你。' : BRAND.slogan}
      </Text>
      <Button variant="gold" block className="join__go" onClick={goHome}>
        去逛逛
      </Button>
    </View>
  );
}
