import type { StoreCategory, StoreProductCard } from '@siyu/shared';
import { ScrollView, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { fetchCategories, fetchProducts } from '../../api/catalog';
import { PAGES } from '../../brand';
import { Avatar, BrandHeader, Button, EmptyState, ErrorState, LoadingState, TierBadge } from '../../components';
import { LockIcon, ProductCard } from '../../components/product-card';
import { WelcomeGift } from '../../coupons/welcome-gift';
import { HomeGroupBuys } from '../../groupbuy/home-groupbuy';
import { useMember } from '../../hooks/use-member';
import { usePagedList } from '../../hooks/use-paged-list';
import { HomeLiveEntry } from '../../live/home-live-entry';
import { goToLogin } from '../../navigation';
import { refreshBadges } from '../../shop/badges';
import { openProduct } from '../../shop/links';
import './index.scss';
import { Picture } from '../../components';

const FEED_PAGE_SIZE = 10;
/** The category page reads this to open on the category tapped here (tab pages take no query). */
export const CATEGORY_HANDOFF_KEY = 'siyu.category.open';

/** 首页's search bar opens the category tab's search (tab pages take no query: the wish travels in storage). */
function openSearch(): void {
  Taro.setStorageSync(CATEGORY_HANDOFF_KEY, { search: true });
  void Taro.switchTab({ url: PAGES.category });
}

/** Greets the member (or invites a login) above the feed. */
function MemberWelcome() {
  const { loggedIn, member } = useMember();
  if (loggedIn && member) {
    return (
      <View className="home-welcome">
        <Avatar src={member.avatarUrl} nickname={member.nickname} size="sm" />
        <View className="home-welcome__text">
          <Text className="home-welcome__title">{`${member.nickname}，欢迎回来`}</Text>
          <Text className="home-welcome__hint">会员价已自动生效，消费即可累积积分</Text>
        </View>
        <TierBadge tier={member.tier} />
      </View>
    );
  }
  return (
    <View className="home-welcome">
      <View className="home-welcome__text">
        <Text className="home-welcome__title">登录成为会员</Text>
        <Text className="home-welcome__hint">会员价、积分与专属礼遇</Text>
      </View>
      <Button variant="gold" size="sm" onClick={() => goToLogin()}>
        登录
      </Button>
    </View>
  );
}

/** The season's banner, drawn with CSS: a tea bowl, steam and a gold rim on ink green. */
function Banner() {
  return (
    <View className="home-banner">
      <View className="home-banner__text">
        <Text className="home-banner__kicker">冬藏 · 岩韵</Text>
        <Text className="home-banner__title">一盏暖茶过冬</Text>
        <Text className="home-banner__sub">会员满 ¥99 包邮 · 消费得积分</Text>
      </View>
      <View className="home-banner__art">
        <View className="home-banner__steam home-banner__steam--1" />
        <View className="home-banner__steam home-banner__steam--2" />
        <View className="home-banner__bowl" />
        <View className="home-banner__saucer" />
      </View>
    </View>
  );
}

function CategoryShortcuts({ categories }: { categories: StoreCategory[] }) {
  if (categories.length === 0) return null;
  const open = (category: StoreCategory) => {
    Taro.setStorageSync(CATEGORY_HANDOFF_KEY, { id: category.id });
    void Taro.switchTab({ url: PAGES.category });
  };
  return (
    <View className="home-shortcuts">
      {categories.slice(0, 5).map((category) => (
        <View key={category.id} className="home-shortcut" onClick={() => open(category)}>
          {category.icon ? (
            <Picture className="home-shortcut__icon" src={category.icon} mode="aspectFit" />
          ) : (
            <View className="home-shortcut__icon home-shortcut__icon--blank">
              <Text>{category.name.slice(0, 1)}</Text>
            </View>
          )}
          <Text className="home-shortcut__name">{category.name}</Text>
        </View>
      ))}
    </View>
  );
}

function MembersZone({ loggedIn }: { loggedIn: boolean }) {
  const [items, setItems] = useState<StoreProductCard[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!loggedIn) {
      setItems(null);
      return;
    }
    let live = true;
    setFailed(false);
    fetchProducts({ zone: 'members', pageSize: 10 }, { silent: true })
      .then((page) => live && setItems(page.items))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [loggedIn]);

  if (!loggedIn) {
    // Member-only teas are never fetched for a visitor: the card only invites them in.
    return (
      <View className="section">
        <View className="section__title">
          <Text>会员专享</Text>
          <Text className="section__hint">登录可见</Text>
        </View>
        <View className="home-members-invite" onClick={() => goToLogin()}>
          <View className="home-members-invite__seal">
            <LockIcon />
          </View>
          <View className="home-members-invite__text">
            <Text className="home-members-invite__title">登录查看会员专享茶品</Text>
            <Text className="home-members-invite__hint">私藏好茶、会员价，仅对会员开放</Text>
          </View>
          <Button variant="gold" size="sm" className="home-members-login">
            去登录
          </Button>
        </View>
      </View>
    );
  }
  if (failed || (items && items.length === 0)) return null;
  return (
    <View className="section home-members">
      <View className="section__title">
        <Text>会员专享</Text>
        <Text className="section__hint">仅会员可购</Text>
      </View>
      {items ? (
        <ScrollView scrollX className="home-members__scroll" enableFlex>
          <View className="home-members__row">
            {items.map((product) => (
              <View key={product.id} className="home-members__item">
                <ProductCard product={product} onOpen={(p) => openProduct(p.id)} />
              </View>
            ))}
          </View>
        </ScrollView>
      ) : (
        <LoadingState rows={2} />
      )}
    </View>
  );
}

