import { formatFen } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import './price.scss';

export interface PriceProps {
  /** The amount in fen (分): 1280 is ¥12.80. */
  fen: number;
  /** The list price in fen, struck through beside the price when higher than it. */
  listFen?: number;
  size?: 'sm' | 'md' | 'lg';
  className?: string;
}

interface PriceParts {
  sign: string;
  yuan: string;
  decimals: string;
}

/** "¥12.80" → { sign: '', yuan: '12', decimals: '.80' }; formatting itself stays in @siyu/shared. */
export function priceParts(fen: number): PriceParts {
  const text = formatFen(fen);
  const match = /^(-?)¥(\d+)(\.\d+)?$/.exec(text);
  return { sign: match?.[1] ?? '', yuan: match?.[2] ?? text, decimals: match?.[3] ?? '' };
}

export function Price({ fen, listFen, size = 'md', className }: PriceProps) {
  const parts = priceParts(fen);
  return (
    <View className={`sy-price sy-price--${size} ${className ?? ''}`.trim()}>
      <Text className="sy-price__now">
        <Text className="sy-price__symbol">{`${parts.sign}¥`}</Text>
        <Text className="sy-price__yuan">{parts.yuan}</Text>
        <Text className="sy-price__decimals">{parts.decimals}</Text>
      </Text>
      {listFen !== undefined && listFen > fen ? <Text className="sy-price__list">{formatFen(listFen)}</Text> : null}
    </View>
  );
}
