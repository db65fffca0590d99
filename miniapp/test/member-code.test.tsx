import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { saveMember, saveTokens } from '../src/api/session';
import { code128Symbols, code128Widths } from '../src/components/member-code';
import MePage from '../src/pages/me/index';
import { resetFakeTaro, respondWith, setPages } from './fake-taro';
import { member } from './membership-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro'));

describe('会员码', () => {
  beforeEach(() => resetFakeTaro());

  it('encodes the member number as Code 128 B with its mod-103 check symbol', () => {
    // "SY01": S=51, Y=57, 0=16, 1=17 → check (104 + 51 + 2·57 + 3·16 + 4·17) mod 103 = 385 mod 103 = 76.
    expect(code128Symbols('SY01')).toEqual([104, 51, 57, 16, 17, 76, 106]);
    const widths = code128Widths('SY00000007');
    // 11 modules a symbol (start, 10 characters, check) and 13 for the stop.
    expect(widths.reduce((sum, width) => sum + width, 0)).toBe(12 * 11 + 13);
  });

  it('我的 opens the member code for the till: bars drawn locally and the number under them', () => {
    saveTokens({ accessToken: 'access-1', refreshToken: 'refresh-1-0123456789abc', expiresIn: 900 });
    saveMember(member);
    setPages([{ route: 'pages/me/index' }]);
    respondWith(() => ({ statusCode: 200, data: member }));
    const { container } = render(<MePage />);
    fireEvent.click(container.querySelector('.me-member-code') as HTMLElement);
    expect(container.querySelectorAll('.member-code__bar').length).toBeGreaterThan(30);
    expect(screen.getByText('SY00 0000 07')).toBeTruthy();
  });
});
