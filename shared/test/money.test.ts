import { describe, expect, it } from 'vitest';
import { fenToYuanText, formatFen, percentOf, tierAtLeast, yuanTextToFen } from '../src';

describe('money in fen', () => {
  it('formats fen as yuan text without float arithmetic', () => {
    expect(fenToYuanText(1280)).toBe('12.80');
    expect(fenToYuanText(5)).toBe('0.05');
    expect(formatFen(-50)).toBe('-¥0.50');
    expect(formatFen(1200, { compact: true })).toBe('¥12');
    expect(formatFen(1210, { compact: true })).toBe('¥12.10');
  });

  it('parses yuan text exactly, where parseFloat would not (0.1 + 0.2)', () => {
    expect(yuanTextToFen('19.9')).toBe(1990);
    expect(yuanTextToFen('0.07')).toBe(7);
    expect(yuanTextToFen('1234')).toBe(123400);
    expect(() => yuanTextToFen('1.234')).toThrow();
    expect(() => yuanTextToFen('abc')).toThrow();
  });

  it('refuses fractional fen', () => {
    expect(() => formatFen(12.5)).toThrow(RangeError);
  });

  it('applies a percentage rounding half up to whole fen', () => {
    expect(percentOf(1999, 95)).toBe(1899); // 1899.05
    expect(percentOf(10, 95)).toBe(10); // 9.5 → 10
    expect(percentOf(0, 80)).toBe(0);
    expect(() => percentOf(100, 101)).toThrow();
  });
});

describe('tiers', () => {
  it('orders regular < silver < gold < black', () => {
    expect(tierAtLeast('gold', 'silver')).toBe(true);
    expect(tierAtLeast('silver', 'gold')).toBe(false);
    expect(tierAtLeast('black', 'black')).toBe(true);
  });
});
