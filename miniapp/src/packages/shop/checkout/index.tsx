import { type AddressView, formatFen, maskPhone, type OrderPreview } from '@siyu/shared';
import { Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { addressLine, fetchAddresses } from '../../../api/addresses';
import type { ApiError } from '../../../api/client';
import { newIdempotencyKey, placeOrder, previewOrder } from '../../../api/orders';
import { isLoggedIn } from '../../../api/session';
import { PAGES } from '../../../brand';
import { Button, EmptyState, ErrorState, LoadingState, Price } from '../../../components';
import { CouponPicker } from '../../../coupons/coupon-picker';
import { usePageParams } from '../../../hooks/use-page-params';
import { goToLogin } from '../../../navigation';
import { clearCheckoutDraft, readCheckoutDraft, saveCheckoutDraft } from '../../../shop/checkout-draft';
import { decodeCheckoutItems, orderUrl, payUrl, takePickedAddress } from '../../../shop/links';
import '../../../shop/shop.scss';
import './index.scss';
import { Picture } from '../../../components';

/** One breakdown line as the API worded it; amounts of 0 on 积分 lines are notes, not money. */
function BreakdownRow({ line }: { line: OrderPreview['breakdown'][number] }) {
  const note = line.kind === 'earn' || (line.kind === 'points' && line.amount === 0);
  return (
    <View
      className={`shop-row checkout-breakdown__row checkout-breakdown__row--${line.kind} ${
        line.kind === 'payable' ? 'shop-row--strong' : ''
      }`}
    >
      <Text className="checkout-breakdown__label">{line.label}</Text>
      {note ? null : <Text className="shop-row__value checkout-breakdown__amount">{formatFen(line.amount)}</Text>}
    </View>
  );
}

function AddressCard({ address, onPick }: { address: AddressView | null; onPick: () => void }) {
  if (!address) {
    return (
      <View className="shop-panel checkout-address checkout-address--empty" onClick={onPick}>
        <View className="checkout-address__plus">+</View>
        <Text className="checkout-address__add">添加收货地址</Text>
        <View className="sy-cell__arrow" />
      </View>
    );
  }
  return (
    <View className="shop-panel checkout-address" onClick={onPick}>
      <View className="checkout-address__main">
        <View className="checkout-address__who">
          <Text className="checkout-address__name">{address.name}</Text>
          <Text className="checkout-address__phone">{maskPhone(address.phone)}</Text>
          {address.isDefault ? <Text className="shop-chip">默认</Text> : null}
        </View>
        <Text className="checkout-address__line">{addressLine(address)}</Text>
      </View>
      <View className="sy-cell__arrow" />
      <View className="checkout-address__stripe" />
    </View>
  );
}

export default function CheckoutPage() {
  const params = usePageParams();
  const [items] = useState(() => decodeCheckoutItems(params.items));
  const fromCart = params.fromCart === '1';

  const [address, setAddress] = useState<AddressView | null>(null);
  const [addressesLoaded, setAddressesLoaded] = useState(false);
  // 积分抵扣 and 备注 come back after a reload (shop/checkout-draft.ts).
  const [draft] = useState(() => readCheckoutDraft(params.items));
  const [usePoints, setUsePoints] = useState(draft?.usePoints ?? false);
  // undefined: the server applies the best coupon; null: none; an id: that one.
  const [couponChoice, setCouponChoice] = useState<string | null | undefined>(undefined);
  const [remark, setRemark] = useState(draft?.remark ?? '');
  const [preview, setPreview] = useState<OrderPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [maxPoints, setMaxPoints] = useState(0);
  // One key per checkout attempt: kept when the shopper taps again or retries after a network error, replaced
  // when what is being ordered changes (address, points, remark) or the server has said no.
  const attemptKey = useRef<string | null>(null);
  const previewTicket = useRef(0);

  const pointsToUse = usePoints ? maxPoints : 0;

  const loadAddresses = useCallback(async (preferId?: string | null) => {
    try {
      const list = await fetchAddresses({ silent: true });
      setAddress((current) => {
        const wanted = preferId ?? current?.id;
        return list.find((a) => a.id === wanted) ?? list.find((a) => a.isDefault) ?? list[0] ?? null;
      });
    } catch {
      // Without the address book the shopper can still pick one; the preview does not need it.
    } finally {
      setAddressesLoaded(true);
    }
  }, []);

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin();
      return;
    }
    void loadAddresses(takePickedAddress());
  });

  const runPreview = useCallback(async () => {
    if (items.length === 0 || !isLoggedIn()) return;
    const ticket = ++previewTicket.current;
    setPreviewing(true);
    setPreviewError(null);
    try {
      const next = await previewOrder(
        { items, addressId: address?.id, pointsToUse, couponId: couponChoice },
        { silent: true },
      );
      if (ticket !== previewTicket.current) return;
      setPreview(next);
      // A restored 积分抵扣 learns how many points it may use from the first preview.
      setMaxPoints((current) => (!usePoints || current === 0 ? next.maxPointsUsable : current));
    } catch (caught) {
      if (ticket !== previewTicket.current) return;
      const error = caught as ApiError;
      // The chosen coupon cannot be used any more (taken by another order, expired): back to the best one.
      if (typeof couponChoice === 'string' && error.code.startsWith('coupon_')) {
        void Taro.showToast({ title: error.message, icon: 'none' });
        setCouponChoice(undefined);
        return;
      }
      setPreviewError(error.message);
    } finally {
      if (ticket === previewTicket.current) setPreviewing(false);
    }
  }, [items, address?.id, pointsToUse, usePoints, couponChoice]);

  useEffect(() => {
    void runPreview();
  }, [runPreview]);

  // What is being ordered changed: the next submit is a new attempt with a new key.
  // biome-ignore lint/correctness/useExhaustiveDependencies: these are the order's contents.
  useEffect(() => {
    attemptKey.current = null;
  }, [address?.id, pointsToUse, remark, couponChoice]);

  useEffect(() => {
    saveCheckoutDraft(params.items, { usePoints, remark });
  }, [params.items, usePoints, remark]);

  const pickAddress = () => {
    void Taro.navigateTo({ url: `${PAGES.addresses}?select=1` });
  };

  const submit = async () => {
    if (submitting) return;
    if (!address) {
      void Taro.showToast({ title: '请先添加收货地址', icon: 'none' });
      pickAddress();
      return;
    }
    if (!preview) return;
    attemptKey.current ??= newIdempotencyKey();
    const key = attemptKey.current;
    setSubmitting(true);
    try {
      const order = await placeOrder(
        {
          items,
          addressId: address.id,
          remark,
          pointsToUse: pointsToUse || undefined,
          fromCart,
          couponId: preview.couponId,
        },
        key,
      );
      attemptKey.current = null;
      clearCheckoutDraft();
      const next = order.status === 'pending_payment' ? payUrl(order.id) : orderUrl(order.id);
      void Taro.redirectTo({ url: next });
    } catch (caught) {
      const error = caught as ApiError;
      // Network trouble or a server fault: the order may exist, so a retry must carry the same key.
      const uncertain = error.status === 0 || error.status >= 500;
      if (!uncertain) {
        attemptKey.current = null;
        if (error.status === 409) void runPreview();
      }
    } finally {
      setSubmitting(false);
    }
  };

  if (items.length === 0) {
    return (
      <View className="page checkout">
        <EmptyState
          mark="单"
          title="没有要结算的商品"
          description="从购物车或商品页选择商品后再来结算。"
          actionText="去购物车"
          onAction={() => void Taro.switchTab({ url: PAGES.cart })}
        />
      </View>
    );
  }

  if (!preview) {
    return (
      <View className="page checkout">
        {previewError ? (
          <ErrorState
            title="暂时无法结算"
            message={previewError}
            onRetry={() => void runPreview()}
            retrying={previewing}
          />
        ) : (
          <LoadingState variant="spinner" text="正在计算价格…" />
        )}
      </View>
    );
  }

  const canUsePoints = preview.maxPointsUsable > 0 || usePoints;

  return (
    <View className="page checkout">
      {addressesLoaded ? <AddressCard address={address} onPick={pickAddress} /> : <LoadingState rows={1} />}

      <View className="shop-panel checkout-lines">
        {preview.items.map((line) => (
          <View key={line.skuId} className="shop-line checkout-line">
            <Picture className="shop-line__image" src={line.image} mode="aspectFill" />
            <View className="shop-line__body">
              <Text className="shop-line__title">{line.title}</Text>
              <Text className="shop-line__specs">{line.specsText}</Text>
              <View className="shop-line__foot">
                {line.pointsCost > 0 ? (
                  <Text className="checkout-line__points">{`${line.pointsCost} 积分${
                    line.lineTotal > 0 ? ` + ${formatFen(line.lineTotal)}` : ''
                  }`}</Text>
                ) : (
                  <Price fen={line.unitPrice} listFen={line.listPrice} size="sm" />
                )}
                <Text className="shop-line__qty">{`×${line.qty}`}</Text>
              </View>
            </View>
          </View>
        ))}
      </View>

      <View className="shop-panel checkout-options">
        <CouponPicker
          options={preview.coupons}
          chosenId={preview.couponId}
          discount={preview.amounts.couponDiscount}
          disabled={previewing}
          onChoose={setCouponChoice}
        />
        <View className="shop-row checkout-points">
          <View className="checkout-points__text">
            <Text className="checkout-points__title">积分抵扣</Text>
            <Text className="shop-muted">
              {canUsePoints
                ? `可用 ${usePoints ? maxPoints : preview.maxPointsUsable} 积分（余额 ${preview.pointsBalance}）`
                : `积分余额 ${preview.pointsBalance}，本单暂不可抵扣`}
            </Text>
          </View>
          <Switch
            className="checkout-points__switch"
            checked={usePoints}
            disabled={!canUsePoints || previewing}
            color="#1f3a2e"
            onChange={(event) => setUsePoints(Boolean(event.detail.value))}
          />
        </View>
        <View className="shop-row checkout-remark">
          <Text>备注</Text>
          <Input
            className="checkout-remark__input"
            value={remark}
            maxlength={200}
            placeholder="选填，如希望的送达时间"
            onInput={(event) => setRemark(event.detail.value)}
          />
        </View>
      </View>

      <View className={`shop-panel checkout-breakdown ${previewing ? 'checkout-breakdown--stale' : ''}`}>
        {preview.breakdown.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the server's lines, in its order, replaced as a whole.
          <BreakdownRow key={`${line.kind}-${index}`} line={line} />
        ))}
      </View>

      <View className="shop-bottom-spacer" />
      <View className="shop-bottom-bar checkout-bar">
        <View className="checkout-bar__total">
          <Text className="checkout-bar__label">实付款</Text>
          <Price fen={preview.amounts.payable} size="lg" />
          {preview.amounts.pointsCost > 0 ? (
            <Text className="checkout-bar__points">{`+ ${preview.amounts.pointsCost} 积分`}</Text>
          ) : null}
        </View>
        <Button
          variant="primary"
          size="lg"
          loading={submitting}
          disabled={previewing}
          className="checkout-submit"
          onClick={() => void submit()}
        >
          提交订单
        </Button>
      </View>
    </View>
  );
}
