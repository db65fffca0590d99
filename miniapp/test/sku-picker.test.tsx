import Taro from '@tarojs/taro';
import { fireEvent, render } from '@testing-library/react';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { maxQtyFor, SkuPicker } from '../src/components/sku-picker';
import { resetFakeTaro } from './fake-taro-shop';
import { ids, sku } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

const skus = [
  sku({ id: ids.sku50, specsText: '50g', stock: 10, limitPerMember: 2 }),
  sku({ id: ids.sku100, specs: [{ name: '规格', value: '100g' }], specsText: '100g', stock: 3 }),
  sku({ id: ids.skuSoldOut, specs: [{ name: '规格', value: '250g' }], specsText: '250g', stock: 0 }),
];

function Harness({ onSelect }: { onSelect?: (id: string) => void }) {
  const [selected, setSelected] = useState(ids.sku50);
  const [qty, setQty] = useState(1);
  return (
    <SkuPicker
      skus={skus}
      selectedId={selected}
      onSelect={(next) => {
        setSelected(next.id);
        onSelect?.(next.id);
      }}
      qty={qty}
      onQtyChange={setQty}
    />
  );
}

const options = (container: HTMLElement) => Array.from(container.querySelectorAll<HTMLElement>('.sku-option'));
const value = (container: HTMLElement) => container.querySelector('.qty-stepper__value')?.textContent;
const plus = (container: HTMLElement) => fireEvent.click(container.querySelector('.qty-stepper__plus') as HTMLElement);

describe('SkuPicker', () => {
  beforeEach(() => resetFakeTaro());

  it('disables a sold-out SKU: marked 售罄 and a tap does not select it', () => {
    const onSelect = vi.fn();
    const { container } = render(<Harness onSelect={onSelect} />);
    const [first, second, soldOut] = options(container);
    expect(first?.className).toContain('sku-option--selected');
    expect(soldOut?.className).toContain('sku-option--disabled');
    expect(soldOut?.getAttribute('aria-disabled')).toBe('true');
    expect(soldOut?.textContent).toContain('售罄');
    fireEvent.click(soldOut as HTMLElement);
    expect(onSelect).not.toHaveBeenCalled();
    fireEvent.click(second as HTMLElement);
    expect(onSelect).toHaveBeenCalledWith(ids.sku100);
  });

  it('respects 限购: the stepper stops at the per-member limit and says why', () => {
    const { container } = render(<Harness />);
    expect(container.textContent).toContain('限购 2 件');
    plus(container);
    expect(value(container)).toBe('2');
    plus(container);
    expect(value(container)).toBe('2');
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '每人限购 2 件' }));
  });

  it('stops at the stock when it is lower than any limit', () => {
    const { container } = render(<Harness />);
    fireEvent.click(options(container)[1] as HTMLElement);
    expect(container.textContent).toContain('库存 3 件');
    for (let i = 0; i < 5; i += 1) plus(container);
    expect(value(container)).toBe('3');
  });

  it('maxQtyFor: stock, limit and the cart cap', () => {
    expect(maxQtyFor(sku({ stock: 0, limitPerMember: 5 }))).toBe(0);
    expect(maxQtyFor(sku({ stock: 500, limitPerMember: 0 }))).toBe(99);
    expect(maxQtyFor(sku({ stock: 500, limitPerMember: 4 }))).toBe(4);
    expect(maxQtyFor(undefined)).toBe(0);
  });
});
