import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Price, priceParts } from '../src/components/price';

describe('Price', () => {
  it('shows fen as yuan with the decimals set apart: 1280 → ¥12.80', () => {
    const { container } = render(<Price fen={1280} />);
    expect(container.querySelector('.sy-price__symbol')?.textContent).toBe('¥');
    expect(container.querySelector('.sy-price__yuan')?.textContent).toBe('12');
    expect(container.querySelector('.sy-price__decimals')?.textContent).toBe('.80');
    expect(container.querySelector('.sy-price__now')?.textContent).toBe('¥12.80');
  });

  it('never loses a fen to float arithmetic: 5 → ¥0.05, 1999999 → ¥19999.99', () => {
    expect(priceParts(5)).toEqual({ sign: '', yuan: '0', decimals: '.05' });
    expect(priceParts(1_999_999)).toEqual({ sign: '', yuan: '19999', decimals: '.99' });
    expect(priceParts(0)).toEqual({ sign: '', yuan: '0', decimals: '.00' });
  });

  it('strikes through the list price only when it is higher than the price', () => {
    const { container, rerender } = render(<Price fen={1280} listFen={1680} />);
    expect(container.querySelector('.sy-price__list')?.textContent).toBe('¥16.80');
    rerender(<Price fen={1280} listFen={1280} />);
    expect(container.querySelector('.sy-price__list')).toBeNull();
  });

  it('refuses fractional fen instead of showing a wrong price', () => {
    expect(() => priceParts(12.5)).toThrow(RangeError);
  });
});
