import { formatShopTime, type MemberView, maskPhone } from '@siyu/shared';
import type { ButtonProps } from '@tarojs/components';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import type { ApiError } from '../../api/client';
import { bindPhone, fetchMe, logout } from '../../api/identity';
import { isLoggedIn } from '../../api/session';
import { PAGES } from '../../brand';
import { Avatar, BottomSheet, Button, Cell, CellGroup, ErrorState, LoadingState, TierBadge } from '../../components';
import { MemberCode } from '../../components/member-code';
import { PrivacyPopup } from '../../components/privacy-popup';
import { MeCouponEntries } from '../../coupons/me-entry';
import { MeGroupBuyEntry } from '../../groupbuy/me-entry';
import { MeGrowthEntries } from '../../growth/me-entry';
import { useMember } from '../../hooks/use-member';
import { MeMembershipEntries, MeMembershipSummary } from '../../membership/me-membership';
import { goToLogin } from '../../navigation';
import { refreshOrderCounts } from '../../shop/badges';
import { MeShoppingEntries } from '../../shop/me-shopping';
import './index.scss';

const CAN_BIND_PHONE = process.env.TARO_ENV === 'weapp';

/** Shanghai calendar day; a WeChat engine without Intl time zones still gets the UTC day rather than a crash. */
function joinedOn(createdAt: string): string {
  try {
    return formatShopTime(createdAt, 'YYYY年MM月DD日');
  } catch {
    return createdAt.slice(0, 10);
  }
}

type PhoneEvent = Parameters<NonNullable<ButtonProps['onGetPhoneNumber']>>[0];

function GuestCard() {
  return (
    <View className="me-card me-card--guest">
      <Avatar size="lg" />
      <View className="me-card__text">
        <Text className="me-card__name">你好，茶友</Text>
        <Text className="me-card__hint">登录后享会员价、积分与专属礼遇</Text>
      </View>
      <Button variant="gold" className="me-login" onClick={() => goToLogin()}>
        登录
      </Button>
    </View>
  );
}

function MemberCard({ member }: { member: MemberView }) {
  return (
    <View className="me-card">
      <Avatar src={member.avatarUrl} nickname={member.nickname} size="lg" />
      <View className="me-card__text">
        <Text className="me-card__name">{member.nickname}</Text>
        <Text className="me-card__no">{`会员号 ${member.memberNo}`}</Text>
        <TierBadge tier={member.tier} className="me-card__tier" />
      </View>
    </View>
  );
}

function PhoneValue({ member }: { member: MemberView }) {
  const [binding, setBinding] = useState(false);
  if (member.phone) return <Text className="me-phone">{maskPhone(member.phone)}</Text>;
  if (!CAN_BIND_PHONE) return <Text className="me-phone me-phone--none">未绑定</Text>;

  const onGetPhoneNumber = async (event: PhoneEvent) => {
    const code = event.detail.code;
    // No code: the shopper declined, or the base library is too old to give one. Nothing to do either way.
    if (!code) return;
    setBinding(true);
    try {
      // The new member view reaches this page through the session (useMember).
      await bindPhone(code);
      void Taro.showToast({ title: '手机号已绑定', icon: 'success' });
    } catch {
      // The client has told the shopper why.
    } finally {
      setBinding(false);
    }
  };
  return (
    <Button
      variant="outline"
      size="sm"
      openType="getPhoneNumber"
      loading={binding}
      onGetPhoneNumber={(event) => void onGetPhoneNumber(event)}
      className="me-bind-phone"
    >
      绑定手机号
    </Button>
  );
}

export default function MePage() {
  const { loggedIn, member } = useMember();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [showCode, setShowCode] = useState(false);

  // Reads the session itself rather than this render's `loggedIn`: right after login the page can be shown
  // again before React has re-rendered it with the new session.
  const refresh = useCallback(async () => {
    if (!isLoggedIn()) return;
    setLoading(true);
    setLoadError(null);
    try {
      await fetchMe({ silent: true });
    } catch (error) {
      setLoadError((error as ApiError).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useDidShow(() => {
    void refresh();
    void refreshOrderCounts();
  });

  const confirmLogout = async () => {
    const { confirm } = await Taro.showModal({
      title: '退出登录',
      content: '退出后需重新登录才能查看会员权益',
      confirmText: '退出',
      confirmColor: '#b23a2a',
    });
    if (!confirm) return;
    await logout();
    void Taro.showToast({ title: '已退出登录', icon: 'none' });
  };

  if (!loggedIn) {
    return (
      <View className="page me">
        <View className="me-top">
          <GuestCard />
        </View>
      </View>
    );
  }

  if (!member) {
    return (
      <View className="page me">
        {loadError ? (
          <ErrorState message={loadError} onRetry={() => void refresh()} retrying={loading} />
        ) : (
          <LoadingState />
        )}
      </View>
    );
  }

  return (
    <View className="page me">
      <View className="me-top">
        <MemberCard member={member} />
        <MeMembershipSummary />
      </View>
      <MeShoppingEntries />
      <MeCouponEntries />
      <MeGroupBuyEntry />
      <MeGrowthEntries />
      <MeMembershipEntries />
      <CellGroup title="会员资料">
        {/* H5 binds the phone on 编辑资料 (完善资料 needs it); weapp binds it right here with WeChat's button. */}
        <Cell
          title="手机号"
          value={<PhoneValue member={member} />}
          arrow={!member.phone && !CAN_BIND_PHONE}
          className="me-phone-cell"
          onClick={!member.phone && !CAN_BIND_PHONE ? () => void Taro.navigateTo({ url: PAGES.profile }) : undefined}
        />
        <Cell title="编辑资料" arrow onClick={() => void Taro.navigateTo({ url: PAGES.profile })} />
        <Cell title="会员码" value="到店出示" arrow className="me-member-code" onClick={() => setShowCode(true)} />
        <Cell title="邀请码" value={member.inviteCode} />
        <Cell title="入会时间" value={joinedOn(member.createdAt)} />
      </CellGroup>
      <View className="me-logout">
        <Button variant="text" className="me-logout__button" onClick={() => void confirmLogout()}>
          退出登录
        </Button>
      </View>
      <BottomSheet open={showCode} title="会员码" onClose={() => setShowCode(false)} className="member-code-sheet">
        <MemberCode memberNo={member.memberNo} />
        <Text className="member-code-sheet__hint">到店结账时出示此码，店员扫码即可识别会员、累积积分</Text>
      </BottomSheet>
      <PrivacyPopup />
    </View>
  );
}
