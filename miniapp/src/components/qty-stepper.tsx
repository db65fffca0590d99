import { Text, View } from '@tarojs/components';
import './qty-stepper.scss';

export interface QtyStepperProps {
  value: number;
  min?: number;
  max: number;
  disabled?: boolean;
  onChange: (value: number) => void;
  /** Called when + is pressed at the maximum (e.g. to say why: 限购 2 件). */
  onLimit?: () => void;
  className?: string;
}

export function QtyStepper({ value, min = 1, max, disabled = false, onChange, onLimit, className }: QtyStepperProps) {
  const canMinus = !disabled && value > min;
  const canPlus = !disabled && value < max;
  return (
    <View className={`qty-stepper ${disabled ? 'qty-stepper--disabled' : ''} ${className ?? ''}`.trim()}>
      <View
        className={`qty-stepper__button qty-stepper__minus ${canMinus ? '' : 'qty-stepper__button--off'}`}
        aria-disabled={!canMinus}
        onClick={(event) => {
          event.stopPropagation?.();
          if (canMinus) onChange(value - 1);
        }}
      >
        <Text>−</Text>
      </View>
      <Text className="qty-stepper__value">{value}</Text>
      <View
        className={`qty-stepper__button qty-stepper__plus ${canPlus ? '' : 'qty-stepper__button--off'}`}
        aria-disabled={!canPlus}
        onClick={(event) => {
          event.stopPropagation?.();
          if (canPlus) onChange(value + 1);
          else if (!disabled) onLimit?.();
        }}
      >
        <Text>+</Text>
      </View>
    </View>
  );
}
