import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './cell.scss';

export interface CellProps {
  title: string;
  /** Shown on the right; a node for buttons or badges. */
  value?: ReactNode;
  /** Shown under the title in small type. */
  label?: string;
  arrow?: boolean;
  onClick?: () => void;
  className?: string;
}

export function Cell({ title, value, label, arrow = false, onClick, className }: CellProps) {
  return (
    <View
      className={`sy-cell ${onClick ? 'sy-cell--link' : ''} ${className ?? ''}`.trim()}
      hoverClass={onClick ? 'sy-cell--pressed' : 'none'}
      onClick={onClick}
    >
      <View className="sy-cell__main">
        <Text className="sy-cell__title">{title}</Text>
        {label ? <Text className="sy-cell__label">{label}</Text> : null}
      </View>
      {value !== undefined ? (
        <View className="sy-cell__value">{typeof value === 'string' ? <Text>{value}</Text> : value}</View>
      ) : null}
      {arrow ? <View className="sy-cell__arrow" /> : null}
    </View>
  );
}

export interface CellGroupProps {
  title?: string;
  children: ReactNode;
  className?: string;
}

export function CellGroup({ title, children, className }: CellGroupProps) {
  return (
    <View className={`sy-cell-group ${className ?? ''}`.trim()}>
      {title ? <Text className="sy-cell-group__title">{title}</Text> : null}
      <View className="sy-cell-group__body">{children}</View>
    </View>
  );
}
