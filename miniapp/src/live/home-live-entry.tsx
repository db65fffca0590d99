import type { StoreLive } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { fetchLives } from '../api/livestream';
import { useNow } from '../shop/use-now';
import { openLive, openLiveList, startsInText } from './links';
import './live.scss';

/**
 * 首页的直播入口: the live on now, or the next one with a countdown. Shows nothing when no live is planned
 * or the schedule cannot be loaded (the home page must not fail because of it).
 */
export function HomeLiveEntry({ reloadKey }: { reloadKey?: unknown }) {
  const [lives, setLives] = useState<StoreLive[] | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey is the trigger.
  useEffect(() => {
    let current = true;
    fetchLives({ silent: true })
      .then((answer) => current && setLives(answer))
      .catch(() => current && setLives([]));
    return () => {
      current = false;
    };
  }, [reloadKey]);
  const now = useNow(Boolean(lives && lives.length > 0));
  const live = lives?.find((item) => item.status === 'live') ?? lives?.[0];
  if (!live) return null;
  const onAir = live.status === 'live';
  const countdown = onAir ? '' : startsInText(live.startsAt, now);
  return (
    <View className={`home-live${onAir ? ' home-live--on' : ''}`} onClick={() => openLive(live.id)}>
      <View className="home-live__mark">
        <Text className="home-live__mark-text">{onAir ? '直播中' : '预告'}</Text>
      </View>
      <View className="home-live__text">
        <Text className="home-live__title">{live.title}</Text>
        <Text className="home-live__hint">
          {onAir ? '视频号直播进行中，点击进入' : countdown ? `距开播 ${countdown}` : '即将开播'}
        </Text>
      </View>
      <Text
        className="home-live__more"
        onClick={(event) => {
          event.stopPropagation();
          openLiveList();
        }}
      >
        全部直播
      </Text>
    </View>
  );
}
