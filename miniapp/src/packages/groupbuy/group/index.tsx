import { type GroupView, groupSharePath } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { campaignUrl, fetchGroup, joinGroup } from '../../../api/groupbuy';
import { Avatar, Button, EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import {
  askOutcomeNotice,
  h5InviteLink,
  newGroupKey,
  payGroupOrder,
  shippingAddressId,
} from '../../../groupbuy/group-actions';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { goToLogin } from '../../../navigation';
import { countdownText, isEntityId, orderUrl } from '../../../shop/links';
import { useNow } from '../../../shop/use-now';
import '../../../shop/shop.scss';
import './index.scss';
import { Picture } from '../../../components';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

function Seats({ group }: { group: GroupView }) {
  const empty = Math.max(0, group.groupSize - group.members.length);
  return (
    <View className="group-seats">
      {group.members.map((member, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: seats have no id of their own (no member id is exposed).
        <View className="group-seat" key={`${member.nickname}-${index}`}>
          <Avatar src={member.avatar} nickname={member.nickname} size="lg" />
          {member.leader ? <Text className="group-seat__badge">团长</Text> : null}
          <Text className="group-seat__name">{member.nickname}</Text>
          {!member.paid ? <Text className="group-seat__unpaid">待支付</Text> : null}
        </View>
      ))}
      {Array.from({ length: empty }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: empty seats are interchangeable.
        <View className="group-seat group-seat--empty" key={`empty-${index}`}>
          <View className="group-seat__placeholder">
            <Text>?</Text>
          </View>
          <Text className="group-seat__name">待加入</Text>
        </View>
      ))}
    </View>
  );
}

function headline(group: GroupView, left: string): string {
  if (group.status === 'awaiting_leader') return '团长支付后拼团开始';
  if (group.status === 'open') return left === '00:00' ? '拼团已到时，正在结算' : `还差 ${group.seatsLeft} 人成团`;
  if (group.status === 'succeeded') return '拼团成功，商家将尽快发货';
  if (group.status === 'failed') return group.failReason ?? '拼团失败，已自动退款';
  return '这个团已取消';
}

