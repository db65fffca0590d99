import { formatFen, type StoreProductCard, TIER_NAMES, type TierCode } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { Price } from './price';
import './product-card.scss';
import { Picture } from './picture';

/** Lazy images need IntersectionObserver on H5; the mini-program does it natively. */
const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/** '金卡价 ¥110' — only when that tier's price is below what this viewer pays (otherwise it is no news). */
export function memberPriceHint(from: { tier: TierCode; price: number } | null, viewerPrice: number): string | null {
  if (!from || from.price >= viewerPrice) return null;
  return `${TIER_NAMES[from.tier]}价 ${formatFen(from.price, { compact: true })}`;
}

/** '2000 积分' or '800 积分 + ¥9.90' for points-mall items. */
export function pointsPriceText(points: number, cashFen: number): string {
  return cashFen > 0 ? `${points} 积分 + ${formatFen(cashFen, { compact: true })}` : `${points} 积分`;
}

/** A small padlock drawn with CSS (no image, no emoji). */
export function LockIcon({ className }: { className?: string }) {
  return (
    <View className={`sy-lock ${className ?? ''}`.trim()}>
      <View className="sy-lock__shackle" />
      <View className="sy-lock__body" />
    </View>
  );
}

export interface ProductCardProps {
  product: StoreProductCard;
  onOpen?: (product: StoreProductCard) => void;
  /** grid: two per row (feeds); row: image left, text right (category list). */
  layout?: 'grid' | 'row';
}

export function ProductCard({ product, onOpen, layout = 'grid' }: ProductCardProps) {
  const classes = ['product-card', `product-card--${layout}`, product.locked ? 'product-card--locked' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <View className={classes} hoverClass="product-card--pressed" onClick={() => onOpen?.(product)}>
      <View className="product-card__media">
        <Picture className="product-card__image" src={product.image} mode="aspectFill" lazyLoad={IS_WEAPP} />
        {product.locked ? (
          <View className="product-card__veil">
            <LockIcon />
          </View>
        ) : null}
        {!product.locked && product.soldOut ? <Text className="product-card__soldout">已售罄</Text> : null}
        {product.visibility !== 'public' && !product.locked ? (
          <Text className="product-card__flag">会员专享</Text>
        ) : null}
      </View>
      <View className="product-card__body">
        <Text className="product-card__title">{product.title}</Text>
        {product.subtitle ? <Text className="product-card__subtitle">{product.subtitle}</Text> : null}
        <View className="product-card__foot">
          {product.locked ? (
            <View className="product-card__unlock">
              <LockIcon className="sy-lock--small" />
              <Text className="product-card__unlock-text">{product.unlockText}</Text>
            </View>
          ) : product.pointsPrice ? (
            <Text className="product-card__points">{pointsPriceText(product.pointsPrice, product.price)}</Text>
          ) : (
            <>
              <Price fen={product.price} listFen={product.listPrice} size="sm" className="product-card__price" />
              {memberPriceHint(product.memberPriceFrom, product.price) ? (
                <Text className="product-card__member-hint">
                  {memberPriceHint(product.memberPriceFrom, product.price)}
                </Text>
              ) : null}
            </>
          )}
        </View>
      </View>
    </View>
  );
}
