import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './bottom-sheet.scss';

export interface BottomSheetProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** A bar pinned under the content (the sheet's own 确定 / 加入购物车). */
  footer?: ReactNode;
  className?: string;
}

/** A panel that rises from the bottom over a dimmed page (规格, 查看物流, consent): tap the mask or × to close. */
export function BottomSheet({ open, title, onClose, children, footer, className }: BottomSheetProps) {
  if (!open) return null;
  return (
    <View className={`sy-sheet ${className ?? ''}`} catchMove>
      <View className="sy-sheet__mask" onClick={onClose} />
      <View className="sy-sheet__panel" role="dialog" aria-label={title}>
        <View className="sy-sheet__head">
          <Text className="sy-sheet__title">{title}</Text>
          <Text className="sy-sheet__close" aria-label="关闭" onClick={onClose}>
            ×
          </Text>
        </View>
        <View className="sy-sheet__body">{children}</View>
        {footer ? <View className="sy-sheet__foot">{footer}</View> : null}
      </View>
    </View>
  );
}
