import Taro from '@tarojs/taro';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { taskCta } from '../src/membership/task-cta';
import PointsPage from '../src/packages/member/points/index';
import { type FakeRequest, respondWith, setPages } from './fake-taro';
import { checkins, error, ok, pointsPage, routes, signIn, tasks } from './membership-fixtures';
import { resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

function checkinButton(container: HTMLElement): HTMLElement {
  const button = container.querySelector('.checkin-button') as HTMLElement | null;
  expect(button).toBeTruthy();
  return button!;
}

function taskItem(container: HTMLElement, code: string): HTMLElement {
  const item = container.querySelector(`.task-item[data-task="${code}"]`) as HTMLElement | null;
  expect(item, code).toBeTruthy();
  return item!;
}

function cta(container: HTMLElement, code: string): HTMLElement {
  return taskItem(container, code).querySelector('.task-item__cta') as HTMLElement;
}

describe('积分中心', () => {
  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/points/index' }]);
    // Only Date is faked: "today" in Shanghai is 2026-11-22; timers stay real for waitFor.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T04:00:00.000Z'));
    signIn();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the balance, what expires when, and the month with checked days marked and today highlighted', async () => {
    respondWith(
      routes({
        'GET /api/me/points': ok(pointsPage()),
        'GET /api/me/checkins': ok(checkins()),
        'GET /api/tasks': ok(tasks()),
      }),
    );
    const { container } = render(<PointsPage />);
    await waitFor(() => expect(container.querySelector('.points-balance')?.textContent).toBe('1280'));
    expect(screen.getByText('120 积分将于 2027-12-31 过期')).toBeTruthy();
    expect(screen.getByText('已连续签到 2 天')).toBeTruthy();
    expect(container.textContent).toContain('连续签到每满 7 天额外奖励 20 积分，再签 5 天可获得');

    const calendar = container.querySelector('.checkin-calendar') as HTMLElement;
    expect(calendar.textContent).toContain('2026年11月');
    const checked = [...calendar.querySelectorAll('.checkin-day--checked')].map((day) => day.getAttribute('data-date'));
    expect(checked).toEqual(['2026-11-20', '2026-11-21']);
    const today = calendar.querySelectorAll('.checkin-day--today');
    expect(today).toHaveLength(1);
    expect(today[0]?.getAttribute('data-date')).toBe('2026-11-22');
    expect(today[0]?.classList.contains('checkin-day--checked')).toBe(false);
    // November 2026 starts on a Sunday: six blank cells in a Monday-first week, then 30 days.
    expect(calendar.querySelectorAll('.checkin-day--blank')).toHaveLength(6);
    expect(calendar.querySelectorAll('.checkin-day[data-date]')).toHaveLength(30);

    expect(sent().find((request) => request.url.startsWith('/api/me/checkins'))?.url).toBe(
      '/api/me/checkins?month=2026-11',
    );
  });

  it('签到 claims today, announces +5 积分 and refreshes balance and calendar into 今日已签到', async () => {
    let checkedIn = false;
    respondWith(
      routes({
        'GET /api/me/points': () => ok(pointsPage({ balance: checkedIn ? 1285 : 1280 }))(),
        'GET /api/me/checkins': () =>
          ok(
            checkedIn
              ? checkins({ days: ['2026-11-20', '2026-11-21', '2026-11-22'], streak: 3, checkedInToday: true })
              : checkins(),
          )(),
        'GET /api/tasks': () =>
          ok(
            tasks({
              'daily-checkin': checkedIn ? { status: 'done', statusText: '今日已签到，已连续 3 天' } : {},
            }),
          )(),
        'POST /api/tasks/daily-checkin/claim': () => {
          checkedIn = true;
          return { statusCode: 200, data: { task: 'daily-checkin', pointsAwarded: 5, balance: 1285, streak: 3 } };
        },
      }),
    );
    const { container } = render(<PointsPage />);
    await waitFor(() => expect(checkinButton(container).textContent).toBe('签到'));
    expect(checkinButton(container).getAttribute('aria-disabled')).not.toBe('true');

    fireEvent.click(checkinButton(container));

    await waitFor(() => expect(checkinButton(container).textContent).toBe('今日已签到'));
    expect(checkinButton(container).getAttribute('aria-disabled')).toBe('true');
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('+5 积分') }));
    expect(container.querySelector('.points-balance')?.textContent).toBe('1285');
    expect(screen.getByText('已连续签到 3 天')).toBeTruthy();
    expect(container.querySelector('.checkin-day--today')?.classList.contains('checkin-day--checked')).toBe(true);
    expect(sent().filter((request) => request.url === '/api/tasks/daily-checkin/claim')).toHaveLength(1);
    expect(cta(container, 'daily-checkin').textContent).toBe('今日已签到');

    // A disabled button sends nothing more.
    fireEvent.click(checkinButton(container));
    expect(sent().filter((request) => request.url === '/api/tasks/daily-checkin/claim')).toHaveLength(1);
  });

  it('when the API says already checked in (409), tells the shopper and shows the day as done', async () => {
    let claimed = false;
    respondWith(
      routes({
        'GET /api/me/points': ok(pointsPage()),
        'GET /api/me/checkins': () =>
          ok(claimed ? checkins({ days: ['2026-11-22'], streak: 1, checkedInToday: true }) : checkins())(),
        'GET /api/tasks': ok(tasks()),
        'POST /api/tasks/daily-checkin/claim': () => {
          claimed = true;
          return error(409, 'already_checked_in', '今天已经签到过了，明天再来');
        },
      }),
    );
    const { container } = render(<PointsPage />);
    await waitFor(() => expect(checkinButton(container).textContent).toBe('签到'));
    fireEvent.click(checkinButton(container));
    await waitFor(() => expect(checkinButton(container).textContent).toBe('今日已签到'));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '今天已经签到过了，明天再来' }));
  });

  it('gives each task the call to action its status asks for', async () => {
    respondWith(
      routes({
        'GET /api/me/points': ok(pointsPage()),
        'GET /api/me/checkins': ok(checkins()),
        'GET /api/tasks': ok(
          tasks({ 'review-screenshot': { status: 'pending_review', statusText: '1 张截图审核中' } }),
        ),
      }),
    );
    const { container } = render(<PointsPage />);
    await waitFor(() => expect(container.querySelectorAll('.task-item')).toHaveLength(5));
    expect(cta(container, 'daily-checkin').textContent).toBe('去签到');
    expect(cta(container, 'complete-profile').textContent).toBe('去完善');
    expect(cta(container, 'first-order').textContent).toBe('去下单');
    expect(cta(container, 'invite-friend').textContent).toBe('邀请好友');
    expect(cta(container, 'review-screenshot').textContent).toBe('审核中');
    expect(taskItem(container, 'complete-profile').textContent).toContain('还需完善：头像、生日');

    fireEvent.click(cta(container, 'complete-profile'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/member/profile/index' });
    fireEvent.click(cta(container, 'first-order'));
    expect(Taro.switchTab).toHaveBeenLastCalledWith({ url: '/pages/home/index' });
    fireEvent.click(cta(container, 'invite-friend'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/member/invite/index' });
    fireEvent.click(cta(container, 'review-screenshot'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/member/review-task/index' });
  });

  it('a profile claim refused for missing fields says what is missing and leads to 编辑资料', async () => {
    respondWith(
      routes({
        'GET /api/me/points': ok(pointsPage()),
        'GET /api/me/checkins': ok(checkins()),
        'GET /api/tasks': ok(
          tasks({
            'complete-profile': {
              status: 'claimable',
              statusText: '资料已完善，可领取',
              action: { kind: 'claim', label: '领取' },
            },
          }),
        ),
        'POST /api/tasks/complete-profile/claim': () => error(409, 'profile_incomplete', '请先完善：手机号'),
      }),
    );
    const { container } = render(<PointsPage />);
    await waitFor(() => expect(container.querySelectorAll('.task-item')).toHaveLength(5));
    expect(cta(container, 'complete-profile').textContent).toBe('领取');
    fireEvent.click(cta(container, 'complete-profile'));
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/member/profile/index' }));
    expect(Taro.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ content: '请先完善：手机号', confirmText: '去完善' }),
    );
  });

  it('links to 积分明细 and 积分商城', async () => {
    respondWith(
      routes({
        'GET /api/me/points': ok(pointsPage()),
        'GET /api/me/checkins': ok(checkins()),
        'GET /api/tasks': ok(tasks()),
      }),
    );
    render(<PointsPage />);
    fireEvent.click(await screen.findByText('积分明细'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/member/points-history/index' });
    fireEvent.click(screen.getByText('积分商城'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/member/points-mall/index' });
  });

  it('shows an error state with retry when the center cannot load', async () => {
    let fail = true;
    respondWith(
      routes({
        'GET /api/me/points': () => (fail ? error(503, 'unavailable', '服务开小差了，请稍后重试') : ok(pointsPage())()),
        'GET /api/me/checkins': ok(checkins()),
        'GET /api/tasks': ok(tasks()),
      }),
    );
    const { container } = render(<PointsPage />);
    await screen.findByText('加载失败');
    fail = false;
    fireEvent.click(screen.getByText('重新加载'));
    await waitFor(() => expect(container.querySelector('.points-balance')?.textContent).toBe('1280'));
  });

  it('asks a guest to log in and calls no API', () => {
    resetMembershipTaro();
    render(<PointsPage />);
    expect(screen.getByText('登录后查看')).toBeTruthy();
    expect(Taro.request).not.toHaveBeenCalled();
  });
});

describe('task call to action', () => {
  it('follows the status: done and pending review before the task kind', () => {
    const [checkin, profile, order, inviteTask, review] = tasks();
    expect(taskCta(checkin!)).toEqual({ kind: 'checkin', label: '去签到' });
    expect(taskCta({ ...checkin!, status: 'done' })).toEqual({ kind: 'none', label: '今日已签到' });
    expect(taskCta(profile!)).toMatchObject({
      kind: 'navigate',
      label: '去完善',
      path: '/packages/member/profile/index',
    });
    expect(taskCta({ ...profile!, status: 'claimable' })).toEqual({ kind: 'claim', label: '领取' });
    expect(taskCta({ ...profile!, status: 'done' })).toEqual({ kind: 'none', label: '已完成' });
    expect(taskCta(order!)).toMatchObject({ kind: 'navigate', label: '去下单', path: '/pages/home/index' });
    expect(taskCta(inviteTask!)).toMatchObject({
      kind: 'navigate',
      label: '邀请好友',
      path: '/packages/member/invite/index',
    });
    expect(taskCta(review!)).toMatchObject({
      kind: 'navigate',
      label: '去上传',
      path: '/packages/member/review-task/index',
    });
    expect(taskCta({ ...review!, status: 'pending_review' })).toMatchObject({ label: '审核中' });
  });
});
