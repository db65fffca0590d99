import { Text, View } from '@tarojs/components';
import { Button } from './button';
import './states.scss';

export interface EmptyStateProps {
  title: string;
  description?: string;
  /** One character shown in the seal, e.g. 茶 or 购. */
  mark?: string;
  actionText?: string;
  onAction?: () => void;
  className?: string;
}

export function EmptyState({ title, description, mark = '空', actionText, onAction, className }: EmptyStateProps) {
  return (
    <View className={`sy-state sy-state--empty ${className ?? ''}`.trim()}>
      <View className="sy-state__seal">
        <Text className="sy-state__seal-mark">{mark}</Text>
      </View>
      <Text className="sy-state__title">{title}</Text>
      {description ? <Text className="sy-state__description">{description}</Text> : null}
      {actionText && onAction ? (
        <View className="sy-state__action">
          <Button variant="outline" size="sm" onClick={onAction}>
            {actionText}
          </Button>
        </View>
      ) : null}
    </View>
  );
}
