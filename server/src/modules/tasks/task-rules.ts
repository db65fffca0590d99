/** The task module's plain rules and shapes, shared by its services. */
import { dayjs, SHOP_TIMEZONE, type StoreReviewSubmission, type StoreTask, type TaskCode } from '@siyu/shared';
import type { MemberDoc } from '../identity/member.model';
import type { ReviewSubmissionDoc } from './tasks.model';

export const CACHE_MS = 5000;
export const REVIEW_DUPLICATE_REASON = '该平台订单的评价已获得过积分（重复提交）';

export interface TaskSettings {
  code: TaskCode;
  title: string;
  description: string;
  points: number;
  frequency: StoreTask['frequency'];
  monthlyCap: number | null;
  enabled: boolean;
  streakBonusPoints: number | null;
  followCode: string | null;
  updatedAt: Date | null;
}

export const sourceType = (code: TaskCode) => `task:${code}`;
export const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
export const monthStart = (now: Date) => dayjs(now).tz(SHOP_TIMEZONE).startOf('month').toDate();
export const normalizeFollowCode = (code: string) => code.trim().toUpperCase();

/** What is still missing before complete-profile can be claimed (in the shopper's words). */
export function missingProfileFields(member: Pick<MemberDoc, 'nickname' | 'avatarUrl' | 'birthday' | 'phone'>) {
  const missing: string[] = [];
  // WeChat's placeholder name and our generated one are not a nickname the member chose.
  if (!member.nickname || member.nickname === '微信用户' || /^会员.{4}$/.test(member.nickname)) missing.push('昵称');
  if (!member.avatarUrl) missing.push('头像');
  if (!member.birthday) missing.push('生日');
  if (!member.phone) missing.push('手机号');
  return missing;
}

export function toStoreSubmission(doc: ReviewSubmissionDoc): StoreReviewSubmission {
  return {
    id: doc._id.toString(),
    platform: doc.platform,
    orderRef: doc.orderRef,
    imageUrl: doc.imageUrl,
    status: doc.status,
    rejectReason: doc.rejectReason ?? null,
    pointsAwarded: doc.pointsAwarded ?? 0,
    createdAt: new Date(doc.createdAt).toISOString(),
    reviewedAt: iso(doc.reviewedAt),
  };
}
