import type { StoreProductCard } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { fetchPoints, fetchPointsProducts } from '../../../api/points';
import { isLoggedIn } from '../../../api/session';
import { EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { useMember } from '../../../hooks/use-member';
import { usePagedList } from '../../../hooks/use-paged-list';
import { openPage } from '../../../membership/open-page';
import { MEMBER_PAGES } from '../../../membership/pages';
import './index.scss';
import { Picture } from '../../../components';

const PAGE_SIZE = 20;

/** How many more points this item needs than the member has, or 0 when they can redeem it (or we don't know). */
export function pointsShort(product: StoreProductCard, balance: number | null): number {
  if (balance === null || product.locked || product.pointsPrice === null) return 0;
  return Math.max(0, product.pointsPrice - balance);
}

function ProductTile({ product, balance }: { product: StoreProductCard; balance: number | null }) {
  const short = pointsShort(product, balance);
  const open = () => void Taro.navigateTo({ url: `${MEMBER_PAGES.product}?id=${product.id}` }).catch(() => undefined);
  return (
    <View className="mall-item" hoverClass="mall-item--pressed" data-id={product.id} onClick={open}>
      <View className="mall-item__cover">
        <Picture className="mall-item__image" src={product.image} mode="aspectFill" lazyLoad />
      </View>
      <View className="mall-item__body">
        <Text className="mall-item__title">{product.title}</Text>
        {product.subtitle ? <Text className="mall-item__subtitle">{product.subtitle}</Text> : null}
        {product.locked ? (
          <Text className="mall-item__locked">{product.unlockText}</Text>
        ) : (
          <View className="mall-item__price">
            {product.pointsPrice !== null ? (
              <Text className="mall-item__points">{`${product.pointsPrice} 积分`}</Text>
            ) : null}
            {product.price > 0 ? (
              <View className="mall-item__cash">
                <Text className="mall-item__plus">+</Text>
                <Price fen={product.price} size="sm" />
              </View>
            ) : null}
            {product.soldOut ? <Text className="mall-item__soldout">已兑完</Text> : null}
          </View>
        )}
        {short > 0 && !product.locked && !product.soldOut ? (
          <View className="mall-item__short">
            <Text className="mall-item__short-tag">积分不足</Text>
            <Text className="mall-item__short-text">{`还差 ${short} 积分`}</Text>
          </View>
        ) : null}
      </View>
    </View>
  );
}

export default function PointsMallPage() {
  const { loggedIn } = useMember();
  const [balance, setBalance] = useState<number | null>(null);
  const catalog = usePagedList<StoreProductCard>(
    (page, pageSize) => fetchPointsProducts(page, pageSize, { silent: true }),
    { pageSize: PAGE_SIZE, key: `mall:${loggedIn}`, idOf: (product) => product.id },
  );
  const shownBefore = useRef(false);

  useDidShow(() => {
    // The balance changes elsewhere (a redemption, a check-in): read it on every show.
    if (isLoggedIn()) {
      fetchPoints(1, 1, { silent: true })
        .then((points) => setBalance(points.balance))
        .catch(() => setBalance(null));
    } else {
      setBalance(null);
    }
    if (shownBefore.current) void catalog.reload();
    shownBefore.current = true;
  });

  return (
    <View className="page points-mall">
      <View className="mall-head">
        <View className="mall-head__text">
          <Text className="mall-head__title">积分商城</Text>
          <Text className="mall-head__hint">好茶好物，积分兑换</Text>
        </View>
        {balance !== null ? (
          <View className="mall-head__balance" onClick={() => openPage(MEMBER_PAGES.points)}>
            <Text className="mall-head__balance-label">我的积分</Text>
            <Text className="mall-head__balance-value">{balance}</Text>
          </View>
        ) : null}
      </View>
      {catalog.page === 0 ? (
        catalog.error ? (
          <ErrorState message={catalog.error} onRetry={() => void catalog.reload()} retrying={catalog.loading} />
        ) : (
          <LoadingState rows={4} />
        )
      ) : catalog.items.length === 0 ? (
        <EmptyState mark="礼" title="兑换好礼即将上架" description="先攒着积分，好礼上架后第一时间通知你" />
      ) : (
        <>
          <View className="mall-grid">
            {catalog.items.map((product) => (
              <ProductTile key={product.id} product={product} balance={balance} />
            ))}
          </View>
          <Text className="mall-footer" onClick={() => catalog.moreError && void catalog.loadMore()}>
            {catalog.hasMore
              ? catalog.loading
                ? '加载中…'
                : catalog.moreError
                  ? '加载失败，点击重试'
                  : '上滑加载更多'
              : '没有更多了'}
          </Text>
        </>
      )}
    </View>
  );
}
