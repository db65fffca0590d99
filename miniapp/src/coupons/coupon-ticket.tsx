/** A coupon drawn as a ticket: the amount on the left stub, what it is and until when on the right. */
import { formatFen } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './coupons.scss';

export interface TicketRule {
  kind: 'threshold' | 'percent' | 'amount';
  amountOff: number;
  threshold: number;
  percentOff: number;
  maxOff: number;
}

/** The stub: "¥10" / "8.5折", and "满99可用" / "无门槛" under it. */
export function stubText(rule: TicketRule): { value: string; unit: string; condition: string } {
  const yuan = (fen: number) => formatFen(fen, { compact: true }).slice(1);
  const condition =
    rule.threshold > 0
      ? `满${yuan(rule.threshold)}可用`
      : rule.kind === 'percent' && rule.maxOff
        ? `最高减${yuan(rule.maxOff)}`
        : '无门槛';
  if (rule.kind === 'percent') return { value: String((100 - rule.percentOff) / 10), unit: '折', condition };
  return { value: yuan(rule.amountOff), unit: '¥', condition };
}

export interface CouponTicketProps {
  rule: TicketRule;
  name: string;
  /** "全场通用" / "指定分类可用". */
  scopeText: string;
  /** "领取后 7 天内有效" / "2026.12.08 23:59 到期". */
  validityText: string;
  /** Shown greyed (used, expired, cannot be used here). */
  dimmed?: boolean;
  /** A stamp over the ticket: 已使用 / 已过期 / 已领完. */
  stamp?: string;
  /** A line under the name (why it cannot be used here, or what it saves). */
  note?: string;
  action?: ReactNode;
  selected?: boolean;
  className?: string;
  onClick?: () => void;
}

export function CouponTicket(props: CouponTicketProps) {
  const stub = stubText(props.rule);
  return (
    <View
      className={`coupon-ticket ${props.dimmed ? 'coupon-ticket--dimmed' : ''} ${
        props.selected ? 'coupon-ticket--selected' : ''
      } ${props.className ?? ''}`}
      onClick={props.onClick}
    >
      <View className="coupon-ticket__stub">
        <View className="coupon-ticket__value">
          {stub.unit === '¥' ? <Text className="coupon-ticket__unit">¥</Text> : null}
          <Text className="coupon-ticket__number">{stub.value}</Text>
          {stub.unit === '折' ? <Text className="coupon-ticket__unit">折</Text> : null}
        </View>
        <Text className="coupon-ticket__condition">{stub.condition}</Text>
      </View>
      <View className="coupon-ticket__body">
        <Text className="coupon-ticket__name">{props.name}</Text>
        <Text className="coupon-ticket__meta">{props.scopeText}</Text>
        <Text className="coupon-ticket__meta">{props.validityText}</Text>
        {props.note ? <Text className="coupon-ticket__note">{props.note}</Text> : null}
      </View>
      {props.action ? <View className="coupon-ticket__action">{props.action}</View> : null}
      {props.stamp ? <Text className="coupon-ticket__stamp">{props.stamp}</Text> : null}
    </View>
  );
}
