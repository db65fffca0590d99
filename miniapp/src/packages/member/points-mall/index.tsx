import type { StoreProductCard } from '@siyu/shared';
import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../../../api/client';
import { fetchPoints, fetchPointsProducts } from '../../../api/membership';
import { isLoggedIn } from '../../../api/session';
import { EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { openPage } from '../../../membership/open-page';
import { MEMBER_PAGES } from '../../../membership/pages';
import './index.scss';

const PAGE_SIZE = 20;

function ProductTile({ product }: { product: StoreProductCard }) {
  const open = () => void Taro.navigateTo({ url: `${MEMBER_PAGES.product}?id=${product.id}` }).catch(() => undefined);
  return (
    <View className="mall-item" hoverClass="mall-item--pressed" data-id={product.id} onClick={open}>
      <View className="mall-item__cover">
        <Image className="mall-item__image" src={product.image} mode="aspectFill" lazyLoad />
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
      </View>
    </View>
  );
}

interface Catalog {
  items: StoreProductCard[];
  page: number;
  total: number;
}

export default function PointsMallPage() {
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [balance, setBalance] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const busy = useRef(false);

  const loadFirst = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    setLoading(true);
    setError(null);
    if (isLoggedIn()) {
      fetchPoints(1, 1, { silent: true })
        .then((points) => setBalance(points.balance))
        .catch(() => setBalance(null));
    }
    try {
      const page = await fetchPointsProducts(1, PAGE_SIZE, { silent: true });
      setCatalog({ items: page.items, page: page.page, total: page.total });
    } catch (caught) {
      setError((caught as ApiError).message);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, []);

  const loadMore = async () => {
    if (!catalog || busy.current || catalog.items.length >= catalog.total) return;
    busy.current = true;
    setLoading(true);
    try {
      const next = await fetchPointsProducts(catalog.page + 1, PAGE_SIZE);
      setCatalog((current) =>
        current ? { items: [...current.items, ...next.items], page: next.page, total: next.total } : current,
      );
    } catch {
      // Toasted by the client; the next scroll tries again.
    } finally {
      busy.current = false;
      setLoading(false);
    }
  };

  useDidShow(() => {
    void loadFirst();
  });
  useReachBottom(() => {
    void loadMore();
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
      {!catalog ? (
        error ? (
          <ErrorState message={error} onRetry={() => void loadFirst()} retrying={loading} />
        ) : (
          <LoadingState rows={4} />
        )
      ) : catalog.items.length === 0 ? (
        <EmptyState mark="礼" title="兑换好礼即将上架" description="先攒着积分，好礼上架后第一时间通知你" />
      ) : (
        <>
          <View className="mall-grid">
            {catalog.items.map((product) => (
              <ProductTile key={product.id} product={product} />
            ))}
          </View>
          <Text className="mall-footer">
            {catalog.items.length < catalog.total ? (loading ? '加载中…' : '上滑加载更多') : '没有更多了'}
          </Text>
        </>
      )}
    </View>
  );
}
