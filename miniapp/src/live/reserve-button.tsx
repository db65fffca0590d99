import type { StoreLive, StoreReservationResult } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { reportReservation } from '../api/livestream';
import { Button } from '../components';
import { goToLogin } from '../navigation';
import { ChannelsError, canReserve, getNoticeInfo, reserveLive, stateMessage } from './channels';

export interface ReserveButtonProps {
  live: Pick<StoreLive, 'id' | 'finderUserName' | 'noticeId' | 'reserved' | 'status'>;
  loggedIn: boolean;
  /** Defaults to the build's platform; tests pass 'weapp'. */
  platform?: string;
  onChange?: (result: StoreReservationResult) => void;
}

/**
 * 预约直播: asks WeChat for the account's next notice, opens WeChat's reservation popup and reports the
 * state it answers to our server. Our record (`live.reserved`) decides how the button looks, because
 * WeChat's `reservable` stays true after reserving.
 */
export function ReserveButton({ live, loggedIn, platform = process.env.TARO_ENV, onChange }: ReserveButtonProps) {
  const [reserved, setReserved] = useState(Boolean(live.reserved));
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  if (live.status !== 'scheduled') return null;

  if (platform !== 'weapp') {
    return (
      <View className="live-reserve live-reserve--elsewhere">
        <Text className="live-reserve__title">直播预约需在微信中完成</Text>
        <Text className="live-reserve__note">
          在微信中打开本商城小程序即可一键预约视频号直播；这里可以先设置开播提醒。
        </Text>
      </View>
    );
  }

  if (!canReserve()) {
    return (
      <View className="live-reserve live-reserve--unsupported">
        <Button block disabled>
          预约直播
        </Button>
        <Text className="live-reserve__note">当前微信版本过低，暂不支持预约视频号直播，请升级微信后再试。</Text>
      </View>
    );
  }

  const tell = (message: string) => {
    setNote(message);
    void Taro.showToast({ title: message, icon: 'none', duration: 2500 });
  };

  const reserve = async () => {
    if (!loggedIn) {
      goToLogin();
      return;
    }
    if (busy) return;
    setBusy(true);
    try {
      let noticeId = live.noticeId ?? '';
      try {
        const notice = await getNoticeInfo(live.finderUserName);
        if (notice.status !== 0) {
          tell(notice.status === 1 ? '这场直播的预告已取消' : '这场直播的预告已失效');
          return;
        }
        noticeId = notice.noticeId;
      } catch (error) {
        if (error instanceof ChannelsError && error.reason === 'unsupported') throw error;
        if (!noticeId) {
          tell('暂时没有可预约的直播预告，请稍后再试');
          return;
        }
      }
      const state = await reserveLive(noticeId);
      const result = await reportReservation(live.id, state);
      setReserved(result.reserved);
      onChange?.(result);
      const message = stateMessage(state);
      if (message) tell(result.pointsCredited > 0 ? `${message}，获得 ${result.pointsCredited} 积分` : message);
      else setNote(null);
    } catch (error) {
      if (error instanceof ChannelsError) {
        tell(error.reason === 'unsupported' ? '当前微信版本过低，请升级微信后重试' : '预约未完成，请稍后重试');
      } else {
        tell((error as Error).message || '预约未完成，请稍后重试');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className={`live-reserve${reserved ? ' live-reserve--reserved' : ''}`}>
      <Button block variant={reserved ? 'outline' : 'primary'} loading={busy} onClick={() => void reserve()}>
        {reserved ? '已预约' : '预约直播'}
      </Button>
      <Text className="live-reserve__note">
        {note ?? (reserved ? '开播时微信会通知你，点击可管理预约' : '预约后，开播时微信会通知你')}
      </Text>
    </View>
  );
}
