/**
 * Money is integer fen (分) everywhere: prices, discounts, shipping, payable amounts.
 * Floats never hold money; conversion to yuan happens only when text is shown to a person.
 */
import { z } from 'zod';

export type Fen = number;

/** A non-negative whole number of fen. */
export const FenSchema = z.number().int().nonnegative().max(1_000_000_000);

export function assertFen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`money must be whole fen, got ${value}`);
  return value;
}

/** 1280 → "12.80"; -50 → "-0.50". */
export function fenToYuanText(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/** 1280 → "¥12.80"; trims ".00" when `compact` is set: 1200 → "¥12". */
export function formatFen(fen: Fen, options: { compact?: boolean } = {}): string {
  const text = fenToYuanText(fen);
  const shown = options.compact && text.endsWith('.00') ? text.slice(0, -3) : text;
  return shown.startsWith('-') ? `-¥${shown.slice(1)}` : `¥${shown}`;
}

/** "12.8" → 1280. Parses decimal text exactly (no float arithmetic); at most two decimals. */
export function yuanTextToFen(text: string): Fen {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not an amount of yuan: "${text}"`);
  const [, minus, whole, decimals = ''] = match;
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  return assertFen(minus ? -fen : fen);
}

/**
 * Applies a percentage (e.g. 95 for 95%) to an amount, rounding half up to whole fen.
 * Integer arithmetic only: amount * percent is exact for any amount we allow.
 */
export function percentOf(fen: Fen, percent: number): Fen {
  assertFen(fen);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`percent must be a whole number 0..100, got ${percent}`);
  }
  return Math.floor((fen * percent + 50) / 100);
}
