import type { StoreLive } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { useState } from 'react';
import { fetchLives, fetchMyLives } from '../../../api/livestream';
import { PAGES } from '../../../brand';
import { EmptyState, ErrorState, LoadingState } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { openLive } from '../../../live/links';
import { LiveCard } from '../../../live/live-card';
import { useNow } from '../../../shop/use-now';
import '../../../live/live.scss';
import './index.scss';

type Tab = 'upcoming' | 'mine';

function goHome() {
  void Taro.switchTab({ url: PAGES.home }).catch(() => undefined);
}

export default function LiveListPage() {
  const { loggedIn } = useMember();
  const [tab, setTab] = useState<Tab>('upcoming');
  const lives = useLoad<StoreLive[]>(
    async () =>
      tab === 'mine'
        ? (await fetchMyLives({ silent: true })).map((reservation) => reservation.live)
        : fetchLives({ silent: true }),
    `${tab}:${loggedIn}`,
  );
  const now = useNow(Boolean(lives.data?.some((live) => live.status === 'scheduled')));

  usePullDownRefresh(() => {
    void lives.reload().finally(() => void Taro.stopPullDownRefresh());
  });

  let body: JSX.Element;
  if (lives.error && !lives.data) {
    body = <ErrorState message={lives.error.message} onRetry={() => void lives.reload()} retrying={lives.loading} />;
  } else if (!lives.data) {
    body = <LoadingState rows={3} />;
  } else if (lives.data.length === 0) {
    body = (
      <View className="card">
        <EmptyState
          mark="播"
          title={tab === 'mine' ? '还没有预约的直播' : '暂无直播预告'}
          description={
            tab === 'mine' ? '在直播详情里点「预约直播」，开播时微信会通知你。' : '新的直播排期会第一时间出现在这里。'
          }
          actionText={tab === 'mine' ? '看看直播预告' : '去首页逛逛'}
          onAction={tab === 'mine' ? () => setTab('upcoming') : goHome}
        />
      </View>
    );
  } else {
    body = (
      <View className="live-list__items">
        {lives.data.map((live) => (
          <LiveCard key={live.id} live={live} now={now} onOpen={(item) => openLive(item.id)} />
        ))}
      </View>
    );
  }

  return (
    <View className="page live-list">
      {loggedIn ? (
        <View className="live-list__tabs">
          <Text
            className={`live-list__tab${tab === 'upcoming' ? ' live-list__tab--active' : ''}`}
            onClick={() => setTab('upcoming')}
          >
            直播预告
          </Text>
          <Text
            className={`live-list__tab${tab === 'mine' ? ' live-list__tab--active' : ''}`}
            onClick={() => setTab('mine')}
          >
            我的预约
          </Text>
        </View>
      ) : null}
      {body}
    </View>
  );
}
