/** API answers for the membership pages, shaped like the shared schemas (checked by the client on arrival). */
import type {
  MemberView,
  StoreCheckins,
  StoreInvite,
  StoreMembership,
  StorePointsPage,
  StoreReviewSubmission,
  StoreTask,
} from '@siyu/shared';
import { saveMember, saveTokens } from '../src/api/session';
import type { FakeRequest, FakeResponse } from './fake-taro';

export const member: MemberView = {
  id: 'm1',
  memberNo: 'SY00000007',
  nickname: '小满',
  avatarUrl: '',
  birthday: null,
  gender: 'unknown',
  phone: null,
  tier: 'silver',
  inviteCode: 'INVITE07',
  marketplaces: [],
  createdAt: '2026-11-22T01:00:00.000Z',
};

export function signIn(): void {
  saveTokens({ accessToken: 'access-1', refreshToken: 'refresh-1-0123456789abc', expiresIn: 900 });
  saveMember(member);
}

export const silverMembership: StoreMembership = {
  tier: { code: 'silver', name: '银卡' },
  growth: 760,
  lifetimeGrowth: 1320,
  tierSince: '2026-03-01T02:00:00.000Z',
  reviewAt: '2027-03-01T02:00:00.000Z',
  next: { code: 'gold', name: '金卡', growthThreshold: 2000, growthNeeded: 1240 },
  benefits: {
    now: ['全场 98 折', '满 ¥69 包邮', '积分 1.2 倍', '生日礼 100 积分'],
    next: ['全场 95 折', '全场包邮', '积分 1.5 倍', '生日礼 200 积分'],
  },
  privateProductsNote: '升级金卡即可解锁更多会员专享商品',
};

export const blackMembership: StoreMembership = {
  tier: { code: 'black', name: '黑金' },
  growth: 9100,
  lifetimeGrowth: 15000,
  tierSince: '2026-01-01T02:00:00.000Z',
  reviewAt: '2027-01-01T02:00:00.000Z',
  next: null,
  benefits: { now: ['全场 9 折', '全场包邮', '积分 2 倍', '生日礼 500 积分'], next: null },
  privateProductsNote: '',
};

export function pointsPage(overrides: Partial<StorePointsPage> = {}): StorePointsPage {
  return {
    balance: 1280,
    expiringSoon: { amount: 120, at: '2027-12-31T15:59:59.999Z' },
    page: 1,
    pageSize: 1,
    total: 3,
    items: [],
    ...overrides,
  };
}

export function checkins(overrides: Partial<StoreCheckins> = {}): StoreCheckins {
  return {
    month: '2026-11',
    days: ['2026-11-20', '2026-11-21'],
    streak: 2,
    checkedInToday: false,
    bonusEvery: 7,
    bonusPoints: 20,
    ...overrides,
  };
}

const checkinTask: StoreTask = {
  code: 'daily-checkin',
  title: '每日签到',
  description: '每天签到领积分，连续签到每满 7 天额外奖励',
  points: 5,
  frequency: 'daily',
  status: 'claimable',
  statusText: '今日未签到',
  action: { kind: 'claim', label: '签到' },
  progress: { streak: 2, checkedInToday: false, bonusEvery: 7, bonusPoints: 20 },
};

export function tasks(overrides: Partial<Record<StoreTask['code'], Partial<StoreTask>>> = {}): StoreTask[] {
  const list: StoreTask[] = [
    checkinTask,
    {
      code: 'complete-profile',
      title: '完善资料',
      description: '填写昵称、头像、生日并绑定手机号',
      points: 50,
      frequency: 'once',
      status: 'incomplete',
      statusText: '还需完善：头像、生日',
      action: { kind: 'navigate', label: '去完善', path: '/pages/profile/index' },
      progress: { missing: ['头像', '生日'] },
    },
    {
      code: 'first-order',
      title: '首次下单',
      description: '完成第一笔订单（确认收货后）即得积分',
      points: 100,
      frequency: 'once',
      status: 'in_progress',
      statusText: '完成首单后自动发放',
      action: { kind: 'navigate', label: '去逛逛', path: '/pages/home/index' },
    },
    {
      code: 'invite-friend',
      title: '邀请好友',
      description: '好友通过你的邀请码注册并完成首单，你可获得积分',
      points: 100,
      frequency: 'per_event',
      status: 'available',
      statusText: '好友注册并完成首单后自动发放',
      action: { kind: 'share', label: '去邀请', path: '/pages/invite/index' },
      progress: { rewardedThisMonth: 0, monthlyCap: 10 },
    },
    {
      code: 'review-screenshot',
      title: '晒评价截图',
      description: '在天猫、京东、抖音、小红书等平台发布购买评价后上传截图，人工审核后发放积分。',
      points: 30,
      frequency: 'per_event',
      status: 'available',
      statusText: '发布真实评价后上传截图',
      action: { kind: 'upload', label: '上传截图', path: '/pages/review-task/index' },
      progress: { pending: 0, approved: 0, monthlyCap: 5 },
    },
  ];
  return list.map((task) => ({ ...task, ...(overrides[task.code] ?? {}) }));
}

export const invite: StoreInvite = {
  code: 'ZEG7T9UP',
  link: '/pages/home/index?invite=ZEG7T9UP',
  invitedCount: 3,
  rewardedCount: 1,
  pointsPerInvite: 100,
  monthlyCap: 10,
};

export function submission(overrides: Partial<StoreReviewSubmission> = {}): StoreReviewSubmission {
  return {
    id: 's1',
    platform: 'tmall',
    orderRef: 'TM20261101',
    imageUrl: '/api/uploads/s1.png',
    status: 'pending',
    rejectReason: null,
    pointsAwarded: 0,
    createdAt: '2026-11-20T06:00:00.000Z',
    reviewedAt: null,
    ...overrides,
  };
}

export function error(statusCode: number, code: string, message: string): FakeResponse {
  return { statusCode, data: { error: { code, message } } };
}

/** Routes fake requests by method and path (query ignored): `'GET /api/me/points'`. */
export function routes(table: Record<string, (request: FakeRequest) => FakeResponse>) {
  return (request: FakeRequest): FakeResponse => {
    const key = `${request.method ?? 'GET'} ${request.url.split('?')[0]}`;
    const handler = table[key];
    return handler ? handler(request) : { statusCode: 404, data: { error: { code: 'not_found', message: key } } };
  };
}

export function ok(data: unknown): () => FakeResponse {
  return () => ({ statusCode: 200, data });
}
