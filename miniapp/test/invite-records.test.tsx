import type { StoreInvitations } from '@siyu/shared';
import { configure, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import InviteRecordsPage from '../src/packages/growth/invite-records/index';
import { resetFakeTaro, respondWith, setPages } from './fake-taro-shop';
import { signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', () => import('./fake-taro-shop'));
configure({ asyncUtilTimeout: 5000 });

const summary: StoreInvitations = {
  code: 'INVITE01',
  path: '/pages/home/index?invite=INVITE01',
  page: 'packages/growth/join/index',
  scene: 'inv=INVITE01',
  rewardPoints: 100,
  monthlyCap: 10,
  rewardedThisMonth: 1,
  invitedCount: 2,
  orderedCount: 1,
  rewardedCount: 1,
  records: [
    {
      nickname: '阿禾',
      avatarUrl: '',
      joinedAt: '2026-11-30T02:00:00.000Z',
      status: 'rewarded',
      statusText: '已获得奖励',
      rewardPoints: 100,
    },
    {
      nickname: '小暖',
      avatarUrl: '',
      joinedAt: '2026-12-01T02:00:00.000Z',
      status: 'joined',
      statusText: '已注册，待下单',
      rewardPoints: 0,
    },
  ],
};

describe('邀请记录', () => {
  beforeEach(() => {
    resetFakeTaro();
    signIn();
    setPages([{ route: 'packages/growth/invite-records/index' }]);
  });

  it('shows who joined, who ordered and the rewards', async () => {
    respondWith(() => ({ statusCode: 200, data: summary }));
    render(<InviteRecordsPage />);
    expect(await screen.findByText('阿禾')).toBeTruthy();
    expect(screen.getByText('+100 积分')).toBeTruthy();
    expect(screen.getByText('已注册，待下单')).toBeTruthy();
  });

  it('has an empty state that leads to inviting, and an error state with retry', async () => {
    respondWith(() => ({ statusCode: 200, data: { ...summary, invitedCount: 0, records: [] } }));
    const { unmount } = render(<InviteRecordsPage />);
    expect(await screen.findByText('还没有好友通过你的邀请加入')).toBeTruthy();
    unmount();
    respondWith(() => ({ statusCode: 503, data: { error: { code: 'unavailable', message: '服务暂时不可用' } } }));
    render(<InviteRecordsPage />);
    expect(await screen.findByText('服务暂时不可用')).toBeTruthy();
  });
});
