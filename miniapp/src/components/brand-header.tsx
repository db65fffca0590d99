import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { BRAND } from '../brand';
import './brand-header.scss';

export interface BrandHeaderProps {
  /** The page's own title under the brand line; the brand name alone when omitted. */
  title?: string;
  subtitle?: string;
  children?: ReactNode;
  className?: string;
}

/** The ink-green band at the top of the tab pages: brand name in serif, a gold rule, the page's title. */
export function BrandHeader({ title, subtitle = BRAND.slogan, children, className }: BrandHeaderProps) {
  return (
    <View className={`sy-brand-header ${className ?? ''}`.trim()}>
      <View className="sy-brand-header__line">
        <Text className="sy-brand-header__brand">{BRAND.name}</Text>
        <View className="sy-brand-header__rule" />
        <Text className="sy-brand-header__kicker">会员商城</Text>
      </View>
      {title ? <Text className="sy-brand-header__title">{title}</Text> : null}
      {subtitle ? <Text className="sy-brand-header__subtitle">{subtitle}</Text> : null}
      {children ? <View className="sy-brand-header__extra">{children}</View> : null}
    </View>
  );
}
