import { type DescriptionBlock, formatFen, type StoreProductDetail, type StoreSku } from '@siyu/shared';
import { Swiper, SwiperItem, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { addToCart } from '../../../api/cart';
import { fetchProduct } from '../../../api/catalog';
import { fetchPoints } from '../../../api/points';
import { isLoggedIn } from '../../../api/session';
import { BRAND, PAGES } from '../../../brand';
import { BottomSheet, Button, EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { LockIcon, memberPriceHint, pointsPriceText } from '../../../components/product-card';
import { firstAvailableSku, maxQtyFor, SkuPicker } from '../../../components/sku-picker';
import { ProductCoupons } from '../../../coupons/product-coupons';
import { GroupBuyEntry } from '../../../groupbuy/product-entry';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { usePageParams } from '../../../hooks/use-page-params';
import { rememberLinkSource } from '../../../live/touch';
import { openPage } from '../../../membership/open-page';
import { MEMBER_PAGES } from '../../../membership/pages';
import { goToLogin } from '../../../navigation';
import { showCartBadge } from '../../../shop/badges';
import { checkoutUrl, isEntityId, openMembership, productShareUrl } from '../../../shop/links';
import '../../../shop/shop.scss';
import './index.scss';
import { Picture } from '../../../components';

/** The product's images: swipe through them (1/N in the corner), tap one to see it full screen. */
function Gallery({ images, title }: { images: string[]; title: string }) {
  const [current, setCurrent] = useState(0);
  if (images.length === 0) return <View className="product-gallery product-gallery--empty" />;
  return (
    <View className="product-gallery">
      <Swiper
        className="product-gallery__swiper"
        circular={images.length > 1}
        onChange={(event) => setCurrent(event.detail.current)}
      >
        {images.map((url, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed gallery; the same image may appear twice.
          <SwiperItem key={`${index}-${url.slice(-16)}`}>
            <Picture
              className="product-gallery__image"
              src={url}
              mode="aspectFill"
              aria-label={title}
              onClick={() => void Taro.previewImage({ current: url, urls: images }).catch(() => undefined)}
            />
          </SwiperItem>
        ))}
      </Swiper>
      <Text className="product-gallery__count">{`${current + 1}/${images.length}`}</Text>
    </View>
  );
}

type SpecIntent = 'pick' | 'cart' | 'buy';

function Description({ blocks }: { blocks: DescriptionBlock[] }) {
  if (blocks.length === 0) return null;
  return (
    <View className="shop-panel product-description">
      <Text className="shop-panel__title">商品详情</Text>
      {blocks.map((block, index) => {
        const key = `${block.type}-${index}`;
        if (block.type === 'heading') {
          return (
            <Text key={key} className="product-description__heading">
              {block.text}
            </Text>
          );
        }
        if (block.type === 'paragraph') {
          return (
            <Text key={key} className="product-description__paragraph">
              {block.text}
            </Text>
          );
        }
        return <Picture key={key} className="product-description__image" src={block.url} mode="widthFix" />;
      })}
    </View>
  );
}

/** Viewer price (with the struck list price), the member hint, or the points price for points-mall items. */
function PriceBlock({ product, sku }: { product: Extract<StoreProductDetail, { locked: false }>; sku?: StoreSku }) {
  const price = sku?.price ?? product.price;
  const listPrice = sku?.listPrice ?? product.listPrice;
  const points = sku ? sku.pointsPrice : product.pointsPrice;
  const hint = memberPriceHint(sku ? sku.memberPriceFrom : product.memberPriceFrom, price);
  if (points) {
    return (
      <View className="product-price">
        <Text className="product-price__points">{pointsPriceText(points, price)}</Text>
        <Text className="shop-chip shop-chip--gold product-price__tag">积分兑换</Text>
      </View>
    );
  }
  return (
    <View className="product-price">
      <Price fen={price} listFen={listPrice} size="lg" />
      {sku?.memberPrice !== null && sku?.memberPrice !== undefined && sku.memberPrice === price ? (
        <Text className="shop-chip product-price__tag">会员价</Text>
      ) : null}
      {hint ? <Text className="shop-chip shop-chip--gold product-price__tag product-price__hint">{hint}</Text> : null}
    </View>
  );
}

function LockedProduct({ product }: { product: Extract<StoreProductDetail, { locked: true }> }) {
  return (
    <View className="page product product--locked">
      <Gallery images={product.images.length ? product.images : [product.image]} title={product.title} />
      <View className="shop-panel product-head">
        <Text className="product-head__title">{product.title}</Text>
        {product.subtitle ? <Text className="product-head__subtitle">{product.subtitle}</Text> : null}
      </View>
      <View className="shop-panel product-locked">
        <View className="product-locked__seal">
          <LockIcon />
        </View>
        <Text className="product-locked__title">{product.unlockText}</Text>
        <Text className="product-locked__text">这款茶为会员私藏，达到对应等级后即可查看价格并购买。</Text>
      </View>
      <Description blocks={product.description} />
      <View className="shop-bottom-spacer" />
      <View className="shop-bottom-bar product-bar">
        <Button variant="gold" block size="lg" className="product-unlock-bar" onClick={openMembership}>
          查看会员权益
        </Button>
      </View>
    </View>
  );
}

export default function ProductPage() {
  const params = usePageParams();
  const id = params.id ?? '';
  const { loggedIn, member } = useMember();
  const product = useLoad(() => fetchProduct(id, { silent: true }), `${id}|${loggedIn}`, { auto: isEntityId(id) });
  const [sheet, setSheet] = useState<SpecIntent | null>(null);
  const [skuId, setSkuId] = useState<string | null>(null);
  const [qty, setQty] = useState(1);
  const [adding, setAdding] = useState(false);
  // A link from a Channels live (`from=live:<id>`) starts that live's attribution window (last touch).
  useEffect(() => rememberLinkSource(params.from), [params.from]);

  const detail = product.data;
  // A share card carries the sharer: their invite code (a friend who joins from it counts as invited) and
  // `from=share:<member>` for the order's attribution. Outcomes are rewarded, never the share itself.
  useShareAppMessage(() => ({
    title: detail ? `${detail.title}｜${BRAND.mallName}` : BRAND.mallName,
    path: productShareUrl(id, member, detail?.visibility !== undefined && detail.visibility !== 'public'),
    imageUrl: detail?.image,
  }));
  const [balance, setBalance] = useState<number | null>(null);
  const isPointsItem = !!detail && !detail.locked && detail.pointsPrice !== null;
  useEffect(() => {
    if (!isPointsItem || !loggedIn) {
      setBalance(null);
      return;
    }
    let live = true;
    fetchPoints(1, 1, { silent: true })
      .then((points) => live && setBalance(points.balance))
      .catch(() => live && setBalance(null));
    return () => {
      live = false;
    };
  }, [isPointsItem, loggedIn]);
  useEffect(() => {
    if (detail && !detail.locked && !skuId) setSkuId(firstAvailableSku(detail.skus)?.id ?? null);
  }, [detail, skuId]);

  if (!isEntityId(id)) {
    return (
      <View className="page product">
        <EmptyState
          mark="茶"
          title="商品链接有误"
          description="这个链接不完整或已失效，去首页看看别的好茶吧。"
          actionText="去首页"
          onAction={() => void Taro.switchTab({ url: PAGES.home })}
        />
      </View>
    );
  }
  if (product.loading && !detail) {
    return (
      <View className="page product">
        <LoadingState variant="spinner" />
      </View>
    );
  }
  if (product.error || !detail) {
    const gone = product.error?.status === 404;
    // A visitor sees public products only: a member's share of a members-only tea (marked by the link) or any
    // product they cannot see invites a login rather than saying it is gone.
    if (gone && !loggedIn) {
      return (
        <View className="page product">
          <EmptyState
            mark="会"
            title={params.members ? '会员专享茶品' : '登录后查看这款茶'}
            description={
              params.members
                ? '好友分享给你的是会员专享茶品，登录成为会员即可查看与购买。'
                : '这款茶可能仅对会员开放，登录会员后即可查看；若仍看不到，说明已下架。'
            }
            actionText="登录查看"
            onAction={() => goToLogin()}
          />
        </View>
      );
    }
    return (
      <View className="page product">
        {gone ? (
          <EmptyState
            mark="茶"
            title="商品已下架或不存在"
            description="这款茶暂时看不到了，去首页看看别的好茶吧。"
            actionText="去首页"
            onAction={() => void Taro.switchTab({ url: PAGES.home })}
          />
        ) : (
          <ErrorState message={product.error?.message} onRetry={() => void product.reload()} />
        )}
      </View>
    );
  }
  if (detail.locked) return <LockedProduct product={detail} />;

  const sku = detail.skus.find((candidate) => candidate.id === skuId);
  const max = maxQtyFor(sku);
  const buyQty = Math.max(1, Math.min(qty, max));
  const canBuy = !!sku && max > 0;
  // A points item the balance cannot reach says by how much, and where to earn the rest (no dead end).
  const short = balance !== null && sku?.pointsPrice ? Math.max(0, sku.pointsPrice * buyQty - balance) : 0;

  const requireLogin = (): boolean => {
    if (isLoggedIn()) return true;
    goToLogin();
    return false;
  };

  const onAddToCart = async () => {
    if (!sku || !canBuy || adding || !requireLogin()) return;
    setAdding(true);
    try {
      showCartBadge(await addToCart(sku.id, buyQty));
      setSheet(null);
      void Taro.showToast({ title: '已加入购物车', icon: 'success' });
    } catch {
      // The client has told the shopper why (库存不足, 限购…).
    } finally {
      setAdding(false);
    }
  };

  const onBuyNow = () => {
    if (!sku || !canBuy || !requireLogin()) return;
    setSheet(null);
    void Taro.navigateTo({ url: checkoutUrl([{ skuId: sku.id, qty: buyQty }]) });
  };

  return (
    <View className="page product">
      <Gallery images={detail.images.length ? detail.images : [detail.image]} title={detail.title} />
      <View className="shop-panel product-head">
        <PriceBlock product={detail} sku={sku} />
        <Text className="product-head__title">{detail.title}</Text>
        {detail.subtitle ? <Text className="product-head__subtitle">{detail.subtitle}</Text> : null}
        <View className="product-head__meta">
          {detail.tags.map((tag) => (
            <Text key={tag} className="shop-chip shop-chip--muted product-head__tag">
              {tag}
            </Text>
          ))}
          <Text className="shop-muted product-head__sales">{`已售 ${detail.sales}`}</Text>
        </View>
      </View>
      <GroupBuyEntry productId={detail.id} />
      <ProductCoupons productId={detail.id} skuId={sku?.id} />
      <View className="shop-panel product-spec" onClick={() => detail.skus.length > 0 && setSheet('pick')}>
        <Text className="product-spec__label">规格</Text>
        <Text className="product-spec__value">
          {detail.skus.length === 0
            ? '暂无可选规格'
            : sku
              ? `已选 ${sku.specsText || '默认'} × ${buyQty}`
              : '请选择规格'}
        </Text>
        {detail.skus.length > 0 ? <View className="sy-cell__arrow" /> : null}
      </View>
      {sku && sku.listPrice > sku.price && !sku.pointsPrice ? (
        <View className="shop-panel product-saving-panel">
          <Text className="shop-muted product-saving">{`会员为你省 ${formatFen(sku.listPrice - sku.price)}`}</Text>
        </View>
      ) : null}
      <BottomSheet
        open={sheet !== null}
        title="选择规格"
        onClose={() => setSheet(null)}
        className="spec-sheet"
        footer={
          sheet === 'pick' ? (
            <>
              <Button
                variant="outline"
                block
                disabled={!canBuy || short > 0}
                loading={adding}
                className="spec-add"
                onClick={() => void onAddToCart()}
              >
                加入购物车
              </Button>
              <Button variant="primary" block disabled={!canBuy || short > 0} className="spec-buy" onClick={onBuyNow}>
                {detail.pointsPrice ? '立即兑换' : '立即购买'}
              </Button>
            </>
          ) : (
            <Button
              variant="primary"
              block
              disabled={!canBuy || short > 0}
              loading={adding}
              className="spec-confirm"
              onClick={() => (sheet === 'cart' ? void onAddToCart() : onBuyNow())}
            >
              {short > 0
                ? `还差 ${short} 积分`
                : sheet === 'cart'
                  ? '加入购物车'
                  : detail.pointsPrice
                    ? '立即兑换'
                    : '立即购买'}
            </Button>
          )
        }
      >
        <View className="spec-sheet__head">
          <Picture className="spec-sheet__image" src={detail.image} mode="aspectFill" />
          <View className="spec-sheet__price">
            <PriceBlock product={detail} sku={sku} />
            <Text className="shop-muted">{sku ? `已选 ${sku.specsText || '默认'}` : '请选择规格'}</Text>
          </View>
        </View>
        <SkuPicker
          skus={detail.skus}
          selectedId={skuId}
          onSelect={(next) => {
            setSkuId(next.id);
            setQty((current) => Math.max(1, Math.min(current, maxQtyFor(next))));
          }}
          qty={buyQty}
          onQtyChange={setQty}
        />
      </BottomSheet>
      <Description blocks={detail.description} />
      <View className="shop-bottom-spacer" />
      <View className="shop-bottom-bar product-bar">
        <View className="product-bar__cart" onClick={() => void Taro.switchTab({ url: PAGES.cart })}>
          <View className="product-bar__cart-icon" />
          <Text className="product-bar__cart-text">购物车</Text>
        </View>
        {canBuy && short > 0 ? (
          <View className="product-bar__actions">
            <Button variant="outline" disabled className="points-short">
              {`还差 ${short} 积分`}
            </Button>
            <Button variant="gold" className="earn-points" onClick={() => openPage(MEMBER_PAGES.points)}>
              去赚积分
            </Button>
          </View>
        ) : canBuy ? (
          <View className="product-bar__actions">
            <Button variant="outline" className="add-to-cart" onClick={() => requireLogin() && setSheet('cart')}>
              加入购物车
            </Button>
            <Button variant="primary" className="buy-now" onClick={() => requireLogin() && setSheet('buy')}>
              {detail.pointsPrice ? '立即兑换' : '立即购买'}
            </Button>
          </View>
        ) : (
          <View className="product-bar__actions">
            <Button variant="outline" disabled className="add-to-cart">
              加入购物车
            </Button>
            <Button variant="primary" disabled className="buy-now">
              {detail.skus.length ? '已售罄' : '暂不可购买'}
            </Button>
          </View>
        )}
      </View>
    </View>
  );
}
