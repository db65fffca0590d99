import { formatShopTime, type StoreLiveDetail, type StoreLiveLineupItem } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { fetchLive, recordClick } from '../../../api/livestream';
import { isLoggedIn } from '../../../api/session';
import { EmptyState, ErrorState, LoadingState } from '../../../components';
import { ProductCard } from '../../../components/product-card';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { LIVE_PAGES, liveProductUrl, startsInText } from '../../../live/links';
import { ReminderButton } from '../../../live/reminder-button';
import { ReserveButton } from '../../../live/reserve-button';
import { rememberLiveTouch, visitorId } from '../../../live/touch';
import { WatchButton } from '../../../live/watch-button';
import { useNow } from '../../../shop/use-now';
import '../../../live/live.scss';
import './index.scss';
import { Picture } from '../../../components';

function openLineupProduct(live: StoreLiveDetail, item: StoreLiveLineupItem) {
  // Last touch: an order within the window is attributed to this live (the order request carries `from`).
  rememberLiveTouch(live.id, live.attributionHours);
  void recordClick(
    live.id,
    isLoggedIn() ? { productId: item.product.id } : { productId: item.product.id, visitorId: visitorId() },
  );
  void Taro.navigateTo({ url: liveProductUrl(item.product.id, live.id) }).catch(() => undefined);
}

function backToList() {
  void Taro.redirectTo({ url: LIVE_PAGES.list }).catch(() => undefined);
}

export default function LiveDetailPage() {
  const { id } = usePageParams();
  const { loggedIn } = useMember();
  const live = useLoad<StoreLiveDetail>(
    () => (id ? fetchLive(id, { silent: true }) : Promise.reject(new Error('missing id'))),
    `${id}:${loggedIn}`,
  );
  const now = useNow(live.data?.status === 'scheduled');

  usePullDownRefresh(() => {
    void live.reload().finally(() => void Taro.stopPullDownRefresh());
  });

  if (!id || live.error?.status === 404) {
    return (
      <View className="page live-detail">
        <View className="card">
          <EmptyState mark="播" title="直播不存在或已下线" actionText="看看其他直播" onAction={backToList} />
        </View>
      </View>
    );
  }
  if (!live.data) {
    return (
      <View className="page live-detail">
        {live.error ? (
          <ErrorState message={live.error.message} onRetry={() => void live.reload()} retrying={live.loading} />
        ) : (
          <LoadingState rows={4} />
        )}
      </View>
    );
  }

  const data = live.data;
  const countdown = data.status === 'scheduled' ? startsInText(data.startsAt, now) : '';
  return (
    <View className="page live-detail">
      <View className="live-detail__hero">
        <View className={`live-detail__cover${data.cover ? '' : ' live-detail__cover--blank'}`}>
          {data.cover ? (
            <Picture className="live-detail__cover-image" src={data.cover} mode="aspectFill" />
          ) : (
            <Text className="live-detail__cover-mark">视频号直播</Text>
          )}
          <Text className={`live-badge live-badge--${data.status}`}>{data.statusText}</Text>
        </View>
        <View className="live-detail__info">
          <Text className="live-detail__title">{data.title}</Text>
          <Text className="live-detail__time">{`${formatShopTime(data.startsAt)} 开播 · 视频号直播`}</Text>
          {countdown ? <Text className="live-detail__countdown">{`距开播 ${countdown}`}</Text> : null}
          {data.description ? <Text className="live-detail__description">{data.description}</Text> : null}
          {data.status === 'ended' ? <Text className="live-detail__ended">直播已结束，直播好物仍可购买</Text> : null}
          <ReserveButton key={`r-${data.id}-${data.reserved}`} live={data} loggedIn={loggedIn} />
          <WatchButton live={data} />
          <ReminderButton
            key={`m-${data.id}-${data.reminder?.state ?? 'none'}`}
            live={data}
            reminderMinutes={data.reminderMinutes}
            loggedIn={loggedIn}
          />
        </View>
      </View>

      <View className="section">
        <View className="live-detail__lineup-title">
          <Text>直播好物</Text>
          <Text className="live-detail__lineup-hint">按讲解顺序</Text>
        </View>
        {data.lineup.length === 0 ? (
          <View className="card">
            <EmptyState mark="茶" title="直播商品即将公布" description="开播前会在这里上架本场的福利品与畅销品。" />
          </View>
        ) : (
          <View className="product-grid">
            {data.lineup.map((item) => (
              <View key={item.product.id} className="live-detail__item">
                <Text className={`live-detail__role live-detail__role--${item.role}`}>{item.roleLabel}</Text>
                <ProductCard product={item.product} onOpen={() => openLineupProduct(data, item)} />
              </View>
            ))}
          </View>
        )}
      </View>
    </View>
  );
}
