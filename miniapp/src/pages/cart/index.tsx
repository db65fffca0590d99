import { formatFen, type StoreCart, type StoreCartLine, TIER_NAMES } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { fetchCart, removeCartLine, setCartQty } from '../../api/cart';
import type { ApiError } from '../../api/client';
import { previewOrder } from '../../api/orders';
import { isLoggedIn } from '../../api/session';
import { PAGES } from '../../brand';
import { Button, EmptyState, ErrorState, LoadingState, Price } from '../../components';
import { QtyStepper } from '../../components/qty-stepper';
import { useMember } from '../../hooks/use-member';
import { goToLogin } from '../../navigation';
import { showCartBadge } from '../../shop/badges';
import { checkoutUrl, openProduct } from '../../shop/links';
import '../../shop/shop.scss';
import './index.scss';
import { Picture } from '../../components';

/** The badge a line carries when it cannot be checked out as it is. */
export function lineBadge(line: StoreCartLine): { text: string; tone: 'danger' | 'gold' | 'muted' } | null {
  switch (line.status) {
    case 'unavailable':
      return { text: '已下架', tone: 'muted' };
    case 'locked':
      return { text: line.unlockTier ? `需升级${TIER_NAMES[line.unlockTier]}` : '需升级', tone: 'gold' };
    case 'short':
      return { text: line.stock > 0 ? `库存不足 仅剩 ${line.stock} 件` : '库存不足 已售罄', tone: 'danger' };
    default:
      return null;
  }
}

/** What the ticked lines come to: the cart's own summary when all are ticked, else the server's preview. */
interface Totals {
  itemsTotal: number;
  payable: number;
  memberSaving: number;
  shippingFee: number;
  freeShippingThreshold: number;
  pointsCost: number;
}

function CartLine({
  line,
  selected,
  busy,
  onToggle,
  onQty,
  onRemove,
}: {
  line: StoreCartLine;
  selected: boolean;
  busy: boolean;
  onToggle: () => void;
  onQty: (qty: number) => void;
  onRemove: () => void;
}) {
  const badge = lineBadge(line);
  const selectable = line.status === 'ok';
  return (
    <View className={`cart-line cart-line--${line.status}`}>
      <View
        className={`cart-check ${selected ? 'cart-check--on' : ''} ${selectable ? '' : 'cart-check--off'}`}
        onClick={selectable ? onToggle : undefined}
      />
      <Picture
        className="shop-line__image"
        src={line.image}
        mode="aspectFill"
        onClick={() => line.productId && openProduct(line.productId)}
      />
      <View className="shop-line__body">
        <View className="cart-line__head">
          <Text className="shop-line__title cart-line__title">{line.title}</Text>
          <Text className="cart-remove" onClick={onRemove}>
            删除
          </Text>
        </View>
        <Text className="shop-line__specs">{line.specsText}</Text>
        {badge ? <Text className={`shop-chip shop-chip--${badge.tone} cart-badge`}>{badge.text}</Text> : null}
        <View className="shop-line__foot">
          {line.pointsPrice ? (
            <Text className="cart-line__points">{`${line.pointsPrice} 积分${line.price > 0 ? ` + ${formatFen(line.price)}` : ''}`}</Text>
          ) : (
            <Price fen={line.price} listFen={line.listPrice} size="sm" />
          )}
          {line.status === 'unavailable' || line.status === 'locked' ? (
            <Text className="shop-line__qty">{`×${line.qty}`}</Text>
          ) : (
            <QtyStepper
              value={line.qty}
              max={Math.max(1, Math.min(line.stock, 99))}
              disabled={busy}
              onChange={onQty}
              onLimit={() => void Taro.showToast({ title: `库存仅剩 ${line.stock} 件`, icon: 'none' })}
            />
          )}
        </View>
      </View>
    </View>
  );
}

