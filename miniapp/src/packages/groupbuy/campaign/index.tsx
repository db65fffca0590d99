import { formatShopTime } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { fetchGroupBuy, groupMinutesText, groupUrl, openGroup } from '../../../api/groupbuy';
import { Avatar, Button, EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { askOutcomeNotice, newGroupKey, payGroupOrder, shippingAddressId } from '../../../groupbuy/group-actions';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { goToLogin } from '../../../navigation';
import { countdownText, isEntityId, productUrl } from '../../../shop/links';
import { useNow } from '../../../shop/use-now';
import '../../../shop/shop.scss';
import './index.scss';
import { Picture } from '../../../components';

export default function CampaignPage() {
  const params = usePageParams();
  const id = params.id ?? '';
  const session = useMember();
  const campaign = useLoad(() => fetchGroupBuy(id, { silent: true }), `${id}:${session.loggedIn}`);
  const [skuId, setSkuId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow(!!campaign.data?.groups.length);

  if (!isEntityId(id)) return <EmptyState mark="团" title="拼团活动不存在" />;
  if (campaign.loading && !campaign.data) return <LoadingState variant="spinner" />;
  if (!campaign.data) {
    if (campaign.error?.status === 404)
      return <EmptyState mark="团" title="拼团活动不存在" description="活动可能已结束。" />;
    return <ErrorState message={campaign.error?.message} onRetry={() => void campaign.reload()} />;
  }
  const current = campaign.data;
  const chosen = current.skus.find((sku) => sku.skuId === skuId) ?? current.skus[0]!;

  const open = async () => {
    if (!session.loggedIn) {
      goToLogin();
      return;
    }
    setBusy(true);
    try {
      const addressId = await shippingAddressId();
      if (!addressId) return;
      const opened = await openGroup(current.id, { skuId: chosen.skuId, addressId }, newGroupKey('open'));
      await askOutcomeNotice(opened.group.id);
      await payGroupOrder(opened.order.id).catch(() => false);
      void Taro.redirectTo({ url: groupUrl(opened.group.id) });
    } catch {
      await campaign.reload();
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page campaign-page">
      <View className="campaign-cover" onClick={() => void Taro.navigateTo({ url: productUrl(current.productId) })}>
        {current.image ? <Picture className="campaign-cover__image" src={current.image} mode="aspectFill" /> : null}
      </View>
      <View className="shop-panel campaign-head">
        <Text className="campaign-head__title">{current.title}</Text>
        <View className="campaign-head__price">
          <Text className="shop-chip shop-chip--gold">{`${current.groupSize}人团`}</Text>
          <Price fen={chosen.groupPrice} listFen={chosen.listPrice} size="lg" />
        </View>
        <Text className="shop-muted">
          {`开团后 ${groupMinutesText(current.groupMinutes)} 内凑齐 ${current.groupSize} 人即成团；未成团自动全额退款`}
        </Text>
        <Text className="shop-muted">{`活动截止 ${formatShopTime(current.endsAt)} · 剩余名额 ${current.stockLeft}`}</Text>
        {current.newMembersOnly ? <Text className="shop-muted">新人团：参团者须为首次下单的会员</Text> : null}
      </View>

      {current.skus.length > 1 ? (
        <View className="shop-panel">
          <Text className="shop-panel__title">选择规格</Text>
          <View className="campaign-skus">
            {current.skus.map((sku) => (
              <View
                key={sku.skuId}
                className={`campaign-sku ${chosen.skuId === sku.skuId ? 'campaign-sku--active' : ''}`}
                onClick={() => setSkuId(sku.skuId)}
              >
                <Text>{sku.specsText || '默认'}</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}

      <View className="shop-panel campaign-groups">
        <Text className="shop-panel__title">正在拼的团</Text>
        {current.groups.length === 0 ? (
          <Text className="shop-muted">还没有人开团，来做第一个团长吧。</Text>
        ) : (
          current.groups.map((group) => (
            <View
              key={group.id}
              className="campaign-group"
              onClick={() => void Taro.navigateTo({ url: groupUrl(group.id) })}
            >
              <Avatar src={group.leader.avatar} nickname={group.leader.nickname} size="sm" />
              <View className="campaign-group__text">
                <Text className="campaign-group__name">{group.leader.nickname}</Text>
                <Text className="shop-muted">{`还差 ${group.seatsLeft} 人 · 剩余 ${countdownText(group.deadline, now)}`}</Text>
              </View>
              <Text className="shop-chip">去参团</Text>
            </View>
          ))
        )}
      </View>

      <View className="shop-bottom-spacer" />
      <View className="shop-bottom-bar">
        {current.running ? (
          <Button variant="primary" block loading={busy} className="campaign-open" onClick={() => void open()}>
            {`发起拼团 ¥${(chosen.groupPrice / 100).toFixed(2)}`}
          </Button>
        ) : (
          <Button variant="outline" block disabled>
            活动未开始或已结束
          </Button>
        )}
      </View>
    </View>
  );
}
