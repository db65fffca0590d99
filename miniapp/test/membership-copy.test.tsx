import type { StoreMembership } from '@siyu/shared';
import { render, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import MembershipPage, { privateProductsNote } from '../src/packages/member/membership/index';
import { respondWith, setPages } from './fake-taro';
import { ok, routes, signIn, silverMembership } from './membership-fixtures';
import { resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

const regular: StoreMembership = {
  ...silverMembership,
  tier: { code: 'regular', name: '普通会员' },
  growth: 120,
  next: { code: 'silver', name: '银卡', growthThreshold: 500, growthNeeded: 380 },
  benefits: { now: ['生日礼 50 积分'], next: ['全场 98 折', '满 ¥69 包邮', '积分 1.2 倍', '生日礼 100 积分'] },
  privateProductsNote: '升级银卡即可解锁会员专享商品',
};

describe('会员卡 copy agrees with the store', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/membership/index' }]);
    signIn();
  });

  it('a regular member is told members-only teas are already theirs (not that 银卡 unlocks them)', () => {
    expect(privateProductsNote(regular)).toBe('会员专享茶品已为你开放；升级银卡可解锁银卡专享茶品');
    expect(privateProductsNote({ ...regular, next: null })).not.toContain('升级');
  });

  it('says the tier name once on the card (no second 普通会员 badge) and shows the consistent note', async () => {
    respondWith(routes({ 'GET /api/me/membership': ok(regular) }));
    const { container } = render(<MembershipPage />);
    await waitFor(() => expect(container.querySelector('.membership-card')).toBeTruthy());
    const card = container.querySelector('.membership-card')?.textContent ?? '';
    expect(card.split('普通会员').length - 1).toBe(1);
    expect(container.textContent).not.toContain('升级银卡即可解锁会员专享商品');
    expect(container.querySelector('.benefits__note')?.textContent).toContain('会员专享茶品已为你开放');
  });
});
