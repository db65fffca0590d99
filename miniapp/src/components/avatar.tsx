import { Image, Text, View } from '@tarojs/components';
import { useState } from 'react';
import './avatar.scss';
import { Picture } from './picture';

export interface AvatarProps {
  /** Image URL; empty or broken falls back to the first character of the nickname. */
  src?: string | null;
  nickname?: string;
  size?: 'sm' | 'md' | 'lg';
  className?: string;
}

export function Avatar({ src, nickname, size = 'md', className }: AvatarProps) {
  // Remember which URL failed, so a new URL gets its own chance to load.
  const [brokenSrc, setBrokenSrc] = useState<string | null>(null);
  const broken = !!src && brokenSrc === src;
  const initial = nickname?.trim().slice(0, 1) || '茶';
  return (
    <View className={`sy-avatar sy-avatar--${size} ${className ?? ''}`.trim()}>
      {src && !broken ? (
        <Picture className="sy-avatar__image" src={src} mode="aspectFill" onError={() => setBrokenSrc(src)} />
      ) : (
        <Text className="sy-avatar__initial">{initial}</Text>
      )}
    </View>
  );
}
