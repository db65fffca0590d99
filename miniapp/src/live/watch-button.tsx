import type { StoreLive } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { Button } from '../components';
import { type ChannelsLiveInfo, canWatch, getLiveInfo, openLive, supports } from './channels';

export interface WatchButtonProps {
  live: Pick<StoreLive, 'finderUserName' | 'status'>;
  platform?: string;
}

/**
 * 进入直播间 while the live is on. The live's feed id is fetched when the page shows, so the tap itself only
 * calls `openChannelsLive` (WeChat requires a tap and shows its own confirm popup).
 */
export function WatchButton({ live, platform = process.env.TARO_ENV }: WatchButtonProps) {
  const [info, setInfo] = useState<ChannelsLiveInfo | null>(null);
  const weapp = platform === 'weapp';

  useEffect(() => {
    if (!weapp || live.status !== 'live' || !supports('getChannelsLiveInfo')) return;
    let current = true;
    getLiveInfo(live.finderUserName)
      .then((answer) => current && setInfo(answer))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [weapp, live.status, live.finderUserName]);

  if (live.status !== 'live') return null;
  if (!weapp) {
    return (
      <View className="live-watch live-watch--elsewhere">
        <Text className="live-watch__note">直播在微信视频号进行中：在微信中打开本商城小程序即可进入直播间。</Text>
      </View>
    );
  }
  if (!canWatch()) {
    return (
      <View className="live-watch">
        <Button block disabled>
          进入直播间
        </Button>
        <Text className="live-watch__note">当前微信版本过低，请升级微信后观看直播。</Text>
      </View>
    );
  }
  const watch = () => {
    openLive({
      finderUserName: live.finderUserName,
      ...(info?.feedId ? { feedId: info.feedId } : {}),
      ...(info?.nonceId ? { nonceId: info.nonceId } : {}),
    }).catch(() => void Taro.showToast({ title: '未能打开直播间，请稍后重试', icon: 'none' }));
  };
  return (
    <View className="live-watch">
      <Button block variant="gold" onClick={watch}>
        进入直播间
      </Button>
    </View>
  );
}
