import type { StoreCategory, StoreProductCard } from '@siyu/shared';
import { Input, ScrollView, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { fetchCategories, fetchProducts } from '../../api/catalog';
import type { ApiError } from '../../api/client';
import { EmptyState, ErrorState, LoadingState } from '../../components';
import { ProductCard } from '../../components/product-card';
import { useMember } from '../../hooks/use-member';
import { usePagedList } from '../../hooks/use-paged-list';
import { openProduct } from '../../shop/links';
import './index.scss';

const PAGE_SIZE = 20;
const HANDOFF_KEY = 'siyu.category.open';

/** What 首页 asked for, if anything (tab pages cannot take a query): a category, or the search box. */
function takeHandoff(): { id?: string; search?: boolean } | null {
  try {
    const value = Taro.getStorageSync(HANDOFF_KEY) as { id?: string; search?: boolean } | '';
    if (!value || typeof value !== 'object' || (!value.id && !value.search)) return null;
    Taro.removeStorageSync(HANDOFF_KEY);
    return value;
  } catch {
    return null;
  }
}

export default function CategoryPage() {
  const { loggedIn } = useMember();
  const [categories, setCategories] = useState<StoreCategory[] | null>(null);
  const [categoriesError, setCategoriesError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [keyword, setKeyword] = useState('');
  const [query, setQuery] = useState('');
  const [searchFocus, setSearchFocus] = useState(false);
  const loadCategories = useCallback(async () => {
    setCategoriesError(null);
    try {
      const list = await fetchCategories({ silent: true });
      setCategories(list);
      setSelected((current) => current ?? list[0]?.id ?? null);
    } catch (caught) {
      setCategoriesError((caught as ApiError).message);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when who is looking changes.
  useEffect(() => {
    void loadCategories();
  }, [loggedIn]);

  useDidShow(() => {
    const wanted = takeHandoff();
    if (wanted?.id) {
      setQuery('');
      setKeyword('');
      setSelected(wanted.id);
    }
    setSearchFocus(wanted?.search === true);
  });

  // A search looks across every category; otherwise the selected category. Prices depend on who is looking.
  const productList = usePagedList<StoreProductCard>(
    (page, pageSize) =>
      fetchProducts(
        { category: query ? undefined : (selected ?? undefined), q: query || undefined, page, pageSize },
        { silent: true },
      ),
    {
      pageSize: PAGE_SIZE,
      key: `${selected}|${query}|${loggedIn}`,
      auto: Boolean(selected || query),
      idOf: (product) => product.id,
    },
  );
  const { items: products, total, page, loading, error } = productList;
  const loadMore = () => void productList.loadMore();

  const search = (value: string) => setQuery(value.trim());
  const current = categories?.find((category) => category.id === selected);

  let list: JSX.Element;
  if (page === 0 && error) list = <ErrorState message={error} onRetry={() => void productList.reload()} />;
  else if (page === 0) list = <LoadingState rows={3} />;
  else if (products.length === 0) {
    list = query ? (
      <EmptyState mark="寻" title={`没有找到“${query}”`} description="换个关键词试试，比如“龙井”“岩茶”。" />
    ) : (
      <EmptyState mark="品" title="这个分类还没有商品" description="去看看别的分类吧。" />
    );
  } else {
    list = (
      <View className="category-products">
        {products.map((product) => (
          <ProductCard key={product.id} product={product} layout="row" onOpen={(p) => openProduct(p.id)} />
        ))}
        <Text className="category-products__foot" onClick={loadMore}>
          {loading
            ? '加载中…'
            : productList.moreError
              ? '加载失败，点击重试'
              : products.length < total
                ? '点击或上拉加载更多'
                : '— 没有更多了 —'}
        </Text>
      </View>
    );
  }

  return (
    <View className="page category">
      <View className="category-search">
        <View className="category-search__box">
          <View className="category-search__icon" />
          <Input
            className="category-search__input"
            value={keyword}
            confirmType="search"
            focus={searchFocus}
            onBlur={() => setSearchFocus(false)}
            placeholder="搜索茶品，如 龙井、岩茶"
            maxlength={40}
            onInput={(event) => setKeyword(event.detail.value)}
            onConfirm={(event) => search(event.detail.value)}
          />
          {query ? (
            <Text
              className="category-search__clear"
              onClick={() => {
                setKeyword('');
                setQuery('');
              }}
            >
              取消
            </Text>
          ) : (
            <Text className="category-search__go" onClick={() => search(keyword)}>
              搜索
            </Text>
          )}
        </View>
      </View>
      {categoriesError && !categories ? (
        <ErrorState message={categoriesError} onRetry={() => void loadCategories()} />
      ) : (
        <View className="category-layout">
          {query ? null : (
            <ScrollView scrollY className="category-rail">
              {(categories ?? []).map((category) => (
                <View
                  key={category.id}
                  className={`category-rail__item ${category.id === selected ? 'category-rail__item--on' : ''}`}
                  onClick={() => setSelected(category.id)}
                >
                  <Text>{category.name}</Text>
                </View>
              ))}
            </ScrollView>
          )}
          <View className={`category-content ${query ? 'category-content--full' : ''}`}>
            <View className="category-content__head">
              <Text className="category-content__title">{query ? `搜索“${query}”` : (current?.name ?? '')}</Text>
              {page > 0 ? <Text className="category-content__count">{`${total} 款`}</Text> : null}
            </View>
            {categories || query ? list : <LoadingState rows={3} />}
          </View>
        </View>
      )}
    </View>
  );
}