export default function GroupPage() {
  const params = usePageParams();
  const id = params.id ?? '';
  const session = useMember();
  const group = useLoad(() => fetchGroup(id, { silent: true }), `${id}:${session.loggedIn}`);
  const [skuId, setSkuId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showLink, setShowLink] = useState(false);
  const running = group.data?.status === 'open' || group.data?.status === 'awaiting_leader';
  const now = useNow(running);

  // While the group runs, others join and pay: look again every few seconds.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void group.reload(), 5000);
    return () => clearInterval(timer);
  }, [running, group.reload]);

  useShareAppMessage(() => {
    const current = group.data;
    return {
      title: current
        ? `${current.groupPrice / 100} 元拼「${current.product.title}」，还差 ${current.seatsLeft} 人`
        : '一起拼团',
      path: groupSharePath(id, session.member?.id),
      ...(current?.product.image ? { imageUrl: current.product.image } : {}),
    };
  });

  if (!isEntityId(id)) return <EmptyState mark="团" title="拼团不存在" description="链接可能已失效。" />;
  if (group.loading && !group.data) return <LoadingState variant="spinner" />;
  if (!group.data) {
    if (group.error?.status === 404) return <EmptyState mark="团" title="拼团不存在" description="链接可能已失效。" />;
    return <ErrorState message={group.error?.message} onRetry={() => void group.reload()} />;
  }
  const current = group.data;
  const chosen = current.skus.find((sku) => sku.skuId === skuId) ?? current.skus[0];
  const left = countdownText(current.deadline, now);
  const can = (action: GroupView['viewer']['actions'][number]) => current.viewer.actions.includes(action);

  const pay = async (orderId: string) => {
    await askOutcomeNotice(current.id);
    if (await payGroupOrder(orderId)) {
      void Taro.showToast({ title: '支付成功', icon: 'success' });
    }
    await group.reload();
  };

  const join = async () => {
    if (!session.loggedIn) {
      goToLogin();
      return;
    }
    if (!chosen) return;
    setBusy(true);
    try {
      const addressId = await shippingAddressId();
      if (!addressId) return;
      const joined = await joinGroup(current.id, { skuId: chosen.skuId, addressId }, newGroupKey('join'));
      group.setData(joined.group);
      await pay(joined.order.id);
    } catch {
      await group.reload();
    } finally {
      setBusy(false);
    }
  };

  const payMine = async () => {
    if (!current.viewer.orderId) return;
    setBusy(true);
    try {
      await pay(current.viewer.orderId);
    } catch {
      // the client has told the shopper already
    } finally {
      setBusy(false);
    }
  };

  const copyLink = () => {
    setShowLink(true);
    void Taro.setClipboardData({ data: h5InviteLink(current.id, session.member?.id) }).catch(() => undefined);
  };

  return (
    <View className="page group-page">
      <View className="shop-panel group-hero">
        {current.product.image ? (
          <Picture className="group-hero__image" src={current.product.image} mode="aspectFill" />
        ) : (
          <View className="group-hero__image group-hero__image--blank" />
        )}
        <View className="group-hero__text">
          <Text className="group-hero__title">{current.product.title}</Text>
          <Text className="shop-chip group-hero__size">{`${current.groupSize}人团`}</Text>
          <Price fen={chosen?.groupPrice ?? current.groupPrice} listFen={chosen?.listPrice ?? current.listPrice} />
        </View>
      </View>

      <View className={`shop-panel group-status group-status--${current.status}`}>
        <Text className="group-status__state">{current.statusText}</Text>
        <Text className="group-status__headline">{headline(current, left)}</Text>
        {current.status === 'open' && current.deadline ? (
          <Text className="group-status__countdown">{`剩余 ${left}`}</Text>
        ) : null}
        <Seats group={current} />
        {current.newMembersOnly ? (
          <Text className="shop-muted group-status__note">新人专享：仅限首次下单的会员参团</Text>
        ) : null}
      </View>

      {can('join') && current.skus.length > 1 ? (
        <View className="shop-panel group-skus">
          <Text className="shop-panel__title">选择规格</Text>
          <View className="group-skus__list">
            {current.skus.map((sku) => (
              <View
                key={sku.skuId}
                className={`group-sku ${chosen?.skuId === sku.skuId ? 'group-sku--active' : ''}`}
                onClick={() => setSkuId(sku.skuId)}
              >
                <Text>{sku.specsText || '默认'}</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}

      {showLink && !IS_WEAPP && can('invite') ? (
        <View className="shop-panel group-link">
          <Text className="shop-panel__title">邀请链接（已复制）</Text>
          <Text className="group-link__url" userSelect>
            {h5InviteLink(current.id, session.member?.id)}
          </Text>
        </View>
      ) : null}

      <View className="shop-panel group-rules">
        <Text className="shop-panel__title">拼团说明</Text>
        <Text className="shop-muted">团长支付后开团，{current.groupSize} 人全部支付即成团发货。</Text>
        <Text className="shop-muted">到时未凑满人数，系统自动全额原路退款。</Text>
        <Text className="shop-muted">每个团都是真实会员参团，绝无虚拟成团。</Text>
      </View>

      <View className="shop-bottom-spacer" />
      <View className="shop-bottom-bar group-actions">
        {can('pay') ? (
          <Button variant="primary" block loading={busy} className="group-pay" onClick={() => void payMine()}>
            {`去支付 ${((chosen?.groupPrice ?? current.groupPrice) / 100).toFixed(2)} 元`}
          </Button>
        ) : null}
        {can('join') ? (
          <Button variant="primary" block loading={busy} className="group-join" onClick={() => void join()}>
            {`¥${((chosen?.groupPrice ?? current.groupPrice) / 100).toFixed(2)} 参团`}
          </Button>
        ) : null}
        {can('invite') && !can('pay') ? (
          IS_WEAPP ? (
            <Button variant="gold" block openType="share" className="group-invite">
              邀请好友参团
            </Button>
          ) : (
            <Button variant="gold" block className="group-invite" onClick={copyLink}>
              复制邀请链接
            </Button>
          )
        ) : null}
        {can('view_order') && !can('pay') && !can('invite') && current.viewer.orderId ? (
          <Button
            variant="outline"
            block
            className="group-view-order"
            onClick={() => void Taro.navigateTo({ url: orderUrl(current.viewer.orderId!) })}
          >
            查看订单
          </Button>
        ) : null}
        {can('open_new') ? (
          <Button
            variant="primary"
            block
            className="group-open-new"
            onClick={() => void Taro.redirectTo({ url: campaignUrl(current.campaignId) })}
          >
            我也开一个团
          </Button>
        ) : null}
        {current.viewer.actions.length === 0 ? (
          <Button
            variant="outline"
            block
            onClick={() => void Taro.navigateBack().catch(() => Taro.switchTab({ url: '/pages/home/index' }))}
          >
            返回
          </Button>
        ) : null}
      </View>
    </View>
  );
}
