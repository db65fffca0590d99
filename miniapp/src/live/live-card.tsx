import { formatShopTime, type StoreLive } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { startsInText } from './links';
import './live.scss';
import { Picture } from '../components';

export interface LiveCardProps {
  live: StoreLive;
  now: number;
  onOpen?: (live: StoreLive) => void;
}

/** One live in a list: cover, status, start time or countdown, and whether I reserved it. */
export function LiveCard({ live, now, onOpen }: LiveCardProps) {
  const countdown = live.status === 'scheduled' ? startsInText(live.startsAt, now) : '';
  return (
    <View
      className={`live-card live-card--${live.status}`}
      hoverClass="live-card--pressed"
      onClick={() => onOpen?.(live)}
    >
      <View className="live-card__media">
        {live.cover ? (
          <Picture className="live-card__cover" src={live.cover} mode="aspectFill" />
        ) : (
          <View className="live-card__cover live-card__cover--blank">
            <Text>直播</Text>
          </View>
        )}
        <Text className={`live-badge live-badge--${live.status}`}>{live.statusText}</Text>
      </View>
      <View className="live-card__body">
        <Text className="live-card__title">{live.title}</Text>
        <Text className="live-card__time">
          {live.status === 'live' ? '正在直播' : `${formatShopTime(live.startsAt, 'MM月DD日 HH:mm')} 开播`}
        </Text>
        {countdown ? <Text className="live-card__countdown">{`距开播 ${countdown}`}</Text> : null}
        <View className="live-card__foot">
          <Text className="live-card__count">{`${live.productCount} 款直播好物`}</Text>
          {live.reserved ? <Text className="live-card__reserved">已预约</Text> : null}
        </View>
      </View>
    </View>
  );
}
