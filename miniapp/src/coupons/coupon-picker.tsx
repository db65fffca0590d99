/** 结算's 优惠券 row and its sheet: every coupon with what it saves here, or why it cannot be used. */
import { type CouponOption, formatFen, formatShopTime } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { BottomSheet } from '../components';
import './coupons.scss';

export interface CouponPickerProps {
  options: CouponOption[];
  /** The coupon the preview applied (null: none). */
  chosenId: string | null;
  /** The saving of the applied coupon, from the preview's amounts. */
  discount: number;
  disabled?: boolean;
  onChoose: (couponId: string | null) => void;
}

export function CouponPicker({ options, chosenId, discount, disabled, onChoose }: CouponPickerProps) {
  const [open, setOpen] = useState(false);
  const usable = options.filter((option) => option.usable);
  const unusable = options.filter((option) => !option.usable);
  const value = chosenId
    ? `-${formatFen(discount)}`
    : usable.length > 0
      ? `${usable.length} 张可用`
      : options.length > 0
        ? '暂无可用'
        : '无优惠券';
  const choose = (couponId: string | null) => {
    setOpen(false);
    if (couponId !== chosenId) onChoose(couponId);
  };
  return (
    <>
      <View
        className="shop-row coupon-row checkout-coupon"
        onClick={() => !disabled && options.length > 0 && setOpen(true)}
      >
        <Text className="coupon-row__label">优惠券</Text>
        <Text className={`coupon-row__value ${chosenId ? '' : 'coupon-row__value--muted'}`}>{value}</Text>
        {options.length > 0 ? <View className="sy-cell__arrow" /> : null}
      </View>
      <BottomSheet open={open} title="选择优惠券" onClose={() => setOpen(false)} className="coupon-sheet coupon-picker">
        <View
          className={`coupon-sheet__none ${chosenId === null ? 'coupon-sheet__none--selected' : ''}`}
          onClick={() => choose(null)}
        >
          <Text>不使用优惠券</Text>
          {chosenId === null ? <Text className="coupon-sheet__tick">✓</Text> : null}
        </View>
        {usable.length > 0 ? <Text className="coupon-sheet__section">{`可用优惠券（${usable.length}）`}</Text> : null}
        {usable.map((option) => (
          <OptionTicket key={option.couponId} option={option} selected={option.couponId === chosenId} onPick={choose} />
        ))}
        {unusable.length > 0 ? (
          <Text className="coupon-sheet__section">{`不可用优惠券（${unusable.length}）`}</Text>
        ) : null}
        {unusable.map((option) => (
          <OptionTicket key={option.couponId} option={option} selected={false} />
        ))}
      </BottomSheet>
    </>
  );
}

function OptionTicket({
  option,
  selected,
  onPick,
}: {
  option: CouponOption;
  selected: boolean;
  onPick?: (couponId: string) => void;
}) {
  const note = option.usable
    ? option.saving > 0
      ? `本单可省 ${formatFen(option.saving)}`
      : '本单不如不用划算'
    : (option.reasonText ?? '不可用');
  return (
    <View
      className={`coupon-option ${option.usable ? 'coupon-option--usable' : 'coupon-option--unusable'} ${
        selected ? 'coupon-option--selected' : ''
      }`}
      onClick={() => option.usable && onPick?.(option.couponId)}
    >
      <View
        className={`coupon-ticket ${option.usable ? '' : 'coupon-ticket--dimmed'} ${selected ? 'coupon-ticket--selected' : ''}`}
      >
        <View className="coupon-ticket__stub">
          <Text className="coupon-ticket__number coupon-option__title">{option.title}</Text>
        </View>
        <View className="coupon-ticket__body">
          <Text className="coupon-ticket__name">{option.name}</Text>
          <Text className="coupon-ticket__meta">{`${formatShopTime(option.validUntil, 'YYYY.MM.DD HH:mm')} 到期`}</Text>
          <Text className="coupon-ticket__note">{note}</Text>
        </View>
        {selected ? <Text className="coupon-sheet__tick coupon-option__tick">✓</Text> : null}
      </View>
    </View>
  );
}
