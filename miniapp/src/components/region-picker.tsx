import { Picker, Text, View } from '@tarojs/components';
import { useMemo, useState } from 'react';
import { regions } from '../shop/regions';
import './region-picker.scss';

export interface Region {
  province: string;
  city: string;
  district: string;
}

export interface RegionPickerProps {
  value: Region;
  onChange: (region: Region) => void;
  className?: string;
}

/** Column indices for a region, falling back to the first entry of any column the dataset does not know. */
export function regionIndices(value: Region): [number, number, number] {
  const all = regions();
  const p = Math.max(
    0,
    all.findIndex((province) => province.name === value.province),
  );
  const cities = all[p]?.cities ?? [];
  const c = Math.max(
    0,
    cities.findIndex((city) => city.name === value.city),
  );
  const d = Math.max(0, cities[c]?.districts.indexOf(value.district) ?? 0);
  return [p, c, d];
}

function columnsFor([p, c]: [number, number, number]): string[][] {
  const all = regions();
  const cities = all[p]?.cities ?? [];
  return [all.map((province) => province.name), cities.map((city) => city.name), cities[c]?.districts ?? []];
}

/**
 * 省 / 市 / 区 in one three-column picker from the dataset shipped with the storefront (shop/regions.ts), so an
 * address always names a real region and nothing is typed or fetched.
 */
export function RegionPicker({ value, onChange, className }: RegionPickerProps) {
  const [indices, setIndices] = useState<[number, number, number]>(() => regionIndices(value));
  const columns = useMemo(() => columnsFor(indices), [indices]);
  const chosen = value.province && value.city && value.district;

  return (
    <Picker
      mode="multiSelector"
      range={columns}
      value={indices}
      onColumnChange={(event) => {
        const { column, value: row } = event.detail as { column: number; value: number };
        setIndices((current) => {
          if (column === 0) return [row, 0, 0];
          if (column === 1) return [current[0], row, 0];
          return [current[0], current[1], row];
        });
      }}
      onChange={(event) => {
        const picked = (event.detail.value as number[]).map(Number) as [number, number, number];
        const all = regions();
        const province = all[picked[0]] ?? all[0];
        const city = province?.cities[picked[1]] ?? province?.cities[0];
        const district = city?.districts[picked[2]] ?? city?.districts[0] ?? '';
        setIndices(picked);
        if (province && city) onChange({ province: province.name, city: city.name, district });
      }}
    >
      <View className={`sy-region ${className ?? ''}`}>
        <Text className={`sy-region__text ${chosen ? '' : 'sy-region__text--empty'}`}>
          {chosen ? `${value.province} ${value.city} ${value.district}` : '选择省 / 市 / 区'}
        </Text>
        <View className="sy-cell__arrow" />
      </View>
    </Picker>
  );
}