export default function HomePage() {
  const { loggedIn } = useMember();
  const [categories, setCategories] = useState<StoreCategory[]>([]);
  const [refreshKey, setRefreshKey] = useState(0);
  // Prices and visibility depend on who is looking: the feed starts again when the session starts or ends.
  const feedList = usePagedList<StoreProductCard>(
    (page, pageSize) => fetchProducts({ page, pageSize }, { silent: true }),
    { pageSize: FEED_PAGE_SIZE, key: `feed:${loggedIn}`, idOf: (product) => product.id },
  );
  const { items: products, total, page, loading, error, moreError } = feedList;

  // biome-ignore lint/correctness/useExhaustiveDependencies: loggedIn is the trigger.
  useEffect(() => {
    fetchCategories({ silent: true })
      .then(setCategories)
      .catch(() => undefined);
  }, [loggedIn]);

  useDidShow(() => {
    void refreshBadges();
  });

  usePullDownRefresh(() => {
    setRefreshKey((key) => key + 1);
    fetchCategories({ silent: true })
      .then(setCategories)
      .catch(() => undefined);
    void feedList.reload().finally(() => void Taro.stopPullDownRefresh());
  });

  let feed: JSX.Element;
  if (page === 0 && error)
    feed = <ErrorState message={error} onRetry={() => void feedList.reload()} retrying={loading} />;
  else if (page === 0) feed = <LoadingState rows={4} />;
  else if (products.length === 0) {
    feed = (
      <View className="card">
        <EmptyState
          mark="茶"
          title="商品即将上架"
          description="新一季的茶叶与茶点正在准备中，上架后会第一时间出现在这里。"
        />
      </View>
    );
  } else {
    feed = (
      <>
        <View className="product-grid">
          {products.map((product) => (
            <ProductCard key={product.id} product={product} onOpen={(p) => openProduct(p.id)} />
          ))}
        </View>
        <Text className="home-feed__foot" onClick={() => moreError && void feedList.loadMore()}>
          {moreError
            ? '加载失败，点击重试'
            : loading
              ? '加载中…'
              : products.length < total
                ? '上拉加载更多'
                : '— 已经到底了 —'}
        </Text>
      </>
    );
  }

  return (
    <View className="page home">
      <BrandHeader title="当季好茶">
        <View className="home-search" onClick={openSearch}>
          <View className="home-search__icon" />
          <Text className="home-search__placeholder">搜索茶品，如 龙井、岩茶</Text>
        </View>
      </BrandHeader>
      <View className="home-body">
        <MemberWelcome />
        <Banner />
        <HomeLiveEntry reloadKey={refreshKey} />
        <CategoryShortcuts categories={categories} />
        <MembersZone key={refreshKey} loggedIn={loggedIn} />
        <HomeGroupBuys key={`groupbuy-${refreshKey}`} loggedIn={loggedIn} />
        <View className="section">
          <View className="section__title">
            <Text>为你推荐</Text>
            <Text className="section__hint">{total ? `共 ${total} 款` : '每周上新'}</Text>
          </View>
          {feed}
        </View>
      </View>
      <WelcomeGift loggedIn={loggedIn} />
    </View>
  );
}
