import type { StoreInvite } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useShareAppMessage } from '@tarojs/taro';
import { useCallback } from 'react';
import { isLoggedIn } from '../../../api/session';
import { fetchInvite } from '../../../api/tasks';
import { BRAND } from '../../../brand';
import { Button, ErrorState, LoadingState } from '../../../components';
import { PrivacyPopup } from '../../../components/privacy-popup';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { LoginPrompt } from '../../../membership/member-gate';
import './index.scss';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/** On H5 the link is a web address friends can open; in the mini-program it is the page path a share card opens. */
function shownLink(invite: StoreInvite): string {
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined' && invite.link.startsWith('/')) {
    return `${window.location.origin}${invite.link}`;
  }
  return invite.link;
}

async function copy(text: string, what: string): Promise<void> {
  try {
    await Taro.setClipboardData({ data: text });
    void Taro.showToast({ title: `${what}已复制`, icon: 'none' });
  } catch {
    void Taro.showToast({ title: '复制失败，请长按手动复制', icon: 'none' });
  }
}

export default function InvitePage() {
  const { loggedIn } = useMember();
  const invite = useLoad(() => fetchInvite({ silent: true }), 'invite', { auto: false });
  const { reload, data } = invite;
  const refresh = useCallback(() => {
    if (isLoggedIn()) void reload();
  }, [reload]);
  useDidShow(refresh);

  useShareAppMessage(() => ({
    title: `送你一份${BRAND.name}会员礼遇，一起来品好茶`,
    path: data?.link ?? '/pages/home/index',
  }));

  if (!loggedIn) return <LoginPrompt what="你的邀请码" />;
  if (!data) {
    return (
      <View className="page invite">
        {invite.error ? (
          <ErrorState message={invite.error.message} onRetry={refresh} retrying={invite.loading} />
        ) : (
          <LoadingState rows={4} />
        )}
      </View>
    );
  }

  const link = shownLink(data);
  return (
    <View className="page invite">
      <View className="invite-top">
        <Text className="invite-top__title">邀好友 品好茶</Text>
        <Text className="invite-top__subtitle">{`好友完成首单，你得 ${data.pointsPerInvite} 积分`}</Text>
        <View className="invite-code card">
          <Text className="invite-code__label">我的邀请码</Text>
          <Text className="invite-code__value">{data.code}</Text>
          <Text className="invite-code__link" selectable>
            {link}
          </Text>
          <View className="invite-code__actions">
            <Button
              variant="outline"
              size="sm"
              className="invite-copy-code"
              onClick={() => void copy(data.code, '邀请码')}
            >
              复制邀请码
            </Button>
            <Button variant="gold" size="sm" className="invite-copy-link" onClick={() => void copy(link, '邀请链接')}>
              复制链接
            </Button>
          </View>
          {IS_WEAPP ? (
            <Button variant="primary" block openType="share" className="invite-share">
              分享给微信好友
            </Button>
          ) : null}
        </View>
      </View>

      <View className="invite-stats card">
        <View className="invite-stat">
          <Text className="invite-stat__value">{data.invitedCount}</Text>
          <Text className="invite-stat__label">已邀请好友</Text>
        </View>
        <View className="invite-stat">
          <Text className="invite-stat__value">{data.rewardedCount}</Text>
          <Text className="invite-stat__label">已获奖励次数</Text>
        </View>
      </View>

      <View className="section">
        <View className="section__title">
          <Text>活动规则</Text>
        </View>
        <View className="invite-rules card">
          <Text className="invite-rules__line">1. 好友通过你分享的邀请链接（或小程序分享卡片）注册成为新会员。</Text>
          <Text className="invite-rules__line">
            {`2. 好友完成首笔订单（确认收货）后，你获得 ${data.pointsPerInvite} 积分。`}
          </Text>
          <Text className="invite-rules__line">
            {data.monthlyCap !== null
              ? `3. 每月最多获得 ${data.monthlyCap} 次邀请奖励，超出部分不再发放。`
              : '3. 邀请奖励不设每月上限。'}
          </Text>
          <Text className="invite-rules__line">4. 已注册的会员无法再被邀请；如发现虚假邀请，奖励将被收回。</Text>
        </View>
      </View>
      <PrivacyPopup />
    </View>
  );
}
