import type { StoreLive, StoreNoticeGrant, StoreNoticeTemplates, SubscribeResult } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { fetchNoticeTemplates, saveReminder } from '../api/livestream';
import { Button } from '../components';
import { goToLogin } from '../navigation';

export const LIVE_REMINDER_TEMPLATE = 'live_reminder';

export interface ReminderButtonProps {
  live: Pick<StoreLive, 'id' | 'status' | 'reminder'>;
  reminderMinutes: number;
  loggedIn: boolean;
  platform?: string;
}

function reminderText(reminder: StoreNoticeGrant | null, minutes: number): string | null {
  if (!reminder) return null;
  if (reminder.state === 'sent') return '开播提醒已发送';
  if (reminder.state === 'failed') return '上次提醒未送达，可重新设置';
  return `已设置：开播前 ${minutes} 分钟提醒你`;
}

/**
 * 开播提醒 (a one-time subscribe message). The template id is fetched before the tap, because WeChat only
 * shows `requestSubscribeMessage` when it is called right inside the tap.
 */
export function ReminderButton({
  live,
  reminderMinutes,
  loggedIn,
  platform = process.env.TARO_ENV,
}: ReminderButtonProps) {
  const [templates, setTemplates] = useState<StoreNoticeTemplates | null>(null);
  const [reminder, setReminder] = useState<StoreNoticeGrant | null>(live.reminder);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    fetchNoticeTemplates([LIVE_REMINDER_TEMPLATE])
      .then((answer) => current && setTemplates(answer))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  if (live.status === 'ended') return null;
  const templateId = templates?.templates[LIVE_REMINDER_TEMPLATE] ?? null;
  const armed = reminder && reminder.state !== 'failed';
  const weapp = platform === 'weapp';
  const subscribe = (Taro as unknown as { requestSubscribeMessage?: unknown }).requestSubscribeMessage;

  const store = async (result: SubscribeResult) => {
    const saved = await saveReminder(live.id, result);
    setReminder(saved);
    if (result === 'accept') {
      void Taro.showToast({ title: `开播前 ${reminderMinutes} 分钟提醒你`, icon: 'none' });
    } else {
      void Taro.showToast({ title: '未开启提醒，可在小程序设置中打开订阅消息', icon: 'none' });
    }
  };

  const ask = () => {
    if (!loggedIn) {
      goToLogin();
      return;
    }
    if (busy || !templateId) return;
    if (!weapp) {
      // H5 has no subscribe messages; in demo mode the server records the reminder instead of sending it.
      setBusy(true);
      void store('accept')
        .catch(() => undefined)
        .finally(() => setBusy(false));
      return;
    }
    if (typeof subscribe !== 'function') {
      void Taro.showToast({ title: '当前微信版本过低，请升级微信后设置提醒', icon: 'none' });
      return;
    }
    setBusy(true);
    Taro.requestSubscribeMessage({
      tmplIds: [templateId],
      entityIds: [],
      success: (answer) => {
        const result = (answer as unknown as Record<string, string>)[templateId] as SubscribeResult | undefined;
        void store(result && ['accept', 'reject', 'ban', 'filter'].includes(result) ? result : 'reject')
          .catch(() => undefined)
          .finally(() => setBusy(false));
      },
      fail: () => {
        setBusy(false);
        void Taro.showToast({ title: '提醒未设置，请稍后重试', icon: 'none' });
      },
    });
  };

  const unavailable = templates !== null && (!templateId || (!weapp && !templates.demo));
  return (
    <View className="live-reminder">
      <Button block variant="outline" loading={busy} disabled={Boolean(armed) || unavailable} onClick={ask}>
        {armed ? (reminder?.state === 'sent' ? '已提醒' : '已设置提醒') : '开播提醒'}
      </Button>
      <Text className="live-reminder__note">
        {reminderText(reminder, reminderMinutes) ??
          (unavailable
            ? weapp
              ? '开播提醒暂未开通'
              : '在微信中打开小程序即可设置开播提醒'
            : `开播前 ${reminderMinutes} 分钟通过微信服务通知提醒你`)}
      </Text>
    </View>
  );
}
