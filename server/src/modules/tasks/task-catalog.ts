import { REVIEW_TASK_PROMISE, type TaskCode, type TaskFrequency } from '@siyu/shared';

export interface BuiltInTask {
  title: string;
  description: string;
  points: number;
  frequency: TaskFrequency;
  monthlyCap: number | null;
  enabled: boolean;
  streakBonusPoints: number | null;
}

/** Check-ins earn the streak bonus on every 7th consecutive day (7, 14, 21…). */
export const CHECKIN_BONUS_EVERY = 7;

/** Where the storefront lands an invited friend. */
export const INVITE_LANDING_PAGE = '/pages/home/index';

/**
 * The built-in tasks as a new shop gets them (seeded; also the fallback for a task never saved).
 * Following the official account for points can count as inducing a follow (诱导关注) under WeChat's
 * rules, so that task starts disabled: an operator turns it on knowingly.
 */
export const BUILT_IN_TASKS: Record<TaskCode, BuiltInTask> = {
  'daily-checkin': {
    title: '每日签到',
    description: `每天签到领积分，连续签到每满 ${CHECKIN_BONUS_EVERY} 天额外奖励`,
    points: 5,
    frequency: 'daily',
    monthlyCap: null,
    enabled: true,
    streakBonusPoints: 20,
  },
  'complete-profile': {
    title: '完善资料',
    description: '填写昵称、头像、生日并绑定手机号',
    points: 50,
    frequency: 'once',
    monthlyCap: null,
    enabled: true,
    streakBonusPoints: null,
  },
  'first-order': {
    title: '首次下单',
    description: '完成第一笔订单（确认收货后）即得积分',
    points: 100,
    frequency: 'once',
    monthlyCap: null,
    enabled: true,
    streakBonusPoints: null,
  },
  'invite-friend': {
    title: '邀请好友',
    description: '好友通过你的邀请码注册并完成首单，你可获得积分',
    points: 100,
    frequency: 'per_event',
    monthlyCap: 10,
    enabled: true,
    streakBonusPoints: null,
  },
  'review-screenshot': {
    title: '晒评价截图',
    description: `在天猫、京东、抖音、小红书等平台发布购买评价后上传截图，人工审核后发放积分。${REVIEW_TASK_PROMISE}`,
    points: 30,
    frequency: 'per_event',
    monthlyCap: 5,
    enabled: true,
    streakBonusPoints: null,
  },
  'follow-official-account': {
    title: '关注公众号',
    description: '关注品牌公众号，在公众号内获取口令，输入口令领积分',
    points: 20,
    frequency: 'once',
    monthlyCap: null,
    enabled: false,
    streakBonusPoints: null,
  },
};
