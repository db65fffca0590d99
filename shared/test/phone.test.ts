import { describe, expect, it } from 'vitest';
import { MobileInputSchema, mobileProblem, normalizeMobile } from '../src/phone';

describe('the one mobile-number rule (page and server)', () => {
  it('reads pasted numbers the way a shopper means them', () => {
    for (const pasted of [
      '13800138000',
      '+86 138 0013 8000',
      '+8613800138000',
      '0086 13800138000',
      '86 13800138000',
      '138-0013-8000',
      '(+86) 138 0013 8000',
      ' 138 0013 8000 ',
    ]) {
      expect(normalizeMobile(pasted)).toBe('13800138000');
      expect(mobileProblem(pasted)).toBeNull();
      expect(MobileInputSchema.parse(pasted)).toBe('13800138000');
    }
  });

  it('refuses what is not a mainland mobile number, with the same words everywhere', () => {
    for (const wrong of ['12800138000', '1380013800', '138001380001', '02188888888', 'abc']) {
      expect(mobileProblem(wrong)).toBe('请输入正确的手机号');
      expect(MobileInputSchema.safeParse(wrong).success).toBe(false);
    }
    expect(mobileProblem('  ')).toBe('请填写手机号');
  });
});
