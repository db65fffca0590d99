import { Text, View } from '@tarojs/components';
import './states.scss';

export interface LoadingStateProps {
  /** skeleton: grey bars shaped like the content; spinner: a small centred ring with a caption. */
  variant?: 'skeleton' | 'spinner';
  rows?: number;
  text?: string;
  className?: string;
}

export function LoadingState({ variant = 'skeleton', rows = 3, text = '加载中…', className }: LoadingStateProps) {
  if (variant === 'spinner') {
    return (
      <View className={`sy-state sy-state--loading ${className ?? ''}`.trim()}>
        <View className="sy-spinner" />
        <Text className="sy-state__description">{text}</Text>
      </View>
    );
  }
  const bars = Array.from({ length: rows }, (_, index) => index);
  return (
    <View className={`sy-skeleton ${className ?? ''}`.trim()} aria-busy="true">
      <View className="sy-skeleton__head">
        <View className="sy-skeleton__circle" />
        <View className="sy-skeleton__lines">
          <View className="sy-skeleton__bar sy-skeleton__bar--short" />
          <View className="sy-skeleton__bar sy-skeleton__bar--shorter" />
        </View>
      </View>
      {bars.map((bar) => (
        <View key={bar} className="sy-skeleton__bar" />
      ))}
    </View>
  );
}
