import type { GroupView } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import GroupPage from '../src/packages/groupbuy/group/index';
import { resetFakeTaro, respondWith, setPages, setRouterParams } from './fake-taro-shop';
import { signIn } from './shop-fixtures';

vi.mock('@tarojs/taro', async () => {
  const base = await import('./fake-taro-shop');
  const { vi: spy } = await import('vitest');
  Object.assign(base.default, {
    setClipboardData: spy.fn(async (_options: { data: string }) => ({ errMsg: 'setClipboardData:ok' })),
  });
  return { ...base, useShareAppMessage: () => undefined };
});

configure({ asyncUtilTimeout: 5000 });

const GROUP_ID = 'a0a0a0a0a0a0a0a0a0a0a0a0';

function group(overrides: Partial<GroupView> = {}): GroupView {
  return {
    id: GROUP_ID,
    campaignId: 'c0c0c0c0c0c0c0c0c0c0c0c0',
    status: 'open',
    statusText: '拼团中',
    failReason: null,
    product: { id: 'p0p0p0p0p0p0p0p0p0p0p0p0', title: '黄山毛峰', image: '' },
    groupPrice: 4900,
    listPrice: 6800,
    skus: [{ skuId: 'b0b0b0b0b0b0b0b0b0b0b0b0', specsText: '100g', listPrice: 6800, groupPrice: 4900 }],
    groupSize: 3,
    seatsLeft: 2,
    paidCount: 1,
    deadline: new Date(Date.now() + 3_600_000).toISOString(),
    members: [{ nickname: '团长小周', avatar: '', leader: true, paid: true }],
    newMembersOnly: false,
    viewer: { actions: ['join'], orderId: null, role: 'visitor' },
    ...overrides,
  };
}

describe('拼团 group page', () => {
  beforeEach(() => {
    resetFakeTaro();
    setPages([{ route: 'packages/groupbuy/group/index', options: { id: GROUP_ID } }]);
    setRouterParams({ id: GROUP_ID });
  });

  it('a visitor from a share sees the price, the leader, the empty seats and a countdown; joining asks for login first', async () => {
    respondWith(() => ({ statusCode: 200, data: group() }));
    const { container } = render(<GroupPage />);
    await waitFor(() => expect(screen.getByText('还差 2 人成团')).toBeTruthy());
    expect(screen.getByText('团长小周')).toBeTruthy();
    expect(container.querySelectorAll('.group-seat--empty')).toHaveLength(2);
    expect(container.querySelector('.group-status__countdown')?.textContent).toMatch(/^剩余 (\d+:)?\d{2}:\d{2}$/);
    fireEvent.click(container.querySelector('.group-join') as HTMLElement);
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalled());
    expect(vi.mocked(Taro.navigateTo).mock.calls[0]![0].url).toMatch(/^\/pages\/login\/index\?from=/);
  });

  it('the leader invites with a copyable link carrying the group and the inviter (H5), and no reward is offered', async () => {
    signIn();
    respondWith(() => ({
      statusCode: 200,
      data: group({
        viewer: { actions: ['invite', 'view_order'], orderId: 'd0d0d0d0d0d0d0d0d0d0d0d0', role: 'leader' },
      }),
    }));
    const { container } = render(<GroupPage />);
    await waitFor(() => expect(container.querySelector('.group-invite')).toBeTruthy());
    fireEvent.click(container.querySelector('.group-invite') as HTMLElement);
    await waitFor(() => expect(container.querySelector('.group-link__url')).toBeTruthy());
    expect(container.querySelector('.group-link__url')?.textContent).toMatch(
      new RegExp(`/packages/groupbuy/group/index\\?id=${GROUP_ID}&inviter=m1$`),
    );
    expect(container.textContent).not.toMatch(/积分|奖励|红包/);
  });

  it('a failed group says why its members were refunded', async () => {
    respondWith(() => ({
      statusCode: 200,
      data: group({
        status: 'failed',
        statusText: '拼团失败',
        failReason: '到时未凑满人数，已自动全额退款',
        viewer: { actions: ['open_new'], orderId: null, role: 'visitor' },
      }),
    }));
    const { container } = render(<GroupPage />);
    await waitFor(() => expect(screen.getByText('到时未凑满人数，已自动全额退款')).toBeTruthy());
    expect(container.querySelector('.group-open-new')).toBeTruthy();
  });

  it('an unknown group is an empty state; a failure to load offers a retry', async () => {
    respondWith(() => ({ statusCode: 404, data: { error: { code: 'group_not_found', message: '拼团不存在' } } }));
    const first = render(<GroupPage />);
    await waitFor(() => expect(screen.getByText('拼团不存在')).toBeTruthy());
    first.unmount();
    respondWith(() => ({ statusCode: 500, data: { error: { code: 'internal', message: '服务开小差了' } } }));
    render(<GroupPage />);
    await waitFor(() => expect(screen.getByText('重新加载')).toBeTruthy());
  });
});
