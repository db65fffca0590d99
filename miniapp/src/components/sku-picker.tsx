import type { StoreSku } from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { QtyStepper } from './qty-stepper';
import './sku-picker.scss';

/** Most of one SKU a member may put in one order: stock, the per-member limit (0 = none) and the cart cap. */
export function maxQtyFor(sku: StoreSku | undefined): number {
  if (!sku) return 0;
  const limit = sku.limitPerMember > 0 ? sku.limitPerMember : 99;
  return Math.max(0, Math.min(sku.stock, limit, 99));
}

/** The first SKU that can be bought, for a sensible preselection. */
export function firstAvailableSku(skus: readonly StoreSku[]): StoreSku | undefined {
  return skus.find((sku) => sku.stock > 0) ?? skus[0];
}

export interface SkuPickerProps {
  skus: StoreSku[];
  selectedId: string | null;
  onSelect: (sku: StoreSku) => void;
  qty: number;
  onQtyChange: (qty: number) => void;
}

/** Spec buttons (sold-out ones disabled), the chosen SKU's stock and limit, and a quantity stepper. */
export function SkuPicker({ skus, selectedId, onSelect, qty, onQtyChange }: SkuPickerProps) {
  const selected = skus.find((sku) => sku.id === selectedId);
  const max = maxQtyFor(selected);
  const specName = skus[0]?.specs.map((spec) => spec.name).join(' / ') || '规格';
  return (
    <View className="sku-picker">
      <Text className="sku-picker__label">{specName}</Text>
      <View className="sku-picker__options">
        {skus.map((sku) => {
          const soldOut = sku.stock <= 0;
          const classes = [
            'sku-option',
            sku.id === selectedId ? 'sku-option--selected' : '',
            soldOut ? 'sku-option--disabled' : '',
          ]
            .filter(Boolean)
            .join(' ');
          return (
            <View
              key={sku.id}
              className={classes}
              aria-disabled={soldOut}
              onClick={() => {
                if (!soldOut) onSelect(sku);
              }}
            >
              <Text className="sku-option__text">{sku.specsText || '默认'}</Text>
              {soldOut ? <Text className="sku-option__tag">售罄</Text> : null}
            </View>
          );
        })}
      </View>
      <View className="sku-picker__qty">
        <View className="sku-picker__qty-info">
          <Text className="sku-picker__label">数量</Text>
          {selected ? (
            <Text className="sku-picker__stock">
              {selected.stock > 0 ? `库存 ${selected.stock} 件` : '已售罄'}
              {selected.limitPerMember > 0 ? ` · 限购 ${selected.limitPerMember} 件` : ''}
            </Text>
          ) : null}
        </View>
        <QtyStepper
          value={max === 0 ? 0 : Math.min(qty, max)}
          min={1}
          max={max}
          disabled={max === 0}
          onChange={onQtyChange}
          onLimit={() => {
            const text =
              selected && selected.limitPerMember > 0 && max === selected.limitPerMember
                ? `每人限购 ${selected.limitPerMember} 件`
                : `库存仅剩 ${max} 件`;
            void Taro.showToast({ title: text, icon: 'none' });
          }}
        />
      </View>
    </View>
  );
}
