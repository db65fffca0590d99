/** The product page's "发起拼团 ¥x" beside the single purchase, when the product is in a running campaign. */
import type { GroupBuyCard } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { campaignUrl, fetchGroupBuys } from '../api/groupbuy';
import { Button, Price } from '../components';
import './product-entry.scss';

export function GroupBuyEntry({ productId }: { productId: string }) {
  const [campaign, setCampaign] = useState<GroupBuyCard | null>(null);
  useEffect(() => {
    let live = true;
    fetchGroupBuys({ productId }, { silent: true })
      .then((cards) => live && setCampaign(cards[0] ?? null))
      .catch(() => live && setCampaign(null));
    return () => {
      live = false;
    };
  }, [productId]);

  if (!campaign) return null;
  return (
    <View className="shop-panel groupbuy-entry">
      <View className="groupbuy-entry__text">
        <Text className="groupbuy-entry__kicker">{`${campaign.groupSize}人拼团价`}</Text>
        <Price fen={campaign.groupPrice} listFen={campaign.listPrice} />
        <Text className="groupbuy-entry__single">{`单独购买 ¥${(campaign.listPrice / 100).toFixed(2)}`}</Text>
      </View>
      <Button
        variant="gold"
        className="groupbuy-entry__open"
        onClick={() => void Taro.navigateTo({ url: campaignUrl(campaign.id) })}
      >
        {`发起拼团 ¥${(campaign.groupPrice / 100).toFixed(2)}`}
      </Button>
    </View>
  );
}