export default function CartPage() {
  const { loggedIn } = useMember();
  const [cart, setCart] = useState<StoreCart | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busySku, setBusySku] = useState<string | null>(null);
  // SKUs the shopper unticked; everything else that is `ok` is selected.
  const [unselected, setUnselected] = useState<Set<string>>(() => new Set());
  const [subsetTotals, setSubsetTotals] = useState<Totals | null>(null);
  const previewTicket = useRef(0);

  const load = useCallback(async () => {
    if (!isLoggedIn()) return;
    setLoading(true);
    setError(null);
    try {
      setCart(await fetchCart({ silent: true }));
    } catch (caught) {
      setError((caught as ApiError).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useDidShow(() => {
    void load();
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the session starts.
  useEffect(() => {
    if (loggedIn && !cart) void load();
  }, [loggedIn]);

  useEffect(() => {
    if (cart) showCartBadge(cart);
  }, [cart]);

  const okLines = useMemo(() => cart?.items.filter((line) => line.status === 'ok') ?? [], [cart]);
  const selectedLines = okLines.filter((line) => !unselected.has(line.skuId));
  const allSelected = okLines.length > 0 && selectedLines.length === okLines.length;
  const selectionKey = selectedLines.map((line) => `${line.skuId}:${line.qty}`).join(',');

  // The API's summary covers every orderable line; for a smaller selection ask the server to price just that.
  // biome-ignore lint/correctness/useExhaustiveDependencies: selectionKey captures the selection.
  useEffect(() => {
    if (!cart || allSelected || selectedLines.length === 0) {
      setSubsetTotals(null);
      return;
    }
    const ticket = ++previewTicket.current;
    previewOrder({ items: selectedLines.map(({ skuId, qty }) => ({ skuId, qty })) }, { silent: true })
      .then((preview) => {
        if (ticket === previewTicket.current) setSubsetTotals(preview.amounts);
      })
      .catch(() => {
        if (ticket === previewTicket.current) setSubsetTotals(null);
      });
  }, [cart, allSelected, selectionKey]);

  if (!loggedIn) {
    return (
      <View className="page cart">
        <View className="cart-header">
          <Text className="cart-header__title">购物车</Text>
        </View>
        <View className="section card">
          <EmptyState
            mark="篮"
            title="登录后查看购物车"
            description="登录会员后，购物车会在你的设备间同步，会员价自动生效。"
            actionText="登录"
            onAction={() => goToLogin()}
          />
        </View>
      </View>
    );
  }

  const changeQty = async (line: StoreCartLine, qty: number) => {
    setBusySku(line.skuId);
    try {
      setCart(await setCartQty(line.skuId, qty));
    } catch {
      // Toasted by the client (库存不足, 限购…); reload so the line shows the truth.
      void load();
    } finally {
      setBusySku(null);
    }
  };

  const remove = async (line: StoreCartLine) => {
    const { confirm } = await Taro.showModal({
      title: '删除商品',
      content: `确定从购物车删除「${line.title}」吗？`,
      confirmText: '删除',
      confirmColor: '#b23a2a',
    });
    if (!confirm) return;
    setBusySku(line.skuId);
    try {
      setCart(await removeCartLine(line.skuId));
    } catch {
      // Toasted by the client.
    } finally {
      setBusySku(null);
    }
  };

  const toggle = (skuId: string) => {
    setUnselected((current) => {
      const next = new Set(current);
      if (next.has(skuId)) next.delete(skuId);
      else next.add(skuId);
      return next;
    });
  };

  const toggleAll = () => {
    setUnselected(allSelected ? new Set(okLines.map((line) => line.skuId)) : new Set());
  };

  const checkout = () => {
    if (selectedLines.length === 0) {
      void Taro.showToast({ title: '请选择要结算的商品', icon: 'none' });
      return;
    }
    void Taro.navigateTo({
      url: checkoutUrl(
        selectedLines.map(({ skuId, qty }) => ({ skuId, qty })),
        true,
      ),
    });
  };

  const totals: Totals | null = allSelected && cart ? cart.summary : subsetTotals;
  // The summary card and the bottom bar describe the same thing: the ticked lines.
  const selectedCount = selectedLines.reduce((n, line) => n + line.qty, 0);

  let body: JSX.Element;
  if (!cart && (loading || !error)) {
    body = <LoadingState />;
  } else if (!cart) {
    body = <ErrorState message={error ?? undefined} onRetry={() => void load()} retrying={loading} />;
  } else if (cart.items.length === 0) {
    body = (
      <View className="section card">
        <EmptyState
          mark="篮"
          title="购物车还是空的"
          description="挑几款好茶放进来，一起结算更划算（满 ¥99 包邮）。"
          actionText="去逛逛"
          onAction={() => void Taro.switchTab({ url: PAGES.home })}
        />
      </View>
    );
  } else {
    body = (
      <>
        <View className="section card cart-lines">
          {cart.items.map((line) => (
            <CartLine
              key={line.skuId}
              line={line}
              selected={line.status === 'ok' && !unselected.has(line.skuId)}
              busy={busySku === line.skuId}
              onToggle={() => toggle(line.skuId)}
              onQty={(qty) => void changeQty(line, qty)}
              onRemove={() => void remove(line)}
            />
          ))}
        </View>
        <View className="section card cart-summary">
          {totals ? (
            <>
              <View className="shop-row">
                <Text>商品金额</Text>
                <Text className="shop-row__value cart-summary__items">{formatFen(totals.itemsTotal)}</Text>
              </View>
              {totals.memberSaving > 0 ? (
                <View className="shop-row">
                  <Text>会员优惠</Text>
                  <Text className="shop-row__value cart-summary__saving">{`-${formatFen(totals.memberSaving)}`}</Text>
                </View>
              ) : null}
              <View className="shop-row">
                <Text className="shop-row__label">{`运费（满 ${formatFen(cart.summary.freeShippingThreshold, { compact: true })} 包邮）`}</Text>
                <Text className="shop-row__value cart-summary__shipping">
                  {totals.shippingFee > 0 ? formatFen(totals.shippingFee) : '包邮'}
                </Text>
              </View>
              {totals.pointsCost > 0 ? (
                <View className="shop-row">
                  <Text>兑换所需积分</Text>
                  <Text className="shop-row__value">{`${totals.pointsCost} 积分`}</Text>
                </View>
              ) : null}
              <View className="shop-row shop-row--strong">
                <Text>合计</Text>
                <Text className="shop-row__value cart-summary__payable">{formatFen(totals.payable)}</Text>
              </View>
              <Text className="shop-muted cart-summary__count">{`已选 ${selectedCount} 件商品，价格以结算页为准`}</Text>
            </>
          ) : (
            <Text className="shop-muted cart-summary__count">
              {selectedLines.length === 0 ? '勾选要结算的商品' : '正在计算已选商品…'}
            </Text>
          )}
        </View>
        <View className="shop-bottom-spacer" />
        <View className="shop-bottom-bar cart-bar">
          <View className="cart-bar__all" onClick={toggleAll}>
            <View className={`cart-check ${allSelected ? 'cart-check--on' : ''}`} />
            <Text className="cart-bar__all-text">全选</Text>
          </View>
          <View className="cart-bar__total">
            <View className="cart-bar__payable">
              <Text className="cart-bar__label">合计</Text>
              {totals ? <Price fen={totals.payable} size="md" /> : <Text className="cart-bar__dash">—</Text>}
            </View>
            {totals && totals.memberSaving > 0 ? (
              <Text className="cart-bar__saving">{`会员已省 ${formatFen(totals.memberSaving)}`}</Text>
            ) : null}
          </View>
          <Button variant="primary" className="cart-checkout" disabled={selectedLines.length === 0} onClick={checkout}>
            {`去结算${selectedLines.length ? `(${selectedCount})` : ''}`}
          </Button>
        </View>
      </>
    );
  }

  return (
    <View className="page cart">
      <View className="cart-header">
        <Text className="cart-header__title">购物车</Text>
        {cart && cart.items.length > 0 ? (
          <Text className="cart-header__count">{`${cart.items.length} 件商品`}</Text>
        ) : null}
      </View>
      {body}
    </View>
  );
}
