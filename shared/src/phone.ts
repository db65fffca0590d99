/**
 * The one mobile-number rule the storefront and the server share. A shopper pastes numbers as WeChat and
 * contacts show them: `+86 138 0013 8000`, `138-0013-8000`, `(+86)13800138000`, `0086 13800138000`. These
 * all mean 13800138000; anything that is not then 11 digits starting 1[3-9] is refused with the same words on
 * the page and from the API.
 */
import { z } from 'zod';

export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
export const PHONE_MISSING = '请填写手机号';
export const PHONE_INVALID = '请输入正确的手机号';

/** Strips spaces, dashes, dots and brackets, and a leading +86 / 0086 / 86 country code. */
export function normalizeMobile(input: string): string {
  const digits = input.replace(/[\s\-.()（）\u00a0\u3000]/g, '');
  const national = digits.replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
  return national;
}

/** What is wrong with a typed or pasted number, or null when it is a mainland mobile number. */
export function mobileProblem(input: string): string | null {
  const phone = normalizeMobile(input);
  if (!phone) return PHONE_MISSING;
  return MAINLAND_MOBILE.test(phone) ? null : PHONE_INVALID;
}

/** Request field: accepts what a shopper pastes, stores the bare 11 digits. */
export const MobileInputSchema = z
  .string()
  .transform(normalizeMobile)
  .pipe(z.string().regex(MAINLAND_MOBILE, PHONE_INVALID));
