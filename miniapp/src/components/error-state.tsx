import { Text, View } from '@tarojs/components';
import { Button } from './button';
import './states.scss';

export interface ErrorStateProps {
  /** What went wrong, in the shopper's words (an ApiError's message is already that). */
  message?: string;
  title?: string;
  onRetry?: () => void;
  retrying?: boolean;
  className?: string;
}

export function ErrorState({
  message = '网络不给力，请稍后重试',
  title = '加载失败',
  onRetry,
  retrying = false,
  className,
}: ErrorStateProps) {
  return (
    <View className={`sy-state sy-state--error ${className ?? ''}`.trim()}>
      <View className="sy-state__seal sy-state__seal--error">
        <Text className="sy-state__seal-mark">歇</Text>
      </View>
      <Text className="sy-state__title">{title}</Text>
      <Text className="sy-state__description">{message}</Text>
      {onRetry ? (
        <View className="sy-state__action">
          <Button variant="primary" size="sm" loading={retrying} onClick={onRetry} className="sy-state__retry">
            重新加载
          </Button>
        </View>
      ) : null}
    </View>
  );
}
