import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ProductCard } from '../src/components/product-card';
import { lockedCard, openCard } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));

describe('ProductCard', () => {
  it('shows the viewer price from the API, the struck list price and the member-price hint', () => {
    const { container } = render(<ProductCard product={openCard} />);
    expect(container.querySelector('.product-card__title')?.textContent).toBe('西湖龙井 · 明前特级');
    expect(container.querySelector('.sy-price__now')?.textContent).toBe('¥121.60');
    expect(container.querySelector('.sy-price__list')?.textContent).toBe('¥128.00');
    expect(container.querySelector('.product-card__member-hint')?.textContent).toBe('金卡价 ¥110');
    expect(container.querySelector('.product-card__image')).toBeTruthy();
  });

  it('does not strike a list price equal to the price, nor hint a member price that is not lower', () => {
    const { container } = render(
      <ProductCard
        product={{ ...openCard, price: 9800, listPrice: 9800, memberPriceFrom: { tier: 'gold', price: 16800 } }}
      />,
    );
    expect(container.querySelector('.sy-price__now')?.textContent).toBe('¥98.00');
    expect(container.querySelector('.sy-price__list')).toBeNull();
    expect(container.querySelector('.product-card__member-hint')).toBeNull();
  });

  it('shows a locked teaser with a lock and the unlock text, and no price', () => {
    const onOpen = vi.fn();
    const { container } = render(<ProductCard product={lockedCard} onOpen={onOpen} />);
    const card = container.querySelector('.product-card') as HTMLElement;
    expect(card.className).toContain('product-card--locked');
    expect(container.querySelector('.sy-lock')).toBeTruthy();
    expect(container.querySelector('.product-card__unlock-text')?.textContent).toBe('升级到金卡解锁');
    expect(container.querySelector('.sy-price')).toBeNull();
    fireEvent.click(card);
    expect(onOpen).toHaveBeenCalledWith(lockedCard);
  });

  it('shows points-mall items in points, with cash when there is any', () => {
    const { container, rerender } = render(<ProductCard product={{ ...openCard, pointsPrice: 2000, price: 0 }} />);
    expect(container.querySelector('.product-card__points')?.textContent).toBe('2000 积分');
    rerender(<ProductCard product={{ ...openCard, pointsPrice: 800, price: 990 }} />);
    expect(container.querySelector('.product-card__points')?.textContent).toBe('800 积分 + ¥9.90');
  });
});
