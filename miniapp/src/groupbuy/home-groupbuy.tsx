/** 首页的拼团 module: running campaigns as a row of cards; hidden when there are none (or they fail to load). */
import type { GroupBuyCard } from '@siyu/shared';
import { ScrollView, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { campaignUrl, fetchGroupBuys, PAGES_GROUPBUY } from '../api/groupbuy';
import { Price } from '../components';
import './home-groupbuy.scss';
import { Picture } from '../components';

export function HomeGroupBuys({ loggedIn }: { loggedIn: boolean }) {
  const [items, setItems] = useState<GroupBuyCard[] | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: prices and visibility follow the session.
  useEffect(() => {
    let live = true;
    fetchGroupBuys({}, { silent: true })
      .then((cards) => live && setItems(cards))
      .catch(() => live && setItems([]));
    return () => {
      live = false;
    };
  }, [loggedIn]);

  if (!items || items.length === 0) return null;
  return (
    <View className="section home-groupbuy">
      <View className="section__title">
        <Text>拼团</Text>
        <Text
          className="section__hint"
          onClick={() => void Taro.navigateTo({ url: PAGES_GROUPBUY.mine }).catch(() => undefined)}
        >
          我的拼团
        </Text>
      </View>
      <ScrollView scrollX className="home-groupbuy__scroll" enableFlex>
        <View className="home-groupbuy__row">
          {items.map((card) => (
            <View
              key={card.id}
              className="home-groupbuy__card"
              onClick={() => void Taro.navigateTo({ url: campaignUrl(card.id) })}
            >
              {card.image ? (
                <Picture className="home-groupbuy__image" src={card.image} mode="aspectFill" />
              ) : (
                <View className="home-groupbuy__image" />
              )}
              <Text className="home-groupbuy__size">{`${card.groupSize}人团`}</Text>
              <Text className="home-groupbuy__title">{card.title}</Text>
              <Price fen={card.groupPrice} listFen={card.listPrice} size="sm" />
            </View>
          ))}
        </View>
      </ScrollView>
    </View>
  );
}
